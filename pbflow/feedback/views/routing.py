"""Stage III views: routing a proposal to units, the unit inbox and the coordinator's board."""

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from pbflow.accounts.models import Role
from pbflow.core.web.htmx import form_page, render, see_other
from pbflow.core.web.navigation import nav_item
from pbflow.core.web.permissions import authorize, role_required, signed_in
from pbflow.core.web.urls import database_id
from pbflow.editions import services as editions_services
from pbflow.editions.models import Edition
from pbflow.extensions import db
from pbflow.feedback import inbox, policy, routing
from pbflow.feedback.forms.routing import (
    BoardFilterForm,
    CancelRoutingForm,
    DueForm,
    InboxFilterForm,
    RouteForm,
)
from pbflow.feedback.models import Routing, RoutingStatus, VerifyingUnit
from pbflow.proposals.models import Proposal

bp = Blueprint("routing", __name__)

nav_item("routing.my_inbox", _l("Inbox"), 40, visible=lambda user: bool(
    user.is_authenticated and user.has_role(Role.EXPERT) and policy.unit_ids_of(user)))
nav_item("routing.board", _l("Routing board"), 41, visible=lambda user: policy.can_route(user))


def _actor():
    return current_user._get_current_object()


def _load(model, object_id, for_update=False):
    query = select(model).where(model.id == object_id)
    found = db.session.scalar(query.with_for_update() if for_update else query)
    if found is None:
        abort(404)
    return found


# --- routing a proposal ------------------------------------------------------------------

def _route_context(proposal, form):
    edition = db.session.get(Edition, proposal.edition_id)
    units = routing.all_units()
    form.set_choices(units)
    suggestions = {s.unit.id: s for s in routing.suggest_units(proposal, units)}
    current = {r.unit_id: r for r in routing.routings_of(proposal)}
    if request.method == "GET":
        form.units.data = [u for u in suggestions if u not in current or current[u].state is RoutingStatus.CANCELLED]
        form.due_on.data = routing.default_due(edition)
    return {"proposal": proposal, "edition": edition, "form": form, "units": units, "suggestions": suggestions,
            "current": current, "routable": proposal.state in routing.ROUTABLE}


@bp.route("/proposals/<int:proposal_id>/routing", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def route(proposal_id):
    """Suggested units pre-ticked; a person confirms which units and the due date."""
    proposal = _load(Proposal, proposal_id, for_update=request.method == "POST")
    authorize(policy.can_route(current_user))
    form = RouteForm()
    context = _route_context(proposal, form)
    if form.validate_on_submit():
        try:
            routed = routing.route(_actor(), proposal, form.units.data, form.due_on.data)
        except routing.RoutingError as error:
            db.session.rollback()
            return _refused(form, error, "feedback/routing/route.html", "feedback/routing/_route_form.html",
                            context)
        db.session.commit()
        flash(ngettext_units(len(routed)), "success")
        return see_other(url_for(".route", proposal_id=proposal.id))
    return form_page("feedback/routing/route.html", "feedback/routing/_route_form.html", **context)


def ngettext_units(count):
    from flask_babel import ngettext

    return ngettext("The proposal is sent to %(num)d unit; its experts have been told.",
                    "The proposal is sent to %(num)d units; their experts have been told.", count)


def _refused(form, error, template, partial, context):
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, str(error)]
        return render(template, partial, status=422, **context)
    return render(template, partial, status=error.status, form_error=str(error), **context)


