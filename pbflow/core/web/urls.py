"""URL helpers."""

from urllib.parse import urlsplit

from flask import current_app, url_for
from werkzeug.routing import IntegerConverter

DATABASE_ID_MAX = 2**31 - 1


def database_id(value):
    """A database id typed into a form or a query string, or None: only ASCII digits up to DATABASE_ID_MAX
    ("²" passes str.isdigit but not int(), and a bigger number makes PostgreSQL refuse the query)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 <= value <= DATABASE_ID_MAX else None
    if not isinstance(value, str) or not (value.isascii() and value.isdigit()) or len(value) > 10:
        return None
    number = int(value)
    return number if number <= DATABASE_ID_MAX else None


def external_url(endpoint, **values):
    """An absolute link for e-mails, from the configured base URL: a forged Host header
    must not turn a password-reset link into a link to someone else's server."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def current_page():
    """Where a language switch should come back to: this page, or for a POST (a form
    answered 422) the page the form was on, since a POST-only address would answer 405."""
    from flask import request

    if request.method == "GET":
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/"):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return "/"


def safe_next(target):
    """Only same-site paths may be a redirect target (no open redirects)."""
    if not target or not isinstance(target, str):
        return None
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


class DatabaseIdConverter(IntegerConverter):
    """<int:...> in our URLs is a database id: beyond a 32-bit integer it matches nothing (404), where
    PostgreSQL would otherwise refuse the number with an error."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", DATABASE_ID_MAX)
        super().__init__(url_map, *args, **kwargs)
