"""Routing a proposal to verifying units: suggestions, routing, cancelling, moving the due date.

A coordinator routes; pbflow only suggests units (from the proposal's words and the units'
responsibilities) and a person confirms. Each function checks the rules (RoutingError with a
message for people), changes the state, writes an audit event, notifies and flushes; the view
commits. Overdue notices (for cron) are in `send_overdue_notices`.
"""

import contextlib
import re
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app, has_request_context, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from pbflow.accounts.models import Role, User, UserRole
from pbflow.core import audit, clock, notifications
from pbflow.core.database import utcnow
from pbflow.extensions import db
from pbflow.feedback.models import (
    FEEDBACK_TEXT_MAX,
    Routing,
    RoutingStatus,
    UnitMembership,
    VerifyingUnit,
)
from pbflow.past_results.importer import fold
from pbflow.proposals import hooks, transitions
from pbflow.proposals import models as proposal_models
from pbflow.proposals.models import ProposalStatus
from pbflow.proposals.policy import FINAL

# A proposal can be routed once it is in consultation, and get another unit later while it is live.
ROUTABLE = frozenset(ProposalStatus) - FINAL - {ProposalStatus.DRAFT}
REASON_MAX = 500
MIN_STEM = 4

notifications.register(
    "routing_new", _l("A proposal awaits your unit's feedback: %(title)s, due %(due)s"),
    _l("A proposal awaits your unit's feedback: %(title)s"))
notifications.register(
    "proposal_awaits_routing", _l("A proposal was sent to consultation and awaits routing to units: %(title)s"),
    _l("A proposal awaits routing: %(title)s"))
notifications.register(
    "routing_overdue", _l("Feedback of %(unit)s on “%(title)s” is overdue (it was due %(due)s)"),
    _l("Feedback is overdue: %(title)s"))
notifications.register(
    "routing_cancelled", _l("Your unit no longer needs to give feedback on: %(title)s"),
    _l("Routing cancelled: %(title)s"))


class RoutingError(Exception):
    """A routing request that breaks a rule; `field` names the form field it concerns."""

    def __init__(self, message, field=None, status=422):
        super().__init__(message)
        self.field = field
        self.status = status


# --- suggestions -------------------------------------------------------------------

_WORD = re.compile(r"\S+")
STOPWORDS = frozenset((
    "oraz", "przy", "dla", "lub", "jest", "sie", "czy", "ktore", "ktory", "ktora", "takze", "rowniez",
    "inne", "innych", "miejsc", "miejskie", "miejska", "miejski", "teren", "terenu", "nowe", "nowy", "nowa"))


def stem(word):
    """A light Polish stem: the folded word without its last two letters, kept at least MIN_STEM long
    ('drzewami' -> 'drzewa', 'zieleni' -> 'ziele', 'parku' -> 'park')."""
    return word[:max(MIN_STEM, len(word) - 2)] if len(word) > MIN_STEM else word


def _stems(text):
    return {stem(word) for word in fold(text).split()
            if len(word) >= MIN_STEM and word not in STOPWORDS and not word.isdigit()}


def _unit_terms(unit):
    """[(word as the unit writes it, its stem)], each word once, in the unit's order."""
    terms, seen = [], set()
    for raw in re.split(r"[,;\n]+", f"{unit.field}, {unit.responsibilities or ''}"):
        for word in _WORD.findall(raw):
            word = word.strip(".,;:()\"'„”“").lower()
            folded = fold(word)
            if len(folded) < MIN_STEM or folded in STOPWORDS or " " in folded or folded in seen:
                continue
            seen.add(folded)
            terms.append((word, stem(folded)))
    return terms


@dataclass
class Suggestion:
    unit: VerifyingUnit
    score: int = 0
    words: list = field(default_factory=list)  # the unit's words the proposal matched


def _matches(term_stem, proposal_stems):
    return any(s.startswith(term_stem) or term_stem.startswith(s) for s in proposal_stems)


def suggest_units(proposal, units=None):
    """Units ranked by how many of their words the proposal uses (inflection aside), best first;
    only units with at least one match."""
    text = " ".join((proposal.title or "", proposal.summary or "", proposal.description or "",
                     _location(proposal)))
    proposal_stems = _stems(text)
    units = units if units is not None else all_units()
    found = []
    for unit in units:
        words = [word for word, term in _unit_terms(unit) if _matches(term, proposal_stems)]
        if words:
            found.append(Suggestion(unit, len(words), words))
    found.sort(key=lambda s: (-s.score, s.unit.name))
    return found


def _location(proposal):
    version = proposal_models.ProposalVersion
    return db.session.scalar(select(version.location).where(
        version.proposal_id == proposal.id, version.number == proposal.current_version)) or ""


def all_units():
    return db.session.scalars(select(VerifyingUnit).order_by(VerifyingUnit.name)).all()


# --- due dates ---------------------------------------------------------------------

