"""Stage III views: verifying units, their experts, and the invitations that make someone an expert."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user

from pbflow.accounts import services as accounts
from pbflow.accounts.models import Role, User
from pbflow.accounts.throttle import Throttled, address_bucket
from pbflow.core.web.errors import too_many_attempts
from pbflow.core.web.htmx import form_page, render, see_other
from pbflow.core.web.navigation import nav_item, signed_in_with
from pbflow.core.web.permissions import authorize, public, role_required, signed_in
from pbflow.core.web.urls import database_id, external_url
from pbflow.extensions import db, limiter
from pbflow.feedback import policy, units
from pbflow.feedback.forms.units import ConfirmForm, InviteExpertForm, JoinUnitForm, UnitForm

bp = Blueprint("units", __name__, url_prefix="/units")

nav_item("units.index", _l("Verifying units"), 26, signed_in_with(Role.COORDINATOR, Role.EXPERT))


def _actor():
    return current_user._get_current_object()


def _load(unit_id, for_update=False):
    unit = units.get_unit(unit_id, for_update=for_update)
    if unit is None:
        abort(404)
    return unit


# --- units -------------------------------------------------------------------------------------

@bp.route("/")
@public
def index():
    rows, next_after = units.page(database_id(request.args.get("after")))
    return render("feedback/units/index.html", units=rows, next_after=next_after,
                  may_manage=policy.can_manage_units(current_user))


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def new():
    authorize(policy.can_manage_units(current_user))
    form = UnitForm()
    if form.validate_on_submit():
        try:
            unit = units.create_unit(_actor(), form.details())
        except units.UnitError as error:
            return _refused(form, error, None)
        db.session.commit()
        flash(_("The unit “%(name)s” has been added. Invite its experts below.", name=unit.name), "success")
        return see_other(url_for(".show", unit_id=unit.id))
    return form_page("feedback/units/form.html", "feedback/units/_form.html", form=form, unit=None)


@bp.route("/<int:unit_id>/edit", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def edit(unit_id):
    unit = _load(unit_id, for_update=request.method == "POST")
    authorize(policy.can_manage_units(current_user))
    form = UnitForm() if request.method == "POST" else UnitForm(obj=unit)
    if form.validate_on_submit():
        try:
            changed = units.update_unit(_actor(), unit, form.details())
        except units.UnitError as error:
            return _refused(form, error, unit)
        db.session.commit()
        flash(_("The unit has been saved.") if changed else _("Nothing has changed."), "success")
        return see_other(url_for(".show", unit_id=unit.id))
    return form_page("feedback/units/form.html", "feedback/units/_form.html", form=form, unit=unit)


def _refused(form, error, unit):
    db.session.rollback()
    if error.status == 403:
        abort(403)
    getattr(form, error.field or "name").errors.append(str(error))
    return render("feedback/units/form.html", "feedback/units/_form.html", status=422, form=form, unit=unit)


@bp.route("/<int:unit_id>")
@public
def show(unit_id):
    return _unit_page(_load(unit_id))


def _unit_page(unit, status=200, invite_form=None):
    may_manage = policy.can_manage_units(current_user)
    return render(
        "feedback/units/show.html", "feedback/units/_invitations.html", status=status, unit=unit,
        may_manage=may_manage, members=units.members(unit) if policy.can_see_unit_members(current_user, unit.id) else None,
        invitations=units.pending_invitations(unit) if may_manage else [],
        invite_form=invite_form or InviteExpertForm(formdata=None), is_expired=units.is_expired,
        valid_days=units.VALID_DAYS, confirm_form=ConfirmForm(formdata=None))


# --- experts ---------------------------------------------------------------------------------

@bp.route("/<int:unit_id>/invitations", methods=["POST"])
@role_required(Role.COORDINATOR)
def invite(unit_id):
    unit = _load(unit_id, for_update=True)
    authorize(policy.can_manage_units(current_user))
    form = InviteExpertForm()
    if not form.validate_on_submit():
        return _unit_page(unit, status=422, invite_form=form)
    try:
        units.invite(_actor(), unit, form.email.data, lambda token: external_url(".invitation", token=token))
    except units.UnitError as error:
        db.session.rollback()
        if error.status == 403:
            abort(403)
        form.email.errors = [str(error)]
        return _unit_page(_load(unit_id), status=422, invite_form=form)
    db.session.commit()
    flash(_("The invitation has been sent to %(email)s. The link works for %(days)d days.",
            email=form.email.data, days=units.VALID_DAYS), "success")
    return see_other(url_for(".show", unit_id=unit.id, _anchor="experts"))


@bp.route("/<int:unit_id>/invitations/<int:invitation_id>/cancel", methods=["POST"])
@role_required(Role.COORDINATOR)
def cancel_invitation(unit_id, invitation_id):
    unit = _load(unit_id)
    authorize(policy.can_manage_units(current_user))
    invitation = units.invitation_by_id(unit, invitation_id)
    if invitation is None:
        abort(404)
    try:
        units.cancel_invitation(_actor(), invitation)
    except units.InvitationGone as error:
        db.session.rollback()
        flash(str(error), "error")
        return see_other(url_for(".show", unit_id=unit.id, _anchor="experts"))
    db.session.commit()
    flash(_("The invitation to %(email)s has been cancelled; its link no longer works.", email=invitation.email),
          "success")
    return see_other(url_for(".show", unit_id=unit.id, _anchor="experts"))


@bp.route("/<int:unit_id>/experts/<int:user_id>/remove", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def remove_expert(unit_id, user_id):
    unit = _load(unit_id, for_update=request.method == "POST")
    authorize(policy.can_manage_units(current_user))
    member = units.membership(unit, user_id)
    if member is None:
        abort(404)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render("feedback/units/remove.html", unit=unit, member=member, form=form,
                      status=400 if request.method == "POST" else 200)
    name = member.user.display_name
    revoked = units.remove_expert(_actor(), unit, member.user)
    db.session.commit()
    flash(_("%(name)s is no longer an expert of %(unit)s.", name=name, unit=unit.short_name)
          + (" " + _("They are in no other unit, so they no longer have the expert role.") if revoked else ""),
          "success")
    return see_other(url_for(".show", unit_id=unit.id, _anchor="experts"))


# --- the invited person --------------------------------------------------------------------------

def _open_invitation(token, for_update=False):
    """The invitation this link names, or a response saying why it cannot be used (404, 410)."""
    invitation = units.by_token(token, for_update=for_update)
    if invitation is None:
        return None, render("feedback/units/invitation_gone.html", status=404,
                            message=_("This invitation link is not valid. Check that you copied the whole link "
                                      "from the e-mail."))
    try:
        units.check_open(invitation)
    except units.InvitationGone as error:
        return invitation, render("feedback/units/invitation_gone.html", status=410, message=str(error))
    return invitation, None


def _invitation_page(invitation, token, status=200, join_form=None):
    account_exists = not current_user.is_authenticated and accounts.find_by_email(invitation.email) is not None
    return render("feedback/units/invitation.html", "feedback/units/_join_form.html", status=status,
                  invitation=invitation, unit=invitation.unit, token=token, account_exists=account_exists,
                  join_form=join_form or JoinUnitForm(formdata=None), masked=units.masked(invitation.email))


@bp.route("/invitations/<token>")
@public
def invitation(token):
    invitation, refusal = _open_invitation(token)
    if refusal:
        return refusal
    if not current_user.is_authenticated and accounts.find_by_email(invitation.email) is not None:
        flash(_("You already have an account with this address: log in, and you come back to the invitation."),
              "info")
        return redirect(url_for("accounts.login", next=request.path))
    return _invitation_page(invitation, token)


@bp.route("/invitations/<token>/accept", methods=["POST"])
@signed_in
def accept(token):
    invitation, refusal = _open_invitation(token, for_update=True)
    if refusal:
        return refusal
    try:
        unit = units.accept(_actor(), invitation)
    except units.InvitationGone as error:
        db.session.rollback()
        return render("feedback/units/invitation_gone.html", status=410, message=str(error))
    db.session.commit()
    flash(_("Welcome: you are now an expert of %(unit)s.", unit=unit.name), "success")
    return see_other(url_for(".show", unit_id=unit.id))


@bp.route("/invitations/<token>/join", methods=["POST"])
@public
@limiter.limit("30 per minute")
def join(token):
    """A new account for the invited address, made an expert at once."""
    invitation, refusal = _open_invitation(token, for_update=True)
    if refusal:
        return refusal
    if current_user.is_authenticated:
        return see_other(url_for(".invitation", token=token))
    form = JoinUnitForm()
    if not form.validate_on_submit():
        return _invitation_page(invitation, token, status=422, join_form=form)
    try:
        user = units.register_and_accept(invitation, form.name.data, form.password.data,
                                         locale=str(get_locale()), ip=address_bucket(request.remote_addr))
    except Throttled as error:
        db.session.commit()
        return too_many_attempts(error.retry_after)
    except accounts.EmailTaken:
        db.session.rollback()
        return redirect(url_for("accounts.login", next=url_for(".invitation", token=token)), code=303)
    db.session.commit()
    login_user(db.session.get(User, user.id))
    flash(_("Welcome to pbflow, %(name)s: your account is ready and you are an expert of %(unit)s.",
            name=user.name, unit=invitation.unit.name), "success")
    return see_other(url_for(".show", unit_id=invitation.unit_id))
