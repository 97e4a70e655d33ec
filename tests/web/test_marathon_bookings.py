"""The lead author books a marathon time for a proposal, moves or cancels it; .ics, e-mails, reminders."""

from datetime import timedelta

import pytest
from icalendar import Calendar

from pbflow.accounts.models import Role
from pbflow.core.database import utcnow
from pbflow.core.mail import outbox
from pbflow.core.models import AuditEvent, Notification
from pbflow.extensions import db
from pbflow.marathons import bookings, reminders
from pbflow.marathons.models import MarathonBooking, MarathonSlot
from pbflow.proposals.models import Proposal, ProposalStatus


@pytest.fixture
def edition(make_edition):
    return make_edition(open_stage="marathons")


@pytest.fixture
def marathon(edition, make_marathon):
    return make_marathon(edition, slots=[(timedelta(days=2), 60, 2), (timedelta(days=2, hours=1), 60, 1)])


@pytest.fixture
def lead(make_user):
    return make_user("Halina Gęś", "halina@example.org", locale="en")


@pytest.fixture
def co_author(make_user):
    return make_user("Zdzisław Źrebię", "zdzislaw@example.org")


@pytest.fixture
def proposal(edition, make_proposal, lead, co_author):
    return make_proposal(edition, author=lead, co_authors=[co_author], status=ProposalStatus.READY,
                         title="Ławki na Plantach")


def _book(client, marathon, slot, proposal, **kwargs):
    return client.post(f"/marathons/{marathon.id}/book", data={"slot": slot.id, "proposal": proposal.id}, **kwargs)


def _booking(app, proposal_id=None):
    with app.app_context():
        query = db.select(MarathonBooking).order_by(MarathonBooking.id.desc())
        if proposal_id:
            query = query.where(MarathonBooking.proposal_id == proposal_id)
        row = db.session.scalar(query)
        db.session.expunge(row)
        return row


def _seats(app, slot):
    with app.app_context():
        return db.session.get(MarathonSlot, slot.id).booked_seats


def _kinds(app, kind):
    with app.app_context():
        return sorted(db.session.scalars(db.select(Notification.user_id).where(Notification.kind == kind)).all())


def test_the_lead_author_books_a_time_and_the_authors_are_told_with_a_calendar_entry(
        app, client, login, english, marathon, proposal, lead, co_author):
    login(client, lead)
    page = client.get(f"/marathons/{marathon.id}").get_data(as_text=True)
    assert "Book this time" in page and "Ławki na Plantach" in page
    slot = marathon.slots[0]
    response = _book(client, marathon, slot, proposal)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/marathons/{marathon.id}#booking")
    booking = _booking(app)
    assert booking.status == "active" and booking.booked_by_id == lead.id and _seats(app, slot) == 1
    assert _kinds(app, "marathon_booked") == sorted([lead.id, co_author.id])
    with app.app_context():
        mails = {m.to: m for m in outbox()}
        assert db.session.scalar(db.select(AuditEvent.verb).where(AuditEvent.verb == "marathon.booked"))
    assert f"http://localhost/marathons/bookings/{booking.id}.ics" in mails["halina@example.org"].body
    assert "Ławki na Plantach" in mails["zdzislaw@example.org"].body
    page = client.get("/marathons/").get_data(as_text=True)
    assert "My marathon bookings" in page and f"/marathons/bookings/{booking.id}.ics" in page


def test_booking_with_htmx_swaps_the_booking_box(app, client, login, english, marathon, proposal, lead):
    login(client, lead)
    response = client.htmx("POST", f"/marathons/{marathon.id}/book",
                           data={"slot": marathon.slots[0].id, "proposal": proposal.id})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and 'id="booking"' in body
    assert "Booked." in body and "Your places at this marathon" in body
    response = client.htmx("POST", f"/marathons/{marathon.id}/book", data={"slot": "", "proposal": proposal.id})
    assert response.status_code == 422 and "Choose a time." in response.get_data(as_text=True)


