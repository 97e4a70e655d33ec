"""Recording a proposal's submission to the official platform, and a coordinator undoing a wrong record.

`record()` checks the helper, the reference (the edition's format, unique in the edition among records
that stand), the author who submitted, the moment and readiness, then moves the proposal through
`transitions.submit`. The Submission row is kept in step with the proposal's status by hooks on the
"submit" and "undo_submission" transitions, whichever page took the step: the row is inserted in a
savepoint, and the partial unique indexes (one standing record per proposal, one per reference in the
edition) turn a second, parallel record into a refusal instead of a second row. The view locks the
proposal's row first (PostgreSQL; SQLite's writers queue), so the later helper sees "already submitted".
"""

import re
from contextvars import ContextVar
from datetime import UTC, datetime, time, timedelta
from functools import cache

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from pbflow.accounts.models import User
from pbflow.core import audit
from pbflow.core.clock import WARSAW
from pbflow.core.database import utcnow
from pbflow.core.notifications import notify, register
from pbflow.editions.models import Edition
from pbflow.extensions import db
from pbflow.marathons import policy
from pbflow.marathons.models import REASON_MAX, REFERENCE_MAX, Submission
from pbflow.proposals import hooks, transitions
from pbflow.proposals import rules as proposal_rules
from pbflow.proposals.models import AuthorRole, ProposalAuthor, ProposalStatus

FUTURE_LEEWAY = timedelta(minutes=5)  # clocks differ a little; a record "now" must not be refused
# What record() knows beyond the transition's arguments (the marathon, the author, the moment), for the
# "submit" hook that writes the row; a step taken elsewhere records the actor (or the lead) and now.
_details = ContextVar("submission_details", default=None)

register("proposal_submitted",
         message=_l("“%(title)s” was entered into the official platform with the reference number "
                    "%(reference)s (%(when)s)."),
         subject=_l("Submitted: “%(title)s” (%(reference)s)"))
register("submission_undone",
         message=_l("The record of the submission of “%(title)s” (%(reference)s) was taken back: %(reason)s"),
         subject=_l("The submission record of “%(title)s” was taken back"))


class SubmissionError(Exception):
    """A rule about recording a submission was broken; `field` names the form field it belongs to."""

    def __init__(self, message, field=None, status=422, problems=()):
        super().__init__(message)
        self.field = field
        self.status = status
        self.problems = list(problems)


class DuplicateReference(transitions.TransitionNotAllowed):
    def __init__(self):
        super().__init__(_("This reference number is already recorded for another proposal of this edition."))


class AlreadySubmitted(transitions.TransitionNotAllowed):
    def __init__(self):
        super().__init__(_("This proposal's submission has just been recorded by someone else."))


class BadReference(transitions.TransitionNotAllowed):
    pass


# --- reading -------------------------------------------------------------------------------

def reference_key(reference):
    """The reference as compared: spaces removed, upper-cased ("wpd .0123.2026" → "WPD.0123.2026")."""
    return re.sub(r"\s+", "", reference or "").upper()


def example_reference(edition):
    return f"WPD.0123.{edition.year}"


def check_reference(edition, reference):
    """The key of a well-formed reference, or BadReference with an example."""
    key = reference_key(reference)
    if not key:
        raise BadReference(_("Enter the reference number the official platform gave the proposal."))
    if len(key) > REFERENCE_MAX or not _matches(edition.reference_pattern, key):
        raise BadReference(_("This does not look like a reference number of the official platform; it looks "
                             "like this: %(example)s.", example=example_reference(edition)))
    return key


def _matches(pattern, key):
    try:
        return re.search(pattern, key) is not None
    except re.error:  # a broken pattern in the edition's settings refuses nothing
        return True


def standing(proposal_id):
    return db.session.scalar(select(Submission).where(Submission.proposal_id == proposal_id,
                                                      Submission.undone_at.is_(None)))


def load(submission_id):
    return db.session.get(Submission, submission_id)


def authors(proposal_id):
    """The proposal's authors, lead first (one query)."""
    return db.session.scalars(
        select(User).join(ProposalAuthor, ProposalAuthor.user_id == User.id)
        .where(ProposalAuthor.proposal_id == proposal_id)
        .order_by((ProposalAuthor.role == AuthorRole.LEAD.value).desc(), User.name, User.id)).all()


