from tests.access import EVERYONE  # noqa: F401  (pages are added as they land)

PAGES = {}
