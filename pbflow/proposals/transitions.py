"""The proposal state machine: the only code that changes a proposal's status.

draft → in_consultation → feedback_received → revising → ready → submitted,
plus withdrawn and merged from any status that is not final. Each transition
checks who acts, which stage of the edition is open and what must be true,
then changes the status, writes an audit event and flushes; the view commits.
Later stages (feedback, marathons) call these functions, never set a status.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from pbflow.core import audit, clock
from pbflow.core.database import utcnow
from pbflow.editions import services as editions
from pbflow.editions.models import Stage
from pbflow.extensions import db
from pbflow.proposals import hooks, policy
from pbflow.proposals import rules as proposals
from pbflow.proposals.models import Proposal, ProposalStatus

S = ProposalStatus
LIVE = frozenset(S) - policy.FINAL
PLATFORM_REFERENCE_MAX = 100


class TransitionNotAllowed(proposals.ProposalError):
    """The action does not fit the proposal's status, the stage, the actor or the proposal's state."""


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset
    target: ProposalStatus
    title: object  # lazy string for buttons and the audit page
    who: object  # policy predicate (user, proposal) -> bool
    stages: frozenset | None = None  # open stages that allow it; None: any day up to the deadline


def _authors_or_coordinator(user, proposal):
    return policy.is_author(user, proposal) or policy.is_coordinator(user)


TRANSITIONS = {t.action: t for t in (
    Transition("send_to_consultation", frozenset({S.DRAFT}), S.IN_CONSULTATION,
               _l("Send to the verifying units"), lambda u, p: policy.can_edit(u, p, check_state=False),
               frozenset({Stage.MEETINGS, Stage.WORKSHOPS})),
    Transition("record_feedback", frozenset({S.IN_CONSULTATION}), S.FEEDBACK_RECEIVED,
               _l("Mark feedback as received"), lambda u, p: policy.is_coordinator(u)),  # Stage III adds its experts
    Transition("start_revising", frozenset({S.FEEDBACK_RECEIVED}), S.REVISING,
               _l("Start revising"), _authors_or_coordinator),
    Transition("mark_revised", frozenset({S.REVISING}), S.IN_CONSULTATION,
               _l("Send the revised proposal to the experts"), _authors_or_coordinator,
               frozenset({Stage.MEETINGS, Stage.WORKSHOPS})),
    Transition("mark_ready", frozenset({S.FEEDBACK_RECEIVED, S.REVISING}), S.READY,
               _l("Mark as ready to submit"), _authors_or_coordinator),
    Transition("reopen", frozenset({S.READY}), S.REVISING,
               _l("Reopen for changes"), _authors_or_coordinator),
    Transition("submit", frozenset({S.READY}), S.SUBMITTED,
               _l("Record the submission"), _authors_or_coordinator, frozenset({Stage.MARATHONS})),
    Transition("undo_submission", frozenset({S.SUBMITTED}), S.READY,
               _l("Undo the recorded submission"), lambda u, p: policy.is_coordinator(u)),
    Transition("withdraw", LIVE, S.WITHDRAWN,
               _l("Withdraw the proposal"), policy.can_withdraw),
    Transition("merge", LIVE, S.MERGED,
               _l("Merge into another proposal"), policy.can_merge),
)}


def may_act(transition, user, proposal):
    """The transition's own people, or those a later stage adds (hooks.actor)."""
    return transition.who(user, proposal) or any(
        rule(user, proposal) for rule in hooks.ACTORS.get(transition.action, ()))


def available(user, proposal):
    """Transitions this user could try now (status and actor fit); guards may still refuse."""
    return [t for t in TRANSITIONS.values() if proposal.state in t.sources and may_act(t, user, proposal)]


def _check(actor, proposal, action):
    transition = TRANSITIONS[action]
    if proposal.state not in transition.sources:
        raise TransitionNotAllowed(_("A proposal that is “%(status)s” cannot be changed this way (%(action)s).",
                                     status=proposal.state.title, action=transition.title))
    if not may_act(transition, actor, proposal):
        raise TransitionNotAllowed(_("You cannot do this with this proposal (%(action)s).",
                                     action=transition.title))
    edition = proposals.edition_of(proposal)
    if transition.stages is not None:
        stage = editions.open_stage(edition)
        if stage not in transition.stages:
            names = ", ".join(str(s.title) for s in sorted(transition.stages, key=list(Stage).index))
            raise TransitionNotAllowed(_("This is possible only while these stages are open: %(stages)s.",
                                         stages=names))
    if action not in ("withdraw", "merge", "undo_submission") and clock.today() > edition.submission_deadline:
        raise TransitionNotAllowed(_("The submission deadline of %(edition)s has passed.", edition=edition.name))
    for check in hooks.GUARDS.get(action, ()):
        check(actor, proposal)
    return transition


