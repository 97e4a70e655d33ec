from tests.access import EVERYONE, SIGNED_IN

ORGANISERS = {"visitor": "login", "resident": "forbidden", "ambassador": "forbidden",
              "expert": "forbidden", "coordinator": "ok"}  # the access test's expert belongs to no unit
EXPERTS_OF_A_UNIT = {"visitor": "login", "resident": "forbidden", "ambassador": "forbidden",
                     "expert": "forbidden", "coordinator": "forbidden"}

PAGES = {
    "/workshops/": EVERYONE,
    "/workshops/new": ORGANISERS,
    "/consultations/": EVERYONE,
    "/consultations/new": EXPERTS_OF_A_UNIT,
    "/consultations/mine": SIGNED_IN,
}
