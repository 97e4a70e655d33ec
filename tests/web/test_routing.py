"""A coordinator routes a proposal in consultation to verifying units (suggested from its words, confirmed
by a person), with a due date; the unit's experts are told and then see the proposal."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from pbflow.core import clock
from pbflow.core.models import AuditEvent, Notification
from pbflow.extensions import db
from pbflow.feedback import routing as routing_service
from pbflow.feedback.models import Routing, VerifyingUnit
from pbflow.proposals.models import Proposal

ROAD = {"title": "Nowy chodnik na ulicy Lipowej",
            "summary": "Szeroki, równy chodnik i bezpieczne przejście dla pieszych przy szkole na Lipowej.",
            "description": "Obecny chodnik jest dziurawy. Proponujemy remont chodnika i nową ścieżkę rowerową "
                        "wzdłuż drogi.", "location": "ul. Lipowa 3"}


@pytest.fixture
def edition(make_edition):
    return make_edition(open_stage="workshops", criteria=True)


@pytest.fixture
def units(app, districts):
    with app.app_context():
        found = {u.code: u for u in db.session.scalars(select(VerifyingUnit))}
        for unit in found.values():
            db.session.expunge(unit)
        return found


@pytest.fixture
def proposal(edition, make_proposal):
    return make_proposal(edition, status="in_consultation")


def _routings(app, proposal_id):
    with app.app_context():
        rows = db.session.scalars(select(Routing).where(Routing.proposal_id == proposal_id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def _form(*unit_ids, days=10):
    return {"units": [str(u) for u in unit_ids], "due_on": (clock.today() + timedelta(days=days)).isoformat()}


def test_a_green_space_proposal_suggests_the_green_space_unit(app, proposal, units, make_proposal, edition):
    road = make_proposal(edition, status="in_consultation", **ROAD)
    _suggestions_are_right(app, proposal, road)


def _suggestions_are_right(app, proposal, road):
    with app.test_request_context():
        _check_suggestions(proposal, road)


def _check_suggestions(proposal, road):
    found = routing_service.suggest_units(db.session.get(Proposal, proposal.id))
    assert found[0].unit.code == "green"
    assert {"skwery", "drzewa"} <= set(found[0].words)
    found = routing_service.suggest_units(db.session.get(Proposal, road.id))
    assert found[0].unit.code == "roads"
    assert "chodniki" in found[0].words
    assert all(s.unit.code != "green" for s in found)


def test_the_routing_page_ticks_suggested_units_and_proposes_a_due_date(app, client, login, people, proposal,
                                                                        units, edition, english):
    login(client, people["coordinator"])
    page = client.get(f"/proposals/{proposal.id}/routing").get_data(as_text=True)
    green, roads = units["green"].id, units["roads"].id
    assert f'id="unit-{green}" value="{green}" checked' in page
    assert f'id="unit-{roads}" value="{roads}">' in page  # not ticked
    assert "suggested because: zielone, skwery, drzewa" in page
    due = clock.today() + timedelta(days=edition.feedback_due_days)
    assert f'value="{due.isoformat()}"' in page


def test_a_coordinator_routes_and_the_experts_are_told_and_see_the_proposal(
        app, client, login, people, proposal, units, make_expert, make_user, english):
    expert = make_expert(units["green"])
    other = make_expert(units["roads"])
    login(client, people["coordinator"])
    response = client.post(f"/proposals/{proposal.id}/routing", data=_form(units["green"].id))
    assert response.status_code == 303
    [routing] = _routings(app, proposal.id)
    assert (routing.unit_id, routing.status, routing.round) == (units["green"].id, "pending", 1)
    assert routing.edition_id == proposal.edition_id and routing.district_id == proposal.district_id
    assert routing.due_on == clock.today() + timedelta(days=10)
    with app.app_context():
        notes = db.session.scalars(select(Notification).where(Notification.kind == "routing_new")).all()
        assert [n.user_id for n in notes] == [expert.id]
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "routing.routed")) is not None
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Sent to:" in page and units["green"].name in page and "awaiting feedback" in page
    assert "Route to verifying units" in page
    client.post("/logout")
    login(client, expert)
    page = client.get(f"/proposals/{proposal.id}")
    assert page.status_code == 200 and "Route to verifying units" not in page.get_data(as_text=True)
    client.post("/logout")
    login(client, other)
    assert client.get(f"/proposals/{proposal.id}").status_code == 403


def test_routing_htmx_answers_422_with_the_form(client, login, people, proposal, english):
    login(client, people["coordinator"])
    response = client.htmx("POST", f"/proposals/{proposal.id}/routing", data={"due_on": ""})
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" not in text and 'id="route-form"' in text
    assert "Tick at least one unit." in text


@pytest.mark.parametrize("status", ["draft", "withdrawn", "submitted"])
def test_a_draft_or_closed_proposal_cannot_be_routed(app, client, login, people, edition, make_proposal, units,
                                                     status, english):
    proposal = make_proposal(edition, status=status)
    login(client, people["coordinator"])
    response = client.post(f"/proposals/{proposal.id}/routing", data=_form(units["green"].id))
    assert response.status_code == 409
    assert "Only a proposal sent to consultation" in response.get_data(as_text=True)
    assert _routings(app, proposal.id) == []


@pytest.mark.parametrize(("data", "message"), [
    ({"units": ["999999"]}, "does not exist any more"),
    ({"units": ["zieleń"]}, "does not exist any more"),
    ({"units": []}, "Tick at least one unit."),
    ({"days": -1}, "cannot be in the past"),
    ({"days": 400}, "cannot be after the submission deadline"),
    ({"due_on": "31.02.2026"}, "Enter a date like 15.03.2026."),
    ({"due_on": ""}, "Enter the date the feedback is due."),
])
def test_bad_routing_input_is_refused_with_a_message(app, client, login, people, proposal, units, data, message,
                                                    english):
    login(client, people["coordinator"])
    form = _form(units["green"].id, days=data.pop("days", 10))
    form.update(data)
    response = client.post(f"/proposals/{proposal.id}/routing", data=form)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _routings(app, proposal.id) == []


def test_routing_twice_does_not_duplicate(app, client, login, people, proposal, units, english):
    login(client, people["coordinator"])
    assert client.post(f"/proposals/{proposal.id}/routing", data=_form(units["green"].id)).status_code == 303
    again = client.post(f"/proposals/{proposal.id}/routing", data=_form(units["green"].id))
    assert again.status_code == 422 and "already routed to every unit" in again.get_data(as_text=True)
    both = client.post(f"/proposals/{proposal.id}/routing", data=_form(units["green"].id, units["roads"].id))
    assert both.status_code == 303
    assert sorted(r.unit_id for r in _routings(app, proposal.id)) == sorted([units["green"].id, units["roads"].id])


def test_a_cancelled_routing_is_reopened_as_a_new_round(app, client, login, people, proposal, units, make_expert,
                                                        english):
    expert = make_expert(units["green"])
    login(client, people["coordinator"])
    client.post(f"/proposals/{proposal.id}/routing", data=_form(units["green"].id))
    [routing] = _routings(app, proposal.id)
    empty = client.post(f"/routings/{routing.id}/cancel", data={"reason": "  "})
    assert empty.status_code == 422 and "Say why" in empty.get_data(as_text=True)
    assert client.post(f"/routings/{routing.id}/cancel", data={"reason": "To nie nasz teren."}).status_code == 303
    assert _routings(app, proposal.id)[0].status == "cancelled"
    client.post("/logout")
    login(client, expert)
    assert client.get(f"/proposals/{proposal.id}").status_code == 403
    client.post("/logout")
    login(client, people["coordinator"])
    assert client.post(f"/proposals/{proposal.id}/routing", data=_form(units["green"].id, days=5)).status_code == 303
    [again] = _routings(app, proposal.id)
    assert (again.id, again.status, again.round) == (routing.id, "pending", 2)
    assert again.due_on == clock.today() + timedelta(days=5)


def test_the_due_date_changes_within_the_rules(app, client, login, people, proposal, units, edition, english):
    login(client, people["coordinator"])
    client.post(f"/proposals/{proposal.id}/routing", data=_form(units["green"].id))
    [routing] = _routings(app, proposal.id)
    assert client.get(f"/routings/{routing.id}/due").status_code == 200
    past = client.post(f"/routings/{routing.id}/due", data={"due_on": "01.01.2020"})
    assert past.status_code == 422 and "cannot be in the past" in past.get_data(as_text=True)
    later = clock.today() + timedelta(days=20)
    assert client.post(f"/routings/{routing.id}/due", data={"due_on": later.isoformat()}).status_code == 303
    assert _routings(app, proposal.id)[0].due_on == later


def test_only_coordinators_route(client, login, people, proposal, units, make_expert, make_routing):
    routing = make_routing(proposal, units["green"])
    expert = make_expert(units["green"])
    for person in (people["resident"], people["ambassador"], expert):
        login(client, person)
        assert client.get(f"/proposals/{proposal.id}/routing").status_code == 403
        assert client.post(f"/proposals/{proposal.id}/routing", data=_form(units["green"].id)).status_code == 403
        assert client.post(f"/routings/{routing.id}/cancel", data={"reason": "x"}).status_code == 403
        assert client.get(f"/routings/{routing.id}/due").status_code == 403
        client.post("/logout")


def test_sending_to_consultation_asks_the_coordinators_to_route(app, ctx, people, edition, make_proposal):
    from pbflow.accounts.models import User
    from pbflow.proposals import transitions

    draft = make_proposal(edition, title="Ławki w parku")
    proposal = db.session.get(Proposal, draft.id)
    author = db.session.get(User, proposal.created_by_id)
    transitions.send_to_consultation(author, proposal)
    notes = db.session.scalars(select(Notification).where(Notification.kind == "proposal_awaits_routing")).all()
    assert [n.user_id for n in notes] == [people["coordinator"].id]
    assert notes[0].url == f"/proposals/{proposal.id}/routing"


def test_the_proposal_page_section_costs_the_same_for_one_and_five_units(client, login, people, proposal, make_unit,
                                                                         make_routing, count_queries, english):
    make_routing(proposal, make_unit(), due_in_days=-2)
    login(client, people["coordinator"])
    client.get(f"/proposals/{proposal.id}")
    with count_queries() as one:
        page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "overdue" in page
    for _ in range(4):
        make_routing(proposal, make_unit())
    with count_queries() as five:
        page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert page.count("awaiting feedback") == 4
    assert len(one) == len(five)