def test_one_place_per_proposal_move_it_instead(app, client, login, english, marathon, proposal, lead):
    login(client, lead)
    assert _book(client, marathon, marathon.slots[0], proposal).status_code == 303
    response = _book(client, marathon, marathon.slots[1], proposal)
    assert response.status_code == 409
    assert "already has a place at a marathon: move it instead" in response.get_data(as_text=True)
    assert _seats(app, marathon.slots[1]) == 0


def test_a_full_time_is_refused(app, client, login, english, edition, marathon, make_proposal, make_user, proposal,
                                lead):
    other = make_user()
    other_proposal = make_proposal(edition, author=other)
    login(client, other)
    assert _book(client, marathon, marathon.slots[1], other_proposal).status_code == 303
    client.post("/logout")
    login(client, lead)
    response = _book(client, marathon, marathon.slots[1], proposal)
    assert response.status_code == 409 and "this time is full" in response.get_data(as_text=True)
    assert _seats(app, marathon.slots[1]) == 1
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(MarathonBooking)) == 1


@pytest.mark.parametrize("data, message", [
    ({"slot": "", "proposal": ""}, "Choose a time."),
    ({"slot": "abc", "proposal": "1"}, "Choose a time."),
    ({"slot": "99999999999", "proposal": "1"}, "Choose a time."),
    ({"slot": "2147483000", "proposal": "2147483000"}, "Choose from the list."),
])
def test_bad_booking_input_is_refused(app, client, login, english, marathon, proposal, lead, data, message):
    login(client, lead)
    response = client.post(f"/marathons/{marathon.id}/book", data=data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)


def test_only_the_lead_author_books(app, client, login, english, marathon, proposal, co_author, make_user):
    login(client, co_author)
    page = client.get(f"/marathons/{marathon.id}").get_data(as_text=True)
    assert "You lead no such proposal" in page
    response = _book(client, marathon, marathon.slots[0], proposal)
    assert response.status_code == 422  # not among the proposals they may choose
    with app.app_context():
        row = db.session.get(Proposal, proposal.id)
        slot = db.session.get(MarathonSlot, marathon.slots[0].id)
        with pytest.raises(bookings.BookingError) as refused:
            bookings.book(db.session.merge(co_author), slot, row)
        assert refused.value.status == 403


def test_a_submitted_proposal_or_a_past_time_cannot_be_booked(app, client, login, english, edition, make_marathon,
                                                               make_proposal, lead):
    past = make_marathon(edition, slots=[(timedelta(hours=-1), 60, 4)])
    submitted = make_proposal(edition, author=lead, status=ProposalStatus.SUBMITTED)
    live = make_proposal(edition, author=lead, status=ProposalStatus.REVISING)
    login(client, lead)
    response = _book(client, past, past.slots[0], live)
    assert response.status_code == 409 and "already started" in response.get_data(as_text=True)
    future = make_marathon(edition)
    assert _book(client, future, future.slots[0], submitted).status_code == 422
    assert _book(client, future, future.slots[0], live).status_code == 303


def test_a_time_of_another_marathon_is_refused(app, client, login, english, edition, marathon, make_marathon,
                                               proposal, lead):
    other = make_marathon(edition)
    login(client, lead)
    response = _book(client, marathon, other.slots[0], proposal)
    assert response.status_code == 422 and "Choose from the list." in response.get_data(as_text=True)


def test_the_lead_moves_the_place_new_seat_first(app, client, login, english, marathon, proposal, lead, co_author):
    login(client, lead)
    _book(client, marathon, marathon.slots[0], proposal)
    booking = _booking(app)
    assert client.get(f"/marathons/bookings/{booking.id}/move").status_code == 200
    response = client.post(f"/marathons/bookings/{booking.id}/move", data={"slot": ""})
    assert response.status_code == 422
    response = client.post(f"/marathons/bookings/{booking.id}/move", data={"slot": marathon.slots[1].id})
    assert response.status_code == 303
    moved = _booking(app)
    assert moved.slot_id == marathon.slots[1].id and moved.id == booking.id
    assert _seats(app, marathon.slots[0]) == 0 and _seats(app, marathon.slots[1]) == 1
    assert _kinds(app, "marathon_booking_moved") == sorted([lead.id, co_author.id])
    response = client.post(f"/marathons/bookings/{booking.id}/move", data={"slot": marathon.slots[1].id})
    assert response.status_code == 422 and "Choose from the list." in response.get_data(as_text=True)


