"""The readiness check: is a proposal ready to be entered into the official platform?

`checklist(proposal)` computes it from the data, item by item, each with its reason and where to fix
it; `is_ready` and `snapshot` (kept with the Submission) build on it. The items the proposals package
already checks (the official form, the cap, co-authors) come from `pbflow.proposals.rules`; the ones
Stage IV adds (upkeep, supporters, answered feedback, verdicts) are registered as a readiness hook, so
`mark_ready` refuses while one fails, and a guard re-checks everything when the submission is recorded.

A fixed number of queries whatever the number of feedback rounds, points or supporters.
"""

from dataclasses import asdict, dataclass
from functools import cache

from flask import has_request_context, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, exists, func, select
from sqlalchemy.orm import aliased

from pbflow.accounts.models import User
from pbflow.core import audit, clock, notifications
from pbflow.core.database import utcnow
from pbflow.core.i18n import local_date
from pbflow.extensions import db
from pbflow.feedback.models import (
    AnswerStatus,
    Feedback,
    FeedbackPoint,
    FeedbackStatus,
    Routing,
    RoutingStatus,
    UnitMembership,
    Verdict,
    VerifyingUnit,
)
from pbflow.marathons import policy, supporters
from pbflow.marathons.models import REASON_MAX, NoUpkeepDeclaration
from pbflow.proposals import hooks, rules, transitions
from pbflow.proposals.models import ProposalAuthor
from pbflow.proposals.policy import EDITABLE

UNANSWERED = (AnswerStatus.OPEN.value, AnswerStatus.QUESTION.value)

notifications.register(
    "verdict_overridden",
    message=_l("A coordinator overrode the verdict “cannot be done” of %(unit)s on “%(title)s” for the "
               "readiness check. The reason is on the proposal's page."),
    subject=_l("A verdict was overridden: %(title)s"))


class ReadinessError(Exception):
    """A rule said no; the message is shown. `status` is the HTTP status."""

    status = 422


class NotAllowed(ReadinessError):
    status = 403


@dataclass(frozen=True)
class Item:
    key: str
    ok: bool
    title: str  # short
    reason: str  # what is wrong, or what is fine
    fix_url: str | None = None  # where to put it right


@dataclass(frozen=True)
class UnitFeedback:
    """A unit's latest published feedback on the proposal: what the readiness check reads of it."""

    id: int
    unit_id: int
    unit_name: str
    round: int
    verdict: str | None
    verdict_reason: str
    override_reason: str
    overridden_at: object
    unanswered: int  # points asking for a change that are open or a question back

    @property
    def cannot_be_done(self):
        return self.verdict == Verdict.CANNOT_BE_DONE.value

    @property
    def blocks(self):
        return self.cannot_be_done and self.overridden_at is None


# --- reading -----------------------------------------------------------------------------

@cache
def _latest_feedback_statement():
    """Built once, on first use (an alias configures the mappers, which must all be imported by then): an alias
    made afresh sets itself up again on first use, which was most of this query's cost (1.2 ms, twice on the
    proposal page)."""
    later = aliased(Feedback, name="later_feedback")
    unanswered = (select(func.count()).where(FeedbackPoint.feedback_id == Feedback.id,
                                             FeedbackPoint.answer_status.in_(UNANSWERED))
                  .correlate(Feedback).scalar_subquery())
    return (select(Feedback.id, Feedback.unit_id, VerifyingUnit.name, Feedback.round, Feedback.verdict,
                   Feedback.verdict_reason, Feedback.override_reason, Feedback.overridden_at, unanswered)
            .join(VerifyingUnit, VerifyingUnit.id == Feedback.unit_id)
            .join(Routing, Routing.id == Feedback.routing_id)
            .where(Feedback.proposal_id == bindparam("proposal"), Feedback.status == FeedbackStatus.PUBLISHED.value,
                   Routing.status != RoutingStatus.CANCELLED.value,
                   ~exists().where(and_(later.routing_id == Feedback.routing_id,
                                        later.status == FeedbackStatus.PUBLISHED.value,
                                        later.round > Feedback.round)))
            .order_by(VerifyingUnit.name, Feedback.id))


def latest_feedback(proposal):
    """Each routed unit's latest published feedback (units taken off the proposal left out); one query."""
    return [UnitFeedback(*row) for row in db.session.execute(_latest_feedback_statement(), {"proposal": proposal.id})]


