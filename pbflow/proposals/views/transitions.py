"""The state machine in the browser: one POST address per transition, small forms where one needs input,
the next-steps panel and the history of the status on the proposal page."""

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from pbflow.core import clock
from pbflow.core.models import AuditEvent
from pbflow.core.web.htmx import is_htmx_request, render, see_other
from pbflow.core.web.permissions import authorize, signed_in
from pbflow.core.web.urls import database_id
from pbflow.editions import services as editions
from pbflow.editions.models import Stage
from pbflow.extensions import db
from pbflow.proposals import hooks, policy, queries, search, transitions
from pbflow.proposals import services as proposals
from pbflow.proposals.forms.transitions import FORMS, MergeSearchForm
from pbflow.proposals.models import Proposal, ProposalStatus
from pbflow.proposals.views.pages import load_visible, page_context

bp = Blueprint("proposal_transitions", __name__, url_prefix="/proposals")

S = ProposalStatus
MERGE_CANDIDATES_PER_PAGE = 10
HISTORY_LIMIT = 50

# The status in plain words: where the proposal is and what happens next on the pathway.
EXPLANATIONS = {
    S.DRAFT: _l("A draft: its authors are still writing it. When it is complete, send it to the city's "
                "verifying units; their experts will read it and give feedback."),
    S.IN_CONSULTATION: _l("The verifying units' experts are reading the version that was sent to them. The text "
                          "stays as it is until their feedback arrives; then the authors revise it."),
    S.FEEDBACK_RECEIVED: _l("The experts' feedback has arrived. The authors read it and revise the proposal "
                            "(saving a new version starts the revision), then mark it as ready to submit."),
    S.REVISING: _l("The authors are revising the proposal after the experts' feedback. When every point of the "
                   "feedback is answered, they send the revised proposal back to the units that asked for changes; "
                   "or, when the official form would accept it, they mark it as ready to submit."),
    S.READY: _l("Ready to submit: during a submission marathon it is entered into the city's official platform "
                "and the reference number it gets is recorded here. To change anything, reopen it first."),
    S.SUBMITTED: _l("Submitted to the city's official platform. Nothing more needs doing here; the city verifies "
                    "it now."),
    S.WITHDRAWN: _l("Withdrawn by its lead author. It keeps its history here but goes no further."),
    S.MERGED: _l("Merged into another proposal, which carries on; this one keeps its history here."),
}

# What an action's button leads to, and the audit verbs the history of the status shows.
HISTORY_TITLES = {
    "proposal.started": _l("Started as a draft"),
    "proposal.send_to_consultation": _l("Sent to the verifying units"),
    "proposal.record_feedback": _l("The experts' feedback was received"),
    "proposal.start_revising": _l("Revision started"),
    "proposal.mark_revised": _l("The revised proposal was sent back to the experts"),
    "proposal.mark_ready": _l("Marked as ready to submit"),
    "proposal.reopen": _l("Reopened for changes"),
    "proposal.submit": _l("Submission recorded"),
    "proposal.withdraw": _l("Withdrawn"),
    "proposal.merge": _l("Merged into another proposal"),
    "proposal.absorbed": _l("Another proposal was merged into this one"),
}


def _success_message(action, proposal, into=None):
    if action == "send_to_consultation":
        return _("The proposal has been sent to the verifying units. Their experts will read version %(number)d.",
                 number=proposal.current_version)
    if action == "submit":
        return _("The submission is recorded with the reference number %(reference)s.",
                 reference=proposal.platform_reference)
    if action == "merge":
        return _("The proposal has been merged into “%(title)s”, which carries on.", title=into.title)
    return {
        "record_feedback": _("The experts' feedback is recorded; the authors can now revise the proposal."),
        "start_revising": _("The authors can now revise the proposal."),
        "mark_revised": _("The revised proposal has been sent back to the units that asked for changes. Their "
                          "experts will read version %(number)d.", number=proposal.current_version),
        "mark_ready": _("The proposal is ready to submit: bring it to a submission marathon."),
        "reopen": _("The proposal is open for changes again; mark it as ready when you are done."),
        "withdraw": _("The proposal has been withdrawn."),
    }[action]