def test_moving_into_a_full_time_keeps_the_old_place(app, client, login, english, edition, marathon, proposal, lead,
                                                     make_user, make_proposal):
    other = make_user()
    login(client, other)
    _book(client, marathon, marathon.slots[1], make_proposal(edition, author=other))
    client.post("/logout")
    login(client, lead)
    _book(client, marathon, marathon.slots[0], proposal)
    booking = _booking(app, proposal.id)
    response = client.post(f"/marathons/bookings/{booking.id}/move", data={"slot": marathon.slots[1].id})
    assert response.status_code == 409 and "this time is full" in response.get_data(as_text=True)
    assert _booking(app, proposal.id).slot_id == marathon.slots[0].id
    assert _seats(app, marathon.slots[0]) == 1 and _seats(app, marathon.slots[1]) == 1


def test_the_lead_cancels_and_the_seat_is_free_again(app, client, login, english, marathon, proposal, lead,
                                                     co_author):
    login(client, lead)
    _book(client, marathon, marathon.slots[0], proposal)
    booking = _booking(app)
    assert client.get(f"/marathons/bookings/{booking.id}/cancel").status_code == 200
    assert client.post(f"/marathons/bookings/{booking.id}/cancel").status_code == 303
    assert _booking(app).status == "cancelled" and _seats(app, marathon.slots[0]) == 0
    assert _kinds(app, "marathon_booking_cancelled") == sorted([lead.id, co_author.id])
    assert client.post(f"/marathons/bookings/{booking.id}/cancel").status_code == 403
    assert _book(client, marathon, marathon.slots[0], proposal).status_code == 303  # a new place is allowed


def test_others_neither_move_nor_cancel_nor_read_the_calendar_entry(app, client, login, marathon, proposal, lead,
                                                                     co_author, make_user):
    login(client, lead)
    _book(client, marathon, marathon.slots[0], proposal)
    booking = _booking(app)
    client.post("/logout")
    login(client, co_author)
    assert client.get(f"/marathons/bookings/{booking.id}/move").status_code == 403
    assert client.post(f"/marathons/bookings/{booking.id}/cancel").status_code == 403
    assert client.get(f"/marathons/bookings/{booking.id}.ics").status_code == 200  # authors keep it
    client.post("/logout")
    login(client, make_user())
    assert client.get(f"/marathons/bookings/{booking.id}.ics").status_code == 403
    assert client.post(f"/marathons/bookings/{booking.id}/move", data={"slot": marathon.slots[1].id}).status_code == 403
    assert client.get("/marathons/bookings/999999.ics").status_code == 404
    assert _booking(app).status == "active"


def test_the_calendar_entry_parses_keeps_its_uid_and_says_cancelled(app, client, login, make_user, marathon,
                                                                    proposal, lead):
    helper = make_user()
    with app.app_context():
        from pbflow.marathons.models import MarathonHelper
        db.session.add(MarathonHelper(marathon_id=marathon.id, user_id=helper.id))
        db.session.commit()
    login(client, lead)
    _book(client, marathon, marathon.slots[0], proposal)
    booking = _booking(app)
    response = client.get(f"/marathons/bookings/{booking.id}.ics")
    assert response.content_type.startswith("text/calendar")
    (event,) = Calendar.from_ical(response.data).walk("VEVENT")
    assert str(event["UID"]) == f"marathon-booking-{booking.id}@localhost" and str(event["STATUS"]) == "CONFIRMED"
    assert event.decoded("DTSTART").replace(tzinfo=None) == marathon.slots[0].starts_at
    assert (event.decoded("DTEND") - event.decoded("DTSTART")) == timedelta(minutes=60)
    assert "Ławki na Plantach" in str(event["SUMMARY"])
    client.post(f"/marathons/bookings/{booking.id}/cancel")
    (event,) = Calendar.from_ical(client.get(f"/marathons/bookings/{booking.id}.ics").data).walk("VEVENT")
    assert str(event["UID"]) == f"marathon-booking-{booking.id}@localhost" and str(event["STATUS"]) == "CANCELLED"
    client.post("/logout")
    login(client, helper)
    assert client.get(f"/marathons/bookings/{booking.id}.ics").status_code == 200


