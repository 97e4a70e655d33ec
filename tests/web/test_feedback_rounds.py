"""Sending the revised proposal back: refused while points are unanswered or when no unit asked for
changes; then only the units that asked get a new round with a fresh due date, and their experts
are told. The proposal page reads the same number of queries for 1 or 10 rounds of feedback."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from pbflow.core import clock
from pbflow.core.database import utcnow
from pbflow.core.models import AuditEvent, Notification
from pbflow.editions.models import Edition
from pbflow.extensions import db
from pbflow.feedback.models import FeedbackPoint, PointAnswer, Routing
from pbflow.proposals.models import Proposal


def act(client, proposal_id):
    return client.post(f"/proposals/{proposal_id}/actions/mark_revised")


def status_of(app, proposal_id):
    with app.app_context():
        return db.session.get(Proposal, proposal_id).status


def routing_row(app, routing_id):
    with app.app_context():
        row = db.session.get(Routing, routing_id)
        db.session.expunge(row)
        return row


def answer_all(app, feedback, status="not_changed"):
    """The authors answered every point that asks for a change (set-up only)."""
    with app.app_context():
        for point in db.session.scalars(select(FeedbackPoint).where(FeedbackPoint.feedback_id == feedback.id)):
            if point.answer_status == "open":
                point.answer_status = status
        db.session.commit()


@pytest.fixture
def scene(app, make_user, make_edition, make_proposal, make_unit, make_expert, make_routing):
    edition = make_edition(open_stage="workshops", criteria=True)
    lead = make_user("Zofia Dąbrowska")
    proposal = make_proposal(edition, author=lead, status="revising")
    with app.app_context():
        db.session.get(Edition, edition.id).feedback_due_days = 10
        db.session.commit()
    green, roads = make_unit(), make_unit(name="Drogi Testowe", short_name="DT")
    green_expert, roads_expert = make_expert(green), make_expert(roads)
    return {"edition": edition, "lead": lead, "proposal": proposal, "green": green, "roads": roads,
            "green_expert": green_expert, "roads_expert": roads_expert,
            "green_routing": make_routing(proposal, green, due_in_days=-20, routed_days_ago=30),
            "roads_routing": make_routing(proposal, roads, due_in_days=-20, routed_days_ago=30)}


def test_refused_while_points_are_not_answered(app, client, login, scene, make_feedback, english):
    make_feedback(scene["green_routing"], results={1: "needs_change", 3: "does_not_meet"})
    make_feedback(scene["roads_routing"], verdict="ready")
    login(client, scene["lead"])
    response = act(client, scene["proposal"].id)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and 'role="alert"' in html
    assert "2 points of the experts&#39; feedback are not answered yet" in html
    assert status_of(app, scene["proposal"].id) == "revising"
    assert routing_row(app, scene["green_routing"].id).round == 1


def test_refused_when_no_unit_asked_for_changes(app, client, login, scene, make_feedback, english):
    make_feedback(scene["green_routing"], verdict="ready")
    make_feedback(scene["roads_routing"], verdict="ready")
    login(client, scene["lead"])
    response = act(client, scene["proposal"].id)
    assert response.status_code == 409
    assert "No verifying unit asked for changes" in response.get_data(as_text=True)
    assert status_of(app, scene["proposal"].id) == "revising"


def test_only_the_units_that_asked_read_it_again(app, client, login, scene, make_feedback, english):
    green_feedback = make_feedback(scene["green_routing"], results={1: "needs_change"})
    make_feedback(scene["roads_routing"], verdict="ready")
    answer_all(app, green_feedback, "changed")
    login(client, scene["lead"])
    before = utcnow()
    response = act(client, scene["proposal"].id)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    assert status_of(app, scene["proposal"].id) == "in_consultation"
    green = routing_row(app, scene["green_routing"].id)
    assert (green.status, green.round, green.due_on) == ("pending", 2, clock.today() + timedelta(days=10))
    assert green.routed_at >= before - timedelta(seconds=1)
    assert green.answered_at is None and green.overdue_notified_at is None
    roads = routing_row(app, scene["roads_routing"].id)
    assert (roads.status, roads.round) == ("answered", 1)
    with app.app_context():
        told = db.session.scalars(select(Notification.user_id).where(
            Notification.kind == "revision_to_review")).all()
        assert told == [scene["green_expert"].id]
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "routing.next_round"))
        assert (event.object_id, event.data["round"]) == (scene["green_routing"].id, 2)
    page = client.get(f"/proposals/{scene['proposal'].id}").get_data(as_text=True)
    assert "The revised proposal was sent back to the experts" in page  # the history of the status


def test_a_verdict_asking_for_changes_counts_without_failing_points(app, client, login, scene, make_feedback):
    make_feedback(scene["green_routing"], verdict="needs_changes")  # every point "meets"
    make_feedback(scene["roads_routing"], verdict="ready")
    login(client, scene["lead"])
    assert act(client, scene["proposal"].id).status_code == 303
    assert routing_row(app, scene["green_routing"].id).round == 2
    assert routing_row(app, scene["roads_routing"].id).round == 1


def test_only_the_latest_feedback_of_each_unit_counts(app, client, login, scene, make_feedback, english):
    """Round 1 asked for changes, round 2 found it ready: there is nothing to send back any more."""
    first = make_feedback(scene["green_routing"], results={1: "needs_change"}, round=1)
    answer_all(app, first)
    make_feedback(scene["green_routing"], verdict="ready", round=2)
    make_feedback(scene["roads_routing"], verdict="ready")
    login(client, scene["lead"])
    response = act(client, scene["proposal"].id)
    assert response.status_code == 409 and "No verifying unit asked for changes" in response.get_data(as_text=True)


def test_the_proposal_page_reads_the_same_for_1_and_10_rounds(app, client, login, make_user, make_edition,
                                                              make_proposal, make_unit, make_expert, make_routing,
                                                              make_feedback, count_queries):
    edition = make_edition(open_stage="workshops", criteria=True)
    lead, unit = make_user(), make_unit()
    expert = make_expert(unit)
    other_unit = make_unit(name="Drogi Testowe", short_name="DT")
    proposals = []
    for rounds in (1, 10):
        proposal = make_proposal(edition, author=lead, status="revising")
        routing, other = make_routing(proposal, unit), make_routing(proposal, other_unit)
        for n in range(1, rounds + 1):
            for feedback in (make_feedback(routing, round=n, results={1: "needs_change", 2: "does_not_meet"}),
                             make_feedback(other, round=n, results={0: "needs_change"})):
                with app.app_context():
                    for point in db.session.scalars(select(FeedbackPoint).where(
                            FeedbackPoint.feedback_id == feedback.id, FeedbackPoint.answer_status == "open")):
                        db.session.add_all([
                            PointAnswer(point_id=point.id, proposal_id=proposal.id, author_id=lead.id,
                                        kind="question", body="Czy tak?"),
                            PointAnswer(point_id=point.id, proposal_id=proposal.id, author_id=expert.id,
                                        kind="reply", body="Tak.")])
                        point.answer_status = "question"
                    db.session.commit()
        proposals.append(proposal)
    for person in (lead, expert):
        login(client, person)
        counts = []
        for proposal in proposals:
            with count_queries() as statements:
                response = client.get(f"/proposals/{proposal.id}")
            assert response.status_code == 200
            counts.append(len(statements))
        assert counts[0] == counts[1], (person.name, counts)
        assert response.get_data(as_text=True).count('class="thread-message') == 10 * 3 * 2


def test_a_unit_taken_off_the_proposal_no_longer_counts(app, client, login, scene, make_feedback, english):
    make_feedback(scene["green_routing"], results={1: "needs_change"})  # an open point, but green is taken off
    make_feedback(scene["roads_routing"], verdict="ready")
    with app.app_context():
        db.session.get(Routing, scene["green_routing"].id).status = "cancelled"
        db.session.commit()
    login(client, scene["lead"])
    response = act(client, scene["proposal"].id)
    assert response.status_code == 409 and "No verifying unit asked for changes" in response.get_data(as_text=True)


def test_the_new_round_is_due_no_later_than_the_submission_deadline(app, client, login, scene, make_feedback):
    make_feedback(scene["green_routing"], verdict="needs_changes")
    with app.app_context():
        edition = db.session.get(Edition, scene["edition"].id)
        edition.feedback_due_days, deadline = 60, edition.submission_deadline
        db.session.commit()
    login(client, scene["lead"])
    assert act(client, scene["proposal"].id).status_code == 303
    assert routing_row(app, scene["green_routing"].id).due_on == deadline