# --- what the proposal page shows ------------------------------------------------------

@dataclass
class Step:
    transition: transitions.Transition
    url: str
    has_form: bool
    note: str = ""  # why it cannot be done today, if so
    danger: bool = False


@dataclass
class NextSteps:
    explanation: str
    steps: list
    problems: list  # what to fix before marking as ready
    version: int


def _not_today(proposal, transition):
    """Why a transition on offer would be refused today by its stage or the deadline ("" if it would not)."""
    edition = proposal.edition
    if transition.action not in ("withdraw", "merge") and clock.today() > edition.submission_deadline:
        return _("The submission deadline of %(edition)s has passed.", edition=edition.name)
    if transition.stages is not None and editions.open_stage(edition) not in transition.stages:
        names = ", ".join(str(s.title) for s in sorted(transition.stages, key=list(Stage).index))
        return _("This is possible only while these stages are open: %(stages)s.", stages=names)
    return ""


@bp.app_template_global()
def proposal_next_steps(proposal, actions):
    """The next-steps panel: the status in plain words, one step per transition on offer, readiness problems."""
    steps = [Step(t, url_for("proposal_transitions.act", proposal_id=proposal.id, action=t.action),
                  t.action in FORMS, _not_today(proposal, t), t.action in ("withdraw", "merge"))
             for t in actions]
    offered = {t.action for t in actions}
    problems = proposals.readiness_problems(proposal) if "mark_ready" in offered else []
    return NextSteps(_explanation(proposal), steps, problems, proposal.current_version)


# A coordinator may close the consultation without waiting for every unit: then no opinion may exist at all.
FEEDBACK_RECEIVED_WITHOUT_FEEDBACK = _l(
    "The consultation with the verifying units is closed, but none of them has published written feedback on "
    "this proposal. The authors can revise it (saving a new version starts the revision), then mark it as ready "
    "to submit.")


def _explanation(proposal):
    """The status in plain words; "the feedback has arrived" only when a unit has published some."""
    if proposal.state is S.FEEDBACK_RECEIVED and not hooks.has_published_feedback(proposal):
        return FEEDBACK_RECEIVED_WITHOUT_FEEDBACK
    return EXPLANATIONS[proposal.state]


@bp.app_template_global()
def proposal_status_history(proposal):
    """The status changes of a proposal with who made them, oldest first: one query, the actors joined."""
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == Proposal.__tablename__, AuditEvent.object_id == proposal.id,
               AuditEvent.verb.in_(list(HISTORY_TITLES)))
        .options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(HISTORY_LIMIT)).all()
    return [(event, HISTORY_TITLES[event.verb]) for event in reversed(events)]


# --- the actions -------------------------------------------------------------------------

def _transition(action):
    transition = transitions.TRANSITIONS.get(action)
    if transition is None:
        abort(404)
    return transition


def _refusal_status(actor, proposal, transition):
    """403 when this person may never do it with this proposal, 409 when it does not fit its state or the day."""
    return 403 if not transitions.may_act(transition, actor, proposal) else 409


def _unavailable_message(proposal, transition):
    if proposal.state not in transition.sources:
        return _("A proposal that is “%(status)s” cannot be changed this way (%(action)s).",
                 status=proposal.state.title, action=transition.title)
    return _("You cannot do this with this proposal (%(action)s).", action=transition.title)


def _proposal_page(proposal, status, error):
    """The proposal page with the message in its next-steps panel (only the panel for htmx)."""
    return render("proposals/show.html", "proposals/_next_steps.html", status=status, error=error,
                  **page_context(proposal))


