from tests.access import COORDINATORS, EVERYONE, SIGNED_IN

PAGES = {
    "/units/": EVERYONE,
    "/units/new": COORDINATORS,
    "/notifications/": SIGNED_IN,
}
