"""Signing up for a residents' meeting, the waiting list, cancelling.

Capacity holds exactly, however many people press "Sign up" at the same moment: seats are taken
by ONE conditional UPDATE (`confirmed_seats + n <= capacity`) and the sign-up row is inserted in
the same savepoint. When the UPDATE matches no row the person goes on the waiting list. The partial
unique index uq_meeting_signups_live refuses a second live sign-up of the same person.

The waiting list is strictly fair: nobody jumps it. A new sign-up takes a seat only while nobody
is waiting, and when seats free up the waiting people are promoted in the order they signed up
(created_at, id), as many as fit; promotion stops at the first one who does not fit (a sign-up
with a plus-one needing two seats when one is free), so a later single never overtakes them.
"""

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from pbflow.accounts.models import User
from pbflow.core import audit
from pbflow.core.database import utcnow
from pbflow.core.mail import send_mail
from pbflow.core.web.urls import external_url
from pbflow.extensions import db
from pbflow.meetings import policy
from pbflow.meetings.models import Meeting, MeetingSignup, MeetingStatus, SignupStatus

LIVE = (SignupStatus.CONFIRMED.value, SignupStatus.WAITING.value)


class SignupError(Exception):
    """A rule of signing up said no; the message is shown. `status` is the HTTP status."""

    status = 409


class AlreadySignedUp(SignupError):
    pass


# --- reading -------------------------------------------------------------------------

def live_signup(meeting, user):
    """The person's confirmed or waiting sign-up for this meeting, or None."""
    if not policy.signed_in(user):
        return None
    return db.session.scalar(select(MeetingSignup).where(
        MeetingSignup.meeting_id == meeting.id, MeetingSignup.user_id == user.id,
        MeetingSignup.status.in_(LIVE)))


def waiting_position(signup):
    """1 for the first on the waiting list."""
    return db.session.scalar(select(func.count()).where(
        MeetingSignup.meeting_id == signup.meeting_id, MeetingSignup.status == SignupStatus.WAITING.value,
        or_(MeetingSignup.created_at < signup.created_at,
            and_(MeetingSignup.created_at == signup.created_at, MeetingSignup.id < signup.id)))) + 1


def waiting_count(meeting):
    return db.session.scalar(select(func.count()).where(
        MeetingSignup.meeting_id == meeting.id, MeetingSignup.status == SignupStatus.WAITING.value))


def page_context(meeting, user, context):
    """The signed-in person's sign-up and place on the waiting list: at most three queries."""
    signup = live_signup(meeting, user)
    position = waiting_position(signup) if signup is not None and signup.state is SignupStatus.WAITING else None
    return {"my_signup": signup, "waiting_position": position, "signup_closed": closed_reason(meeting),
            "waiting_total": waiting_count(meeting)}


def closed_reason(meeting, now=None):
    """Why nobody can sign up now ("" when they can)."""
    if meeting.state is MeetingStatus.CANCELLED:
        return _("This meeting has been cancelled, so nobody can sign up for it.")
    if meeting.state is MeetingStatus.HELD:
        return _("This meeting has already been held.")
    if (now or utcnow()) >= meeting.starts_at:
        return _("This meeting has already started, so sign-ups are closed.")
    return ""


# --- writing -------------------------------------------------------------------------

def sign_up(actor, meeting, plus_one=False):
    """Take one or two seats, or a place on the waiting list; tell the person by e-mail."""
    if not policy.can_sign_up(actor):
        raise SignupError(_("Log in to sign up for a meeting."))
    reason = closed_reason(meeting)
    if reason:
        raise SignupError(reason)
    if live_signup(meeting, actor) is not None:
        raise AlreadySignedUp(_("You are already signed up for this meeting."))
    seats = 2 if plus_one else 1
    nobody_waiting = ~exists().where(MeetingSignup.meeting_id == meeting.id,
                                     MeetingSignup.status == SignupStatus.WAITING.value)
    try:
        with db.session.begin_nested():
            taken = db.session.execute(
                update(Meeting)
                .where(Meeting.id == meeting.id, Meeting.status == MeetingStatus.PLANNED.value,
                       Meeting.confirmed_seats + seats <= Meeting.capacity, nobody_waiting)
                .values(confirmed_seats=Meeting.confirmed_seats + seats)
                .execution_options(synchronize_session=False)).rowcount == 1
            now = utcnow()
            signup = MeetingSignup(meeting_id=meeting.id, user_id=actor.id, seats=seats, created_at=now,
                                   status=(SignupStatus.CONFIRMED if taken else SignupStatus.WAITING).value,
                                   confirmed_at=now if taken else None)
            db.session.add(signup)
    except IntegrityError:  # a parallel request of the same person got there first
        raise AlreadySignedUp(_("You are already signed up for this meeting.")) from None
    db.session.expire(meeting, ["confirmed_seats"])
    audit.record(actor, "meeting.signed_up", meeting, signup_id=signup.id, seats=seats, status=signup.status)
    _tell(actor, meeting, signup, "signup_confirmed" if taken else "signup_waiting")
    return signup


