"""An ambassador schedules a meeting of their area, reschedules or cancels it, and the people signed up hear of it;
residents find meetings in the public calendar."""

from datetime import timedelta

import pytest

from pbflow.core import clock
from pbflow.core.mail import outbox
from pbflow.core.models import AuditEvent
from pbflow.extensions import db
from pbflow.meetings.models import Meeting, MeetingSignup, Venue


@pytest.fixture
def edition(make_edition):
    return make_edition(open_stage="meetings")


@pytest.fixture
def venue(app, districts):
    with app.app_context():
        place = Venue(name="Centrum Aktywności Seniorów Ruczaj", name_key="centrum aktywności seniorów ruczaj",
                      address="ul. Kobierzyńska 98, Kraków", kind="activity_centre", district_id=districts[7].id,
                      accessibility="wejście bez progów, winda")
        db.session.add(place)
        db.session.commit()
        db.session.refresh(place)
        db.session.expunge(place)
        return place


@pytest.fixture
def ambassador(edition, make_ambassador, people):
    return make_ambassador(edition, user=people["ambassador"])


def _form(ambassador, place, days=3, **changes):
    day = clock.today() + timedelta(days=days)
    values = {"area": str(ambassador.area_id), "title": "Czego potrzebuje Ruczaj? Spotkanie mieszkańców",
              "format": "in_person", "venue": str(place.id), "room": "sala 12, I piętro",
              "start_date": day.isoformat(), "start_time": "17:30", "end_date": "", "end_time": "19:30",
              "capacity": "20", "agenda": "1. Powitanie\n2. **Potrzeby** osiedla", "what_to_bring": "Zdjęcia miejsc"}
    return {**values, **changes}


def _meeting(app, title="Czego potrzebuje Ruczaj? Spotkanie mieszkańców"):
    with app.app_context():
        meeting = db.session.scalar(db.select(Meeting).where(Meeting.title == title))
        if meeting is not None:
            db.session.expunge(meeting)
        return meeting


def test_an_ambassador_schedules_a_meeting_of_their_area(app, client, login, people, ambassador, venue, english):
    login(client, people["ambassador"])
    page = client.get("/meetings/new").get_data(as_text=True)
    assert "Schedule a meeting" in page and 'name="start_date"' in page
    response = client.post("/meetings/new", data=_form(ambassador, venue))
    assert response.status_code == 303, response.get_data(as_text=True)
    meeting = _meeting(app)
    assert response.headers["Location"].endswith(f"/meetings/{meeting.id}")
    assert meeting.area_id == ambassador.area_id and meeting.organiser_id == people["ambassador"].id
    assert meeting.capacity == 20 and meeting.room == "sala 12, I piętro"
    # 17:30 in Kraków is 16:30 or 15:30 UTC, whatever the season: stored in UTC, shown in Kraków time.
    assert meeting.starts_at.hour in (15, 16) and meeting.ends_at - meeting.starts_at == timedelta(hours=2)
    shown = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "5:30" in shown and "Centrum Aktywności Seniorów Ruczaj" in shown and "<strong>Potrzeby</strong>" in shown
    assert "Change or reschedule" in shown
    with app.app_context():
        assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.verb == "meeting.scheduled")) is not None


def test_an_online_discussion_needs_no_venue_and_may_last_days(app, client, login, people, ambassador, venue):
    login(client, people["ambassador"])
    start = clock.today() + timedelta(days=1)
    response = client.post("/meetings/new", data=_form(ambassador, venue, format="online", venue="",
                                                         title="Dyskusja o zieleni",
                                                         end_date=(start + timedelta(days=6)).isoformat(),
                                                         start_date=start.isoformat(), end_time="12:00"))
    assert response.status_code == 303, response.get_data(as_text=True)
    meeting = _meeting(app, "Dyskusja o zieleni")
    assert meeting.is_online and meeting.venue_id is None and meeting.room == ""


