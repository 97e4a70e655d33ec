"""The helper's desk: slots with their bookings in fixed queries, the proposal's desk page, the copy view, walk-ins."""

import re

import pytest

from pbflow.extensions import db
from pbflow.marathons.models import MarathonBooking, MarathonSlot
from tests.conftest import log_in
from tests.web.desk_helpers import build_world, lead_of


@pytest.fixture
def desk_world(app, make_user, make_edition, make_proposal, make_marathon):
    return build_world(app, make_user, make_edition, make_proposal, make_marathon)


def test_the_desk_lists_each_time_with_its_booked_proposals(app, client, desk_world, english):
    _edition, marathon, helper, make_ready = desk_world
    first = make_ready(title="Plac zabaw przy Zielonej")
    second = make_ready(title="Ławki <script>alert(1)</script>", slot=1)
    log_in(client, helper)
    response = client.get(f"/marathons/{marathon.id}/desk")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Plac zabaw przy Zielonej" in text and "Ławki &lt;script&gt;" in text and "<script>alert" not in text
    assert f"/marathons/{marathon.id}/desk/proposals/{first.id}" in text
    assert f"/marathons/{marathon.id}/desk/proposals/{second.id}" in text
    assert "seats taken: 1 of 1" in text and "Ready to submit" in text
    assert 'data-label="Lead author"' in text


def test_only_helpers_of_the_marathon_and_coordinators_open_the_desk(app, desk_world, people, make_user,
                                                                    make_marathon):
    edition, marathon, helper, make_ready = desk_world
    proposal = make_ready()
    other = make_user()
    make_marathon(edition, title="Inny maraton", helpers=[other])
    for person, expected in ((helper, 200), (people["coordinator"], 200), (other, 403), (people["resident"], 403),
                             (people["expert"], 403)):
        client = app.test_client()
        log_in(client, person)
        assert client.get(f"/marathons/{marathon.id}/desk").status_code == expected, person.email
        assert client.get(f"/marathons/{marathon.id}/desk/proposals/{proposal.id}").status_code == expected
        assert client.get(f"/marathons/{marathon.id}/desk/walk-ins?q=plac").status_code == expected
    visitor = app.test_client()
    assert visitor.get(f"/marathons/{marathon.id}/desk").status_code == 302
    client = app.test_client()
    log_in(client, helper)
    assert client.get("/marathons/999999/desk").status_code == 404
    unbooked = make_ready(booked=False, title="Bez rezerwacji")
    assert client.get(f"/marathons/{marathon.id}/desk/proposals/{unbooked.id}").status_code == 404


def test_the_desk_costs_the_same_queries_for_two_and_forty_bookings(app, client, desk_world, count_queries):
    _edition, marathon, helper, make_ready = desk_world
    make_ready()
    make_ready(slot=1)
    log_in(client, helper)
    client.get(f"/marathons/{marathon.id}/desk")
    with count_queries() as few:
        assert client.get(f"/marathons/{marathon.id}/desk").status_code == 200
    for n in range(38):
        make_ready(title=f"Projekt {n}")
    with count_queries() as many:
        text = client.get(f"/marathons/{marathon.id}/desk").get_data(as_text=True)
    assert text.count("/desk/proposals/") >= 40
    assert len(many) == len(few)


def test_the_proposal_desk_page_has_the_checklist_the_copy_view_and_the_form(app, client, desk_world, english):
    _edition, marathon, helper, make_ready = desk_world
    proposal = make_ready()
    log_in(client, helper)
    text = client.get(f"/marathons/{marathon.id}/desk/proposals/{proposal.id}").get_data(as_text=True)
    assert "Readiness check" in text and "Support list complete" in text
    assert 'id="copy-title"' in text and 'id="submission-form"' in text
    assert "Who submitted it" in text


def test_the_copy_view_lays_out_the_fields_in_the_platforms_order(app, client, desk_world, english):
    _edition, _marathon, _helper, make_ready = desk_world
    proposal = make_ready(title="Plac zabaw & <b>cień</b>")
    with app.app_context():
        from pbflow.accounts.models import User

        lead = db.session.get(User, lead_of(app, proposal))
        db.session.expunge(lead)
    log_in(client, lead)
    response = client.get(f"/proposals/{proposal.id}/copy")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    ids = re.findall(r'<textarea id="copy-([a-z]+)" readonly', text)
    assert ids == ["title", "district", "location", "description", "justification", "beneficiaries", "costs",
                   "upkeep"]
    # The text is in the page itself (selectable without JavaScript), escaped; the buttons wait for copy.js.
    assert "Plac zabaw &amp; &lt;b&gt;cień&lt;/b&gt;</textarea>" in text
    assert "Skwer przy ul. Zielonej 5" in text and "Dzieci do lat 10" in text
    assert "Urządzenia zabawowe — 4 × PLN25,000 = PLN100,000\nNawierzchnia bezpieczna — 120.5 × PLN350 = PLN42,175" in text
    assert "Total: PLN142,175</textarea>" in text
    assert "summary" in text.lower()  # the justification field says where its text comes from
    buttons = re.findall(r'<button type="button" data-copy-target="copy-([a-z]+)" hidden>', text)
    assert buttons == ids
    assert text.index('id="copy-title"') < text.index('data-copy-target="copy-title"') < text.index('id="copy-district"')
    assert 'role="status" aria-live="polite" data-copied="Copied"' in text
    assert "js/copy.js" in text and "<script>" not in text