def default_due(edition):
    """Today plus the edition's feedback days, but not after its submission deadline."""
    return min(clock.today() + timedelta(days=edition.feedback_due_days), edition.submission_deadline)


def due_problem(edition, due_on):
    if due_on is None:
        return _("Enter the date the feedback is due.")
    if due_on < clock.today():
        return _("The due date cannot be in the past.")
    if due_on > edition.submission_deadline:
        return _("The due date cannot be after the submission deadline (%(date)s).",
                 date=format_date(edition.submission_deadline))
    return None


def _check_due(edition, due_on):
    if (problem := due_problem(edition, due_on)) is not None:
        raise RoutingError(problem, field="due_on")


# --- routing -----------------------------------------------------------------------

def routings_of(proposal):
    return db.session.scalars(select(Routing).where(Routing.proposal_id == proposal.id)).all()


def route(actor, proposal, unit_ids, due_on):
    """Send the proposal to these units; returns the routings created or reopened (units already
    awaiting or done are left as they are)."""
    from pbflow.editions.models import Edition

    if proposal.state not in ROUTABLE:
        raise RoutingError(_("Only a proposal sent to consultation, and not closed, can be routed to units."),
                           status=409)
    unit_ids = {int(unit_id) for unit_id in unit_ids or ()}
    if not unit_ids:
        raise RoutingError(_("Tick at least one unit."), field="units")
    units = db.session.scalars(select(VerifyingUnit).where(VerifyingUnit.id.in_(unit_ids))).all()
    if len(units) != len(unit_ids):
        raise RoutingError(_("One of the units chosen does not exist any more. Choose again."), field="units")
    edition = db.session.get(Edition, proposal.edition_id)
    _check_due(edition, due_on)
    existing = {r.unit_id: r for r in routings_of(proposal)}
    if all(unit_id in existing and existing[unit_id].state is not RoutingStatus.CANCELLED for unit_id in unit_ids):
        raise RoutingError(_("The proposal is already routed to every unit chosen."), field="units")
    changed = []
    for unit in sorted(units, key=lambda u: u.name):
        routing = existing.get(unit.id)
        if routing is not None and routing.state is not RoutingStatus.CANCELLED:
            continue
        if routing is None:
            routing = Routing(proposal_id=proposal.id, unit_id=unit.id, round=1)
            db.session.add(routing)
        else:
            routing.round += 1
        routing.edition_id, routing.district_id = proposal.edition_id, proposal.district_id
        routing.status, routing.due_on, routing.routed_at = RoutingStatus.PENDING.value, due_on, utcnow()
        routing.routed_by_id, routing.answered_at, routing.overdue_notified_at = actor.id, None, None
        db.session.flush()
        audit.record(actor, "routing.routed", routing, proposal_id=proposal.id, unit_id=unit.id,
                     round=routing.round, due_on=due_on.isoformat())
        notifications.notify(experts_of(unit.id), "routing_new", _routing_url(routing),
                             title=proposal.title, due=due_on)
        changed.append(routing)
    return changed


def cancel(actor, routing, reason):
    """Take the unit off the proposal (its feedback so far stays on record)."""
    reason = (reason or "").strip()
    if not reason:
        raise RoutingError(_("Say why the unit is taken off the proposal."), field="reason")
    if len(reason) > REASON_MAX:
        raise RoutingError(_("Use at most %(max)d characters.", max=REASON_MAX), field="reason")
    if routing.state is RoutingStatus.CANCELLED:
        raise RoutingError(_("This routing is already cancelled."), status=409)
    previous = routing.status
    routing.status = RoutingStatus.CANCELLED.value
    audit.record(actor, "routing.cancelled", routing, proposal_id=routing.proposal_id, unit_id=routing.unit_id,
                 reason=reason[:FEEDBACK_TEXT_MAX], **{"from": previous})
    if previous == RoutingStatus.PENDING.value:
        title = db.session.scalar(_title_of(routing.proposal_id))
        notifications.notify(experts_of(routing.unit_id), "routing_cancelled", _proposal_url(routing.proposal_id),
                             title=title)
    db.session.flush()
    _move_on_if_nobody_is_awaited(actor, routing.proposal_id)
    return routing


def _move_on_if_nobody_is_awaited(actor, proposal_id):
    """Taking off the last unit still awaited leaves the others' feedback: the proposal has its feedback."""
    proposal = transitions.lock_for_update(proposal_id)
    answered_or_pending = db.session.scalars(select(Routing.status).where(
        Routing.proposal_id == proposal_id, Routing.status != RoutingStatus.CANCELLED.value)).all()
    if (proposal.state is ProposalStatus.IN_CONSULTATION and answered_or_pending
            and RoutingStatus.PENDING.value not in answered_or_pending):
        # Refused (e.g. the deadline has passed): a coordinator decides by hand.
        with contextlib.suppress(transitions.TransitionNotAllowed):
            transitions.record_feedback(actor, proposal)


