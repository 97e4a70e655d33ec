"""The monitoring dashboard (every indicator and the pathway's funnel) and the indicators' definitions."""

from flask import Blueprint, abort, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from pbflow.accounts.models import Role
from pbflow.core.web.htmx import form_page, render, see_other
from pbflow.core.web.navigation import nav_item
from pbflow.core.web.permissions import public, role_required
from pbflow.core.web.urls import database_id
from pbflow.editions.models import Area, District, Edition
from pbflow.extensions import db
from pbflow.monitoring import figures, policy, reports, services
from pbflow.monitoring.forms import IndicatorForm, MeasurementForm
from pbflow.monitoring.models import Measurement
from pbflow.monitoring.sources import SOURCES, Scope

bp = Blueprint("monitoring", __name__, url_prefix="/monitoring")

nav_item("monitoring.dashboard", _l("Monitoring"), 85)


def _actor():
    return current_user._get_current_object()


def all_editions():
    return db.session.scalars(select(Edition).order_by(Edition.year.desc(), Edition.id.desc())).all()


def chosen_edition(editions_list, raw):
    """?edition=<id> or the current edition; a damaged or unknown id is a 404, not the wrong figures."""
    if raw not in (None, ""):
        wanted = database_id(raw)
        found = next((e for e in editions_list if e.id == wanted), None)
        if found is None:
            abort(404)
        return found
    return next((e for e in editions_list if e.is_current), editions_list[0] if editions_list else None)


def districts():
    return db.session.scalars(select(District).order_by(District.number)).all()


def areas(district_id=None):
    statement = (select(Area.id, Area.name, Area.district_id, District.name.label("district_name"))
                 .join(District, District.id == Area.district_id).order_by(District.number, Area.name))
    if district_id is not None:
        statement = statement.where(Area.district_id == district_id)
    return db.session.execute(statement).all()


def _scope_filter(edition, all_districts):
    """The district and area asked for; unknown ids are a 404."""
    district = area = None
    raw_district, raw_area = request.args.get("district"), request.args.get("area")
    if raw_district:
        district = next((d for d in all_districts if d.id == database_id(raw_district)), None) or abort(404)
    if raw_area:
        wanted = database_id(raw_area)
        area = (db.session.execute(select(Area.id, Area.name, Area.district_id).where(Area.id == wanted)).first()
                if wanted is not None else None) or abort(404)
        if district is not None and area.district_id != district.id:
            abort(404)
        district = district or next((d for d in all_districts if d.id == area.district_id), None)
    return district, area


def _visible_indicators(indicators, district, area):
    """On a district or area page: the indicators set for that place, and the edition-wide computed ones
    counted there (their target is the edition's, so no share is shown for them)."""
    if district is None:
        return indicators, None
    exact = [i for i in indicators
             if (area is not None and i.area_id == area.id)
             or (area is None and i.district_id == district.id and i.area_id is None)]
    wide = [i for i in indicators if i.district_id is None and i.area_id is None and not i.is_recorded]
    return exact, wide


@bp.route("/")
@public
def dashboard():
    editions_list = all_editions()
    edition = chosen_edition(editions_list, request.args.get("edition"))
    context = {"edition": edition, "editions": editions_list, "full": policy.can_see_everything(current_user),
               "may_define": policy.can_define_indicators(current_user),
               "may_record": policy.can_record_activities(current_user)}
    if edition is None:
        return render("monitoring/dashboard.html", "monitoring/_dashboard_body.html", **context)
    all_districts = districts()
    district, area = _scope_filter(edition, all_districts)
    indicators = services.indicators_of(edition.id)
    exact, wide = _visible_indicators(indicators, district, area)
    scope = Scope(edition.id, district.id if district else None, area.id if area else None)
    report = figures.last_report(edition.id)
    own = figures.compute(exact, funnel_scope=scope, report=report)
    edition_wide = figures.compute(wide, scope=scope) if wide else None
    context.update(district=district, area=area, districts=all_districts, areas=areas(district.id) if district else [],
                   result=own, edition_wide=edition_wide, names=reports.scope_names(exact))
    return render("monitoring/dashboard.html", "monitoring/_dashboard_body.html", **context)


# --- indicators ----------------------------------------------------------------------------

def _edition_or_404(edition_id):
    return db.session.get(Edition, edition_id) or abort(404)


def _indicator_form(form_class=IndicatorForm, **kwargs):
    form = form_class(**kwargs)
    form.set_choices(districts(), areas())
    return form


