"""The meeting day: the ambassador records attendance, walk-ins, needs, ideas and minutes, marks it held."""

from datetime import timedelta

import pytest

from pbflow.core.models import AuditEvent
from pbflow.extensions import db
from pbflow.meetings.models import Idea, Meeting, MeetingSignup, Need, WalkIn


@pytest.fixture
def edition(make_edition):
    return make_edition(open_stage="meetings")


@pytest.fixture
def day(app, client, login, people, edition, make_ambassador, make_meeting, make_user):
    """A meeting starting in 30 minutes, its ambassador logged in, two residents signed up (one with a plus-one)."""
    ambassador = make_ambassador(edition, user=people["ambassador"])
    meeting = make_meeting(edition, ambassador=ambassador, starts_in=timedelta(minutes=30))
    residents = [make_user("Zofia Łąka"), make_user("Adam Źrebię")]
    for person, seats in zip(residents, (2, 1), strict=True):
        with app.app_context():
            db.session.add(MeetingSignup(meeting_id=meeting.id, user_id=person.id, seats=seats, status="confirmed"))
            db.session.execute(db.update(Meeting).where(Meeting.id == meeting.id)
                               .values(confirmed_seats=Meeting.confirmed_seats + seats))
            db.session.commit()
    login(client, people["ambassador"])
    return meeting, residents


def _signups(app, meeting):
    with app.app_context():
        return {s.user_id: s for s in db.session.scalars(db.select(MeetingSignup).where(
            MeetingSignup.meeting_id == meeting.id))}


def _verbs(app):
    with app.app_context():
        return [e.verb for e in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id))]


def test_an_ambassador_records_attendance_and_a_walk_in(app, client, day, english):
    meeting, (zofia, adam) = day
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Zofia Łąka" in page and 'hx-trigger="change"' in page
    ids = {s.user_id: s.id for s in _signups(app, meeting).values()}
    response = client.htmx("POST", f"/meetings/{meeting.id}/attendance", data={"present": [str(ids[zofia.id])]})
    assert response.status_code == 200 and 'id="attendance-saved"' in response.get_data(as_text=True)
    assert _signups(app, meeting)[zofia.id].attended and not _signups(app, meeting)[adam.id].attended
    response = client.post(f"/meetings/{meeting.id}/walk-ins", data={"name": "Pani Halina <b>"})
    assert response.status_code == 303 and response.headers["Location"].endswith("#attendance")
    response = client.htmx("POST", f"/meetings/{meeting.id}/walk-in-count", data={"walk_in_count": "3"})
    body = response.get_data(as_text=True)
    assert "Pani Halina &lt;b&gt;" in body and "Counted so far: 6" in body
    assert {"meeting.attendance_recorded", "meeting.walk_in_added", "meeting.walk_in_count_set"} <= set(_verbs(app))


def test_bad_walk_in_input_comes_back_with_a_message(app, client, day, english):
    meeting, _ = day
    response = client.htmx("POST", f"/meetings/{meeting.id}/walk-in-count", data={"walk_in_count": "-2"})
    assert response.status_code == 422 and "from 0 to" in response.get_data(as_text=True)
    response = client.post(f"/meetings/{meeting.id}/walk-ins", data={"name": "x" * 121})
    assert response.status_code == 422 and "x" * 121 in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(WalkIn)) == 0


def test_attendance_opens_an_hour_before_the_start(app, client, login, people, edition, make_ambassador,
                                                   make_meeting, english):
    ambassador = make_ambassador(edition, user=people["ambassador"])
    meeting = make_meeting(edition, ambassador=ambassador, starts_in=timedelta(hours=3))
    login(client, people["ambassador"])
    response = client.post(f"/meetings/{meeting.id}/walk-ins", data={"name": "Ktoś"})
    assert response.status_code == 409 and "one hour before the start" in response.get_data(as_text=True)
    # Needs can be prepared beforehand.
    assert client.post(f"/meetings/{meeting.id}/needs", data={"text": "Ławki"}).status_code == 303


