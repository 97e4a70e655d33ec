"""Access rules: every endpoint declares one, and one hook enforces them all.

An endpoint without a declared rule is refused (fail closed) and the URL-map
test in tests/web/test_permissions.py names it.  Object-level questions
("may this user change that proposal?") are answered by the `policy.py` of
each domain and checked in the view with `authorize()`.
"""

from dataclasses import dataclass

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from pbflow.core.web.htmx import is_htmx_request

PUBLIC = "public"
SIGNED_IN = "signed_in"
ROLE = "role"

# Endpoints that come from Flask or extensions rather than our own views.
BUILTIN_RULES = {"static": PUBLIC}


@dataclass(frozen=True)
class AccessRule:
    kind: str
    roles: frozenset = frozenset()

    def describe(self):
        return self.kind if self.kind != ROLE else "role:" + ",".join(sorted(self.roles))


def _declare(rule):
    def decorator(view):
        view.access_rule = rule
        return view
    return decorator


public = _declare(AccessRule(PUBLIC))
signed_in = _declare(AccessRule(SIGNED_IN))


def role_required(*roles):
    return _declare(AccessRule(ROLE, frozenset(str(r) for r in roles)))


def rule_for(app, endpoint):
    if endpoint in BUILTIN_RULES:
        return AccessRule(BUILTIN_RULES[endpoint])
    view = app.view_functions.get(endpoint)
    return getattr(view, "access_rule", None)


def _to_login():
    # Come back only to a page: a POST-only address would answer 405 after logging in.
    back = request.full_path.rstrip("?") if request.method == "GET" else None
    login_url = url_for("accounts.login", next=back)
    if is_htmx_request():
        return "", 204, {"HX-Redirect": login_url}
    return redirect(login_url)


def enforce_access_rules():
    """before_request hook: apply the endpoint's declared rule."""
    if request.endpoint is None:  # 404/405 follow
        return None
    rule = rule_for(current_app, request.endpoint)
    if rule is None:
        current_app.logger.error("endpoint %s has no access rule; refusing", request.endpoint)
        abort(403)
    if rule.kind == PUBLIC:
        return None
    if not current_user.is_authenticated:
        return _to_login()
    if rule.kind == ROLE and not current_user.has_role(*rule.roles):
        abort(403)
    return None


def authorize(allowed):
    """Refuse the request unless the policy said yes."""
    if not allowed:
        abort(403)
