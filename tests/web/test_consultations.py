"""Consultation slots and bookings: publishing, overlaps, booking rules, cancelling, iCalendar."""

from datetime import timedelta

import pytest
from icalendar import Calendar

from pbflow.core import clock
from pbflow.core.database import utcnow
from pbflow.core.models import AuditEvent, Notification
from pbflow.extensions import db
from pbflow.workshops.models import ConsultationBooking, ConsultationSlot


def _slot_form(unit_id, days=3, time="10:00", **values):
    data = {"unit": str(unit_id), "day": (clock.today() + timedelta(days=days)).strftime("%d.%m.%Y"),
            "start_time": time, "minutes": "30", "repeat": "1", "place": "ul. Grunwaldzka 8, pok. 3",
            "online_url": ""}
    data.update(values)
    return data


@pytest.fixture
def setup(app, people, make_edition, make_unit, make_expert, make_user, make_proposal):
    edition = make_edition(open_stage="workshops", criteria=True)
    unit = make_unit()
    expert = make_expert(unit, user=people["expert"])
    author = make_user(name="Maria Lis")
    proposal = make_proposal(edition, author=author, title="Ławki na Plantach", status="in_consultation")
    return {"edition": edition, "unit": unit, "expert": expert, "author": author, "proposal": proposal}


def make_slot(app, setup, starts_in=timedelta(days=2), minutes=30, expert=None, **values):
    with app.app_context():
        starts = (utcnow() + starts_in).replace(second=0, microsecond=0)
        slot = ConsultationSlot(edition_id=setup["edition"].id, unit_id=setup["unit"].id,
                                expert_id=(expert or setup["expert"]).id, starts_at=starts,
                                ends_at=starts + timedelta(minutes=minutes), place="ul. Grunwaldzka 8", **values)
        db.session.add(slot)
        db.session.commit()
        return slot.id


def test_an_expert_publishes_a_series_back_to_back(app, client, login, setup):
    login(client, setup["expert"])
    assert client.get("/consultations/new").status_code == 200
    response = client.post("/consultations/new", data=_slot_form(setup["unit"].id, repeat="4"))
    assert response.status_code == 303
    with app.app_context():
        slots = db.session.scalars(db.select(ConsultationSlot).order_by(ConsultationSlot.starts_at)).all()
        assert len(slots) == 4
        assert all(b.starts_at == a.ends_at for a, b in zip(slots, slots[1:], strict=False))
        assert all((s.ends_at - s.starts_at) == timedelta(minutes=30) for s in slots)
        assert db.session.scalar(db.select(AuditEvent.verb).where(AuditEvent.verb == "consultation.slots_published"))


def test_overlapping_slots_for_one_expert_are_refused_naming_the_clash(app, client, login, english, setup):
    login(client, setup["expert"])
    assert client.post("/consultations/new", data=_slot_form(setup["unit"].id, time="10:00")).status_code == 303
    response = client.post("/consultations/new", data=_slot_form(setup["unit"].id, time="10:15"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "This overlaps your consultation from" in page and "10:00" in page and "10:30" in page
    # back to back is fine
    assert client.post("/consultations/new", data=_slot_form(setup["unit"].id, time="10:30")).status_code == 303


@pytest.mark.parametrize("change, message", [
    ({"day": (clock.today() - timedelta(days=1)).strftime("%d.%m.%Y")}, "The consultation must start in the future."),
    ({"minutes": "10"}, "Give a number from 15 to 240."),
    ({"minutes": "241"}, "Give a number from 15 to 240."),
    ({"repeat": "13"}, "Give a number from 1 to 12."),
    ({"place": "", "online_url": ""}, "Give a place, an online link, or both."),
    ({"online_url": "ftp://example.org"}, "Enter a full web address starting with https://"),
    ({"unit": "999999"}, "Choose from the list."),
    ({"start_time": "25:99"}, "Enter a time like 17:30."),
])
def test_bad_slots_are_refused(app, client, login, english, setup, change, message):
    login(client, setup["expert"])
    response = client.post("/consultations/new", data=_slot_form(setup["unit"].id, **change))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ConsultationSlot)) == 0