@hooks.after("withdraw")
@hooks.after("merge")
def _stop_awaiting_feedback(actor, proposal, **_data):
    """A withdrawn or merged proposal leaves every inbox; its units' experts are told."""
    for routing in db.session.scalars(select(Routing).where(
            Routing.proposal_id == proposal.id, Routing.status == RoutingStatus.PENDING.value)).all():
        routing.status = RoutingStatus.CANCELLED.value
        audit.record(actor, "routing.cancelled", routing, proposal_id=proposal.id, unit_id=routing.unit_id,
                     reason=f"proposal {proposal.status}", **{"from": RoutingStatus.PENDING.value})
        notifications.notify(experts_of(routing.unit_id), "routing_cancelled", _proposal_url(proposal.id),
                             title=proposal.title)
    db.session.flush()


def change_due(actor, routing, due_on):
    """Move the due date of the current round; the overdue notice may go out again for the new date."""
    from pbflow.editions.models import Edition

    if routing.state is not RoutingStatus.PENDING:
        raise RoutingError(_("Only a routing that awaits feedback has a due date to change."), status=409)
    _check_due(db.session.get(Edition, routing.edition_id), due_on)
    if due_on == routing.due_on:
        return False
    audit.record(actor, "routing.due_changed", routing, proposal_id=routing.proposal_id,
                 **{"from": routing.due_on.isoformat(), "to": due_on.isoformat()})
    routing.due_on, routing.overdue_notified_at = due_on, None
    db.session.flush()
    return True


# --- who is told ---------------------------------------------------------------------

def experts_of(unit_id):
    return db.session.scalars(
        select(User).join(UnitMembership, UnitMembership.user_id == User.id)
        .join(UserRole, (UserRole.user_id == User.id) & (UserRole.role == Role.EXPERT.value))
        .where(UnitMembership.unit_id == unit_id, User.deleted_at.is_(None)).order_by(User.id)).all()


def coordinators():
    return db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.COORDINATOR.value, User.deleted_at.is_(None)).order_by(User.id)).all()


def _title_of(proposal_id):
    proposal = proposal_models.Proposal  # (the module, not the name: this file never sets a proposal's status)
    return select(proposal.title).where(proposal.id == proposal_id)


def _url(endpoint, **values):
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        return url_for(endpoint, **values)


def _proposal_url(proposal_id):
    return _url("proposals.show", proposal_id=proposal_id)


def _routing_url(routing):
    """The expert's workspace for the routing when that page exists, else the proposal page."""
    if "feedback.workspace" in current_app.view_functions:
        return _url("feedback.workspace", routing_id=routing.id)
    return _proposal_url(routing.proposal_id)


@hooks.after("send_to_consultation")
def ask_coordinators_to_route(actor, proposal, **_data):
    """A person routes each proposal sent to consultation: tell the coordinators."""
    others = [person for person in coordinators() if person.id != getattr(actor, "id", None)]
    notifications.notify(others, "proposal_awaits_routing", _url("routing.route", proposal_id=proposal.id),
                         title=proposal.title)


# --- overdue notices (cron) -------------------------------------------------------------

def overdue_candidates(today, limit=100):
    return db.session.scalars(
        select(Routing.id).where(Routing.status == RoutingStatus.PENDING.value, Routing.due_on < today,
                                 Routing.overdue_notified_at.is_(None))
        .order_by(Routing.due_on, Routing.id).limit(limit)).all()


def _claim(routing_id, now):
    """True when this run is the one that sends the notice (a second run finds it claimed)."""
    return db.session.execute(
        update(Routing).where(Routing.id == routing_id, Routing.overdue_notified_at.is_(None),
                              Routing.status == RoutingStatus.PENDING.value)
        .values(overdue_notified_at=now).execution_options(synchronize_session=False)).rowcount == 1


def send_overdue_notices(today=None):
    """Tell each overdue routing's experts and the coordinators, once per round; how many routings."""
    today, now = today or clock.today(), utcnow()
    sent = 0
    people = coordinators()
    while candidates := overdue_candidates(today):
        claimed = [routing_id for routing_id in candidates if _claim(routing_id, now)]
        for routing_id in claimed:
            routing = db.session.get(Routing, routing_id)
            unit = db.session.get(VerifyingUnit, routing.unit_id)
            data = {"title": db.session.scalar(_title_of(routing.proposal_id)), "unit": unit.name,
                    "due": routing.due_on}
            notifications.notify(experts_of(unit.id), "routing_overdue", _routing_url(routing), **data)
            notifications.notify(people, "routing_overdue", _url("routing.board", overdue="1"), **data)
            audit.record(None, "routing.overdue_notified", routing, proposal_id=routing.proposal_id,
                         unit_id=routing.unit_id, due_on=routing.due_on.isoformat())
            sent += 1
        db.session.commit()
    return sent
