"""The expert's workspace: a routing's proposal as the experts read it, the feedback form, the unit's
internal notes; and the unit's answer snippets.

Without JavaScript every POST answers 303 back to the workspace (saving a draft, inserting a
snippet, publishing, adding a note). htmx gets the changed fragment: the feedback form, one
criterion's fieldset (when a result is chosen), the notes. A form that fails comes back 422 with
everything typed; a rule that says no comes back 403 (not this person) or 409 (not now)."""

from flask import Blueprint, abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pbflow.core.web.htmx import is_htmx_request, render, see_other
from pbflow.core.web.permissions import authorize, signed_in
from pbflow.core.web.urls import database_id
from pbflow.extensions import db
from pbflow.feedback import notes, policy, reviews, snippets
from pbflow.feedback.forms import feedback as forms
from pbflow.feedback.models import (
    CostAssessment,
    CriterionResult,
    FeedbackStatus,
    Verdict,
    VerifyingUnit,
)
from pbflow.proposals import costs, queries
from pbflow.proposals import services as proposals

bp = Blueprint("feedback", __name__)

PAGE = "feedback/review/workspace.html"
FORM = "feedback/review/_feedback_form.html"
NOTES = "feedback/review/_notes.html"


def _options(enum):
    return [(member.value, member.title) for member in enum]


TITLES = {
    "results": _options(CriterionResult), "cost_options": _options(CostAssessment),
    "verdict_options": _options(Verdict),
}


def _actor():
    return current_user._get_current_object()


def _routing(routing_id):
    found = reviews.routing(routing_id) or abort(404)
    authorize(policy.can_open_workspace(current_user, found))
    return found


def _notes_before():
    value = request.args.get("notes_before")
    return None if value is None else (database_id(value) or abort(404))


def _context(routing, form=None, notes_before=None, note_form=None, note_key=None, message=None, focus=None):
    """Everything the workspace and its fragments show, in a fixed number of queries."""
    proposal = queries.proposal_page(routing.proposal_id) or abort(404)
    feedback = reviews.current(routing)
    criteria = reviews.criteria_of(proposal.edition_id)
    if form is None:
        points = feedback.points if feedback else reviews.blank_points(proposal, criteria)
        form = forms.FeedbackFormState(feedback, points)
    version = queries.version(proposal, feedback.version_number if feedback else None)
    earlier = reviews.earlier_rounds(routing)
    read_before = earlier[-1].version_number if earlier else None
    may_write = policy.can_write_feedback(current_user, routing) and (
        feedback is None or feedback.state is FeedbackStatus.DRAFT)
    return {
        "routing": routing, "unit": routing.unit, "proposal": proposal, "feedback": feedback, "form": form,
        "version": version, "lines": [costs.CostLine.from_json(line) for line in version.cost_lines or []],
        "cap": proposals.cap_check(proposal.edition, version.scope, version.district_id, version.total_cost),
        "descriptions": {c.id: c.description for c in criteria}, "earlier": earlier,
        "compare_from": read_before if read_before and read_before < proposal.current_version else None,
        "may_write": may_write, "snippet_choices": snippets.choices(routing.unit_id) if may_write else [],
        "text_keys": forms.text_keys_of(form.points), "message": message, "focus": focus,
        "note_page": notes.threads(proposal.id, routing.unit_id, before=notes_before),
        "note_form": note_form, "note_key": note_key,         "NoteForm": forms.NoteForm, "ReplyForm": forms.ReplyForm, **TITLES,
        "verdicts": dict(TITLES["verdict_options"]), "costs_titles": dict(TITLES["cost_options"]),
        "results_titles": dict(TITLES["results"]),
    }


@bp.route("/routings/<int:routing_id>")
@signed_in  # policy.can_open_workspace: the routed unit's experts and coordinators
def workspace(routing_id):
    routing = _routing(routing_id)
    return render(PAGE, **_context(routing, notes_before=_notes_before()))


# --- the feedback -----------------------------------------------------------------------------

def _refused(routing, status, form=None, message=None, position=None):
    """The workspace again (htmx: the form, or one criterion's fieldset) with the input and the problem."""
    db.session.rollback()
    context = _context(reviews.routing(routing.id), form=form, message=message)
    if position is None:
        return render(PAGE, FORM, status=status, **context)
    context["point"] = next(p for p in context["form"].points if p.position == position)
    return render(PAGE, "feedback/review/_point.html", status=status, **context)