def cancel(actor, meeting, signup):
    """The person gives up their place (or waiting-list place); freed seats go to the waiting list.

    The view locks the meeting row first, so two cancellations promote one after the other."""
    if signup is None or signup.user_id != actor.id or signup.status not in LIVE:
        raise SignupError(_("You are not signed up for this meeting."))
    if meeting.state is not MeetingStatus.PLANNED:
        raise SignupError(closed_reason(meeting))
    was_confirmed = signup.state is SignupStatus.CONFIRMED
    changed = db.session.execute(
        update(MeetingSignup).where(MeetingSignup.id == signup.id, MeetingSignup.status.in_(LIVE))
        .values(status=SignupStatus.CANCELLED.value, cancelled_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        raise SignupError(_("You are not signed up for this meeting."))
    if was_confirmed:
        db.session.execute(update(Meeting).where(Meeting.id == meeting.id)
                           .values(confirmed_seats=Meeting.confirmed_seats - signup.seats)
                           .execution_options(synchronize_session=False))
    db.session.expire(signup)
    audit.record(actor, "meeting.signup_cancelled", meeting, signup_id=signup.id, was_confirmed=was_confirmed)
    promoted = promote_waiting(actor, meeting) if was_confirmed else []
    db.session.expire(meeting, ["confirmed_seats"])
    return promoted


def promote_waiting(actor, meeting):
    """Give free seats to the waiting list in order, stopping at the first who does not fit."""
    promoted = []
    waiting = db.session.scalars(
        select(MeetingSignup).where(MeetingSignup.meeting_id == meeting.id,
                                    MeetingSignup.status == SignupStatus.WAITING.value)
        .order_by(MeetingSignup.created_at, MeetingSignup.id).limit(meeting.capacity)).all()
    for signup in waiting:
        fits = db.session.execute(
            update(Meeting).where(Meeting.id == meeting.id, Meeting.status == MeetingStatus.PLANNED.value,
                                  Meeting.confirmed_seats + signup.seats <= Meeting.capacity)
            .values(confirmed_seats=Meeting.confirmed_seats + signup.seats)
            .execution_options(synchronize_session=False)).rowcount == 1
        if not fits:
            break
        signup.status = SignupStatus.CONFIRMED.value
        signup.confirmed_at = utcnow()
        audit.record(actor, "meeting.signup_promoted", meeting, signup_id=signup.id, user_id=signup.user_id)
        promoted.append(signup)
    db.session.flush()
    for signup in promoted:
        _tell(db.session.get(User, signup.user_id), meeting, signup, "signup_promoted")
    return promoted


def _tell(person, meeting, signup, template):
    if person is None or not person.email or getattr(person, "is_deleted", False):
        return
    position = waiting_position(signup) if signup.status == SignupStatus.WAITING.value else None
    with force_locale(person.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subjects = {"signup_confirmed": _("Your place at “%(title)s” is confirmed", title=meeting.title),
                    "signup_waiting": _("You are on the waiting list for “%(title)s”", title=meeting.title),
                    "signup_promoted": _("A place has freed up: you are coming to “%(title)s”", title=meeting.title)}
        body = render_template(f"meetings/mail/{template}.txt", person=person, meeting=meeting, signup=signup,
                               position=position, url=external_url("meetings.show", meeting_id=meeting.id))
        send_mail(person.email, subjects[template], body)
