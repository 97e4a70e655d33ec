"""Coordinators set editions up: dates, cap rule, pools, feedback criteria, the current one."""

from flask import Blueprint, abort, current_app, flash, request, url_for
from flask_babel import format_percent
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from pbflow.accounts.models import Role
from pbflow.core.web.htmx import form_page, is_htmx_request, render, see_other
from pbflow.core.web.navigation import nav_item, signed_in_with
from pbflow.core.web.permissions import authorize, role_required
from pbflow.editions import forms, policy, services
from pbflow.editions import services_admin as admin
from pbflow.editions.models import Edition, FeedbackCriterion, Scope
from pbflow.editions.services import EditionError
from pbflow.extensions import db

bp = Blueprint("editions", __name__, url_prefix="/editions")
nav_item("editions.index", _l("Editions"), 10, signed_in_with(Role.COORDINATOR))


@bp.app_template_filter("percent")
def percent_filter(value):
    """Decimal 40.00 → "40%" (pl, en), 12.5 → "12,5%" (pl)."""
    return format_percent(value / 100, "#,##0.##%") if value is not None else ""


def _actor():
    return current_user._get_current_object()


def _load(edition_id):
    edition = db.get_or_404(Edition, edition_id)
    authorize(policy.can_manage_editions(current_user))
    return edition


def _apply_problems(form, error):
    """The form checks every rule but one: a name another edition already has."""
    form.name.errors.append(str(error))


@bp.route("/")
@role_required(Role.COORDINATOR)
def index():
    page = db.paginate(admin.editions_query(), per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render("editions/index.html", page=page, open_stage=services.open_stage)


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def new():
    authorize(policy.can_manage_editions(current_user))
    form = forms.EditionForm()
    if form.validate_on_submit():
        try:
            edition = admin.create_edition(_actor(), **form.values())
        except EditionError as error:
            _apply_problems(form, error)
        else:
            db.session.commit()
            flash(_("The edition %(name)s has been created.", name=edition.name), "success")
            return see_other(url_for("editions.show", edition_id=edition.id))
    return form_page("editions/form.html", "editions/_form.html", form=form, edition=None)


@bp.route("/<int:edition_id>")
@role_required(Role.COORDINATOR)
def show(edition_id):
    edition = _load(edition_id)
    return render("editions/show.html", edition=edition, timeline=services.timeline(edition),
                  district_caps=services.district_caps(edition),
                  citywide_cap=services.cost_cap(edition, Scope.CITYWIDE))


@bp.route("/<int:edition_id>/edit", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def edit(edition_id):
    edition = _load(edition_id)
    form = forms.EditionForm(obj=edition if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            changed = admin.update_edition(_actor(), edition, **form.values())
        except EditionError as error:
            _apply_problems(form, error)
        else:
            db.session.commit()
            flash(_("The edition has been saved.") if changed else _("Nothing has changed."), "success")
            return see_other(url_for("editions.show", edition_id=edition.id))
    return form_page("editions/form.html", "editions/_form.html", form=form, edition=edition)


@bp.route("/<int:edition_id>/make-current", methods=["POST"])
@role_required(Role.COORDINATOR)
def make_current(edition_id):
    edition = _load(edition_id)
    admin.make_current(_actor(), edition)
    db.session.commit()
    flash(_("%(name)s is now the current edition.", name=edition.name), "success")
    return see_other(url_for("editions.show", edition_id=edition.id))


@bp.route("/<int:edition_id>/pools", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def pools(edition_id):
    edition = _load(edition_id)
    districts = services.districts()
    form = forms.pools_form(districts, edition if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            changed = admin.set_pools(_actor(), edition, form.district_pools(), form.citywide_pool.data)
        except EditionError as error:
            form.citywide_pool.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The pools have been saved.") if changed else _("Nothing has changed."), "success")
            return see_other(url_for("editions.show", edition_id=edition.id))
    return form_page("editions/pools.html", "editions/_pools_form.html", form=form, edition=edition)


# --- feedback criteria: an ordered list changed in place ------------------------

def _criteria_page(edition, status=200, add_form=None, editing=None, edit_form=None, message=None, moved=None):
    # Where keyboard focus goes after an htmx swap: the moved item's button, else the list itself.
    focus_list = is_htmx_request() and not moved and editing is None and add_form is None
    return render("editions/criteria.html", "editions/_criteria.html", status=status, edition=edition,
                  add_form=add_form or forms.CriterionForm(formdata=None), editing=editing,
                  edit_form=edit_form, message=message, moved=moved, focus_list=focus_list,
                  max_criteria=admin.MAX_CRITERIA)


def _criteria_changed(edition, message, moved=None):
    """After a change: the new list for htmx (focus stays on the moved item), a redirect otherwise."""
    db.session.commit()
    if is_htmx_request():
        return _criteria_page(edition, message=message, moved=moved)
    flash(message, "success")
    return see_other(url_for("editions.criteria", edition_id=edition.id))


def _load_criterion(edition_id, criterion_id):
    edition = _load(edition_id)
    criterion = db.get_or_404(FeedbackCriterion, criterion_id)
    if criterion.edition_id != edition.id:
        abort(404)
    return edition, criterion


@bp.route("/<int:edition_id>/criteria", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def criteria(edition_id):
    edition = _load(edition_id)
    if request.method == "GET":
        return _criteria_page(edition)
    form = forms.CriterionForm()
    if form.validate_on_submit():
        try:
            admin.add_criterion(_actor(), edition, form.title.data, form.description.data)
        except EditionError as error:
            form.title.errors.append(str(error))
        else:
            return _criteria_changed(edition, _("The criterion has been added at the end of the list."))
    return _criteria_page(edition, status=422, add_form=form)


@bp.route("/<int:edition_id>/criteria/<int:criterion_id>/edit", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def edit_criterion(edition_id, criterion_id):
    edition, criterion = _load_criterion(edition_id, criterion_id)
    form = forms.CriterionEditForm(obj=criterion if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            admin.update_criterion(_actor(), criterion, form.title.data, form.description.data)
        except EditionError as error:
            form.title.errors.append(str(error))
        else:
            return _criteria_changed(edition, _("The criterion has been saved."))
    status = 422 if request.method == "POST" else 200
    return _criteria_page(edition, status=status, editing=criterion.id, edit_form=form)


@bp.route("/<int:edition_id>/criteria/<int:criterion_id>/delete", methods=["POST"])
@role_required(Role.COORDINATOR)
def delete_criterion(edition_id, criterion_id):
    edition, criterion = _load_criterion(edition_id, criterion_id)
    title = criterion.title
    admin.delete_criterion(_actor(), criterion)
    return _criteria_changed(edition, _("The criterion “%(title)s” has been deleted.", title=title))


@bp.route("/<int:edition_id>/criteria/<int:criterion_id>/move-<any(up, down):direction>", methods=["POST"])
@role_required(Role.COORDINATOR)
def move_criterion(edition_id, criterion_id, direction):
    edition, criterion = _load_criterion(edition_id, criterion_id)
    admin.move_criterion(_actor(), criterion, direction)
    message = _("“%(title)s” is now number %(position)d.", title=criterion.title, position=criterion.position)
    return _criteria_changed(edition, message, moved=(criterion.id, direction))