def _insert_snippet(routing, points, typed):
    """Append the chosen snippet to the field its Insert button belongs to; the key, or an error dict."""
    key = request.form.get("insert", "")
    if key not in forms.text_keys_of(points):
        abort(400)
    snippet = snippets.get(routing.unit_id, database_id(request.form.get(f"snippet-{key}", "")) or 0)
    if snippet is None:
        return key, {key: _("Choose a snippet to insert.")}
    before = (typed.get(key) or "").rstrip()
    typed[key] = f"{before}\n\n{snippet.body}" if before else snippet.body
    return key, {}


@bp.route("/routings/<int:routing_id>/feedback", methods=["POST"])
@signed_in  # the routed unit's experts, while the routing is pending (reviews checks the state)
def save(routing_id):
    routing = _routing(routing_id)
    authorize(policy.is_unit_expert(current_user, routing.unit_id))
    action = "insert" if "insert" in request.form else request.form.get("action", "save")
    try:
        feedback = reviews.draft_for(_actor(), routing)
    except reviews.FeedbackError as error:
        return _refused(routing, error.status, message=str(error))
    typed = forms.posted_values(request.form, feedback.points)
    focus, errors = (_insert_snippet(routing, feedback.points, typed) if action == "insert" else (None, {}))
    form = forms.FeedbackFormState(feedback, feedback.points, typed, errors)
    if errors:
        return _refused(routing, 422, forms.FeedbackFormState(None, form.points, form.values, errors))
    try:
        if action == "publish":
            proposal, moved, not_moved = reviews.publish(_actor(), feedback, typed)
        else:
            reviews.save(_actor(), feedback, typed)
    except reviews.FeedbackInvalid as error:
        return _refused(routing, 422, forms.FeedbackFormState(None, form.points, form.values, error.errors),
                        str(error))
    except reviews.FeedbackError as error:
        return _refused(routing, error.status, form, str(error))
    db.session.commit()
    if action == "publish":
        flash(_("Your feedback is published; the authors have been told.") + " " + (
            _("Every unit has answered, so the proposal now has its feedback.") if moved else not_moved or ""),
            "success")
        return see_other(url_for(".workspace", routing_id=routing.id))
    message = _("The snippet is inserted; edit it to fit.") if action == "insert" else _("Your draft is saved.")
    if not is_htmx_request():
        flash(message, "success")
        return see_other(url_for(".workspace", routing_id=routing.id, _anchor=focus or "feedback-form"))
    return render(PAGE, FORM, **_context(reviews.routing(routing.id), message=message, focus=focus))


@bp.route("/routings/<int:routing_id>/feedback/points/<int:position>", methods=["POST"])
@signed_in  # as save: one criterion's fieldset, posted by htmx when a result is chosen
def save_point(routing_id, position):
    routing = _routing(routing_id)
    authorize(policy.is_unit_expert(current_user, routing.unit_id))
    try:
        feedback = reviews.draft_for(_actor(), routing)
        point = next((p for p in feedback.points if p.position == position), None) or abort(404)
        typed = forms.posted_values(request.form, [point])
        reviews.save(_actor(), feedback, typed)
    except reviews.FeedbackInvalid as error:
        form = forms.FeedbackFormState(None, feedback.points, {**forms.stored_values(feedback), **typed},
                                       error.errors)
        return _refused(routing, 422, form, position=position)
    except reviews.FeedbackError as error:
        return _refused(routing, error.status, message=str(error))
    db.session.commit()
    if not is_htmx_request():
        flash(_("Your draft is saved."), "success")
        return see_other(url_for(".workspace", routing_id=routing.id, _anchor=f"point-{position}"))
    context = _context(reviews.routing(routing.id), focus=forms.point_key(position, "result"))
    context["point"] = next(p for p in context["form"].points if p.position == position)
    return render(PAGE, "feedback/review/_point.html", **context)


# --- internal notes ---------------------------------------------------------------------------

