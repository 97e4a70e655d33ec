from tests.access import COORDINATORS

PAGES = {
    "/inbox": {"visitor": "login", "resident": "forbidden", "ambassador": "forbidden", "expert": "ok",
               "coordinator": "forbidden"},
    "/routing/board": COORDINATORS,
}
