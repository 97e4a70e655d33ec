"""Translated error pages; htmx requests get a message in the flash region instead."""

import math
import time

from flask import make_response, render_template
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from pbflow.core.web.htmx import is_htmx_request
from pbflow.extensions import db

ERRORS = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back, reload the page and try again.")),
    403: (_l("Access denied"), _l("You do not have permission to do this. If you think you should, contact the PB coordinators.")),
    404: (_l("Page not found"), _l("There is no page at this address. Check the address or start from the home page.")),
    405: (_l("Action not allowed"), _l("This address does not accept this kind of request.")),
    413: (_l("File too large"), _l("The file or form you sent is larger than allowed. Send a smaller file.")),
    422: (_l("Data could not be processed"), _l("Some of the data you sent is not valid. Go back and check the form.")),
    429: (_l("Too many attempts"), _l("You tried too many times in a short while. Wait a while and try again.")),
    500: (_l("Something went wrong on our side"), _l("We could not finish this. Please try again in a moment; if it keeps happening, tell the PB coordinators.")),
}
CSRF_MESSAGE = _l("This form has expired or was sent from another site. Reload the page and send it again; nothing was saved.")


def wait_message(seconds):
    """How long to wait, rounded up to whole minutes (or hours from an hour on), never shorter than it is."""
    minutes = max(1, math.ceil(seconds / 60))
    if minutes < 60:
        return ngettext("You tried too many times in a short while. Try again in %(num)d minute.",
                        "You tried too many times in a short while. Try again in %(num)d minutes.", minutes)
    hours = math.ceil(minutes / 60)
    return ngettext("You tried too many times in a short while. Try again in %(num)d hour.",
                    "You tried too many times in a short while. Try again in %(num)d hours.", hours)


def too_many_attempts(seconds):
    """429 saying truthfully how long the limit still holds, with Retry-After."""
    response = make_response(render_error(429, wait_message(seconds)))
    response.headers["Retry-After"] = str(max(1, math.ceil(seconds)))
    return response


def _limiter_wait(error):
    """Seconds until Flask-Limiter lets this client in again: the breached window's reset, else its length."""
    from pbflow.extensions import limiter

    current = limiter.current_limit
    if current is not None and current.breached:
        # The window's own expiry: RequestLimit.reset_at adds a second (int(expiry + 1)), which made a
        # fresh "30 per minute" window read as 60.x seconds, "2 minutes", on a quick machine.
        return max(1, current.window[0] - time.time())
    return error.limit.limit.get_expiry()


def render_error(status, message=None):
    title, default_message = ERRORS.get(status, ERRORS[500])
    context = {"status": status, "title": title, "message": message or default_message}
    if is_htmx_request():
        headers = {"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"}
        return render_template("errors/_flash_error.html", **context), status, headers
    return render_template("errors/error.html", **context), status


def handle_http_exception(error):
    if error.code is None or error.code < 400:
        return error
    status = error.code if error.code in ERRORS else (500 if error.code >= 500 else 400)
    if isinstance(error, RateLimitExceeded):
        return too_many_attempts(_limiter_wait(error))
    response = make_response(render_error(status))
    for name, value in error.get_headers():  # e.g. Allow on a 405, WWW-Authenticate, Retry-After
        if name.lower() != "content-type":
            response.headers.setdefault(name, value)
    return response


def handle_csrf_error(_error):
    return render_error(400, CSRF_MESSAGE)


def handle_unexpected(error):
    db.session.rollback()
    from flask import current_app

    current_app.logger.exception("unhandled error: %s", error)
    return render_error(500)


def init_app(app):
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
