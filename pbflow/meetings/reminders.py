"""The reminder e-mail a day before a residents' meeting, sent by cron (`flask send-reminders`).

Each sign-up is reminded at most once, even when two cron runs overlap: a run claims a sign-up
with one conditional UPDATE (`reminded_at IS NULL`) and mails only the ones it claimed. Claims
are committed before the mails go out, batch by batch, so a run that crashes half-way is not
followed by a second mail to the same people; the price is that a crash may lose a reminder,
which is the better way round for a reminder.
"""

from contextlib import nullcontext
from datetime import timedelta

from flask import current_app, has_request_context, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from pbflow.accounts.models import User
from pbflow.core import audit
from pbflow.core.database import utcnow
from pbflow.core.i18n import local_datetime
from pbflow.core.mail import send_mail
from pbflow.core.web.urls import external_url
from pbflow.extensions import db
from pbflow.meetings.models import Meeting, MeetingSignup, MeetingStatus, SignupStatus

AHEAD = timedelta(hours=24)
BATCH = 100


def due(now, limit=BATCH):
    """Ids of confirmed sign-ups of planned meetings starting within AHEAD, not reminded yet,
    of people who can still be mailed (not deleted, with an address)."""
    return db.session.scalars(
        select(MeetingSignup.id)
        .join(Meeting, Meeting.id == MeetingSignup.meeting_id)
        .join(User, User.id == MeetingSignup.user_id)
        .where(MeetingSignup.status == SignupStatus.CONFIRMED.value, MeetingSignup.reminded_at.is_(None),
               Meeting.status == MeetingStatus.PLANNED.value,
               Meeting.starts_at > now, Meeting.starts_at <= now + AHEAD,
               User.deleted_at.is_(None), User.email.is_not(None), User.email != "")
        .order_by(Meeting.starts_at, MeetingSignup.id).limit(limit)).all()


def claim(signup_id, now):
    """True when this run is the one that reminds this sign-up."""
    return db.session.execute(
        update(MeetingSignup).where(MeetingSignup.id == signup_id, MeetingSignup.reminded_at.is_(None))
        .values(reminded_at=now).execution_options(synchronize_session=False)).rowcount == 1


def send_reminders(now=None):
    """Remind everyone due; the number of mails sent."""
    now = now or utcnow()
    # url_for needs a request outside one (cron); links are built from BASE_URL anyway.
    urls = nullcontext() if has_request_context() else current_app.test_request_context(
        base_url=current_app.config["BASE_URL"])
    sent = 0
    with urls:
        while True:
            candidates = due(now)
            if not candidates:
                return sent
            claimed = [signup_id for signup_id in candidates if claim(signup_id, now)]
            db.session.commit()
            for signup_id in claimed:
                sent += _remind(signup_id)
            db.session.commit()


def _remind(signup_id):
    signup = db.session.get(MeetingSignup, signup_id)
    person = db.session.get(User, signup.user_id)
    if person is None or person.is_deleted or not person.email:  # deleted since the list was read
        return 0
    meeting = db.session.scalar(select(Meeting).where(Meeting.id == signup.meeting_id)
                                .options(joinedload(Meeting.venue)))
    with force_locale(person.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = _("Reminder: “%(title)s”, %(when)s", title=meeting.title,
                    when=local_datetime(meeting.starts_at, "short"))
        body = render_template("meetings/mail/meeting_reminder.txt", person=person, meeting=meeting, signup=signup,
                               url=external_url("meetings.show", meeting_id=meeting.id),
                               ics_url=external_url("meetings.feed", meeting_id=meeting.id))
    send_mail(person.email, subject, body)
    audit.record(None, "meeting.reminder_sent", meeting, signup_id=signup.id, user_id=person.id)
    return 1