def test_the_copy_view_is_for_authors_helpers_and_coordinators(app, desk_world, people, make_user):
    _edition, _marathon, helper, make_ready = desk_world
    booked, unbooked = make_ready(), make_ready(booked=False, title="Bez rezerwacji")
    for person, proposal, expected in ((helper, booked, 200), (helper, unbooked, 403),
                                       (people["coordinator"], unbooked, 200), (people["resident"], booked, 403)):
        client = app.test_client()
        log_in(client, person)
        assert client.get(f"/proposals/{proposal.id}/copy").status_code == expected
    assert app.test_client().get(f"/proposals/{booked.id}/copy").status_code == 302
    client = app.test_client()
    log_in(client, helper)  # the helper also sees the page of a proposal booked at their marathon
    assert client.get(f"/proposals/{booked.id}").status_code == 200
    assert client.get(f"/proposals/{unbooked.id}").status_code in (403, 404)


def test_a_helper_finds_and_adds_a_walk_in(app, client, desk_world, english):
    _edition, marathon, helper, make_ready = desk_world
    walk_in = make_ready(booked=False, title="Zielony skwer na Ruczaju")
    make_ready(booked=False, title="Inny projekt")
    log_in(client, helper)
    response = client.htmx("GET", f"/marathons/{marathon.id}/desk/walk-ins?q=skwer ruczaj")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in text
    assert "Zielony skwer na Ruczaju" in text and "Inny projekt" not in text
    assert f"no. {walk_in.id}" in client.get(f"/marathons/{marathon.id}/desk/walk-ins?q={walk_in.id}").get_data(
        as_text=True)
    slot = marathon.slots[0]
    response = client.post(f"/marathons/{marathon.id}/desk/walk-ins", data={"proposal": str(walk_in.id),
                                                                           "slot": str(slot.id)})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/marathons/{marathon.id}/desk/proposals/{walk_in.id}"
    with app.app_context():
        booking = db.session.scalar(db.select(MarathonBooking).where(MarathonBooking.proposal_id == walk_in.id))
        assert booking.walk_in and booking.booked_by_id == helper.id and booking.status == "active"
        assert db.session.get(MarathonSlot, slot.id).booked_seats == 1
    # Once booked it is no longer offered, and a second add is refused.
    assert "Zielony skwer" not in client.get(
        f"/marathons/{marathon.id}/desk/walk-ins?q=skwer").get_data(as_text=True).split("walk-in-results")[1]
    response = client.post(f"/marathons/{marathon.id}/desk/walk-ins", data={"proposal": str(walk_in.id),
                                                                           "slot": str(slot.id)})
    assert response.status_code == 409


def test_a_full_time_refuses_a_walk_in_with_409(app, client, desk_world, english):
    _edition, marathon, helper, make_ready = desk_world
    make_ready(slot=1)  # the second time has one seat, now taken
    walk_in = make_ready(booked=False, title="Spóźniony")
    log_in(client, helper)
    response = client.post(f"/marathons/{marathon.id}/desk/walk-ins",
                           data={"proposal": str(walk_in.id), "slot": str(marathon.slots[1].id)})
    assert response.status_code == 409
    assert "This time is full" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(MarathonBooking).where(MarathonBooking.proposal_id == walk_in.id)) is None
        assert db.session.get(MarathonSlot, marathon.slots[1].id).booked_seats == 1


def test_walk_in_input_errors(app, client, desk_world, english):
    _edition, marathon, helper, make_ready = desk_world
    not_ready = make_ready(booked=False, title="W trakcie", status="revising")
    log_in(client, helper)
    url = f"/marathons/{marathon.id}/desk/walk-ins"
    assert client.post(url, data={"proposal": "", "slot": str(marathon.slots[0].id)}).status_code == 422
    assert client.post(url, data={"proposal": "abc", "slot": str(marathon.slots[0].id)}).status_code == 422
    assert client.post(url, data={"proposal": "99999999999", "slot": "x"}).status_code == 422
    response = client.post(url, data={"proposal": str(not_ready.id), "slot": str(marathon.slots[0].id)})
    assert response.status_code == 422 and "ready to submit" in response.get_data(as_text=True)
    assert client.get(f"{url}?q={'ż' * 300}").status_code == 422
