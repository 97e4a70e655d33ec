"""Writing and publishing a unit's feedback on a proposal, and the rule for marking feedback as received.

A routing has one Feedback per round, about the version the experts read. It starts as a draft
(only the unit's experts and coordinators see it) with one point per criterion of the edition;
experts save it as often as they like, incomplete. Publishing checks that it is complete, makes it
final, answers the routing, opens the failing points for the authors' answers, tells the authors,
and, once no routed unit owes feedback any more, moves the proposal to `feedback_received`.

Values come in as the strings people typed (keys: `point-<position>-result`, `-correctable`,
`-note`, and `cost_assessment`, `unit_estimate`, `verdict`, `verdict_reason`, `suggestions`);
a key that is missing keeps what is stored. Problems come back together as FeedbackInvalid.
"""

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from pbflow.core import audit, notifications
from pbflow.core.database import utcnow
from pbflow.core.money import MoneyError, parse_pln
from pbflow.editions.models import FeedbackCriterion
from pbflow.extensions import db
from pbflow.feedback import policy
from pbflow.feedback.models import (
    FEEDBACK_TEXT_MAX,
    AnswerStatus,
    CostAssessment,
    CriterionResult,
    Feedback,
    FeedbackPoint,
    FeedbackStatus,
    Routing,
    RoutingStatus,
    Verdict,
    VerifyingUnit,
)
from pbflow.proposals import hooks, transitions
from pbflow.proposals import policy as proposal_policy
from pbflow.proposals.models import Proposal, ProposalAuthor, ProposalStatus

FAILING = frozenset({CriterionResult.NEEDS_CHANGE.value, CriterionResult.DOES_NOT_MEET.value})
TEXT_FIELDS = ("verdict_reason", "suggestions")
EARLIER_ROUNDS_MAX = 50

notifications.register(
    "feedback_published",
    message=_l("%(unit)s published its feedback on your proposal “%(title)s”. Read it and answer each point."),
    subject=_l("Feedback from %(unit)s on “%(title)s”"))


class FeedbackError(Exception):
    """A rule said no; the message is shown. `status` is the HTTP status."""

    status = 409


class NotAllowed(FeedbackError):
    status = 403


class FeedbackInvalid(FeedbackError):
    """What was typed (or what is missing) does not do: `errors` maps a field's key to its message."""

    status = 422

    def __init__(self, errors):
        super().__init__(_("Please correct the marked fields."))
        self.errors = errors


def point_key(position, part):
    return f"point-{position}-{part}"


# --- reading ----------------------------------------------------------------------------------

def routing(routing_id):
    return db.session.scalar(select(Routing).where(Routing.id == routing_id).options(joinedload(Routing.unit)))


def current(routing_row):
    """The feedback of the routing's current round with its points, or None before the first save."""
    return db.session.scalar(
        select(Feedback).where(Feedback.routing_id == routing_row.id, Feedback.round == routing_row.round)
        .options(selectinload(Feedback.points)))


def criteria_of(edition_id):
    return db.session.scalars(select(FeedbackCriterion).where(FeedbackCriterion.edition_id == edition_id)
                              .order_by(FeedbackCriterion.position)).all()


def blank_points(proposal, criteria):
    """The points a new feedback would have (not saved): what the form shows before the first save."""
    return [FeedbackPoint(proposal_id=proposal.id, criterion_id=c.id, position=n, criterion_title=c.title,
                          note="", answer_status=AnswerStatus.NONE.value)
            for n, c in enumerate(criteria)]


def earlier_rounds(routing_row):
    """This unit's published feedback of earlier rounds, oldest first, with points (two queries)."""
    return db.session.scalars(
        select(Feedback).where(Feedback.routing_id == routing_row.id, Feedback.round < routing_row.round,
                               Feedback.status == FeedbackStatus.PUBLISHED.value)
        .options(selectinload(Feedback.points), joinedload(Feedback.author))
        .order_by(Feedback.round).limit(EARLIER_ROUNDS_MAX)).all()


# --- writing ----------------------------------------------------------------------------------

def _check_writer(actor, routing_row, feedback=None):
    closed = db.session.scalar(select(Proposal.status).where(Proposal.id == routing_row.proposal_id))
    if closed in {s.value for s in proposal_policy.FINAL}:
        raise FeedbackError(_("This proposal is closed; it needs no feedback any more."))
    if not policy.can_write_feedback(actor, routing_row):
        if routing_row.state is not RoutingStatus.PENDING and policy.is_unit_expert(actor, routing_row.unit_id):
            raise FeedbackError(_("This unit has already given its feedback for this round."))
        raise NotAllowed(_("Only experts of the unit the proposal was sent to can write its feedback."))
    if feedback is not None and feedback.state is FeedbackStatus.PUBLISHED:
        raise FeedbackError(_("This feedback is published; it cannot be changed any more."))


