"""Materials: coordinators upload or link them, ambassadors see their area's and district's."""

from flask import Blueprint, abort, current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from pbflow.accounts.models import Role
from pbflow.ambassadors import materials
from pbflow.ambassadors import policy_files as policy
from pbflow.ambassadors.forms_materials import MaterialFilterForm, MaterialForm
from pbflow.ambassadors.models import Material
from pbflow.ambassadors.training import all_editions, pick_edition
from pbflow.core.web.htmx import form_page, render, see_other
from pbflow.core.web.navigation import nav_item, signed_in_with
from pbflow.core.web.permissions import authorize, role_required
from pbflow.core.web.urls import safe_next
from pbflow.editions.services import current_edition
from pbflow.extensions import db

bp = Blueprint("materials", __name__, url_prefix="/materials")
nav_item("materials.index", _l("Materials"), 31, signed_in_with(Role.COORDINATOR))


def _actor():
    return current_user._get_current_object()


def _edition():
    edition_id = request.args.get("edition", type=int)
    edition = pick_edition(edition_id)
    if edition_id is not None and edition is None:
        abort(404)
    return edition


def _material(material_id):
    material = db.session.get(Material, material_id)
    if material is None:
        abort(404)
    return material


def _save(form, save):
    """Run the service; a rule it enforces becomes an error on the form."""
    try:
        material = save()
    except materials.MaterialError as error:
        db.session.rollback()
        form.link_url.errors.append(str(error))
        return None
    db.session.commit()
    return material


@bp.route("/")
@role_required(Role.COORDINATOR)
def index():
    edition = _edition()
    form = MaterialFilterForm(request.args, districts=materials.district_choices())
    page = None
    if edition is not None and form.validate():
        query = materials.materials_query(edition, **form.query_args())
        page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    status = 422 if form.errors else 200
    return render("materials/index.html", "materials/_results.html", status=status, edition=edition, form=form,
                  page=page, editions=all_editions(), filters=form.query_args())


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def new():
    edition = _edition()
    authorize(policy.can_manage_materials(current_user))
    form = MaterialForm(scopes=materials.scope_choices())
    if edition is not None and form.validate_on_submit():
        material = _save(form, lambda: materials.create_material(_actor(), edition, **form.values(),
                                                                  upload=form.upload.data))
        if material is not None:
            flash(_("Material added: %(title)s", title=material.title), "success")
            return see_other(url_for("materials.index", edition=edition.id))
    return form_page("materials/form.html", form=form, edition=edition, material=None)


@bp.route("/<int:material_id>/edit", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def edit(material_id):
    material = _material(material_id)
    authorize(policy.can_manage_materials(current_user))
    form = MaterialForm(obj=material if request.method == "GET" else None, scopes=materials.scope_choices(),
                        current_file=material.file)
    if request.method == "GET":
        form.scope.data = materials.scope_value(material.district_id, material.area_id)
    if form.validate_on_submit():
        saved = _save(form, lambda: materials.update_material(_actor(), material, **form.values(), upload=form.upload.data,
                                                              remove_file=form.wants_file_removed))
        if saved is not None:
            flash(_("Material saved: %(title)s", title=saved.title), "success")
            return see_other(url_for("materials.index", edition=saved.edition_id))
    return form_page("materials/form.html", form=form, edition=pick_edition(material.edition_id), material=material)


@bp.route("/<int:material_id>/delete", methods=["POST"])
@role_required(Role.COORDINATOR)
def delete(material_id):
    material = _material(material_id)
    authorize(policy.can_manage_materials(current_user))
    edition_id, title = material.edition_id, material.title
    materials.delete_material(_actor(), material)
    db.session.commit()
    flash(_("Material removed: %(title)s", title=title), "success")
    return see_other(safe_next(request.form.get("next")) or url_for("materials.index", edition=edition_id))


@bp.route("/mine")
@role_required(Role.AMBASSADOR, Role.COORDINATOR)
def mine():
    edition = current_edition()
    places = [(application, materials.materials_for(edition, application.district_id, application.area_id))
              for application in policy.approved_applications(current_user, edition.id if edition else None)]
    return render("materials/mine.html", edition=edition, places=places)
