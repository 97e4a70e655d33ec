"""Response headers that every page carries, and the request checks made before any view."""

from flask import abort, current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

PAGE_MAX = 100_000  # no list is that long; a bigger ?page= would only overflow the database's OFFSET
NUL_MESSAGE = _l("The data you sent contains an invisible control character (NUL) that cannot be saved. "
                 "Remove it (for example, type the text again instead of pasting it) and try again.")

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
])


def add_security_headers(response):
    headers = response.headers
    if current_user.is_authenticated and "Cache-Control" not in headers:
        # Personal pages must not come back from the cache after logging out on a shared computer.
        headers["Cache-Control"] = "no-store"
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config.get("PBFLOW_HTTPS"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def _has_nul(values):
    return any("\x00" in key or any("\x00" in value for value in values.getlist(key)) for key in values)


def pages_by_cursor(view):
    """Mark a list that pages by cursor (?after=): it reads no ?page=, so an old page link gives its first page
    (whatever the number) rather than the 404 for a ?page= that is no page number."""
    view.pages_by_cursor = True
    return view


def refuse_malformed_input():
    """Before any view: answer 400 for a NUL character in the query string or a form field (PostgreSQL cannot
    store one in text and would fail the request), and 404 for a ?page= that is no page number."""
    from pbflow.core.web.errors import render_error

    if _has_nul(request.args) or (request.method not in {"GET", "HEAD"} and _has_nul(request.form)):
        return render_error(400, NUL_MESSAGE)
    if getattr(current_app.view_functions.get(request.endpoint), "pages_by_cursor", False):
        return None
    for page in request.args.getlist("page"):
        if not (page.isascii() and page.isdigit()) or len(page) > 6 or int(page) > PAGE_MAX:
            abort(404)
    return None