def _note_answer(routing, key, parent=None):
    authorize(policy.can_keep_notes(current_user, routing.unit_id))
    form = (forms.ReplyForm if parent is not None else forms.NoteForm)(prefix=key)
    if not form.validate_on_submit():
        db.session.rollback()
        return render(PAGE, NOTES, status=422, **_context(routing, note_form=form, note_key=key))
    note = notes.add(_actor(), routing.proposal_id, routing.unit_id, form.body.data, parent)
    db.session.commit()
    if not is_htmx_request():
        flash(_("Your note is saved. Only this unit's experts and the coordinators see it."), "success")
        return see_other(url_for(".workspace", routing_id=routing.id, _anchor=f"note-{note.id}"))
    return render(PAGE, NOTES, **_context(reviews.routing(routing.id), focus=f"note-{note.id}"))


@bp.route("/routings/<int:routing_id>/notes", methods=["POST"])
@signed_in  # policy.can_keep_notes
def add_note(routing_id):
    return _note_answer(_routing(routing_id), "note")


@bp.route("/routings/<int:routing_id>/notes/<int:note_id>/replies", methods=["POST"])
@signed_in  # policy.can_keep_notes
def reply_note(routing_id, note_id):
    routing = _routing(routing_id)
    parent = notes.note_in(routing.proposal_id, routing.unit_id, note_id) or abort(404)
    return _note_answer(routing, f"reply-{parent.parent_id or parent.id}", parent)


# --- snippets -----------------------------------------------------------------------------------

def _unit_snippets(unit_id):
    authorize(policy.can_use_snippets(current_user, unit_id))
    return db.session.get(VerifyingUnit, unit_id) or abort(404)


def _snippet_list(unit, form, status=200, error=None):
    after = request.args.get("after_id")
    after_key = None
    if after is not None:
        anchor = snippets.get(unit.id, database_id(after) or 0) or abort(404)
        after_key = (anchor.title_key, anchor.id)
    rows, more = snippets.page(unit.id, after=after_key)
    return render("feedback/snippets/index.html", status=status, unit=unit, snippets=rows,
                  next_after=more[1] if more else None, form=form, error=error)


@bp.route("/units/<int:unit_id>/snippets", methods=["GET", "POST"])
@signed_in  # policy.can_use_snippets: the unit's experts and coordinators
def snippet_list(unit_id):
    unit = _unit_snippets(unit_id)
    form = forms.SnippetForm()
    if request.method == "GET":
        return _snippet_list(unit, forms.SnippetForm(formdata=None))
    if not form.validate():
        return _snippet_list(unit, form, 422)
    try:
        snippets.create(_actor(), unit.id, form.title.data, form.body.data)
    except snippets.SnippetError as error:
        db.session.rollback()
        getattr(form, error.field).errors.append(str(error))
        return _snippet_list(unit, form, 422)
    db.session.commit()
    flash(_("The snippet “%(title)s” is saved.", title=form.title.data), "success")
    return see_other(url_for(".snippet_list", unit_id=unit.id))


@bp.route("/units/<int:unit_id>/snippets/<int:snippet_id>/edit", methods=["GET", "POST"])
@signed_in  # policy.can_use_snippets
def snippet_edit(unit_id, snippet_id):
    unit = _unit_snippets(unit_id)
    snippet = snippets.get(unit.id, snippet_id) or abort(404)
    form = forms.SnippetForm(obj=snippet)
    status = 200
    if request.method == "POST":
        if form.validate():
            try:
                snippets.update(_actor(), snippet, form.title.data, form.body.data)
                db.session.commit()
                flash(_("The snippet “%(title)s” is saved.", title=form.title.data), "success")
                return see_other(url_for(".snippet_list", unit_id=unit.id))
            except snippets.SnippetError as error:
                db.session.rollback()
                getattr(form, error.field).errors.append(str(error))
        status = 422
    return render("feedback/snippets/edit.html", status=status, unit=unit, snippet=snippet, form=form,
                  delete_form=forms.DeleteForm())


@bp.route("/units/<int:unit_id>/snippets/<int:snippet_id>/delete", methods=["POST"])
@signed_in  # policy.can_use_snippets
def snippet_delete(unit_id, snippet_id):
    unit = _unit_snippets(unit_id)
    snippet = snippets.get(unit.id, snippet_id) or abort(404)
    title = snippet.title
    snippets.delete(_actor(), snippet)
    db.session.commit()
    flash(_("The snippet “%(title)s” is deleted.", title=title), "success")
    return see_other(url_for(".snippet_list", unit_id=unit.id))
