from tests.access import COORDINATORS, EVERYONE

PAGES = {
    "/marathons/": EVERYONE,
    "/marathons/new": COORDINATORS,
}
