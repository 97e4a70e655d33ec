"""Reports: pick a period, get every indicator and the activities as a printable page and a CSV file,
kept exactly as made."""

from flask import Blueprint, Response, abort, flash, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from pbflow.accounts.models import Role
from pbflow.core.web.htmx import render, see_other
from pbflow.core.web.permissions import role_required
from pbflow.extensions import db
from pbflow.monitoring import reports, services
from pbflow.monitoring.forms import ReportForm
from pbflow.monitoring.models import Report
from pbflow.monitoring.views import _edition_or_404

bp = Blueprint("monitoring_reports", __name__, url_prefix="/monitoring")


def _reports_page(edition, form, status=200, form_error=None):
    return render("monitoring/reports.html", status=status, edition=edition, form=form, form_error=form_error,
                  kept=reports.reports_of(edition.id))


@bp.route("/<int:edition_id>/reports", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def index(edition_id):
    edition = _edition_or_404(edition_id)
    form = ReportForm()
    if not form.is_submitted():
        form.first_day.data, form.last_day.data = services.default_period(edition)
        form.locale.data = "pl"
        return _reports_page(edition, form)
    if not form.validate():
        return _reports_page(edition, form, status=422)
    try:
        report = reports.make(current_user._get_current_object(), edition, form.first_day.data,
                              form.last_day.data, form.locale.data)
    except services.MonitoringError as error:
        db.session.rollback()
        shown = form.show_refusal(error)
        return _reports_page(edition, form, status=error.status, form_error=None if shown else str(error))
    db.session.commit()
    flash(_("The report is made and kept: it will show these figures whenever you open it."), "success")
    return see_other(url_for(".show", report_id=report.id))


def _report_or_404(report_id):
    return db.session.get(Report, report_id) or abort(404)


@bp.route("/reports/<int:report_id>")
@role_required(Role.COORDINATOR)
def show(report_id):
    report = _report_or_404(report_id)
    edition = _edition_or_404(report.edition_id)
    with force_locale(report.locale):
        return render("monitoring/report.html", report=report, edition=edition, data=report.figures,
                      name_of=lambda row: reports.indicator_name(row, report.locale),
                      funnel_title=reports.funnel_title, unit_title=reports.unit_title, kind_title=reports.kind_title,
                      kind_of=reports.kind_of)


@bp.route("/reports/<int:report_id>.csv")
@role_required(Role.COORDINATOR)
def download_csv(report_id):
    report = _report_or_404(report_id)
    response = Response("".join(reports.csv_chunks(report)), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{reports.filename(report, "csv")}"'
    response.headers["Cache-Control"] = "no-store"
    return response