def test_needs_are_added_edited_reordered_and_removed(app, client, day, english):
    meeting, _ = day
    for text in ("Bezpieczne przejście przy szkole", "Więcej zieleni", "Ławki w parku"):
        assert client.htmx("POST", f"/meetings/{meeting.id}/needs", data={"text": text}).status_code == 200
    with app.app_context():
        first, second, third = db.session.scalars(db.select(Need).order_by(Need.position)).all()
    response = client.htmx("POST", f"/meetings/{meeting.id}/needs/{third.id}/move", data={"direction": "up"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and body.lstrip().startswith('<section id="needs"')
    assert f'id="need-{third.id}-up"' in body.split("data-focus-on-swap")[0].rsplit("<button", 1)[-1]
    assert client.post(f"/meetings/{meeting.id}/needs/{first.id}/move",
                       data={"direction": "down"}).status_code == 303  # without JavaScript
    client.post(f"/meetings/{meeting.id}/needs/{second.id}", data={"text": "Więcej drzew"})
    client.post(f"/meetings/{meeting.id}/needs/{third.id}/delete")
    with app.app_context():
        assert [n.text for n in db.session.scalars(db.select(Need).order_by(Need.position, Need.id))] == [
            "Bezpieczne przejście przy szkole", "Więcej drzew"]
    too_long = client.htmx("POST", f"/meetings/{meeting.id}/needs/{second.id}", data={"text": "ż" * 301})
    assert too_long.status_code == 422 and "at most 300" in too_long.get_data(as_text=True)
    assert {"meeting.need_added", "meeting.need_moved", "meeting.need_edited", "meeting.need_removed"} <= set(_verbs(app))


def test_an_idea_is_recorded_with_who_raised_it(app, client, day, english):
    meeting, (zofia, _adam) = day
    response = client.htmx("POST", f"/meetings/{meeting.id}/day/ideas", data={
        "title": "Plac zabaw przy Zielonej", "description": "**Bezpieczny** <script>alert(1)</script>",
        "raised_by_names": "pan Marek", "raiser": [str(zofia.id)]})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "Raised by: Zofia Łąka, pan Marek" in body
    assert "<strong>Bezpieczny</strong>" in body and "<script>alert" not in body
    stranger = client.post(f"/meetings/{meeting.id}/day/ideas", data={"title": "X", "raiser": ["999999"]})
    assert stranger.status_code == 409
    assert client.post(f"/meetings/{meeting.id}/day/ideas", data={"title": ""}).status_code == 422
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Idea)) == 1


def test_minutes_are_saved_and_shown_to_everyone_once_held(app, client, day, english):
    meeting, (zofia, _adam) = day
    ids = {s.user_id: s.id for s in _signups(app, meeting).values()}
    client.post(f"/meetings/{meeting.id}/attendance", data={"present": [str(ids[zofia.id])]})
    client.post(f"/meetings/{meeting.id}/walk-ins", data={"name": "Pani Halina"})
    client.post(f"/meetings/{meeting.id}/walk-in-count", data={"walk_in_count": "4"})
    client.post(f"/meetings/{meeting.id}/needs", data={"text": "Więcej zieleni"})
    assert client.post(f"/meetings/{meeting.id}/minutes", data={"minutes": "## Ustalenia\n\n- zieleń"}).status_code == 303
    # Too early to be marked held: the meeting starts in half an hour.
    refused = client.post(f"/meetings/{meeting.id}/held")
    assert refused.status_code == 409 and "once it has started" in refused.get_data(as_text=True)
    with app.app_context():
        started = db.session.get(Meeting, meeting.id)
        started.starts_at -= timedelta(hours=1)
        db.session.commit()
    assert client.post(f"/meetings/{meeting.id}/held").status_code == 303
    with app.app_context():
        held = db.session.get(Meeting, meeting.id)
        assert held.status == "held" and held.held_at is not None
        assert held.attendance == 2 + 1 + 4  # Zofia with her plus-one, the named walk-in, four more
    # Attendance is read-only now.
    assert client.post(f"/meetings/{meeting.id}/walk-in-count", data={"walk_in_count": "9"}).status_code == 409
    visitor = app.test_client()
    page = visitor.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "7 people took part." in page and "Ustalenia</h2>" in page and "Więcej zieleni" in page