@bp.route("/routings/<int:routing_id>/cancel", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def cancel(routing_id):
    found = _load(Routing, routing_id, for_update=request.method == "POST")
    authorize(policy.can_route(current_user))
    form = CancelRoutingForm()
    context = _routing_context(found, form)
    if form.validate_on_submit():
        try:
            routing.cancel(_actor(), found, form.reason.data)
        except routing.RoutingError as error:
            db.session.rollback()
            return _refused(form, error, "feedback/routing/cancel.html", None, context)
        db.session.commit()
        flash(_("The unit is taken off the proposal."), "success")
        return see_other(url_for(".route", proposal_id=found.proposal_id))
    return form_page("feedback/routing/cancel.html", **context)


@bp.route("/routings/<int:routing_id>/due", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def change_due(routing_id):
    found = _load(Routing, routing_id, for_update=request.method == "POST")
    authorize(policy.can_route(current_user))
    form = DueForm(data={"due_on": found.due_on} if request.method == "GET" else None)
    context = _routing_context(found, form)
    if form.validate_on_submit():
        try:
            changed = routing.change_due(_actor(), found, form.due_on.data)
        except routing.RoutingError as error:
            db.session.rollback()
            return _refused(form, error, "feedback/routing/due.html", None, context)
        db.session.commit()
        flash(_("The due date is changed.") if changed else _("Nothing has changed."), "success")
        return see_other(url_for(".route", proposal_id=found.proposal_id))
    return form_page("feedback/routing/due.html", **context)


def _routing_context(found, form):
    return {"routing": found, "form": form, "proposal": db.session.get(Proposal, found.proposal_id),
            "unit": db.session.get(VerifyingUnit, found.unit_id)}


# --- the unit inbox ----------------------------------------------------------------------------

def _list_context(form, all_editions):
    form.set_choices(all_editions, editions_services.districts())
    valid = form.validate()
    edition = inbox.chosen_edition(all_editions, form.edition.data)
    if edition is not None:
        form.edition.data = edition.id
    return valid, edition


def _page(filters, context):
    try:
        page = inbox.page(filters, request.args.get("after"))
    except inbox.BadCursor:
        context["cursor_error"] = _("This page link is damaged. Start again from the first page.")
        return None, 400
    context["similar"] = inbox.similar_titles(page.rows, current_user)
    context["workspace"] = "feedback.workspace" in current_app.view_functions
    return page, 200


@bp.route("/units/<int:unit_id>/inbox")
@signed_in
def inbox_page(unit_id):
    """Proposals awaiting the unit's feedback, oldest first, overdue ones marked."""
    unit = _load(VerifyingUnit, unit_id)
    authorize(policy.can_see_inbox(current_user, unit.id))
    form = InboxFilterForm(request.args)
    all_editions = inbox.editions()
    valid, edition = _list_context(form, all_editions)
    context = {"unit": unit, "form": form, "editions": all_editions, "edition": edition, "page": None,
               "similar": {}, "url_args": {}}
    status = 400 if not valid else 200
    if valid and edition is not None:
        context["url_args"] = form.url_args()
        context["page"], status = _page(form.filters(edition.id, unit.id), context)
    return render("feedback/inbox/unit.html", "feedback/inbox/_results.html", status=status, **context)


@bp.route("/inbox")
@role_required(Role.EXPERT)
def my_inbox():
    """An expert's way in: straight to the one unit's inbox, or a list of their units."""
    units = inbox.units_of(current_user)
    if len(units) == 1:
        return redirect(url_for(".inbox_page", unit_id=units[0].id))
    return render("feedback/inbox/mine.html", units=units)


# --- the coordinator's board ---------------------------------------------------------------------

@bp.route("/routing/board")
@role_required(Role.COORDINATOR)
def board():
    """Counts per unit, every routing (filtered), and the proposals no unit has been asked about yet."""
    authorize(policy.can_route(current_user))
    form = BoardFilterForm(request.args)
    units = routing.all_units()
    form.set_units(units)
    all_editions = inbox.editions()
    valid, edition = _list_context(form, all_editions)
    context = {"form": form, "editions": all_editions, "edition": edition, "page": None, "similar": {},
               "counts": [], "awaiting": [], "awaiting_next": None, "url_args": {}}
    status = 400 if not valid else 200
    if edition is not None:
        context["counts"] = inbox.unit_counts(edition.id)
        context["awaiting"], context["awaiting_next"] = inbox.awaiting_routing(
            edition.id, database_id(request.args.get("after_proposal")))
        if valid:
            context["url_args"] = form.url_args()
            context["page"], status = _page(form.filters(edition.id), context)
    return render("feedback/routing/board.html", "feedback/routing/_board_results.html", status=status, **context)
