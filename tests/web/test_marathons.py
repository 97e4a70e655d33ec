"""Coordinators plan submission marathons: the day and place, times with seats, helpers; the public list."""

from datetime import date, timedelta

import pytest

from pbflow.core import clock
from pbflow.core.models import AuditEvent, Notification
from pbflow.extensions import db
from pbflow.marathons.models import Marathon, MarathonBooking, MarathonHelper, MarathonSlot
from pbflow.meetings.forms.schedule import to_warsaw


@pytest.fixture
def edition(make_edition):
    return make_edition(open_stage="marathons")


@pytest.fixture
def coordinator(client, people, login, english):
    login(client, people["coordinator"])
    return people["coordinator"]


def _form(day=None, **values):
    day = day or clock.today() + timedelta(days=3)
    return {"title": "Maraton w Podgórzu", "description": "Przynieś **listę poparcia**.",
            "day": getattr(day, "isoformat", lambda: day)(), "place": "Centrum Aktywności Lokalnej, ul. Żółkiewskiego 1",
            "online_url": "", **values}


def _verbs(app, verb):
    with app.app_context():
        return db.session.scalars(db.select(AuditEvent).where(AuditEvent.verb == verb)).all()


def _get(app, model, id_):
    with app.app_context():
        row = db.session.get(model, id_)
        db.session.expunge(row)
        return row


def test_a_coordinator_plans_a_marathon_with_polish_letters(app, client, edition, coordinator):
    response = client.post("/marathons/new", data=_form())
    assert response.status_code == 303
    with app.app_context():
        marathon = db.session.scalar(db.select(Marathon))
        assert marathon.title == "Maraton w Podgórzu" and marathon.edition_id == edition.id
    assert response.headers["Location"].endswith(f"/marathons/{marathon.id}")
    page = client.get(f"/marathons/{marathon.id}").get_data(as_text=True)
    assert "<strong>listę poparcia</strong>" in page and "Żółkiewskiego" in page
    assert len(_verbs(app, "marathon.created")) == 1


@pytest.mark.parametrize("values, message", [
    ({"title": ""}, "Give the marathon a title."),
    ({"title": "x" * 201}, "Use at most 200 characters."),
    ({"place": "", "online_url": ""}, "Give a place, an online link, or both."),
    ({"online_url": "javascript:alert(1)"}, "Enter a full web address starting with https://"),
    ({"day": "2026-02-31"}, "Enter a date like 15.03.2026."),
    ({"day": "9999-12-31"}, "after the submission deadline"),
    ({"day": "0001-01-01"}, "Enter a date between 2000 and 2100."),
    ({"day": (date.today() - timedelta(days=1)).isoformat()}, "The day has passed."),
    ({"description": "y" * 10_001}, "Use at most 10000 characters."),
])
def test_bad_marathon_input_is_refused_with_the_input_kept(app, client, edition, coordinator, values, message):
    response = client.post("/marathons/new", data=_form(**values))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert "Centrum Aktywności Lokalnej" in page or values.get("place") == ""
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Marathon)) == 0


def test_the_day_is_not_before_the_marathons_stage(app, client, make_edition, coordinator):
    edition = make_edition(open_stage="workshops")
    response = client.post("/marathons/new", data=_form(day=edition.marathons_open - timedelta(days=1)))
    assert response.status_code == 422
    assert "from the start of the marathons stage" in response.get_data(as_text=True)
    assert client.post("/marathons/new", data=_form(day=edition.marathons_open)).status_code == 303