def draft_for(actor, routing_row):
    """The current round's feedback, created on first use for the proposal's current version."""
    _check_writer(actor, routing_row)
    # Two experts of the unit starting at once: the second waits here and then finds the first's draft.
    db.session.execute(select(Routing.id).where(Routing.id == routing_row.id).with_for_update())
    feedback = current(routing_row)
    if feedback is not None:
        return feedback
    proposal = db.session.get(Proposal, routing_row.proposal_id)
    feedback = Feedback(routing_id=routing_row.id, proposal_id=proposal.id, unit_id=routing_row.unit_id,
                        round=routing_row.round, round_started_at=routing_row.routed_at,
                        version_number=proposal.current_version, author_id=actor.id,
                        status=FeedbackStatus.DRAFT.value, verdict_reason="", suggestions="")
    feedback.points = blank_points(proposal, criteria_of(proposal.edition_id))
    db.session.add(feedback)
    db.session.flush()
    audit.record(actor, "feedback.started", feedback, routing=routing_row.id, version=feedback.version_number)
    return feedback


def _text(values, key, errors, changes):
    if key not in values:
        return
    text = (values[key] or "").strip()
    if len(text) > FEEDBACK_TEXT_MAX:
        errors[key] = _("Use at most %(max)d characters.", max=FEEDBACK_TEXT_MAX)
    changes[key] = text


def _choice(values, key, enum, errors, changes):
    if key not in values:
        return
    value = (values[key] or "").strip()
    if value and value not in {member.value for member in enum}:
        errors[key] = _("Choose one of the options.")
    changes[key] = value or None


def _parse(feedback, values):
    """(changes, errors): what the typed values would set, and what is wrong with them."""
    errors, changes = {}, {}
    for point in feedback.points:
        _choice(values, point_key(point.position, "result"), CriterionResult, errors, changes)
        key = point_key(point.position, "correctable")
        if key in values:
            answer = (values[key] or "").strip()
            if answer not in ("", "yes", "no"):
                errors[key] = _("Choose one of the options.")
            changes[key] = {"yes": True, "no": False}.get(answer)
        _text(values, point_key(point.position, "note"), errors, changes)
    _choice(values, "cost_assessment", CostAssessment, errors, changes)
    _choice(values, "verdict", Verdict, errors, changes)
    for key in TEXT_FIELDS:
        _text(values, key, errors, changes)
    if "unit_estimate" in values:
        typed = (values["unit_estimate"] or "").strip()
        changes["unit_estimate"] = None
        if typed:
            try:
                changes["unit_estimate"] = parse_pln(typed)
            except MoneyError as error:
                errors["unit_estimate"] = str(error)
    return changes, errors


def _merged(feedback, changes):
    """Stored values overlaid with the changes, by key."""
    merged = {"cost_assessment": feedback.cost_assessment, "verdict": feedback.verdict,
              "verdict_reason": feedback.verdict_reason or "", "suggestions": feedback.suggestions or "",
              "unit_estimate": feedback.unit_estimate}
    for point in feedback.points:
        merged[point_key(point.position, "result")] = point.result
        merged[point_key(point.position, "correctable")] = point.correctable
        merged[point_key(point.position, "note")] = point.note or ""
    merged.update(changes)
    return merged


def _missing(feedback, merged):
    """What publishing needs and the feedback does not have yet, by key."""
    errors = {}
    for point in feedback.points:
        result = merged[point_key(point.position, "result")]
        if not result:
            errors[point_key(point.position, "result")] = _("Give a result for “%(criterion)s”.",
                                                            criterion=point.criterion_title)
        elif result in FAILING:
            if merged[point_key(point.position, "correctable")] is None:
                errors[point_key(point.position, "correctable")] = _(
                    "Say whether the authors can correct “%(criterion)s”.", criterion=point.criterion_title)
            if not merged[point_key(point.position, "note")]:
                errors[point_key(point.position, "note")] = _(
                    "Explain what is wrong with “%(criterion)s”.", criterion=point.criterion_title)
    if not merged["cost_assessment"]:
        errors["cost_assessment"] = _("Assess the cost.")
    if not merged["verdict"]:
        errors["verdict"] = _("Give your verdict.")
    elif merged["verdict"] == Verdict.CANNOT_BE_DONE.value and not merged["verdict_reason"]:
        errors["verdict_reason"] = _("Say why the city cannot carry out this proposal.")
    return errors