def failing_items(proposal):
    """What the readiness check refuses now, as texts."""
    from pbflow.marathons import readiness

    return [f"{item.title}: {item.reason}" if item.reason else str(item.title)
            for item in readiness.checklist(proposal) if not item.ok]


def stage_opened_at(edition):
    """Midnight in Kraków of the day the marathons stage opens, as naive UTC."""
    start = datetime.combine(edition.marathons_open, time()).replace(tzinfo=WARSAW)
    return start.astimezone(UTC).replace(tzinfo=None)


# --- recording -----------------------------------------------------------------------------

def record(actor, proposal, marathon, reference, submitted_by_id, submitted_at, now=None):
    """Record that `proposal` was entered into the platform at this marathon; the proposal is submitted."""
    now = now or utcnow()
    if not policy.can_record_submission(actor, proposal, marathon):
        raise SubmissionError(_("Only the helpers of the marathon this proposal is booked at record its "
                                "submission."), status=403)
    edition = proposal_rules.edition_of(proposal)
    if marathon.edition_id != proposal.edition_id:
        raise SubmissionError(_("This proposal belongs to another edition."), status=409)
    if proposal.state is ProposalStatus.SUBMITTED:
        raise SubmissionError(_("This proposal's submission is already recorded."), status=409)
    try:
        key = check_reference(edition, reference)
    except BadReference as error:
        raise SubmissionError(str(error), "reference") from None
    if submitted_by_id not in {person.id for person in authors(proposal.id)}:
        raise SubmissionError(_("Choose one of the proposal's authors."), "submitted_by")
    if submitted_at is None or submitted_at > now + FUTURE_LEEWAY:
        raise SubmissionError(_("The moment of submission cannot be in the future."), "submitted_at")
    if submitted_at < stage_opened_at(edition):
        raise SubmissionError(_("The moment of submission cannot be before the submission marathons began."),
                              "submitted_at")
    if proposal.state is not ProposalStatus.READY:
        raise SubmissionError(_("Only a proposal that is ready to submit can be recorded as submitted; this one "
                                "is “%(status)s”.", status=proposal.state.title), status=409)
    problems = failing_items(proposal)
    if problems:
        raise SubmissionError(_("The readiness check refuses this proposal now:"), status=409, problems=problems)
    if db.session.scalar(select(Submission.id).where(Submission.edition_id == edition.id,
                                                     Submission.reference_key == key,
                                                     Submission.undone_at.is_(None))):
        raise SubmissionError(str(DuplicateReference()), "reference")
    token = _details.set({"marathon_id": marathon.id, "submitted_by_id": submitted_by_id,
                          "submitted_at": submitted_at})
    try:
        transitions.submit(actor, proposal, key)
    except DuplicateReference as error:
        raise SubmissionError(str(error), "reference") from None
    except AlreadySubmitted as error:
        raise SubmissionError(str(error), status=409) from None
    except transitions.TransitionNotAllowed as error:
        raise SubmissionError(str(error), status=409) from None
    finally:
        _details.reset(token)
    return standing(proposal.id)


def undo(actor, submission, reason):
    """A coordinator takes back a wrong record; the proposal is ready again and the authors are told."""
    if not policy.can_undo_submission(actor, submission):
        raise SubmissionError(_("Only a coordinator takes back a record of submission that stands."), status=403)
    reason = (reason or "").strip()
    if not reason:
        raise SubmissionError(_("Say why the record of the submission is wrong."), "reason")
    if len(reason) > REASON_MAX:
        raise SubmissionError(_("Use at most %(max)d characters.", max=REASON_MAX), "reason")
    proposal = transitions.lock_for_update(submission.proposal_id)
    try:
        transitions.undo_submission(actor, proposal, reason)
    except transitions.TransitionNotAllowed as error:
        raise SubmissionError(str(error), status=409) from None
    return submission


# --- keeping the record in step with the proposal's status -----------------------------------

def _lead_id(proposal_id):
    return db.session.scalar(select(ProposalAuthor.user_id).where(
        ProposalAuthor.proposal_id == proposal_id, ProposalAuthor.role == AuthorRole.LEAD.value))


def _is_reference_clash(error):
    text = str(error.orig)
    return "uq_submissions_edition_reference" in text or "reference_key" in text