def test_html_in_the_title_is_shown_as_text(app, client, edition, coordinator):
    client.post("/marathons/new", data=_form(title="<script>alert(1)</script>"))
    page = client.get("/marathons/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_only_coordinators_plan_and_change(app, client, edition, make_marathon, make_user, login):
    marathon = make_marathon(edition)
    login(client, make_user())
    assert client.post("/marathons/new", data=_form()).status_code == 403
    for url in (f"/marathons/{marathon.id}/edit", f"/marathons/{marathon.id}/cancel",
                f"/marathons/{marathon.id}/helpers"):
        assert client.get(url).status_code == 403
        assert client.post(url, data={"reason": "x", **_form()}).status_code == 403
    slot = marathon.slots[0]
    assert client.post(f"/marathons/{marathon.id}/slots", data={"starts": "10:00", "minutes": 60,
                                                                "seats": 4}).status_code == 403
    assert client.post(f"/marathons/slots/{slot.id}/seats", data={"seats": 9}).status_code == 403
    assert client.post(f"/marathons/slots/{slot.id}/remove").status_code == 403
    assert _get(app, MarathonSlot, slot.id).seats == 4


def test_times_are_added_changed_and_removed(app, client, edition, coordinator, make_marathon):
    marathon = make_marathon(edition, slots=[(timedelta(days=2), 60, 4)])
    url = f"/marathons/{marathon.id}/slots"
    assert client.post(url, data={"starts": "23.30", "minutes": 30, "seats": 2}).status_code == 303
    with app.app_context():
        added = db.session.scalar(db.select(MarathonSlot).where(MarathonSlot.id != marathon.slots[0].id))
        assert to_warsaw(added.starts_at).strftime("%Y-%m-%d %H:%M") == f"{marathon.day.isoformat()} 23:30"
    for data, message in [({"starts": "25:00", "minutes": 30, "seats": 2}, "Enter a time like 17:30."),
                          ({"starts": "12:00", "minutes": 10, "seats": 2}, "Give a number from 15 to 240."),
                          ({"starts": "12:00", "minutes": 241, "seats": 2}, "Give a number from 15 to 240."),
                          ({"starts": "12:00", "minutes": 30, "seats": 0}, "Give a number from 1 to 200."),
                          ({"starts": "12:00", "minutes": 30, "seats": 201}, "Give a number from 1 to 200."),
                          ({"starts": "23:30", "minutes": 30, "seats": 2}, "There is already a time starting then")]:
        response = client.post(url, data=data)
        assert response.status_code == 422, data
        assert message in response.get_data(as_text=True)
    assert client.post(f"/marathons/slots/{added.id}/seats", data={"seats": 7}).status_code == 303
    assert _get(app, MarathonSlot, added.id).seats == 7
    assert client.post(f"/marathons/slots/{added.id}/remove").status_code == 303
    with app.app_context():
        assert db.session.get(MarathonSlot, added.id) is None
    assert {e.verb for e in _verbs(app, "marathon.slot_added") + _verbs(app, "marathon.slot_removed")} == {
        "marathon.slot_added", "marathon.slot_removed"}


def _book(app, slot, proposal, user):
    with app.app_context():
        db.session.add(MarathonBooking(slot_id=slot.id, marathon_id=slot.marathon_id, proposal_id=proposal.id,
                                       booked_by_id=user.id))
        db.session.execute(db.update(MarathonSlot).where(MarathonSlot.id == slot.id)
                           .values(booked_seats=MarathonSlot.booked_seats + 1))
        db.session.commit()


def test_a_booked_time_is_neither_removed_nor_shrunk_below_its_bookings(app, client, edition, coordinator,
                                                                        make_marathon, make_proposal, make_user):
    marathon = make_marathon(edition, slots=[(timedelta(days=2), 60, 4)])
    slot = marathon.slots[0]
    for _ in range(2):
        author = make_user()
        _book(app, slot, make_proposal(edition, author=author), author)
    response = client.post(f"/marathons/slots/{slot.id}/seats", data={"seats": 1})
    assert response.status_code == 409 and "2 seats of this time are booked" in response.get_data(as_text=True)
    assert client.post(f"/marathons/slots/{slot.id}/seats", data={"seats": 2}).status_code == 303
    response = client.post(f"/marathons/slots/{slot.id}/remove")
    assert response.status_code == 409 and "cannot be removed" in response.get_data(as_text=True)
    assert _get(app, MarathonSlot, slot.id).seats == 2


def test_a_new_day_moves_the_times_unless_one_is_booked(app, client, edition, coordinator, make_marathon,
                                                         make_proposal, make_user):
    marathon = make_marathon(edition, slots=[(timedelta(days=2), 60, 4)])
    before = to_warsaw(marathon.slots[0].starts_at)
    new_day = marathon.day + timedelta(days=3)
    assert client.post(f"/marathons/{marathon.id}/edit", data=_form(day=new_day)).status_code == 303
    moved = to_warsaw(_get(app, MarathonSlot, marathon.slots[0].id).starts_at)
    assert moved.date() == new_day and moved.time() == before.time()
    author = make_user()
    _book(app, marathon.slots[0], make_proposal(edition, author=author), author)
    response = client.post(f"/marathons/{marathon.id}/edit", data=_form(day=new_day + timedelta(days=1)))
    assert response.status_code == 422 and "cannot change" in response.get_data(as_text=True)


def test_helpers_are_found_by_name_or_email_and_may_have_any_role(app, client, edition, coordinator, make_marathon,
                                                                   make_user):
    marathon = make_marathon(edition)
    helper = make_user("Łucja Ćwik", "lucja@example.org")
    page = client.get(f"/marathons/{marathon.id}/helpers?q=Łucja").get_data(as_text=True)
    assert "Łucja Ćwik" in page
    fragment = client.htmx("GET", f"/marathons/{marathon.id}/helpers?q=lucja@").get_data(as_text=True)
    assert "Łucja Ćwik" in fragment and "<html" not in fragment
    url = f"/marathons/{marathon.id}/helpers"
    assert client.post(url, data={"person": helper.id}).status_code == 303
    response = client.post(url, data={"person": helper.id})
    assert response.status_code == 409 and "already helps" in response.get_data(as_text=True)
    assert client.post(url, data={"person": "abc"}).status_code == 422
    assert client.post(url, data={"person": 999999}).status_code == 422
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(MarathonHelper)) == 1
    assert client.post(f"{url}/{helper.id}/remove").status_code == 303
    assert client.post(f"{url}/{helper.id}/remove").status_code == 404
    assert len(_verbs(app, "marathon.helper_added")) == 1 and len(_verbs(app, "marathon.helper_removed")) == 1