def test_the_marathon_page_runs_the_same_queries_for_2_or_40_bookings(app, client, login, edition, make_marathon,
                                                                       make_proposal, make_user, people,
                                                                       count_queries):
    marathon = make_marathon(edition, slots=[(timedelta(days=2, hours=n), 60, 10) for n in range(5)])
    lead = make_user()
    make_proposal(edition, author=lead)

    def add(n):
        made = [(author, make_proposal(edition, author=author)) for author in (make_user() for _ in range(n))]
        with app.app_context():
            for i, (author, proposal) in enumerate(made):
                slot = marathon.slots[i % 5]
                db.session.add(MarathonBooking(slot_id=slot.id, marathon_id=marathon.id, proposal_id=proposal.id,
                                               booked_by_id=author.id))
                db.session.execute(db.update(MarathonSlot).where(MarathonSlot.id == slot.id)
                                   .values(booked_seats=MarathonSlot.booked_seats + 1))
            db.session.commit()

    add(2)
    coordinator_client = app.test_client()
    login(coordinator_client, people["coordinator"])
    login(client, lead)
    with count_queries() as few_coordinator:
        assert coordinator_client.get(f"/marathons/{marathon.id}").status_code == 200
    with count_queries() as few_lead:
        assert client.get(f"/marathons/{marathon.id}").status_code == 200
    add(38)
    with count_queries() as many_coordinator:
        page = coordinator_client.get(f"/marathons/{marathon.id}").get_data(as_text=True)
    with count_queries() as many_lead:
        client.get(f"/marathons/{marathon.id}")
    assert len(many_coordinator) == len(few_coordinator) and len(many_lead) == len(few_lead)
    assert page.count("/proposals/") >= 40


def test_a_reminder_goes_once_to_the_authors_of_each_booking_due_within_a_day(
        app, runner, edition, make_marathon, make_proposal, make_user, co_author, lead):
    soon = make_marathon(edition, slots=[(timedelta(hours=20), 60, 4)])
    later = make_marathon(edition, slots=[(timedelta(hours=30), 60, 4)])
    due_proposal = make_proposal(edition, author=lead, co_authors=[co_author])
    far_author = make_user()
    far_proposal = make_proposal(edition, author=far_author)
    cancelled_author = make_user()
    cancelled_proposal = make_proposal(edition, author=cancelled_author)
    with app.app_context():
        for slot, prop, author, status in [(soon.slots[0], due_proposal, lead, "active"),
                                           (later.slots[0], far_proposal, far_author, "active"),
                                           (soon.slots[0], cancelled_proposal, cancelled_author, "cancelled")]:
            db.session.add(MarathonBooking(slot_id=slot.id, marathon_id=slot.marathon_id, proposal_id=prop.id,
                                           booked_by_id=author.id, status=status))
        db.session.commit()
    result = runner.invoke(args=["send-marathon-reminders"])
    assert result.exit_code == 0 and "Sent 2 marathon reminders." in result.output
    with app.app_context():
        mails = {m.to: m for m in outbox()}
        assert set(mails) == {lead.email, co_author.email}
        assert "Hello Halina" in mails[lead.email].body and "Plac zabaw przy Zielonej" in mails[lead.email].body
        assert "/marathons/bookings/" in mails[co_author.email].body and "Dzień dobry" in mails[co_author.email].body
        assert reminders.send_reminders() == 0
        assert reminders.due(utcnow() + timedelta(hours=10)) != []  # the later one comes due in time
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.verb == "marathon.reminder_sent")) == 1


def test_a_booking_is_claimed_by_one_run_only(app, edition, make_marathon, make_proposal, lead):
    marathon = make_marathon(edition, slots=[(timedelta(hours=3), 60, 4)])
    proposal = make_proposal(edition, author=lead)
    with app.app_context():
        db.session.add(MarathonBooking(slot_id=marathon.slots[0].id, marathon_id=marathon.id, proposal_id=proposal.id,
                                       booked_by_id=lead.id))
        db.session.commit()
        (booking_id,) = reminders.due(utcnow())
        assert reminders.claim(booking_id, utcnow()) is True
        assert reminders.claim(booking_id, utcnow()) is False


