"""Stage IV views: the helper's desk at a marathon, walk-ins, the copy view, recording a submission, undo."""

from flask import Blueprint, abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pbflow.core.clock import now_in_warsaw
from pbflow.core.web.htmx import form_page, render, see_other
from pbflow.core.web.permissions import authorize, signed_in
from pbflow.core.web.urls import database_id
from pbflow.extensions import db
from pbflow.marathons import desk, policy, submissions
from pbflow.marathons.forms.submissions import RecordForm, UndoForm, WalkInForm, WalkInSearchForm
from pbflow.proposals import policy as proposal_policy
from pbflow.proposals import rules as proposal_rules
from pbflow.proposals import transitions
from pbflow.proposals.models import Proposal

bp = Blueprint("submissions", __name__)


def _actor():
    return current_user._get_current_object()


def _marathon(marathon_id):
    marathon = desk.load_marathon(marathon_id)
    if marathon is None:
        abort(404)
    authorize(policy.can_use_desk(current_user, marathon))
    return marathon


def _booked(marathon, proposal_id, lock=False):
    """The proposal, if it has an active booking at this marathon (404 otherwise)."""
    proposal = transitions.lock_for_update(proposal_id) if lock else db.session.get(Proposal, proposal_id)
    if proposal is None or desk.active_booking(proposal.id, marathon.id) is None:
        abort(404)
    return proposal


def _slot_label(slot):
    from pbflow.core.i18n import local_datetime

    return _("%(when)s (free seats: %(free)d)", when=local_datetime(slot.starts_at, "short"),
             free=slot.seats - slot.booked_seats)


# --- the desk --------------------------------------------------------------------------------

def _desk_context(marathon, walk_in_form=None, search_form=None):
    slots = desk.desk(marathon)
    walk_in_form = walk_in_form or WalkInForm(formdata=None)
    walk_in_form.set_choices([s.slot for s in slots if s.free > 0], _slot_label)
    search_form = search_form or WalkInSearchForm(formdata=None)
    return {"marathon": marathon, "slots": slots, "walk_in_form": walk_in_form, "search_form": search_form,
            "found": None, "next_after": None}


@bp.route("/marathons/<int:marathon_id>/desk")
@signed_in
def desk_page(marathon_id):
    marathon = _marathon(marathon_id)
    return render("marathons/desk.html", **_desk_context(marathon))


@bp.route("/marathons/<int:marathon_id>/desk/walk-ins")
@signed_in
def walk_in_search(marathon_id):
    marathon = _marathon(marathon_id)
    form = WalkInSearchForm(request.args)
    context = _desk_context(marathon, search_form=form)
    if not form.validate():
        return render("marathons/desk.html", "marathons/_submission_walk_ins.html", status=422, **context)
    after = database_id(request.args.get("after", ""))
    context["found"], context["next_after"] = desk.walk_in_candidates(marathon, form.q.data, after)
    return render("marathons/desk.html", "marathons/_submission_walk_ins.html", **context)


@bp.route("/marathons/<int:marathon_id>/desk/walk-ins", methods=["POST"])
@signed_in
def add_walk_in(marathon_id):
    marathon = _marathon(marathon_id)
    form = WalkInForm()
    form.set_choices(desk.slots_of(marathon.id), _slot_label)
    if form.validate():
        proposal_id = database_id(form.proposal.data.lstrip("#"))
        proposal = db.session.get(Proposal, proposal_id) if proposal_id else None
        slot = next((s for s in desk.slots_of(marathon.id) if s.id == form.slot.data), None)
        try:
            booking = desk.add_walk_in(_actor(), marathon, slot, proposal)
        except desk.DeskError as error:
            db.session.rollback()
            if error.status == 403:
                abort(403)
            form[error.field or "proposal"].errors = [str(error)]
            return render("marathons/desk.html", status=error.status, **_desk_context(marathon, form))
        db.session.commit()
        flash(_("Added as a walk-in: %(title)s.", title=proposal.title), "success")
        return see_other(url_for(".desk_proposal", marathon_id=marathon.id, proposal_id=booking.proposal_id))
    return render("marathons/desk.html", status=422, **_desk_context(marathon, form))


# --- one proposal at the desk ------------------------------------------------------------------

