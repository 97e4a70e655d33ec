"""Edges of Stage III found in review: a closed proposal leaves the units' inboxes; taking off the last awaited
unit moves the proposal on; workshop pages never show what the viewer may not see; days far out of range are
refused, not a 500; a coordinator who cancels an expert's consultation time tells the expert; experts' notes
reach the authors as Markdown."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from pbflow.core.database import utcnow
from pbflow.core.models import Notification
from pbflow.extensions import db
from pbflow.feedback.models import Routing
from pbflow.proposals.models import Proposal, ProposalStatus
from pbflow.workshops.models import ConsultationSlot, Workshop, WorkshopProposal, WorkshopUnit


@pytest.fixture
def edition(make_edition):
    return make_edition(open_stage="workshops", criteria=True)


def status_of(app, model, row_id):
    with app.app_context():
        return db.session.get(model, row_id).status


def test_withdrawing_takes_the_proposal_out_of_every_inbox_and_tells_the_experts(
        app, client, login, edition, make_proposal, make_user, make_unit, make_expert, make_routing):
    lead = make_user()
    proposal = make_proposal(edition, author=lead, status=ProposalStatus.IN_CONSULTATION)
    unit = make_unit()
    expert = make_expert(unit)
    routing = make_routing(proposal, unit)
    login(client, lead)
    assert client.post(f"/proposals/{proposal.id}/actions/withdraw", data={"reason": "Zrezygnowaliśmy", "confirm": "y"}).status_code == 303
    assert status_of(app, Routing, routing.id) == "cancelled"
    with app.app_context():
        told = db.session.scalars(select(Notification.kind).where(Notification.user_id == expert.id)).all()
    assert "routing_cancelled" in told
    login(client, expert)
    assert client.post(f"/routings/{routing.id}/feedback", data={"action": "save"}).status_code in (403, 409)


def test_taking_off_the_last_awaited_unit_gives_the_proposal_its_feedback(
        app, client, login, people, edition, make_proposal, make_unit, make_routing, make_feedback):
    proposal = make_proposal(edition, status=ProposalStatus.IN_CONSULTATION)
    answered = make_routing(proposal, make_unit())
    make_feedback(answered, verdict="ready")
    awaited = make_routing(proposal, make_unit())
    login(client, people["coordinator"])
    response = client.post(f"/routings/{awaited.id}/cancel", data={"reason": "Nie dotyczy tej jednostki"})
    assert response.status_code == 303
    assert status_of(app, Proposal, proposal.id) == "feedback_received"


def _workshop(app, edition, unit, starts_in, **values):
    with app.app_context():
        starts = (utcnow() + starts_in).replace(second=0, microsecond=0)
        workshop = Workshop(edition_id=edition.id, theme="Zieleń", starts_at=starts,
                            ends_at=starts + timedelta(hours=2), place="CAS", capacity=10, **values)
        db.session.add(workshop)
        db.session.flush()
        db.session.add(WorkshopUnit(workshop_id=workshop.id, unit_id=unit.id))
        db.session.commit()
        return workshop.id


def test_workshop_pages_show_no_title_or_conclusions_the_viewer_may_not_see(
        app, client, login, english, edition, make_proposal, make_unit, make_expert):
    unit = make_unit()
    expert = make_expert(unit)
    secret = make_proposal(edition, title="Tajny plac zabaw przy Wiśle", status=ProposalStatus.DRAFT)
    held = _workshop(app, edition, unit, timedelta(hours=-3), status="held")
    with app.app_context():
        db.session.add(WorkshopProposal(workshop_id=held, proposal_id=secret.id,
                                        conclusions="Przenieść plac zabaw bliżej szkoły."))
        db.session.commit()
    public_page = client.get(f"/workshops/{held}").get_data(as_text=True)
    assert "Przenieść plac zabaw" not in public_page and "Tajny plac" not in public_page
    planned = _workshop(app, edition, unit, timedelta(days=3))
    login(client, expert)
    page = client.get(f"/workshops/{planned}?like={secret.id}").get_data(as_text=True)
    assert "Tajny plac zabaw" not in page  # an expert not routed to it may not read its title
    assert "Mark as held" not in page  # not before it starts (and not for this expert anyway)


@pytest.mark.parametrize("day", ["01.01.0001", "31.12.9999"])
def test_a_day_far_out_of_range_is_refused_not_a_server_error(client, login, people, edition, make_unit,
                                                              make_expert, english, day):
    unit = make_unit()
    expert = make_expert(unit, user=people["expert"])
    login(client, expert)
    response = client.post("/consultations/new", data={"unit": str(unit.id), "day": day, "start_time": "23:30",
                                                       "minutes": "30", "repeat": "2", "place": "ZZM"})
    assert response.status_code == 422
    assert "Enter a date between 2000 and 2100." in response.get_data(as_text=True)
    login(client, people["coordinator"])
    response = client.post("/workshops/new", data={"theme": "Zieleń", "units": [str(unit.id)], "start_date": day,
                                                   "start_time": "17:00", "end_time": "19:00", "place": "CAS",
                                                   "capacity": "10"})
    assert response.status_code == 422


def test_a_coordinator_cancelling_an_experts_time_tells_the_expert(app, client, login, people, edition, make_unit,
                                                                   make_expert):
    unit = make_unit()
    expert = make_expert(unit)
    with app.app_context():
        starts = (utcnow() + timedelta(days=4)).replace(second=0, microsecond=0)
        slot = ConsultationSlot(edition_id=edition.id, unit_id=unit.id, expert_id=expert.id, starts_at=starts,
                                ends_at=starts + timedelta(minutes=30), place="ZZM")
        db.session.add(slot)
        db.session.commit()
        slot_id = slot.id
    login(client, people["coordinator"])
    assert client.post(f"/consultations/{slot_id}/cancel", data={"reason": "Ekspert na urlopie"}).status_code == 303
    with app.app_context():
        told = db.session.scalars(select(Notification.kind).where(Notification.user_id == expert.id)).all()
    assert told == ["consultation_time_cancelled"]


def test_authors_read_an_experts_note_as_markdown(app, client, login, edition, make_user, make_proposal,
                                                  make_unit, make_routing, make_feedback):
    from pbflow.feedback.models import FeedbackPoint

    lead = make_user()
    proposal = make_proposal(edition, author=lead, status=ProposalStatus.FEEDBACK_RECEIVED)
    feedback = make_feedback(make_routing(proposal, make_unit()), results={1: "needs_change"})
    with app.app_context():
        point = db.session.scalar(select(FeedbackPoint).where(FeedbackPoint.feedback_id == feedback.id,
                                                              FeedbackPoint.position == 1))
        point.note = "Teren należy do **Skarbu Państwa**.\n\n<script>alert(1)</script>"
        db.session.commit()
    login(client, lead)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "<strong>Skarbu Państwa</strong>" in page and "<script>alert(1)" not in page
