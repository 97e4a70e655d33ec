from tests.access import COORDINATORS, EVERYONE

# Partner staff record activities too: tests/web/test_monitoring.py checks them route by route.
PAGES = {
    "/monitoring/": EVERYONE,
    "/monitoring/activities": COORDINATORS,
}
