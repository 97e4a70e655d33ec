"""Stage IV views: the edition's submitted proposals, their downloads (CSV, JSON, Pabulib) and the city's
decision about each (the official outcome)."""

from flask import Blueprint, Response, abort, flash, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from pbflow.accounts.models import Role
from pbflow.core.web.htmx import is_htmx_request, render, see_other
from pbflow.core.web.navigation import nav_item
from pbflow.core.web.permissions import authorize, role_required
from pbflow.core.web.urls import database_id
from pbflow.editions import services as editions_services
from pbflow.editions.models import Edition
from pbflow.extensions import db
from pbflow.marathons import downloads, outcomes, policy
from pbflow.marathons.forms.outcomes import SubmittedFilterForm, outcome_form
from pbflow.proposals.models import Proposal

bp = Blueprint("exports", __name__, url_prefix="/marathons")

nav_item("exports.submitted", _l("Submitted proposals"), 43, visible=lambda user: policy.can_see_submitted(user))

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8",
           "pb": "text/plain; charset=utf-8"}


def _choice_or_400(text):
    try:
        return downloads.choose(text)
    except downloads.BadFilter:
        return None


def _refuse(message, status=400):
    return render("marathons/export_refused.html", status=status, message=message)


@bp.route("/submitted")
@role_required(Role.COORDINATOR)
def submitted():
    """The edition's standing submissions, oldest first, with the decision on each and the downloads."""
    authorize(policy.can_see_submitted(current_user))
    form = SubmittedFilterForm(request.args)
    all_editions = downloads.editions()
    form.set_choices(all_editions, editions_services.districts())
    edition = downloads.chosen_edition(all_editions, database_id(form.edition.data))
    context = {"form": form, "editions": all_editions, "edition": edition, "page": None, "choice": None,
               "outcome_form": outcome_form, "status": 200}
    if not form.validate() or (form.edition.data and database_id(form.edition.data) != getattr(edition, "id", None)):
        context["status"] = 400
    elif edition is not None:
        context["choice"] = downloads.choose(form.district.data)
        try:
            context["page"] = downloads.page(edition.id, context["choice"], request.args.get("after"))
        except downloads.BadFilter:
            context["cursor_error"], context["status"] = True, 400
    return render("marathons/exports.html", "marathons/_export_results.html", **context)


def _download(edition_id, extension, chunks_of):
    authorize(policy.can_see_submitted(current_user))
    edition = db.session.get(Edition, edition_id) or abort(404)
    choice = _choice_or_400(request.args.get("district"))
    if choice is None:
        return _refuse(_("There is no such district. Choose one from the list."))
    chunks = chunks_of(edition, choice)
    if isinstance(chunks, Response):
        return chunks
    response = Response(stream_with_context(chunks), mimetype=FORMATS[extension].split(";")[0])
    response.headers["Content-Type"] = FORMATS[extension]
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{downloads.filename(edition, choice, extension)}"')
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/submitted/<int:edition_id>.csv")
@role_required(Role.COORDINATOR)
def download_csv(edition_id):
    return _download(edition_id, "csv", lambda edition, choice: downloads.csv_chunks(
        downloads.rows(edition.id, choice)))


@bp.route("/submitted/<int:edition_id>.json")
@role_required(Role.COORDINATOR)
def download_json(edition_id):
    return _download(edition_id, "json", lambda edition, choice: downloads.json_chunks(
        downloads.rows(edition.id, choice)))


def _pabulib(edition, choice):
    if choice.kind is None:
        return _refuse(_("A Pabulib file describes one vote: choose a district or “City-wide projects” first."))
    meta = downloads.pabulib_meta(edition, choice, downloads.count(edition.id, choice),
                                  downloads.pool_of(edition, choice))
    return downloads.pabulib_chunks(meta, downloads.rows(edition.id, choice))


@bp.route("/submitted/<int:edition_id>.pb")
@role_required(Role.COORDINATOR)
def download_pabulib(edition_id):
    return _download(edition_id, "pb", _pabulib)


# --- the official outcome -------------------------------------------------------------------------

def _back_to_list(proposal):
    return url_for(".submitted", edition=proposal.edition_id, district=request.args.get("district") or None)


def _answer(proposal, row, form, status, error=None):
    """The row again (htmx), or the outcome page (a plain request, or when the row is gone)."""
    context = {"proposal": proposal, "row": row, "form": form, "error": error, "focus": True,
               "district_arg": request.args.get("district") or None}
    if is_htmx_request():
        return render("marathons/_outcome_row.html", status=status, **context)
    return render("marathons/outcome.html", status=status, **context)


@bp.route("/proposals/<int:proposal_id>/outcome", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def outcome(proposal_id):
    """Record or change the city's decision about one submitted proposal."""
    authorize(policy.can_record_outcome(current_user))
    query = select(Proposal).where(Proposal.id == proposal_id)
    proposal = db.session.scalar(query.with_for_update() if request.method == "POST" else query) or abort(404)
    row = downloads.row_of(proposal.id)
    if request.method == "GET":
        return _answer(proposal, row, outcome_form(proposal.id, row), 200 if row else 409,
                       None if row else _("This proposal has no record of submission."))
    form = outcome_form(proposal.id, row, request.form)
    if not form.validate():
        return _answer(proposal, row, form, 422)
    try:
        outcomes.record(current_user._get_current_object(), proposal, form.outcome.data, form.reason.data)
    except outcomes.OutcomeError as error:
        db.session.rollback()
        return _answer(proposal, row, form, error.status, error.message)
    db.session.commit()
    if is_htmx_request():
        row = downloads.row_of(proposal.id)
        return _answer(proposal, row, outcome_form(proposal.id, row), 200)
    flash(_("The decision about “%(title)s” is recorded; the authors are told.", title=proposal.title), "success")
    return see_other(_back_to_list(proposal))
