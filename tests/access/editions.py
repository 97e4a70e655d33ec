from tests.access import COORDINATORS, EVERYONE

PAGES = {
    "/editions/": COORDINATORS,
    "/editions/new": COORDINATORS,
    "/districts/": EVERYONE,
}
