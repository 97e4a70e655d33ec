from tests.access import COORDINATORS, EVERYONE, SIGNED_IN

PAGES = {
    "/proposals/": EVERYONE,
    "/proposals/mine": SIGNED_IN,
    "/proposals/all": COORDINATORS,
}