def _url(endpoint, **values):
    return url_for(endpoint, **values) if has_request_context() else None


def _names(found):
    return ", ".join(f.unit_name for f in found)


def _item(key, title, problems, fine, fix_url):
    return Item(key, not problems, str(title), " ".join(str(p) for p in problems) if problems else str(fine),
                None if not problems else fix_url)


def _upkeep_item(proposal, version, declaration):
    declared = declaration is not None and declaration.version_number == version.number
    if version.yearly_upkeep > 0:
        return Item("upkeep", True, _("Yearly upkeep stated"), _("The yearly upkeep is stated."))
    if declared:
        return Item("upkeep", True, _("Yearly upkeep stated"),
                    _("The authors stated that the project needs no yearly upkeep."))
    return Item("upkeep", False, _("Yearly upkeep stated"),
                _("State the yearly upkeep, or state that the project needs none."),
                _url("readiness.show", proposal_id=proposal.id, _anchor="upkeep"))


def _supporters_item(proposal, edition, counted):
    needed = edition.supporters_required
    if counted >= needed:
        return Item("supporters", True, _("Support list complete"),
                    _("%(count)d of the %(needed)d residents needed back the proposal.", count=counted, needed=needed))
    return Item("supporters", False, _("Support list complete"),
                _("%(count)d of the %(needed)d residents needed back the proposal so far.",
                  count=counted, needed=needed),
                _url("readiness.supporters", proposal_id=proposal.id))


def _feedback_item(proposal, found):
    waiting = [f for f in found if f.unanswered]
    if not waiting:
        return Item("feedback", True, _("Feedback answered"),
                    _("Every point of the experts' feedback that asks for a change is answered."))
    return Item("feedback", False, _("Feedback answered"),
                _("Answer every point that asks for a change (open points or questions to the experts: %(count)d; "
                  "units: %(units)s).", count=sum(f.unanswered for f in waiting), units=_names(waiting)),
                _url("proposals.show", proposal_id=proposal.id, _anchor="feedback"))


def _verdict_item(proposal, found):
    blocking = [f for f in found if f.blocks]
    if not blocking:
        overridden = [f for f in found if f.cannot_be_done]
        fine = (_("A coordinator overrode the verdict “cannot be done” of: %(units)s.", units=_names(overridden))
                if overridden else _("No verifying unit says the project cannot be done."))
        return Item("verdicts", True, _("No “cannot be done” verdict"), fine)
    return Item("verdicts", False, _("No “cannot be done” verdict"),
                _("These units say the project cannot be done: %(units)s. Change the proposal and ask them "
                  "again, or a coordinator may override the verdict with a reason.", units=_names(blocking)),
                _url("readiness.show", proposal_id=proposal.id, _anchor="verdicts"))


def _stage_iv_items(proposal, version, edition, found, backing=None):
    declaration = db.session.get(NoUpkeepDeclaration, proposal.id)
    return [_upkeep_item(proposal, version, declaration),
            _supporters_item(proposal, edition, supporters.backing(proposal) if backing is None else backing),
            _feedback_item(proposal, found), _verdict_item(proposal, found)]


def checklist(proposal, version=None, found=None, backing=None):
    """Every item of the readiness check, in the order the official form asks for things. A page that shows
    the latest feedback (`found`) or the support (`backing`) itself passes them, so they are read once."""
    edition = rules.edition_of(proposal)
    version = version or rules.get_version(proposal)
    found = latest_feedback(proposal) if found is None else found
    edit_url = (_url("proposals.edit", proposal_id=proposal.id) if proposal.state in EDITABLE
                else _url("proposals.show", proposal_id=proposal.id))
    upkeep, supported, answered, verdicts = _stage_iv_items(proposal, version, edition, found, backing)
    deadline_passed = clock.today() > edition.submission_deadline
    return [
        _item("form", _("Official form filled in"), rules.form_problems(edition, version),
              _("Every required field is filled in and within the official form's limits."), edit_url),
        _item("cost", _("Cost within the cap"), rules.cap_problems(edition, version),
              _("The total cost is within the cap for this kind of project."), edit_url),
        upkeep, supported,
        _item("co_authors", _("Co-authors agreed"), rules.co_author_problems(proposal),
              _("Every invited co-author has answered."), _url("proposal_authors.authors", proposal_id=proposal.id)),
        answered, verdicts,
        Item("deadline", not deadline_passed, _("Deadline not passed"),
             (_("The submission deadline, %(date)s, has passed.", date=local_date(edition.submission_deadline))
              if deadline_passed else
              _("The submission deadline is %(date)s.", date=local_date(edition.submission_deadline)))),
    ]


