"""Residents sign up for a meeting (with a plus-one), get an e-mail, cancel; the waiting list moves up."""

from datetime import timedelta

import pytest

from pbflow.core.mail import outbox
from pbflow.core.models import AuditEvent
from pbflow.extensions import db
from pbflow.meetings.models import Meeting, MeetingSignup, MeetingStatus


@pytest.fixture
def edition(make_edition):
    return make_edition(open_stage="meetings")


def _signup(app, meeting, user):
    with app.app_context():
        return db.session.scalar(db.select(MeetingSignup).where(
            MeetingSignup.meeting_id == meeting.id, MeetingSignup.user_id == user.id,
            MeetingSignup.status != "cancelled"))


def _seats(app, meeting):
    with app.app_context():
        return db.session.get(Meeting, meeting.id).confirmed_seats


def test_a_resident_signs_up_and_gets_a_confirmation(app, client, login, people, edition, make_meeting, english):
    meeting = make_meeting(edition)
    login(client, people["resident"])
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Sign up" in page and 'hx-target="this"' in page
    response = client.post(f"/meetings/{meeting.id}/signup")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/meetings/{meeting.id}#signup")
    assert _signup(app, meeting, people["resident"]).status == "confirmed"
    assert _seats(app, meeting) == 1
    with app.app_context():
        mail = outbox()[-1]
        assert mail.to == people["resident"].email and "potwierdzone" in mail.subject  # in the person's language, Polish by default
        assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.verb == "meeting.signed_up")) is not None
    assert "Your place is confirmed." in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_signing_up_with_htmx_swaps_only_the_box(app, client, login, people, edition, make_meeting, english):
    meeting = make_meeting(edition)
    login(client, people["resident"])
    response = client.htmx("POST", f"/meetings/{meeting.id}/signup", data={"plus_one": "y"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith('<section id="signup"') and "two places" in body
    assert _signup(app, meeting, people["resident"]).seats == 2
    assert _seats(app, meeting) == 2


def test_signing_up_twice_is_refused(app, client, login, people, edition, make_meeting, english):
    meeting = make_meeting(edition)
    login(client, people["resident"])
    client.post(f"/meetings/{meeting.id}/signup")
    response = client.htmx("POST", f"/meetings/{meeting.id}/signup")
    assert response.status_code == 409
    assert "already signed up" in response.get_data(as_text=True)
    assert _seats(app, meeting) == 1


@pytest.mark.parametrize("setup, message", [
    ({"status": MeetingStatus.CANCELLED.value}, "cancelled"),
    ({"status": MeetingStatus.HELD.value}, "already been held"),
    ({"starts_in": timedelta(hours=-1)}, "already started"),
    ({"starts_in": timedelta(days=-3)}, "already started"),
])
def test_signing_up_for_a_closed_meeting_is_refused(app, client, login, people, edition, make_meeting, english,
                                                   setup, message):
    meeting = make_meeting(edition, **setup)
    login(client, people["resident"])
    response = client.post(f"/meetings/{meeting.id}/signup")
    assert response.status_code == 409
    assert message in response.get_data(as_text=True)
    assert _signup(app, meeting, people["resident"]) is None


def test_a_visitor_is_asked_to_log_in(client, edition, make_meeting, english):
    meeting = make_meeting(edition)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Log in to sign up" in page and f"next=/meetings/{meeting.id}" in page
    response = client.post(f"/meetings/{meeting.id}/signup")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_full_meeting_puts_people_on_the_waiting_list_and_a_cancellation_promotes_them(
        app, make_user, login, edition, make_meeting, english):
    meeting = make_meeting(edition, capacity=2)
    first, second, third, fourth = (make_user() for _ in range(4))
    clients = {}
    for person, plus_one in ((first, False), (second, False), (third, True), (fourth, False)):
        clients[person.id] = app.test_client()
        login(clients[person.id], person)
        clients[person.id].post(f"/meetings/{meeting.id}/signup", data={"plus_one": "y"} if plus_one else {})
    assert [_signup(app, meeting, p).status for p in (first, second, third, fourth)] == [
        "confirmed", "confirmed", "waiting", "waiting"]
    page = clients[fourth.id].get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "waiting list, number 2" in page
    with app.app_context():
        assert "numer 2" in outbox()[-1].body

    # One seat frees up: the plus-one at the head needs two, so nobody overtakes them (strict order).
    assert clients[first.id].post(f"/meetings/{meeting.id}/signup/cancel").status_code == 303
    assert _signup(app, meeting, third).status == "waiting" and _seats(app, meeting) == 1
    # A newcomer does not jump the queue either.
    newcomer = make_user()
    login(clients.setdefault(newcomer.id, app.test_client()), newcomer)
    clients[newcomer.id].post(f"/meetings/{meeting.id}/signup")
    assert _signup(app, meeting, newcomer).status == "waiting"

    # Two seats free: the plus-one comes in and is told; the next single does not fit.
    response = clients[second.id].htmx("POST", f"/meetings/{meeting.id}/signup/cancel")
    assert response.status_code == 200 and "cancelled" in response.get_data(as_text=True)
    assert _signup(app, meeting, third).status == "confirmed"
    assert _signup(app, meeting, fourth).status == "waiting"
    assert _seats(app, meeting) == 2
    with app.app_context():
        promoted = [m for m in outbox() if m.to == third.email]
        assert "Zwolniło się miejsce" in promoted[-1].subject
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent).where(
            AuditEvent.verb == "meeting.signup_promoted")) == 1

    # Leaving the waiting list frees no seat and promotes nobody.
    clients[fourth.id].post(f"/meetings/{meeting.id}/signup/cancel")
    assert _signup(app, meeting, fourth) is None and _seats(app, meeting) == 2


def test_cancelling_without_a_sign_up_is_refused(client, login, people, edition, make_meeting, english):
    meeting = make_meeting(edition)
    login(client, people["resident"])
    response = client.post(f"/meetings/{meeting.id}/signup/cancel")
    assert response.status_code == 409 and "not signed up" in response.get_data(as_text=True)


def test_signing_up_again_after_cancelling_works(app, client, login, people, edition, make_meeting):
    meeting = make_meeting(edition)
    login(client, people["resident"])
    client.post(f"/meetings/{meeting.id}/signup")
    client.post(f"/meetings/{meeting.id}/signup/cancel")
    assert client.post(f"/meetings/{meeting.id}/signup").status_code == 303
    assert _signup(app, meeting, people["resident"]).status == "confirmed" and _seats(app, meeting) == 1