def test_take_seat_and_free_seat_keep_within_the_seats(app, edition, make_marathon):
    marathon = make_marathon(edition, slots=[(timedelta(days=1), 60, 2)])
    slot_id = marathon.slots[0].id
    with app.app_context():
        assert [bookings.take_seat(slot_id) for _ in range(3)] == [True, True, False]
        assert [bookings.free_seat(slot_id) for _ in range(3)] == [True, True, False]
        db.session.commit()
        assert db.session.get(MarathonSlot, slot_id).booked_seats == 0


def test_helpers_see_which_proposals_come_and_residents_do_not(app, client, login, english, make_user, marathon,
                                                               proposal, lead):
    helper = make_user(roles=[Role.AMBASSADOR])
    with app.app_context():
        from pbflow.marathons.models import MarathonHelper
        db.session.add(MarathonHelper(marathon_id=marathon.id, user_id=helper.id))
        db.session.commit()
    login(client, lead)
    _book(client, marathon, marathon.slots[0], proposal)
    client.post("/logout")
    stranger = app.test_client()
    login(stranger, make_user())
    assert "Booked proposals" not in stranger.get(f"/marathons/{marathon.id}").get_data(as_text=True)
    login(client, helper)
    page = client.get(f"/marathons/{marathon.id}").get_data(as_text=True)
    assert "Booked proposals" in page and "Ławki na Plantach" in page


def test_a_cancelled_marathon_takes_no_bookings(app, client, login, english, marathon, proposal, lead):
    with app.app_context():
        from pbflow.marathons.models import Marathon
        db.session.get(Marathon, marathon.id).status = "cancelled"
        db.session.commit()
    login(client, lead)
    assert "This marathon has been cancelled." in client.get(f"/marathons/{marathon.id}").get_data(as_text=True)
    response = _book(client, marathon, marathon.slots[0], proposal)
    assert response.status_code == 409 and "has been cancelled" in response.get_data(as_text=True)
    assert _seats(app, marathon.slots[0]) == 0


def test_a_withdrawn_proposal_gives_its_seat_back_and_its_place_can_no_longer_move(
        app, client, login, marathon, proposal, lead):
    login(client, lead)
    assert _book(client, marathon, marathon.slots[0], proposal).status_code == 303
    booking = _booking(app, proposal.id)
    response = client.post(f"/proposals/{proposal.id}/actions/withdraw", data={"reason": "Rezygnujemy", "confirm": "y"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(MarathonBooking, booking.id).status == "cancelled"
        assert db.session.get(MarathonSlot, marathon.slots[0].id).booked_seats == 0
    assert client.post(f"/marathons/bookings/{booking.id}/move",
                       data={"slot": marathon.slots[1].id}).status_code in (403, 409)


def test_a_moved_place_gets_a_newer_calendar_entry(app, client, login, marathon, proposal, lead):
    login(client, lead)
    _book(client, marathon, marathon.slots[0], proposal)
    booking = _booking(app, proposal.id)

    def entry():
        event = next(c for c in Calendar.from_ical(client.get(f"/marathons/bookings/{booking.id}.ics").data).walk()
                     if c.name == "VEVENT")
        return int(event["SEQUENCE"]), event["DTSTART"].dt

    with app.app_context():  # booked and planned a while ago, as a real move would come later
        from pbflow.marathons.models import Marathon

        earlier = utcnow() - timedelta(minutes=5)
        db.session.execute(db.update(MarathonBooking).where(MarathonBooking.id == booking.id).values(created_at=earlier))
        db.session.execute(db.update(Marathon).where(Marathon.id == marathon.id).values(updated_at=earlier))
        db.session.commit()
    before = entry()
    assert client.post(f"/marathons/bookings/{booking.id}/move", data={"slot": marathon.slots[1].id}).status_code == 303
    after = entry()
    assert after[0] > before[0] and after[1] != before[1]
