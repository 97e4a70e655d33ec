from tests.access import AMBASSADORS, COORDINATORS

PAGES = {
    "/training/": COORDINATORS,
    "/training/progress": COORDINATORS,
    "/training/mine": AMBASSADORS,
    "/materials/": COORDINATORS,
    "/materials/new": COORDINATORS,
    "/materials/mine": AMBASSADORS,
}