def test_cancelling_a_marathon_cancels_its_bookings_and_tells_the_authors(app, client, edition, coordinator,
                                                                          make_marathon, make_proposal, make_user):
    marathon = make_marathon(edition)
    slot = marathon.slots[0]
    lead, co_author = make_user(), make_user()
    proposal = make_proposal(edition, author=lead, co_authors=[co_author])
    _book(app, slot, proposal, lead)
    response = client.post(f"/marathons/{marathon.id}/cancel", data={"reason": ""})
    assert response.status_code == 422 and "Give a reason." in response.get_data(as_text=True)
    assert client.post(f"/marathons/{marathon.id}/cancel", data={"reason": "Awaria sali"}).status_code == 303
    with app.app_context():
        assert db.session.get(Marathon, marathon.id).status == "cancelled"
        assert db.session.scalar(db.select(MarathonBooking.status)) == "cancelled"
        assert db.session.get(MarathonSlot, slot.id).booked_seats == 0
        told = db.session.scalars(db.select(Notification.user_id).where(Notification.kind == "marathon_cancelled")).all()
        assert sorted(told) == sorted([lead.id, co_author.id])
    assert client.post(f"/marathons/{marathon.id}/cancel", data={"reason": "x"}).status_code == 409
    assert client.get(f"/marathons/{marathon.id}/edit").status_code == 403
    assert "This marathon has been cancelled." in client.get(f"/marathons/{marathon.id}").get_data(as_text=True)


def test_the_list_shows_upcoming_marathons_with_free_seats_in_a_fixed_number_of_queries(
        app, client, edition, make_marathon, count_queries, english):
    make_marathon(edition, title="Maraton dawny", slots=[(timedelta(days=-20), 60, 4)])
    make_marathon(edition, title="Maraton pierwszy", slots=[(timedelta(days=1), 60, 4), (timedelta(days=1, hours=1), 60, 2)])
    with count_queries() as few:
        page = client.get("/marathons/").get_data(as_text=True)
    assert "Maraton pierwszy" in page and "4 seats free" in page and "Maraton dawny" not in page
    for n in range(11):
        make_marathon(edition, title=f"Maraton {n}", slots=[(timedelta(days=2 + n), 60, 3)] * 3)
    with count_queries() as many:
        response = client.get("/marathons/")
    assert len(many) == len(few)
    page = response.get_data(as_text=True)
    assert page.count('class="marathon"') == 10 and 'rel="next"' in page
    after = page.split('/marathons/?after=')[1].split('"')[0]
    second = client.htmx("GET", f"/marathons/?after={after}").get_data(as_text=True)
    assert "<html" not in second and second.count('class="marathon"') == 2
    assert client.get("/marathons/?after=garbage").status_code == 400
    assert client.get("/marathons/?after=99991399-1").status_code == 400


def test_a_seats_change_out_of_range_is_refused(app, client, edition, coordinator, make_marathon):
    marathon = make_marathon(edition)
    slot = marathon.slots[0]
    for seats in ("0", "201", "many", ""):
        response = client.post(f"/marathons/slots/{slot.id}/seats", data={"seats": seats})
        assert response.status_code == 422, seats
    assert _get(app, MarathonSlot, slot.id).seats == 4
    assert client.post("/marathons/slots/999999/seats", data={"seats": 3}).status_code == 404


def test_a_visitor_sees_the_times_and_is_asked_to_log_in(app, client, edition, make_marathon, english):
    marathon = make_marathon(edition, slots=[(timedelta(days=2), 45, 3)])
    page = client.get(f"/marathons/{marathon.id}").get_data(as_text=True)
    assert "3 of 3" in page and "45 minutes" in page and "to book a time for your proposal" in page
    assert "Booked proposals" not in page and "Add a time" not in page
    assert client.get("/marathons/999999").status_code == 404


def test_helpers_and_coordinators_find_the_desk_from_the_marathon_page(app, client, login, people, make_edition,
                                                                       make_marathon, make_user, english):
    edition = make_edition(open_stage="marathons")
    helper = make_user("Helena Pomocna")
    marathon = make_marathon(edition, helpers=[helper])
    desk = f'href="/marathons/{marathon.id}/desk"'
    assert desk not in client.get(f"/marathons/{marathon.id}").get_data(as_text=True)
    for person in (helper, people["coordinator"]):
        login(client, person)
        assert desk in client.get(f"/marathons/{marathon.id}").get_data(as_text=True)
    login(client, people["resident"])
    assert desk not in client.get(f"/marathons/{marathon.id}").get_data(as_text=True)