def is_ready(proposal):
    return all(item.ok for item in checklist(proposal))


def snapshot(proposal):
    """The checklist as it stands, JSON-able, for Submission.readiness."""
    items = checklist(proposal)
    return {"checked_at": utcnow().isoformat(timespec="seconds"), "version": proposal.current_version,
            "ready": all(item.ok for item in items),
            "items": [{k: v for k, v in asdict(item).items() if k != "fix_url"} for item in items]}


@hooks.readiness
def stage_iv_problems(proposal, version):
    """What Stage IV adds before `mark_ready` (the form, cap and co-authors are the proposals package's)."""
    items = _stage_iv_items(proposal, version, rules.edition_of(proposal), latest_feedback(proposal))
    return [item.reason for item in items if not item.ok]


@hooks.guard("submit")
def ready_when_submitted(_actor, proposal):
    """The check runs again when the submission is recorded: the data may have changed since `ready`."""
    problems = rules.readiness_problems(proposal)
    if problems:
        raise transitions.TransitionNotAllowed(_("Not ready yet:") + " " + " ".join(problems))


# --- changing ----------------------------------------------------------------------------

def declare_no_upkeep(actor, proposal):
    """The authors state that the current version's project needs no yearly upkeep; False if already stated."""
    if not policy.can_declare_no_upkeep(actor, proposal):
        raise NotAllowed(_("Only the authors can state this, while the proposal is open."))
    version = rules.get_version(proposal)
    if version.yearly_upkeep > 0:
        raise ReadinessError(_("This version states a yearly upkeep. To say the project needs none, save a "
                               "version with a yearly upkeep of 0 zł first."))
    declaration = db.session.get(NoUpkeepDeclaration, proposal.id)
    if declaration is not None and declaration.version_number == version.number:
        return False
    if declaration is None:
        declaration = NoUpkeepDeclaration(proposal_id=proposal.id)
        db.session.add(declaration)
    declaration.version_number, declaration.declared_by_id, declaration.declared_at = version.number, actor.id, utcnow()
    db.session.flush()
    audit.record(actor, "proposal.no_upkeep_declared", proposal, version=version.number)
    return True


def overridable(proposal, feedback_id):
    """The unit's latest published feedback with the verdict "cannot be done", not overridden yet, or None."""
    return next((f for f in latest_feedback(proposal) if f.id == feedback_id and f.blocks), None)


def override_verdict(actor, proposal, feedback_id, reason):
    """A coordinator lets the readiness check pass a unit's "cannot be done" verdict, saying why."""
    if not policy.can_override_verdict(actor):
        raise NotAllowed(_("Only a coordinator can override a verdict."))
    reason = (reason or "").strip()
    if not reason:
        raise ReadinessError(_("Say why the verdict is overridden."))
    if len(reason) > REASON_MAX:
        raise ReadinessError(_("Use at most %(max)d characters.", max=REASON_MAX))
    found = overridable(proposal, feedback_id)
    if found is None:
        raise ReadinessError(_("This verdict cannot be overridden: it is not the unit's latest “cannot be done” "
                               "verdict, or it was overridden already."))
    feedback = db.session.get(Feedback, found.id)
    feedback.override_reason, feedback.overridden_by_id, feedback.overridden_at = reason, actor.id, utcnow()
    db.session.flush()
    audit.record(actor, "feedback.verdict_overridden", feedback, proposal_id=proposal.id, unit_id=found.unit_id,
                 reason=reason)
    people = db.session.scalars(select(User).where(
        User.id.in_(select(ProposalAuthor.user_id).where(ProposalAuthor.proposal_id == proposal.id))
        | User.id.in_(select(UnitMembership.user_id).where(UnitMembership.unit_id == found.unit_id)))).all()
    notifications.notify([p for p in people if p.id != actor.id], "verdict_overridden",
                         url_for("readiness.show", proposal_id=proposal.id, _anchor="verdicts"),
                         unit=found.unit_name, title=proposal.title)
    return feedback