def _move(actor, proposal, transition, **data):
    previous = proposal.status
    proposal.status = transition.target.value
    proposal.status_changed_at = utcnow()
    audit.record(actor, f"proposal.{transition.action}", proposal, **{"from": previous, **data})
    db.session.flush()
    for follow in hooks.AFTER.get(transition.action, ()):
        follow(actor, proposal, **data)
    return proposal


def send_to_consultation(actor, proposal):
    transition = _check(actor, proposal, "send_to_consultation")
    version = proposals.get_version(proposal)
    missing = [str(label) for label, value in (
        (_l("title"), version.title), (_l("summary"), version.summary),
        (_l("description"), version.description)) if not value.strip()]
    if not version.cost_lines:
        missing.append(_("cost estimate"))
    if missing:
        raise TransitionNotAllowed(_("Before the experts can read it, fill in: %(fields)s.",
                                     fields=", ".join(missing)))
    return _move(actor, proposal, transition, version=version.number)


def record_feedback(actor, proposal):
    return _move(actor, proposal, _check(actor, proposal, "record_feedback"))


def start_revising(actor, proposal):
    return _move(actor, proposal, _check(actor, proposal, "start_revising"))


def mark_revised(actor, proposal):
    """Send the revised proposal back: the units that asked for changes read it again (Stage III's hooks)."""
    return _move(actor, proposal, _check(actor, proposal, "mark_revised"), version=proposal.current_version)


def mark_ready(actor, proposal):
    transition = _check(actor, proposal, "mark_ready")
    problems = proposals.readiness_problems(proposal)
    if problems:
        raise TransitionNotAllowed(_("Not ready yet:") + " " + " ".join(problems))
    return _move(actor, proposal, transition, version=proposal.current_version)


def reopen(actor, proposal):
    return _move(actor, proposal, _check(actor, proposal, "reopen"))


def submit(actor, proposal, platform_reference):
    transition = _check(actor, proposal, "submit")
    reference = (platform_reference or "").strip()
    if not reference:
        raise TransitionNotAllowed(_("Enter the reference number the official platform gave the proposal."))
    if len(reference) > PLATFORM_REFERENCE_MAX:
        raise TransitionNotAllowed(_("The reference number is too long."))
    proposal.platform_reference = reference
    return _move(actor, proposal, transition, version=proposal.current_version, platform_reference=reference)


def undo_submission(actor, proposal, reason=""):
    """A coordinator takes back a wrong record of submission; the proposal is ready again."""
    reason = (reason or "").strip()
    transition = _check(actor, proposal, "undo_submission")
    if not reason:
        raise TransitionNotAllowed(_("Say why the record of the submission is wrong."))
    previous = proposal.platform_reference
    proposal.platform_reference = None
    return _move(actor, proposal, transition, reason=reason[:2000], platform_reference=previous)


def withdraw(actor, proposal, reason=""):
    return _move(actor, proposal, _check(actor, proposal, "withdraw"), reason=(reason or "").strip()[:500])


def merge(actor, proposal, into):
    """Merge `proposal` into `into`: both keep their histories; the merged one points to the survivor."""
    transition = _check(actor, proposal, "merge")
    if into is None or into.id == proposal.id:
        raise TransitionNotAllowed(_("Choose another proposal to merge into."))
    if into.edition_id != proposal.edition_id:
        raise TransitionNotAllowed(_("Only proposals of the same edition can be merged."))
    if into.state not in LIVE:
        raise TransitionNotAllowed(_("The proposal to merge into is already closed."))
    proposal.merged_into_id = into.id
    audit.record(actor, "proposal.absorbed", into, merged_id=proposal.id)
    return _move(actor, proposal, transition, into=into.id)


def perform(actor, proposal, action, **kwargs):
    """Run a transition by name (one POST URL per transition dispatches here)."""
    functions = {"send_to_consultation": send_to_consultation, "record_feedback": record_feedback,
                 "start_revising": start_revising, "mark_revised": mark_revised, "mark_ready": mark_ready,
                 "reopen": reopen, "submit": submit, "undo_submission": undo_submission, "withdraw": withdraw,
                 "merge": merge}
    if action not in functions:
        raise TransitionNotAllowed(_("Unknown action."))
    return functions[action](actor, proposal, **kwargs)


def lock_for_update(proposal_id):
    """Load a proposal for a transition, locking its row on PostgreSQL (SQLite writers are serialised)."""
    return db.session.scalar(db.select(Proposal).where(Proposal.id == proposal_id).with_for_update())
