"""A day before a meeting the confirmed people get one reminder each, in their language."""

from datetime import timedelta

import pytest

from pbflow.core.database import utcnow
from pbflow.core.mail import outbox
from pbflow.core.models import AuditEvent
from pbflow.extensions import db
from pbflow.meetings import reminders
from pbflow.meetings.models import MeetingSignup


@pytest.fixture
def edition(make_edition):
    return make_edition(open_stage="meetings")


def _sign(app, meeting, user, status="confirmed"):
    with app.app_context():
        db.session.add(MeetingSignup(meeting_id=meeting.id, user_id=user.id, status=status))
        db.session.commit()


def _send(app):
    with app.app_context():
        return reminders.send_reminders()


def _mails(app):
    with app.app_context():
        return list(outbox())


def test_confirmed_people_of_meetings_within_a_day_are_reminded_once(app, edition, make_meeting, make_user):
    soon = make_meeting(edition, title="Jutro", starts_in=timedelta(hours=20), what_to_bring="Mapę")
    later = make_meeting(edition, title="Pojutrze", starts_in=timedelta(hours=30))
    pl, en, waiting, cancelled, far = (make_user(), make_user(locale="en"), make_user(), make_user(), make_user())
    _sign(app, soon, pl)
    _sign(app, soon, en)
    _sign(app, soon, waiting, "waiting")
    _sign(app, soon, cancelled, "cancelled")
    _sign(app, later, far)
    assert _send(app) == 2
    mails = {m.to: m for m in _mails(app)}
    assert set(mails) == {pl.email, en.email}
    assert "Dzień dobry" in mails[pl.email].body and "Mapę" in mails[pl.email].body
    assert "Hello" in mails[en.email].body and f"/meetings/{soon.id}/meeting.ics" in mails[en.email].body
    assert _send(app) == 0 and len(_mails(app)) == 2
    with app.app_context():
        events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.verb == "meeting.reminder_sent")).all()
        assert len(events) == 2 and all(e.actor_id is None for e in events)


def test_a_sign_up_is_claimed_by_one_run_only(app, edition, make_meeting, make_user):
    meeting = make_meeting(edition, starts_in=timedelta(hours=2))
    _sign(app, meeting, make_user())
    with app.app_context():
        (signup_id,) = reminders.due(utcnow())
        assert reminders.claim(signup_id, utcnow()) is True
        assert reminders.claim(signup_id, utcnow()) is False
        db.session.commit()
    assert _send(app) == 0


def test_the_cli_prints_the_count(app, runner, edition, make_meeting, make_user):
    meeting = make_meeting(edition, starts_in=timedelta(hours=5))
    _sign(app, meeting, make_user())
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert "Sent 1 reminders." in result.output