def _proposal_context(marathon, proposal, form=None, **extra):
    from pbflow.marathons import readiness

    version, submission = desk.version_to_copy(proposal)  # with no submission yet, the current version
    edition = proposal_rules.edition_of(proposal)  # held here, so the checklist finds it in the session
    authors = submissions.authors(proposal.id)
    if form is None:
        form = RecordForm(formdata=None)
        now = now_in_warsaw()
        form.day.data, form.moment.data = now.date(), now.time().replace(second=0, microsecond=0)
        if len(authors) == 1:
            form.submitted_by.data = authors[0].id
    form.set_choices(authors)
    may_fix = proposal_policy.is_author(current_user, proposal) or proposal_policy.is_coordinator(current_user)
    return {"marathon": marathon, "proposal": proposal, "version": version, "submission": submission,
            "may_fix": may_fix,
            "checklist": readiness.checklist(proposal, version) if submission is None else [],
            "fields": desk.copy_fields(version), "form": form,
            "may_record": policy.can_record_submission(current_user, proposal, marathon),
            "example_reference": submissions.example_reference(edition), **extra}


@bp.route("/marathons/<int:marathon_id>/desk/proposals/<int:proposal_id>")
@signed_in
def desk_proposal(marathon_id, proposal_id):
    marathon = _marathon(marathon_id)
    proposal = _booked(marathon, proposal_id)
    return render("marathons/desk_proposal.html", **_proposal_context(marathon, proposal))


@bp.route("/marathons/<int:marathon_id>/desk/proposals/<int:proposal_id>/record", methods=["POST"])
@signed_in
def record(marathon_id, proposal_id):
    marathon = _marathon(marathon_id)
    proposal = _booked(marathon, proposal_id, lock=True)
    authorize(policy.can_record_submission(current_user, proposal, marathon))
    form = RecordForm()
    form.set_choices(submissions.authors(proposal.id))
    if not form.validate():
        db.session.rollback()
        return _record_page(marathon, proposal_id, form, 422)
    try:
        submission = submissions.record(_actor(), proposal, marathon, form.reference.data, form.submitted_by.data,
                                        form.submitted_at())
    except submissions.SubmissionError as error:
        db.session.rollback()
        if error.status == 403:
            abort(403)
        if error.field:
            form[error.field if error.field != "submitted_at" else "day"].errors = [str(error)]
            return _record_page(marathon, proposal_id, form, 422)
        return _record_page(marathon, proposal_id, form, error.status, form_error=str(error),
                            problems=error.problems)
    db.session.commit()
    flash(_("The submission is recorded with the reference number %(reference)s.",
            reference=submission.platform_reference), "success")
    return see_other(url_for(".desk_proposal", marathon_id=marathon.id, proposal_id=proposal_id))


def _record_page(marathon, proposal_id, form, status, **extra):
    proposal = db.session.get(Proposal, proposal_id)
    return render("marathons/desk_proposal.html", "marathons/_submission_form.html", status=status,
                  **_proposal_context(marathon, proposal, form, **extra))


# --- the copy view ---------------------------------------------------------------------------

@bp.route("/proposals/<int:proposal_id>/copy")
@signed_in
def copy(proposal_id):
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None:
        abort(404)
    authorize(policy.can_copy(current_user, proposal))
    version, submission = desk.version_to_copy(proposal)
    return render("marathons/copy.html", proposal=proposal, version=version, submission=submission,
                  fields=desk.copy_fields(version))


# --- undo ------------------------------------------------------------------------------------

@bp.route("/submissions/<int:submission_id>/undo", methods=["GET", "POST"])
@signed_in
def undo(submission_id):
    submission = submissions.load(submission_id)
    if submission is None:
        abort(404)
    authorize(policy.is_coordinator(current_user))
    proposal = db.session.get(Proposal, submission.proposal_id)
    form = UndoForm()
    if submission.undone_at is None and form.validate_on_submit():
        try:
            submissions.undo(_actor(), submission, form.reason.data)
        except submissions.SubmissionError as error:
            db.session.rollback()
            if error.status == 403:
                abort(403)
            return render("marathons/desk_undo.html", status=error.status, form=form, submission=submission,
                          proposal=db.session.get(Proposal, submission.proposal_id), form_error=str(error))
        db.session.commit()
        flash(_("The record of the submission is taken back; the proposal is ready to submit again."), "success")
        return see_other(url_for("proposals.show", proposal_id=proposal.id))
    if request.method == "POST" and submission.undone_at is not None:
        return render("marathons/desk_undo.html", status=409, form=form, submission=submission, proposal=proposal)
    return form_page("marathons/desk_undo.html", form=form, submission=submission, proposal=proposal)
