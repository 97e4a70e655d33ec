"""Stage IV, part S2 (readiness, the support list): every page takes a proposal id, so none is listed
here; tests/web/test_readiness.py and tests/web/test_supporters.py check who gets 200, 403 or the login."""

PAGES = {}
