from tests.access import SIGNED_IN

PAGES = {
    "/proposals/new": SIGNED_IN,
    "/proposals/areas": SIGNED_IN,
}