@pytest.mark.parametrize("role", ["resident", "ambassador", "coordinator"])
def test_only_experts_of_a_unit_publish_slots(client, login, people, setup, role):
    login(client, people[role])
    assert client.post("/consultations/new", data=_slot_form(setup["unit"].id)).status_code == 403


def test_an_author_books_and_the_expert_is_told(app, client, login, english, setup):
    slot_id = make_slot(app, setup)
    login(client, setup["author"])
    form = client.get(f"/consultations/{slot_id}/book")
    assert form.status_code == 200 and "Ławki na Plantach" in form.get_data(as_text=True)
    response = client.post(f"/consultations/{slot_id}/book",
                           data={"proposal": setup["proposal"].id, "question": "Czy ławki mogą stać na trawniku?"})
    assert response.status_code == 303
    with app.app_context():
        booking = db.session.scalar(db.select(ConsultationBooking))
        assert booking.status == "active" and booking.booked_by_id == setup["author"].id
        assert db.session.scalar(db.select(Notification.kind).where(
            Notification.user_id == setup["expert"].id)) == "booking_made"
    mine = client.get("/consultations/mine").get_data(as_text=True)
    assert "Ławki na Plantach" in mine
    listing = client.get("/consultations/").get_data(as_text=True)
    assert "Booked" in listing


def test_booking_with_htmx_bad_input_keeps_the_question(app, client, login, english, setup):
    slot_id = make_slot(app, setup)
    login(client, setup["author"])
    response = client.htmx("POST", f"/consultations/{slot_id}/book", data={"proposal": "", "question": "Pytanie ąę"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert page.lstrip().startswith('<div id="booking"')
    assert "Pytanie ąę" in page and "Choose the proposal the consultation is about." in page
    too_long = client.post(f"/consultations/{slot_id}/book",
                           data={"proposal": setup["proposal"].id, "question": "ż" * 2001})
    assert too_long.status_code == 422
    assert "Use at most 2000 characters." in too_long.get_data(as_text=True)
    empty = client.post(f"/consultations/{slot_id}/book", data={"proposal": setup["proposal"].id, "question": "  "})
    assert empty.status_code == 422


def test_a_taken_slot_answers_409_with_the_list(app, client, login, english, setup, make_user, make_proposal):
    slot_id = make_slot(app, setup)
    other = make_user()
    other_proposal = make_proposal(setup["edition"], author=other, status="in_consultation")
    with app.app_context():
        db.session.add(ConsultationBooking(slot_id=slot_id, proposal_id=other_proposal.id, booked_by_id=other.id,
                                           question="Pierwsze pytanie"))
        db.session.commit()
    login(client, setup["author"])
    response = client.htmx("POST", f"/consultations/{slot_id}/book",
                           data={"proposal": setup["proposal"].id, "question": "Drugie pytanie"})
    assert response.status_code == 409
    assert response.headers["HX-Retarget"] == "#booking"
    assert "just been taken" in response.get_data(as_text=True)
    assert 'id="slot-results"' in response.get_data(as_text=True)
    plain = client.post(f"/consultations/{slot_id}/book",
                        data={"proposal": setup["proposal"].id, "question": "Drugie pytanie"})
    assert plain.status_code == 409


def test_a_past_slot_cannot_be_booked(app, client, login, english, setup):
    slot_id = make_slot(app, setup, starts_in=timedelta(hours=-1))
    login(client, setup["author"])
    response = client.post(f"/consultations/{slot_id}/book",
                           data={"proposal": setup["proposal"].id, "question": "Za późno?"})
    assert response.status_code == 409
    assert "This consultation time has passed." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ConsultationBooking)) == 0


def test_a_cancelled_slot_cannot_be_booked(app, client, login, setup):
    slot_id = make_slot(app, setup, status="cancelled")
    login(client, setup["author"])
    assert client.post(f"/consultations/{slot_id}/book",
                       data={"proposal": setup["proposal"].id, "question": "?"}).status_code == 409


