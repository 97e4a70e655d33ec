"""What the city decided about a submitted proposal (verified positively or negatively, put to the vote,
selected for funding): a coordinator records it, the authors are told, and the proposal page shows it.

An outcome belongs to a submission that stands: it is recorded only then, shown only then, and cleared
when a coordinator undoes the record of the submission (it was about a submission that did not happen)."""

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload

from pbflow.core import audit, notifications
from pbflow.core.database import utcnow
from pbflow.extensions import db
from pbflow.marathons import policy
from pbflow.marathons.models import REASON_MAX, OfficialOutcome, Outcome, Submission
from pbflow.proposals import hooks
from pbflow.proposals.models import ProposalAuthor

notifications.register(
    "official_outcome",
    message=_l("The city's decision about your proposal “%(title)s” is recorded. See it on the proposal page."),
    subject=_l("The city's decision: %(title)s"))


class OutcomeError(Exception):
    """Why an outcome cannot be recorded; `status` is the HTTP status the view answers with."""

    status = 422

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class NotAllowed(OutcomeError):
    status = 403


class NotSubmitted(OutcomeError):
    status = 409


def standing_submission(proposal_id, for_update=False):
    query = select(Submission).where(Submission.proposal_id == proposal_id, Submission.undone_at.is_(None))
    return db.session.scalar(query.with_for_update() if for_update else query)


def record(actor, proposal, outcome, reason=""):
    """Record (or change) the official outcome of a proposal whose submission stands; the authors are told."""
    if not policy.can_record_outcome(actor):
        raise NotAllowed(_("Only coordinators record the city's decisions."))
    try:
        outcome = Outcome(outcome)
    except ValueError as error:
        raise OutcomeError(_("Choose the decision from the list.")) from error
    reason = (reason or "").strip()
    if outcome is Outcome.VERIFIED_NEGATIVE and not reason:
        raise OutcomeError(_("Give the reason for the negative verification: the authors will read it."))
    if len(reason) > REASON_MAX:
        raise OutcomeError(_("Use at most %(max)d characters.", max=REASON_MAX))
    if standing_submission(proposal.id, for_update=True) is None:
        raise NotSubmitted(_("This proposal has no record of submission, so the city has not decided about it."))
    found = db.session.get(OfficialOutcome, proposal.id)
    previous = found.outcome if found else None
    if found is None:
        found = OfficialOutcome(proposal_id=proposal.id)
        db.session.add(found)
    found.outcome, found.reason = outcome.value, reason
    found.recorded_by_id, found.recorded_at = actor.id, utcnow()
    db.session.flush()
    audit.record(actor, "official_outcome.recorded", proposal, outcome=outcome.value, previous=previous,
                 reason=reason)
    authors = db.session.scalars(select(ProposalAuthor).where(ProposalAuthor.proposal_id == proposal.id)
                                 .options(joinedload(ProposalAuthor.user))).all()
    notifications.notify([a.user for a in authors if a.user_id != actor.id], "official_outcome",
                         url_for("proposals.show", proposal_id=proposal.id), title=proposal.title)
    return found


@hooks.after("undo_submission")
def _clear_on_undo(actor, proposal, **_data):
    """The decision was about a submission that did not happen: it goes with the record."""
    found = db.session.get(OfficialOutcome, proposal.id)
    if found is not None:
        audit.record(actor, "official_outcome.cleared", proposal, outcome=found.outcome, reason=found.reason)
        db.session.delete(found)


@hooks.page_section("outcome", "marathons/_outcome_section.html", order=4)
def outcome_section(user, proposal):
    """The city's decision, for whoever may view the proposal (one query); nothing before there is one."""
    found = db.session.scalar(select(OfficialOutcome).where(
        OfficialOutcome.proposal_id == proposal.id,
        exists().where(Submission.proposal_id == proposal.id, Submission.undone_at.is_(None))))
    if found is None:
        return None
    return {"outcome": found}