@hooks.viewer
def _helper_sees(user, proposal):
    """The helpers of a marathon where the proposal is booked see its page (they enter it with the authors)."""
    return policy.is_helper_of_booked(user, proposal)


@hooks.actor("submit")
def _helper_submits(user, proposal):
    """A helper of a marathon where the proposal is booked records its submission."""
    return policy.is_helper_of_booked(user, proposal)


@hooks.after("submit")
def _add_record(actor, proposal, platform_reference=None, **_data):
    from pbflow.marathons import readiness

    # The same format on every path: the desk (record() checked it already) and the proposal page's own form.
    reference = (platform_reference or "").strip()
    key = check_reference(db.session.get(Edition, proposal.edition_id), reference)
    proposal.platform_reference = key  # as the platform writes it: upper case, no spaces
    details = _details.get() or {
        "marathon_id": None, "submitted_at": utcnow(),
        "submitted_by_id": actor.id if policy.proposal_policy.is_author(actor, proposal) else _lead_id(proposal.id)}
    submission = Submission(proposal_id=proposal.id, edition_id=proposal.edition_id, platform_reference=reference,
                            reference_key=key, version_number=proposal.current_version, recorded_by_id=actor.id,
                            readiness=readiness.snapshot(proposal), **details)
    try:
        with db.session.begin_nested():
            db.session.add(submission)
    except IntegrityError as error:
        raise (DuplicateReference() if _is_reference_clash(error) else AlreadySubmitted()) from None
    audit.record(actor, "submission.recorded", submission, proposal_id=proposal.id, reference=key,
                 version=submission.version_number, marathon_id=submission.marathon_id,
                 submitted_by_id=submission.submitted_by_id, submitted_at=submission.submitted_at.isoformat())
    notify([person for person in authors(proposal.id) if person.id != actor.id], "proposal_submitted",
           url_for("proposals.show", proposal_id=proposal.id), title=proposal.title, reference=key,
           when=submission.submitted_at)


@hooks.after("undo_submission")
def _undo_record(actor, proposal, reason="", platform_reference=None, **_data):
    submission = standing(proposal.id)
    if submission is None:
        return
    submission.undone_at = utcnow()
    submission.undone_by_id = actor.id
    submission.undo_reason = reason
    audit.record(actor, "submission.undone", submission, proposal_id=proposal.id,
                 reference=submission.platform_reference, reason=reason)
    db.session.flush()
    notify([person for person in authors(proposal.id) if person.id != actor.id], "submission_undone",
           url_for("proposals.show", proposal_id=proposal.id), title=proposal.title,
           reference=submission.platform_reference, reason=reason)


# --- the proposal page's section -------------------------------------------------------------

HISTORY_LIMIT = 20


@cache
def _submitter_and_recorder():
    """Made once, on first use (marathons.readiness._latest_feedback_statement says why)."""
    return aliased(User, name="submitter"), aliased(User, name="recorder")


@hooks.page_section("submission", "marathons/_submission_section.html", order=3)
def proposal_section(user, proposal):
    """The record of submission (reference, when, version, who), earlier ones taken back, and a link to the
    copy view for the people it is for: up to four queries; None when there is nothing to show."""
    submitter, recorder = _submitter_and_recorder()
    rows = db.session.execute(
        select(Submission, submitter, recorder)
        .outerjoin(submitter, submitter.id == Submission.submitted_by_id)
        .outerjoin(recorder, recorder.id == Submission.recorded_by_id)
        .where(Submission.proposal_id == proposal.id)
        .order_by(Submission.created_at.desc(), Submission.id.desc()).limit(HISTORY_LIMIT)).all()
    may_copy = proposal.state in (ProposalStatus.READY, ProposalStatus.SUBMITTED) and policy.can_copy(user, proposal)
    if not rows and not may_copy:
        return None
    from pbflow.marathons.forms.submissions import UndoForm

    current = next((row for row in rows if row[0].undone_at is None), None)
    may_undo = current is not None and policy.can_undo_submission(user, current[0])
    return {"current": current, "earlier": [row for row in rows if row[0].undone_at is not None],
            "undo_form": UndoForm(formdata=None) if may_undo else None,
            "show_recorder": policy.is_coordinator(user) or policy.proposal_policy.is_author(user, proposal),
            "may_copy": may_copy}
