"""Who may open which page, one module per domain.

Each module defines PAGES: {url without arguments: {kind of person: "ok" | "login" | "forbidden"}}.
tests/web/test_permissions.py merges them and fails when a page is missing.
"""

import importlib
import pkgutil

EVERYONE = dict.fromkeys(["visitor", "resident", "ambassador", "expert", "coordinator"], "ok")
SIGNED_IN = {**EVERYONE, "visitor": "login"}
COORDINATORS = {"visitor": "login", "resident": "forbidden", "ambassador": "forbidden",
                "expert": "forbidden", "coordinator": "ok"}
AMBASSADORS = {"visitor": "login", "resident": "forbidden", "ambassador": "ok",
               "expert": "forbidden", "coordinator": "ok"}


def all_pages():
    pages = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        overlap = set(pages) & set(module.PAGES)
        assert not overlap, f"{info.name} repeats {overlap}"
        pages.update(module.PAGES)
    return pages