def form_saved(template, form, change, message, next_url, **context):
    """The one way a monitoring form is saved: on a valid POST run `change()`; a refusal shows beside its
    field (or above the form) with the service's status and nothing saved; success commits and goes on."""
    if form.validate_on_submit():
        try:
            change()
        except services.MonitoringError as error:
            db.session.rollback()
            shown = form.show_refusal(error)
            return render(template, status=error.status, form=form, form_error=None if shown else str(error),
                          **context)
        db.session.commit()
        flash(message, "success")
        return see_other(next_url())
    return form_page(template, form=form, **context)


@bp.route("/<int:edition_id>/indicators/new", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def new_indicator(edition_id):
    edition = _edition_or_404(edition_id)
    form = _indicator_form()
    return form_saved("monitoring/indicator_form.html", form,
                      lambda: services.define_indicator(_actor(), edition, form.details()),
                      _("The indicator is defined."), lambda: url_for(".dashboard", edition=edition.id),
                      edition=edition, indicator=None)


def _indicator_or_404(indicator_id, for_update=False):
    return services.load_indicator(indicator_id, for_update=for_update) or abort(404)


@bp.route("/indicators/<int:indicator_id>/edit", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def edit_indicator(indicator_id):
    indicator = _indicator_or_404(indicator_id, for_update=request.method == "POST")
    edition = _edition_or_404(indicator.edition_id)
    form = _indicator_form() if request.method == "POST" else _indicator_form(formdata=None)
    if request.method == "GET":
        form.fill(indicator)
    return form_saved("monitoring/indicator_form.html", form,
                      lambda: services.change_indicator(_actor(), indicator, form.details()),
                      _("The indicator is saved."), lambda: url_for(".indicator", indicator_id=indicator.id),
                      edition=edition, indicator=indicator)


@bp.route("/indicators/<int:indicator_id>/delete", methods=["POST"])
@role_required(Role.COORDINATOR)
def delete_indicator(indicator_id):
    indicator = _indicator_or_404(indicator_id, for_update=True)
    edition_id = indicator.edition_id
    services.remove_indicator(_actor(), indicator)
    db.session.commit()
    flash(_("The indicator is deleted, with its recorded values."), "success")
    return see_other(url_for(".dashboard", edition=edition_id))


def _indicator_page(indicator, form=None, status=200, form_error=None):
    edition = _edition_or_404(indicator.edition_id)
    computed = figures.compute([indicator], report=figures.last_report(edition.id)).figures[0]
    return render("monitoring/indicator.html", status=status, indicator=indicator, edition=edition, figure=computed,
                  measurements=services.measurements_of(indicator.id) if indicator.is_recorded else [],
                  form=form if form is not None else (MeasurementForm() if indicator.is_recorded else None),
                  form_error=form_error, names=reports.scope_names([indicator]),
                  source=None if indicator.is_recorded else SOURCES[indicator.source], kind_of=reports.kind_of)


@bp.route("/indicators/<int:indicator_id>")
@role_required(Role.COORDINATOR)
def indicator(indicator_id):
    return _indicator_page(_indicator_or_404(indicator_id))


@bp.route("/indicators/<int:indicator_id>/measurements", methods=["POST"])
@role_required(Role.COORDINATOR)
def record_measurement(indicator_id):
    indicator = _indicator_or_404(indicator_id, for_update=True)
    form = MeasurementForm()
    if not form.validate_on_submit():
        return _indicator_page(indicator, form, status=422)
    edition = _edition_or_404(indicator.edition_id)
    try:
        services.record_measurement(_actor(), indicator, edition, form.value.data, form.measured_on.data,
                                    form.source_note.data or "")
    except services.MonitoringError as error:
        db.session.rollback()
        shown = form.show_refusal(error)
        return _indicator_page(indicator, form, status=error.status, form_error=None if shown else str(error))
    db.session.commit()
    flash(_("The value is recorded."), "success")
    return see_other(url_for(".indicator", indicator_id=indicator.id))


@bp.route("/measurements/<int:measurement_id>/delete", methods=["POST"])
@role_required(Role.COORDINATOR)
def delete_measurement(measurement_id):
    measurement = db.session.get(Measurement, measurement_id) or abort(404)
    indicator_id = measurement.indicator_id
    services.remove_measurement(_actor(), measurement)
    db.session.commit()
    flash(_("The recorded value is deleted."), "success")
    return see_other(url_for(".indicator", indicator_id=indicator_id))
