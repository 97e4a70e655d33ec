"""Districts and the areas inside them: public lists; ambassadors and coordinators add areas."""

from flask import Blueprint, current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from pbflow.accounts.models import Role
from pbflow.core.web.htmx import form_page, render, see_other
from pbflow.core.web.navigation import nav_item
from pbflow.core.web.permissions import authorize, public, role_required
from pbflow.editions import forms, policy, services
from pbflow.editions.models import Area, District
from pbflow.editions.services import EditionError
from pbflow.extensions import db

bp = Blueprint("districts", __name__)
nav_item("districts.index", _l("Districts and areas"), 11)


@bp.route("/districts/")
@public
def index():
    return render("editions/districts.html", districts=services.districts_with_area_counts())


def _district_page(district, partial, status=200, area_form=None):
    search = forms.AreaSearchForm(request.args)
    page = None
    if search.validate():
        query = services.search_areas(district.id, search.q.data)
        page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    else:
        status = 422
    can_create = policy.can_create_area(current_user, district)
    if can_create and area_form is None:
        area_form = forms.AreaForm(formdata=None)
    return render("editions/district.html", partial, status=status, district=district, search=search,
                  page=page, q=search.q.data or "", area_form=area_form if can_create else None,
                  can_edit=policy.can_edit_areas(current_user))


@bp.route("/districts/<int:district_id>")
@public
def show(district_id):
    district = db.get_or_404(District, district_id)
    return _district_page(district, "editions/_areas.html")


@bp.route("/districts/<int:district_id>/areas", methods=["POST"])
@role_required(Role.COORDINATOR, Role.AMBASSADOR)
def create_area(district_id):
    district = db.get_or_404(District, district_id)
    authorize(policy.can_create_area(current_user, district))
    form = forms.AreaForm()
    if form.validate_on_submit():
        try:
            area = services.create_area(current_user._get_current_object(), district,
                                        form.name.data, form.description.data)
        except EditionError as error:
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The area %(name)s has been added to %(district)s.", name=area.name, district=district.name),
                  "success")
            return see_other(url_for("districts.show", district_id=district.id))
    return _district_page(district, "editions/_area_form.html", status=422, area_form=form)


@bp.route("/areas/<int:area_id>/edit", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def edit_area(area_id):
    area = db.get_or_404(Area, area_id)
    authorize(policy.can_edit_area(current_user, area))
    form = forms.AreaForm(obj=area if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            changed = services.update_area(current_user._get_current_object(), area,
                                           form.name.data, form.description.data)
        except EditionError as error:
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The area has been saved.") if changed else _("Nothing has changed."), "success")
            return see_other(url_for("districts.show", district_id=area.district_id))
    return form_page("editions/area_edit.html", "editions/_area_edit_form.html", form=form, area=area)
