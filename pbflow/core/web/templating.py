"""What every template can use: navigation by role, language, htmx settings."""

import json

from flask_babel import get_locale

from pbflow.core.markdown import render_markdown
from pbflow.core.web.navigation import navigation_items
from pbflow.core.web.urls import current_page

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
HTMX_CONFIG_JSON = json.dumps(HTMX_CONFIG)  # the same on every page: serialised once


def template_context():
    return {
        "navigation_items": navigation_items,
        "current_locale": str(get_locale() or "pl"),
        "htmx_file": HTMX_FILE,
        "htmx_config": HTMX_CONFIG_JSON,
        "current_page": current_page,
    }


def init_app(app):
    from pbflow.core import notifications

    app.context_processor(template_context)
    app.context_processor(notifications.template_context)
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
