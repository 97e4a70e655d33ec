"""A new round of feedback: when the authors send the revised proposal back, the units that asked
for changes read it again.

`transitions.mark_revised` (revising → in consultation) runs the guard below first: some unit must
have asked for changes in its latest published feedback, and no point that asks for a change may be
left unanswered. After the move, those units' routings reopen (next round, pending, a fresh due
date) and their experts are told; units that asked for nothing keep their answered routing.
"""


from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from pbflow.core import audit, notifications
from pbflow.core.database import utcnow
from pbflow.extensions import db
from pbflow.feedback import routing as routing_service
from pbflow.feedback.answers import experts_of
from pbflow.feedback.models import (
    AnswerStatus,
    Feedback,
    FeedbackStatus,
    Routing,
    RoutingStatus,
    Verdict,
)
from pbflow.proposals import hooks
from pbflow.proposals.transitions import TransitionNotAllowed

notifications.register(
    "revision_to_review",
    message=_l("The authors revised “%(title)s” (version %(version)s). Your unit is asked to read it again "
               "by %(due)s."),
    subject=_l("A revised proposal to read again: %(title)s"))


def latest_feedback(proposal):
    """Each unit's latest published feedback on the proposal, with its points: {unit_id: Feedback}.

    A unit a coordinator took off the proposal (its routing cancelled) no longer counts."""
    rows = db.session.scalars(
        select(Feedback).join(Routing, Routing.id == Feedback.routing_id)
        .where(Feedback.proposal_id == proposal.id, Feedback.status == FeedbackStatus.PUBLISHED.value,
               Routing.status != RoutingStatus.CANCELLED.value)
        .options(selectinload(Feedback.points)).order_by(Feedback.round, Feedback.id)).all()
    return {feedback.unit_id: feedback for feedback in rows}  # the later round wins


def asks_for_changes(feedback):
    return (feedback.verdict == Verdict.NEEDS_CHANGES.value
            or any(point.needs_answer for point in feedback.points))


def units_asking_for_changes(proposal):
    return {unit_id for unit_id, feedback in latest_feedback(proposal).items() if asks_for_changes(feedback)}


@hooks.guard("mark_revised")
def check_revision_can_go_back(_actor, proposal):
    latest = latest_feedback(proposal)
    if not any(asks_for_changes(feedback) for feedback in latest.values()):
        raise TransitionNotAllowed(_("No verifying unit asked for changes, so there is nothing for the experts "
                                     "to read again. Mark the proposal as ready to submit instead."))
    open_points = sum(1 for feedback in latest.values() for point in feedback.points
                      if point.answer_status == AnswerStatus.OPEN.value)
    if open_points:
        raise TransitionNotAllowed(ngettext(
            "%(num)d point of the experts' feedback is not answered yet. Answer it first: changed, "
            "not changed with a reason, or a question to the experts.",
            "%(num)d points of the experts' feedback are not answered yet. Answer each of them first: "
            "changed, not changed with a reason, or a question to the experts.", open_points))


@hooks.after("mark_revised")
def start_next_round(actor, proposal, **_data):
    """Reopen the routings of the units that asked for changes and tell their experts."""
    asking = units_asking_for_changes(proposal)
    routings = db.session.scalars(select(Routing).where(
        Routing.proposal_id == proposal.id, Routing.unit_id.in_(list(asking)),
        Routing.status == RoutingStatus.ANSWERED.value).order_by(Routing.id)).all()
    if not routings:
        return
    due_on = routing_service.default_due(proposal.edition)  # as a first routing
    for routing in routings:
        routing.round += 1
        routing.status = RoutingStatus.PENDING.value
        routing.routed_at = utcnow()
        routing.due_on = due_on
        routing.overdue_notified_at = None
        routing.answered_at = None
        audit.record(actor, "routing.next_round", routing, proposal_id=proposal.id, round=routing.round,
                     version=proposal.current_version, due_on=due_on.isoformat())
    db.session.flush()
    notifications.notify(
        [person for person in experts_of({r.unit_id for r in routings}) if person.id != actor.id],
        "revision_to_review", url_for("proposals.show", proposal_id=proposal.id),
        title=proposal.title, version=proposal.current_version, due=due_on)