def _merge_candidates(proposal, query_text):
    """Live proposals of the same edition, by number or words of the title (the newest matches, as the
    lists search), a page at a time."""
    def live_in_edition(query):
        return query.where(Proposal.edition_id == proposal.edition_id, Proposal.id != proposal.id,
                           Proposal.status.in_([s.value for s in transitions.LIVE]))

    query = live_in_edition(select(Proposal))
    text = (query_text or "").strip().lstrip("#")
    if database_id(text) is not None:
        query = query.where(Proposal.id == database_id(text))
    elif text:
        found = search.matches(text, narrow=live_in_edition)
        if found is None:
            query = query.where(Proposal.title.icontains(text, autoescape=True))
        else:
            query = select(Proposal).join(found, found.c.id == Proposal.id).order_by(found.c.rank)
    query = query.order_by(Proposal.title, Proposal.id)
    return db.paginate(query, per_page=MERGE_CANDIDATES_PER_PAGE, error_out=False, count=True)


def _form_page(proposal, transition, form, status=200, error=None):
    context = {"proposal": proposal, "transition": transition, "form": form, "error": error,
               "not_today": _not_today(proposal, transition)}
    if transition.action == "merge":
        search_form = MergeSearchForm(request.args)
        search_form.validate()
        text = "" if search_form.q.errors else search_form.q.data
        context.update(search_form=search_form, candidates=_merge_candidates(proposal, text), q=text or "")
        if request.method == "GET" and request.args.get("results") and is_htmx_request():
            return render("proposals/_merge_candidates.html", status=status, **context)
    elif transition.action == "submit":
        context["problems"] = proposals.readiness_problems(proposal)
    return render("proposals/transition.html", "proposals/_transition_form.html", status=status, **context)


def _lock(proposal_id, other_id=None):
    """Lock the proposal (and the other one of a merge) in id order, then load what its page shows."""
    for id_ in sorted({proposal_id, other_id} - {None}):
        transitions.lock_for_update(id_)
    proposal = queries.proposal_page(proposal_id)
    if proposal is None:
        abort(404)
    authorize(policy.can_view(current_user, proposal))
    return proposal


def _posted_id(value):
    value = (value or "").strip()
    return database_id(value)


@bp.route("/<int:proposal_id>/actions/<action>", methods=["GET", "POST"])
@signed_in  # the transition's guard decides who may do what; policy.can_view who may see the proposal
def act(proposal_id, action):
    transition = _transition(action)
    actor = current_user._get_current_object()
    if request.method == "GET":
        proposal = load_visible(proposal_id)
        if action not in FORMS:  # nothing to fill in: the button on the proposal page does it
            return redirect(url_for("proposals.show", proposal_id=proposal.id) + "#next-steps", code=303)
        if transition not in transitions.available(actor, proposal):
            return _proposal_page(proposal, _refusal_status(actor, proposal, transition),
                                  _unavailable_message(proposal, transition))
        return _form_page(proposal, transition, FORMS[action](formdata=None))

    into_id = _posted_id(request.form.get("into")) if action == "merge" else None
    proposal = _lock(proposal_id, into_id)
    on_offer = transition in transitions.available(actor, proposal)
    form = FORMS[action]() if action in FORMS else None
    kwargs = {}
    if form is not None:
        if on_offer and not form.validate():
            db.session.rollback()
            return _form_page(queries.proposal_page(proposal_id), transition, form, status=422)
        if action == "merge":
            into = db.session.get(Proposal, into_id) if into_id else None
            if into is None and on_offer:
                form.into.errors = [_("There is no proposal with this number.")]
                db.session.rollback()
                return _form_page(queries.proposal_page(proposal_id), transition, form, status=422)
            kwargs = form.arguments(into=into)
        else:
            kwargs = form.arguments()
    try:
        transitions.perform(actor, proposal, action, **kwargs)
    except transitions.TransitionNotAllowed as error:
        db.session.rollback()
        proposal = queries.proposal_page(proposal_id)
        status = _refusal_status(actor, proposal, transition)
        if form is not None and on_offer:  # keep what they typed
            return _form_page(proposal, transition, form, status=status, error=str(error))
        return _proposal_page(proposal, status, str(error))
    message = _success_message(action, proposal, kwargs.get("into"))
    area_id = proposal.area_id
    db.session.commit()
    flash(message, "success")
    if request.form.get("return_to") == "area" and area_id is not None:  # sent from the area's list
        return see_other(url_for("proposal_lists.area", area_id=area_id))
    return see_other(url_for("proposals.show", proposal_id=proposal_id))

