from tests.access import COORDINATORS, EVERYONE, SIGNED_IN

PAGES = {
    "/": EVERYONE,
    "/privacy": EVERYONE,
    "/healthz": EVERYONE,
    "/login": EVERYONE,
    "/register": EVERYONE,
    "/password/forgot": EVERYONE,
    "/profile": SIGNED_IN,
    "/profile/password": SIGNED_IN,
    "/profile/data": SIGNED_IN,
    "/profile/data.json": SIGNED_IN,
    "/users/": COORDINATORS,
}