@pytest.mark.parametrize("changes, message", [
    ({"end_time": "16:00"}, "The end must be after the start."),
    ({"start_date": "2020-03-15"}, "The start must be in the future."),
    ({"capacity": "0"}, "Give a number from 1 to 2000."),
    ({"capacity": "-5"}, "Give a number from 1 to 2000."),
    ({"capacity": "dwadzieścia"}, "Not a valid integer value."),
    ({"venue": ""}, "Choose where the meeting takes place."),
    ({"title": ""}, "Give the meeting a title."),
    ({"title": "ż" * 201}, "Use at most 200 characters."),
    ({"start_date": "31.02.2027"}, "Enter a date like 15.03.2026."),
    ({"start_time": "25:00"}, "Enter a time like 17:30."),
    ({"format": "hologram"}, "Choose from the list."),
    ({"end_date": (clock.today() + timedelta(days=5)).isoformat()}, "at most 12 hours"),
])
def test_a_meeting_that_cannot_be_is_refused_with_the_reason(app, client, login, people, ambassador, venue, english,
                                                             changes, message):
    login(client, people["ambassador"])
    response = client.post("/meetings/new", data=_form(ambassador, venue, **changes))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in body
    assert 'value="Zdjęcia miejsc"' in body or "Zdjęcia miejsc" in body  # what they typed is kept
    assert _meeting(app) is None


def test_a_meeting_after_the_meetings_stage_is_refused(app, client, login, people, ambassador, venue, english):
    login(client, people["ambassador"])
    response = client.post("/meetings/new", data=_form(ambassador, venue, days=40))
    assert response.status_code == 422 and "take place between" in response.get_data(as_text=True)


def test_no_meetings_are_scheduled_outside_the_meetings_stage(app, client, login, people, make_edition,
                                                              make_ambassador, venue, english):
    edition = make_edition(open_stage="workshops")
    ambassador = make_ambassador(edition, user=people["ambassador"])
    login(client, people["ambassador"])
    page = client.get("/meetings/new")
    assert page.status_code == 200 and "only while the residents' meetings stage is open" in page.get_data(as_text=True)
    response = client.post("/meetings/new", data=_form(ambassador, venue))
    assert response.status_code == 409 and _meeting(app) is None


def test_an_ambassador_cannot_schedule_for_another_area(app, client, login, people, ambassador, venue, make_area):
    other = make_area()
    login(client, people["ambassador"])
    response = client.post("/meetings/new", data={**_form(ambassador, venue), "area": str(other.id)})
    assert response.status_code == 422 and _meeting(app) is None  # not among the areas offered


def test_a_resident_cannot_schedule_or_edit(app, client, login, people, edition, ambassador, make_meeting):
    meeting = make_meeting(edition, ambassador=ambassador)
    login(client, people["resident"])
    assert client.get("/meetings/new").status_code == 403
    assert client.get(f"/meetings/{meeting.id}/edit").status_code == 403
    assert client.post(f"/meetings/{meeting.id}/cancel", data={"reason": "x"}).status_code == 403


def test_an_ambassador_of_another_area_cannot_change_the_meeting(app, client, login, people, edition, make_meeting,
                                                                 ambassador):
    meeting = make_meeting(edition)  # another area, another ambassador
    login(client, people["ambassador"])
    assert client.get(f"/meetings/{meeting.id}/edit").status_code == 403
    assert client.post(f"/meetings/{meeting.id}/cancel", data={"reason": "Choroba"}).status_code == 403


def _sign_up(app, meeting, user, status="confirmed"):
    with app.app_context():
        db.session.add(MeetingSignup(meeting_id=meeting.id, user_id=user.id, status=status))
        if status == "confirmed":
            db.session.get(Meeting, meeting.id).confirmed_seats += 1
        db.session.commit()


def test_rescheduling_tells_everyone_signed_up_in_their_language(app, client, login, people, edition, ambassador,
                                                                 venue, make_meeting, make_user):
    meeting = make_meeting(edition, ambassador=ambassador, venue_id=venue.id, title="Spotkanie w CAS")
    english_resident = make_user("Mary Smith", "mary@example.org", locale="en")
    _sign_up(app, meeting, people["resident"])
    _sign_up(app, meeting, english_resident, status="waiting")
    login(client, people["ambassador"])
    form = client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert 'value="Spotkanie w CAS"' in form
    with app.app_context():
        before = len(outbox())
    response = client.post(f"/meetings/{meeting.id}/edit", data={
        **_form(ambassador, venue, days=5), "title": "Spotkanie w CAS"})
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        mails = outbox()[before:]
    assert sorted(m.to for m in mails) == sorted([people["resident"].email, "mary@example.org"])
    by_person = {m.to: m for m in mails}
    assert by_person["mary@example.org"].subject.startswith("New date")
    assert "waiting list" in by_person["mary@example.org"].body
    assert "Nowy termin" in by_person[people["resident"].email].subject
    with app.app_context():
        event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.verb == "meeting.changed"))
        assert "starts_at" in event.data["fields"]


