"""Signing up for a meeting and cancelling: the sign-up box swaps itself with htmx, 303 without JS."""

from flask import flash, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pbflow.core.web.htmx import is_htmx_request, render, see_other
from pbflow.core.web.permissions import signed_in
from pbflow.extensions import db
from pbflow.meetings import signups
from pbflow.meetings.forms.day import ButtonForm, SignupForm
from pbflow.meetings.models import SignupStatus
from pbflow.meetings.views.pages import bp, load_meeting, page_context


def _actor():
    return current_user._get_current_object()


def _box(meeting_id, status=200, message=None, error=None):
    meeting = load_meeting(meeting_id)
    return render("meetings/show.html", "meetings/_signup.html", status=status, signup_message=message,
                  signup_error=error, **page_context(meeting))


def _done(meeting_id, message):
    db.session.commit()
    if is_htmx_request():
        return _box(meeting_id, message=message)
    flash(message, "success")
    return see_other(url_for(".show", meeting_id=meeting_id) + "#signup")


def _refused(meeting_id, error):
    db.session.rollback()
    return _box(meeting_id, status=error.status, error=str(error))


@bp.route("/<int:meeting_id>/signup", methods=["POST"])
@signed_in
def sign_up(meeting_id):
    meeting = load_meeting(meeting_id)
    form = SignupForm()
    if not form.validate():
        return _refused(meeting_id, signups.SignupError(_("The form has expired. Please try again.")))
    try:
        signup = signups.sign_up(_actor(), meeting, plus_one=form.plus_one.data)
    except signups.SignupError as error:
        return _refused(meeting_id, error)
    if signup.status == SignupStatus.CONFIRMED.value:
        message = _("You are signed up. A confirmation is on its way to your e-mail.")
    else:
        message = _("The meeting is full, so you are on the waiting list (number %(position)d). "
                    "We will e-mail you if a place frees up.", position=signups.waiting_position(signup))
    return _done(meeting_id, message)


@bp.route("/<int:meeting_id>/signup/cancel", methods=["POST"])
@signed_in
def cancel_signup(meeting_id):
    meeting = load_meeting(meeting_id, for_update=True)
    if not ButtonForm().validate():
        return _refused(meeting_id, signups.SignupError(_("The form has expired. Please try again.")))
    try:
        signups.cancel(_actor(), meeting, signups.live_signup(meeting, current_user))
    except signups.SignupError as error:
        return _refused(meeting_id, error)
    return _done(meeting_id, _("Your sign-up is cancelled. Thank you for letting us know."))
