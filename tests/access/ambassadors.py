from tests.access import AMBASSADORS, COORDINATORS, EVERYONE, SIGNED_IN

PAGES = {
    "/ambassadors/": EVERYONE,
    "/ambassadors/apply": SIGNED_IN,
    "/ambassadors/apply/areas": SIGNED_IN,
    "/ambassadors/my-application": SIGNED_IN,
    "/ambassadors/dashboard": AMBASSADORS,
    "/ambassadors/applications/": COORDINATORS,
}