def _apply(feedback, merged):
    for point in feedback.points:
        point.result = merged[point_key(point.position, "result")]
        point.correctable = merged[point_key(point.position, "correctable")] if point.result in FAILING else None
        point.note = merged[point_key(point.position, "note")]
    for key in ("cost_assessment", "verdict", "verdict_reason", "suggestions", "unit_estimate"):
        setattr(feedback, key, merged[key])


def save(actor, feedback, values):
    """Save whatever is filled in (a draft may be incomplete); FeedbackInvalid when something typed does not do."""
    _check_writer(actor, db.session.get(Routing, feedback.routing_id), feedback)
    changes, errors = _parse(feedback, values)
    if errors:
        raise FeedbackInvalid(errors)
    _apply(feedback, _merged(feedback, changes))
    feedback.author_id = feedback.author_id or actor.id
    db.session.flush()
    audit.record(actor, "feedback.saved", feedback, fields=sorted(changes))
    return feedback


def publish(actor, feedback, values=None):
    """Publish a complete draft (after saving `values`, if given). Returns the proposal; its status
    moves to feedback_received when this was the last unit to answer (see `moved`)."""
    # Lock the proposal first: of two units publishing at once, the second sees the first's answer
    # (and of two experts of one unit, the second finds the feedback published already).
    proposal = transitions.lock_for_update(feedback.proposal_id)
    routing_row = db.session.get(Routing, feedback.routing_id)
    db.session.refresh(routing_row)
    db.session.refresh(feedback, ["status"])
    _check_writer(actor, routing_row, feedback)
    changes, errors = _parse(feedback, values or {})
    merged = _merged(feedback, changes)
    errors = {**_missing(feedback, merged), **errors}
    if errors:
        raise FeedbackInvalid(errors)
    _apply(feedback, merged)
    now = utcnow()
    feedback.status, feedback.published_at = FeedbackStatus.PUBLISHED.value, now
    feedback.author_id = feedback.author_id or actor.id
    for point in feedback.points:
        point.answer_status = (AnswerStatus.OPEN if point.result in FAILING else AnswerStatus.NONE).value
    routing_row.status, routing_row.answered_at = RoutingStatus.ANSWERED.value, now
    db.session.flush()
    audit.record(actor, "feedback.published", feedback, routing=routing_row.id, round=feedback.round,
                 version=feedback.version_number, verdict=feedback.verdict)
    _tell_authors(proposal, db.session.get(VerifyingUnit, routing_row.unit_id))
    return _after_publishing(actor, proposal)


def _tell_authors(proposal, unit):
    authors = db.session.scalars(select(ProposalAuthor).where(ProposalAuthor.proposal_id == proposal.id)
                                 .options(joinedload(ProposalAuthor.user))).all()
    notifications.notify([a.user for a in authors], "feedback_published",
                         url_for("proposals.show", proposal_id=proposal.id, _anchor="feedback"),
                         unit=unit.name, title=proposal.title)


def pending_units(proposal_id):
    return db.session.scalars(select(Routing.unit_id).where(
        Routing.proposal_id == proposal_id, Routing.status == RoutingStatus.PENDING.value)).all()


def _after_publishing(actor, proposal):
    """Move the proposal on when no routed unit owes feedback; returns (proposal, moved, why not)."""
    if proposal.state is not ProposalStatus.IN_CONSULTATION or pending_units(proposal.id):
        return proposal, False, None
    try:
        transitions.record_feedback(actor, proposal)
    except transitions.TransitionNotAllowed as error:  # e.g. the submission deadline has passed
        return proposal, False, str(error)
    return proposal, True, None


# --- the rule for marking feedback as received by hand ------------------------------------------

@hooks.actor("record_feedback")
def _routed_expert(actor, proposal):
    """Besides coordinators: experts of a unit the proposal is routed to (the guard below says when)."""
    return bool(policy.is_routed_expert(actor, proposal))


@hooks.guard("record_feedback")
def _only_when_every_unit_answered(actor, proposal):
    routings = db.session.execute(select(Routing.unit_id, Routing.status).where(
        Routing.proposal_id == proposal.id)).all()
    if policy.may_mark_feedback_received(actor, proposal, routings):
        return
    if any(status == RoutingStatus.PENDING.value for _unit, status in routings) and any(
            unit in policy.unit_ids_of(actor) for unit, _status in routings):
        raise transitions.TransitionNotAllowed(_(
            "Some verifying units have not given their feedback yet; a coordinator can decide not to wait."))
    raise transitions.TransitionNotAllowed(_(
        "Only experts of a unit this proposal was sent to can mark its feedback as received."))