def test_a_non_author_cannot_book_for_a_proposal(app, client, login, people, setup):
    slot_id = make_slot(app, setup)
    login(client, people["resident"])
    response = client.post(f"/consultations/{slot_id}/book",
                           data={"proposal": setup["proposal"].id, "question": "Cudzy projekt"})
    assert response.status_code == 422  # not among their proposals: "choose from the list"
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ConsultationBooking)) == 0


def test_a_withdrawn_proposal_cannot_be_booked(app, client, login, setup, make_proposal):
    slot_id = make_slot(app, setup)
    withdrawn = make_proposal(setup["edition"], author=setup["author"], title="Stary", status="withdrawn")
    login(client, setup["author"])
    assert client.post(f"/consultations/{slot_id}/book",
                       data={"proposal": withdrawn.id, "question": "?"}).status_code == 422


def test_one_person_cannot_hold_two_bookings_at_overlapping_times(app, client, login, english, setup, make_unit,
                                                                  make_expert):
    other_expert = make_expert(make_unit())
    first = make_slot(app, setup)
    clash = make_slot(app, setup, expert=other_expert, starts_in=timedelta(days=2, minutes=15))
    login(client, setup["author"])
    data = {"proposal": setup["proposal"].id, "question": "Pytanie"}
    assert client.post(f"/consultations/{first}/book", data=data).status_code == 303
    response = client.post(f"/consultations/{clash}/book", data=data)
    assert response.status_code == 409
    assert "You already have a consultation booked at this time." in response.get_data(as_text=True)


def _booked(app, setup, slot_id):
    with app.app_context():
        booking = ConsultationBooking(slot_id=slot_id, proposal_id=setup["proposal"].id,
                                      booked_by_id=setup["author"].id, question="Czy to możliwe?")
        db.session.add(booking)
        db.session.commit()
        return booking.id


def test_either_side_cancels_with_a_reason_and_the_other_is_told(app, client, login, setup):
    booking_id = _booked(app, setup, make_slot(app, setup))
    login(client, setup["author"])
    assert client.post(f"/consultations/bookings/{booking_id}/cancel", data={"reason": ""}).status_code == 422
    assert client.post(f"/consultations/bookings/{booking_id}/cancel",
                       data={"reason": "Nie zdążę"}).status_code == 303
    with app.app_context():
        booking = db.session.get(ConsultationBooking, booking_id)
        assert booking.status == "cancelled" and booking.cancel_reason == "Nie zdążę"
        assert db.session.scalar(db.select(Notification.kind).where(
            Notification.user_id == setup["expert"].id)) == "booking_cancelled"
    second = _booked(app, setup, make_slot(app, setup, starts_in=timedelta(days=3)))
    login(client, setup["expert"])
    assert client.post(f"/consultations/bookings/{second}/cancel", data={"reason": "Urlop"}).status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(Notification.kind).where(
            Notification.user_id == setup["author"].id)) == "booking_cancelled"


def test_strangers_cannot_cancel_or_read_a_booking(app, client, login, people, setup):
    booking_id = _booked(app, setup, make_slot(app, setup))
    login(client, people["resident"])
    assert client.get(f"/consultations/bookings/{booking_id}.ics").status_code == 403
    assert client.post(f"/consultations/bookings/{booking_id}/cancel", data={"reason": "x"}).status_code == 403
    login(client, people["coordinator"])
    assert client.get(f"/consultations/bookings/{booking_id}.ics").status_code == 403


def test_cancelling_a_slot_cancels_its_booking_and_tells_the_author(app, client, login, people, setup):
    slot_id = make_slot(app, setup)
    booking_id = _booked(app, setup, slot_id)
    login(client, people["resident"])
    assert client.post(f"/consultations/{slot_id}/cancel", data={"reason": "x"}).status_code == 403
    login(client, setup["expert"])
    assert client.get(f"/consultations/{slot_id}/cancel").status_code == 200
    assert client.post(f"/consultations/{slot_id}/cancel", data={"reason": "Choroba"}).status_code == 303
    with app.app_context():
        assert db.session.get(ConsultationSlot, slot_id).status == "cancelled"
        assert db.session.get(ConsultationBooking, booking_id).status == "cancelled"
        assert db.session.scalar(db.select(Notification.kind).where(
            Notification.user_id == setup["author"].id)) == "booking_cancelled"


