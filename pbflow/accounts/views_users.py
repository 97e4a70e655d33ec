"""The coordinators' list of users, where roles are granted and revoked."""

from flask import Blueprint, abort, current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from pbflow.accounts import forms, policy, services
from pbflow.accounts.models import Role, User
from pbflow.core.web.htmx import is_htmx_request, render, see_other
from pbflow.core.web.navigation import nav_item, signed_in_with
from pbflow.core.web.permissions import authorize, role_required
from pbflow.extensions import db

bp = Blueprint("users", __name__, url_prefix="/users")
nav_item("users.index", _l("Users and roles"), 90, signed_in_with(Role.COORDINATOR))

ROLE_URL = "/<int:user_id>/roles/<any(ambassador, expert, coordinator, partner):role>"


@bp.route("/")
@role_required(Role.COORDINATOR)
def index():
    form = forms.UserSearchForm(request.args)
    if not form.validate():
        return render("users/index.html", "users/_results.html", status=422, form=form, page=None, q="")
    page = db.paginate(services.search_users(form.q.data), per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render("users/index.html", "users/_results.html", form=form, page=page, q=form.q.data or "")


def _load_user(user_id):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _after_role_change(user, message):
    db.session.commit()
    if is_htmx_request():
        return render("users/index.html", "users/_roles.html", user=user, message=message, q=request.form.get("q", ""))
    flash(message, "success")
    return see_other(url_for("users.index", q=request.form.get("q") or None))


@bp.route(ROLE_URL + "/grant", methods=["POST"])
@role_required(Role.COORDINATOR)
def grant_role(user_id, role):
    user = _load_user(user_id)
    authorize(policy.can_change_roles(current_user, user))
    services.grant_role(current_user._get_current_object(), user, role)
    return _after_role_change(user, _("%(name)s now has the role: %(role)s.", name=user.display_name, role=Role(role).title))


@bp.route(ROLE_URL + "/revoke", methods=["POST"])
@role_required(Role.COORDINATOR)
def revoke_role(user_id, role):
    user = _load_user(user_id)
    authorize(policy.can_revoke_role(current_user, user, role))
    services.revoke_role(current_user._get_current_object(), user, role)
    return _after_role_change(user, _("%(name)s no longer has the role: %(role)s.", name=user.display_name, role=Role(role).title))