def test_changing_only_the_agenda_sends_no_mail(app, client, login, people, edition, ambassador, venue, make_meeting):
    meeting = make_meeting(edition, ambassador=ambassador, venue_id=venue.id)
    _sign_up(app, meeting, people["resident"])
    login(client, people["ambassador"])
    with app.app_context():
        before = len(outbox())
    form = {**_form(ambassador, venue), "title": meeting.title, "agenda": "Nowy porządek"}
    page = client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    for name in ("start_date", "start_time", "end_date", "end_time"):
        form[name] = page.split(f'name="{name}"')[1].split('value="')[1].split('"')[0]
    form["room"] = meeting.room
    response = client.post(f"/meetings/{meeting.id}/edit", data=form)
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        assert len(outbox()) == before
        assert db.session.get(Meeting, meeting.id).agenda == "Nowy porządek"


def test_capacity_cannot_go_below_the_confirmed_places(app, client, login, people, edition, ambassador, venue,
                                                       make_meeting, make_user, english):
    meeting = make_meeting(edition, ambassador=ambassador, venue_id=venue.id, capacity=3)
    for n in range(3):
        _sign_up(app, meeting, make_user(f"Osoba {n}", f"osoba{n}@example.org"))
    login(client, people["ambassador"])
    response = client.post(f"/meetings/{meeting.id}/edit", data={**_form(ambassador, venue), "capacity": "2"})
    assert response.status_code == 422
    assert "3 places are already confirmed" in response.get_data(as_text=True)


def test_more_places_go_to_the_waiting_list(app, client, login, people, edition, ambassador, venue, make_meeting,
                                            make_user):
    meeting = make_meeting(edition, ambassador=ambassador, venue_id=venue.id, capacity=1)
    _sign_up(app, meeting, make_user("Pierwsza", "pierwsza@example.org"))
    waiting = make_user("Druga", "druga@example.org")
    _sign_up(app, meeting, waiting, status="waiting")
    login(client, people["ambassador"])
    page = client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    form = {**_form(ambassador, venue), "title": meeting.title, "capacity": "5", "room": meeting.room}
    for name in ("start_date", "start_time", "end_date", "end_time"):
        form[name] = page.split(f'name="{name}"')[1].split('value="')[1].split('"')[0]
    form["agenda"] = meeting.agenda
    response = client.post(f"/meetings/{meeting.id}/edit", data=form)
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context():
        signup = db.session.scalar(db.select(MeetingSignup).where(MeetingSignup.user_id == waiting.id))
        assert signup.status == "confirmed"
        assert db.session.get(Meeting, meeting.id).confirmed_seats == 2


def test_cancelling_needs_a_reason_and_tells_everyone(app, client, login, people, edition, ambassador, make_meeting,
                                                      english):
    meeting = make_meeting(edition, ambassador=ambassador)
    _sign_up(app, meeting, people["resident"])
    login(client, people["ambassador"])
    page = client.get(f"/meetings/{meeting.id}/cancel")
    assert page.status_code == 200 and "Cancel the meeting" in page.get_data(as_text=True)
    response = client.post(f"/meetings/{meeting.id}/cancel", data={"reason": "  "})
    assert response.status_code == 422 and "why the meeting is cancelled" in response.get_data(as_text=True)
    with app.app_context():
        before = len(outbox())
    response = client.post(f"/meetings/{meeting.id}/cancel",
                           data={"reason": "Sala zalana <script>alert(1)</script>"})
    assert response.status_code == 303
    with app.app_context():
        mail = outbox()[before]
    assert mail.to == people["resident"].email and "Odwołane" in mail.subject  # Polish by default
    assert "Sala zalana" in mail.body
    shown = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Sala zalana &lt;script&gt;" in shown and "<script>alert" not in shown
    assert client.post(f"/meetings/{meeting.id}/cancel", data={"reason": "Jeszcze raz"}).status_code == 409
    assert client.get(f"/meetings/{meeting.id}/edit").status_code == 200  # shows, but saving is refused
    with app.app_context():
        assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.verb == "meeting.cancelled")) is not None


def test_a_coordinator_schedules_for_any_area(app, client, login, people, edition, make_area, venue):
    area = make_area()
    login(client, people["coordinator"])
    day = clock.today() + timedelta(days=2)
    response = client.post("/meetings/new", data={
        "area": str(area.id), "title": "Spotkanie koordynatora", "format": "in_person", "venue": str(venue.id),
        "start_date": day.strftime("%d.%m.%Y"), "start_time": "18.00", "end_time": "20:00", "capacity": "30"})
    assert response.status_code == 303, response.get_data(as_text=True)
    assert _meeting(app, "Spotkanie koordynatora").area_id == area.id