def test_the_ics_of_a_booking_parses_and_follows_cancellation(app, client, login, setup):
    slot_id = make_slot(app, setup, online_url="https://meet.example.org/abc")
    booking_id = _booked(app, setup, slot_id)
    login(client, setup["author"])
    response = client.get(f"/consultations/bookings/{booking_id}.ics")
    assert response.status_code == 200 and response.content_type.startswith("text/calendar")
    event = Calendar.from_ical(response.data).walk("VEVENT")[0]
    with app.app_context():
        slot = db.session.get(ConsultationSlot, slot_id)
        assert event.decoded("dtstart").replace(tzinfo=None) == slot.starts_at
        assert event.decoded("dtend").replace(tzinfo=None) == slot.ends_at
    assert event.decoded("dtstart").utcoffset() == timedelta(0)
    assert str(event["uid"]).startswith(f"consultation-booking-{booking_id}@")
    assert str(event["status"]) == "CONFIRMED"
    assert str(event["location"]) == "ul. Grunwaldzka 8"
    assert str(event["url"]) == "https://meet.example.org/abc"
    login(client, setup["expert"])
    client.post(f"/consultations/bookings/{booking_id}/cancel", data={"reason": "Urlop"})
    again = Calendar.from_ical(client.get(f"/consultations/bookings/{booking_id}.ics").data).walk("VEVENT")[0]
    assert str(again["status"]) == "CANCELLED" and again["uid"] == event["uid"]


def test_the_list_filters_by_unit_and_keeps_a_fixed_query_count(app, client, english, setup, make_unit, make_expert,
                                                               count_queries):
    other_unit = make_unit(name="Testowy Zarząd Dróg")
    other_expert = make_expert(other_unit)
    make_slot(app, setup)
    with app.app_context():
        starts = (utcnow() + timedelta(days=5)).replace(second=0, microsecond=0)
        db.session.add(ConsultationSlot(edition_id=setup["edition"].id, unit_id=other_unit.id,
                                        expert_id=other_expert.id, starts_at=starts,
                                        ends_at=starts + timedelta(minutes=30), place="ul. Centralna 53"))
        db.session.commit()
    filtered = client.get(f"/consultations/?unit={other_unit.id}").get_data(as_text=True)
    assert "ul. Centralna 53" in filtered and "ul. Grunwaldzka 8" not in filtered
    assert client.get("/consultations/?unit=abc").status_code == 400
    assert client.get("/consultations/?after=zzz").status_code == 400

    def measure():
        with count_queries() as statements:
            assert client.get("/consultations/").status_code == 200
        return len(statements)

    small = measure()
    for n in range(30):
        make_slot(app, setup, starts_in=timedelta(days=6, hours=n))
    assert measure() == small
    page = client.get("/consultations/").get_data(as_text=True)
    assert page.count('<tr id="slot-') == 20 and "Later times" in page


def test_my_consultations_lists_upcoming_first_for_both_sides(app, client, login, english, setup):
    later = _booked(app, setup, make_slot(app, setup, starts_in=timedelta(days=5)))
    sooner = _booked(app, setup, make_slot(app, setup, starts_in=timedelta(days=1)))
    for person in (setup["author"], setup["expert"]):
        login(client, person)
        page = client.get("/consultations/mine").get_data(as_text=True)
        assert page.index(f'id="booking-{sooner}"') < page.index(f'id="booking-{later}"')


def test_the_booking_page_of_a_past_slot_says_so(app, client, login, english, setup):
    slot_id = make_slot(app, setup, starts_in=timedelta(hours=-2))
    login(client, setup["author"])
    page = client.get(f"/consultations/{slot_id}/book").get_data(as_text=True)
    assert "This consultation time has passed." in page and "Book this time" not in page
