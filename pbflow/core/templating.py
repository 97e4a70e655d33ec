"""What every template can use: navigation by role, language, htmx settings."""

import json

from flask import request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from pbflow.accounts.models import Role
from pbflow.core.markdown import render_markdown

HTMX_FILE = "js/htmx-2.0.11.min.js"

# Swap successes, validation errors (422) and conflicts (409); 4xx that the server
# retargets to the flash region; never swap 5xx (app.js shows a message instead).
HTMX_CONFIG = {
    "allowEval": False,
    "includeIndicatorStyles": False,
    "selfRequestsOnly": True,
    "historyRestoreAsHxRequest": False,
    "scrollIntoViewOnBoost": False,
    "responseHandling": [
        {"code": "204", "swap": False},
        {"code": "[23]..", "swap": True},
        {"code": "409", "swap": True, "error": False},
        {"code": "422", "swap": True, "error": False},
        {"code": "4..", "swap": True, "error": True},
        {"code": "5..", "swap": False, "error": True},
    ],
}

# (endpoint, label, who sees it). Later stages add their entries here.
NAVIGATION = [
    ("core.home", _l("Home"), None),
    ("users.index", _l("Users and roles"), Role.COORDINATOR),
]


def navigation_items():
    items = []
    for endpoint, label, role in NAVIGATION:
        if role is not None and not (current_user.is_authenticated and current_user.has_role(role)):
            continue
        items.append({"url": url_for(endpoint), "label": label, "current": request.endpoint == endpoint})
    return items


def template_context():
    return {
        "navigation_items": navigation_items,
        "current_locale": str(get_locale() or "pl"),
        "htmx_file": HTMX_FILE,
        "htmx_config": json.dumps(HTMX_CONFIG),
        "Role": Role,
    }


def init_app(app):
    app.context_processor(template_context)
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