def test_venues_are_added_once_whatever_the_case(app, client, login, people, ambassador, english):
    login(client, people["ambassador"])
    data = {"name": "Biblioteka Kraków – Filia nr 12", "address": "ul. Lipińskiego 1", "kind": "library",
            "district": "", "accessibility": "podjazd dla wózków"}
    assert client.post("/meetings/venues", data=data).status_code == 303
    again = client.post("/meetings/venues", data={**data, "name": "  biblioteka kraków –  filia NR 12 "})
    assert again.status_code == 422 and "There is already a venue" in again.get_data(as_text=True)
    assert client.post("/meetings/venues", data={**data, "name": ""}).status_code == 422
    assert client.post("/meetings/venues", data={**data, "kind": "castle"}).status_code == 422
    page = client.get("/meetings/venues").get_data(as_text=True)
    assert "Biblioteka Kraków – Filia nr 12" in page and "podjazd dla wózków" in page


# --- the calendar ----------------------------------------------------------------------

def test_the_calendar_shows_upcoming_meetings_in_time_order(app, client, edition, make_meeting, make_ambassador,
                                                            english):
    ambassador = make_ambassador(edition)
    later = make_meeting(edition, ambassador=ambassador, title="Później", starts_in=timedelta(days=6))
    sooner = make_meeting(edition, ambassador=ambassador, title="Wcześniej", starts_in=timedelta(days=2))
    make_meeting(edition, ambassador=ambassador, title="Minione", starts_in=timedelta(days=-2))
    page = client.get("/meetings/").get_data(as_text=True)
    assert page.index("Wcześniej") < page.index("Później") and "Minione" not in page
    assert "20 places left" in page
    past = client.get("/meetings/?when=past").get_data(as_text=True)
    assert "Minione" in past and "Wcześniej" not in past
    assert sooner.id != later.id


def test_the_calendar_filters_by_district_area_and_form(app, client, edition, make_meeting, make_ambassador,
                                                         make_area, districts):
    here, there = make_area(district=districts[0]), make_area(district=districts[1])
    make_meeting(edition, ambassador=make_ambassador(edition, area=here), title="Tutaj")
    make_meeting(edition, ambassador=make_ambassador(edition, area=there), title="Tam", fmt="online")
    by_district = client.get(f"/meetings/?district={districts[0].id}").get_data(as_text=True)
    assert "Tutaj" in by_district and "Tam</a>" not in by_district
    by_area = client.get(f"/meetings/?area={there.id}").get_data(as_text=True)
    assert "Tam</a>" in by_area and "Tutaj" not in by_area
    online = client.htmx("GET", "/meetings/?format=online")
    assert "<html" not in online.get_data(as_text=True) and "Tam</a>" in online.get_data(as_text=True)


@pytest.mark.parametrize("query", ["district=abc", "area=-1", "format=hologram", "when=tomorrow",
                                   "after=zzz", "after=20261399999999-1"])
def test_bad_calendar_links_get_a_400(client, edition, query):
    assert client.get(f"/meetings/?{query}").status_code == 400


def test_the_calendar_pages_by_keyset_in_a_fixed_number_of_queries(app, client, edition, make_meeting,
                                                                   make_ambassador, count_queries):
    ambassador = make_ambassador(edition)
    for n in range(23):
        make_meeting(edition, ambassador=ambassador, title=f"Spotkanie {n:02d}", starts_in=timedelta(days=1, hours=n))
    first = client.get("/meetings/").get_data(as_text=True)
    assert "Spotkanie 19" in first and "Spotkanie 20" not in first
    next_link = first.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    second = client.get(next_link).get_data(as_text=True)
    assert "Spotkanie 20" in second and "Spotkanie 22" in second and "Spotkanie 19" not in second
    with count_queries() as few:
        client.get(next_link)
    for n in range(23, 60):
        make_meeting(edition, ambassador=ambassador, title=f"Spotkanie {n:02d}", starts_in=timedelta(days=2, hours=n))
    with count_queries() as many:
        client.get(next_link)
    assert len(few) == len(many)
    assert not any(" OFFSET " in q and "LIMIT ? OFFSET ?" not in q and "meetings" in q for q in many)
    assert not any("count(" in q.lower() and "meetings" in q for q in many)


def test_the_calendar_is_in_the_navigation(client, edition):
    assert 'href="/meetings/"' in client.get("/").get_data(as_text=True)