def test_a_coordinator_reopens_a_held_meeting(app, client, login, people, day, english):
    meeting, _ = day
    with app.app_context():
        db.session.execute(db.update(Meeting).where(Meeting.id == meeting.id).values(status="held", attendance=5))
        db.session.commit()
    assert client.post(f"/meetings/{meeting.id}/reopen").status_code == 403  # the ambassador may not
    coordinator = app.test_client()
    login(coordinator, people["coordinator"])
    assert coordinator.post(f"/meetings/{meeting.id}/reopen").status_code == 303
    with app.app_context():
        reopened = db.session.get(Meeting, meeting.id)
        assert reopened.status == "planned" and reopened.attendance is None and reopened.held_at is None
    assert "meeting.reopened" in _verbs(app)


def test_an_online_discussion_counts_who_took_part(app, client, login, people, edition, make_ambassador,
                                                  make_meeting, make_user):
    from pbflow.meetings.models import Comment, IdeaSupport

    ambassador = make_ambassador(edition, user=people["ambassador"])
    meeting = make_meeting(edition, ambassador=ambassador, fmt="online", starts_in=timedelta(hours=-1))
    a, b, c = (make_user() for _ in range(3))
    with app.app_context():
        idea = Idea(meeting_id=meeting.id, title="Zieleń", created_by_id=a.id)
        db.session.add(idea)
        db.session.flush()
        db.session.add_all([Comment(meeting_id=meeting.id, author_id=a.id, body="tak"),
                            Comment(meeting_id=meeting.id, author_id=b.id, body="też"),
                            IdeaSupport(idea_id=idea.id, user_id=c.id), IdeaSupport(idea_id=idea.id, user_id=b.id)])
        db.session.commit()
    login(client, people["ambassador"])
    assert client.post(f"/meetings/{meeting.id}/held").status_code == 303
    with app.app_context():
        assert db.session.get(Meeting, meeting.id).attendance == 3


@pytest.mark.parametrize("who", ["resident", "other_ambassador"])
@pytest.mark.parametrize("url, data", [
    ("attendance", {}), ("walk-ins", {"name": "X"}), ("walk-in-count", {"walk_in_count": "1"}),
    ("needs", {"text": "X"}), ("day/ideas", {"title": "X"}), ("minutes", {"minutes": "X"}), ("held", {}),
])
def test_only_the_meetings_managers_record_it(app, login, people, edition, make_ambassador, make_meeting,
                                             make_user, who, url, data):
    meeting = make_meeting(edition, starts_in=timedelta(minutes=-5))
    person = people["resident"]
    if who == "other_ambassador":
        person = make_user()
        make_ambassador(edition, user=person)
    client = app.test_client()
    login(client, person)
    assert client.post(f"/meetings/{meeting.id}/{url}", data=data).status_code == 403
    assert "Attendance" not in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent).where(
            AuditEvent.verb.like("meeting.%"))) == 0


def test_the_meeting_page_makes_the_same_queries_for_5_and_200_sign_ups(app, client, login, people, edition,
                                                                       make_ambassador, make_meeting, count_queries):
    from pbflow.accounts import services as accounts

    ambassador = make_ambassador(edition, user=people["ambassador"])
    small = make_meeting(edition, ambassador=ambassador, capacity=300, starts_in=timedelta(minutes=10))
    large = make_meeting(edition, ambassador=ambassador, capacity=300, starts_in=timedelta(minutes=10))
    with app.app_context():
        for n in range(200):
            user = accounts.User(name=f"Osoba {n}", email=f"crowd{n}@example.org")
            db.session.add(user)
            db.session.flush()
            for meeting, limit in ((small, 5), (large, 200)):
                if n < limit:
                    db.session.add(MeetingSignup(meeting_id=meeting.id, user_id=user.id, status="confirmed",
                                                 attended=n % 2 == 0))
            db.session.add(Need(meeting_id=large.id, position=n, text=f"Potrzeba {n}"))
        db.session.commit()
    login(client, people["ambassador"])
    counts = []
    for meeting in (small, large):
        client.get(f"/meetings/{meeting.id}")
        with count_queries() as statements:
            page = client.get(f"/meetings/{meeting.id}")
        assert page.status_code == 200
        counts.append(len(statements))
    assert "Osoba 199" in page.get_data(as_text=True)
    assert counts[0] == counts[1], counts
