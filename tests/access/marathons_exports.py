from tests.access import COORDINATORS

PAGES = {
    "/marathons/submitted": COORDINATORS,
}
