"""Past results: each district's (and the city's) years, projects, costs and outcomes; cost benchmarks while
drafting; the coordinator's Pabulib upload."""

from flask import Blueprint, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from pbflow.accounts.models import Role
from pbflow.core.web.htmx import form_page, render
from pbflow.core.web.navigation import nav_item
from pbflow.core.web.permissions import public, role_required
from pbflow.core.web.urls import database_id
from pbflow.editions import services as editions
from pbflow.editions.models import District
from pbflow.extensions import db
from pbflow.past_results import charts, forms, importer, services

bp = Blueprint("past_results", __name__, url_prefix="/results")
nav_item("past_results.index", _l("Past results"), 12)
PROJECTS_PER_PAGE = 100  # a district puts 30–50 projects to the vote a year


@bp.route("/")
@public
def index():
    return render("past_results/index.html", districts=editions.districts(),
                  totals=services.totals_by_district())


def _results_page(district):
    district_id = district.id if district else None
    summaries = services.year_summaries(district_id)
    form = forms.ResultsFilterForm(request.args)
    form.set_years([s.result.year for s in summaries])
    page, status = None, 200
    if form.validate():
        query = services.projects_query(district_id, int(form.year.data) if form.year.data else None, form.q.data)
        page = db.paginate(query, per_page=PROJECTS_PER_PAGE, error_out=False)
    else:
        status = 422
    return render("past_results/district.html", "past_results/_projects.html", status=status,
                  district=district, summaries=summaries, chart=charts.funded_per_year(summaries),
                  form=form, page=page, filters={"year": form.year.data or None, "q": form.q.data or None})


@bp.route("/districts/<int:district_id>")
@public
def district(district_id):
    return _results_page(db.get_or_404(District, district_id))


@bp.route("/citywide")
@public
def citywide():
    return _results_page(None)


@bp.route("/benchmarks")
@public
def benchmarks():
    """Past projects named like the title being typed; htmx asks while the author writes."""
    form = forms.BenchmarkForm(request.args)
    if not form.validate():
        return render("past_results/benchmarks.html", "past_results/_benchmarks.html", status=422,
                      form=form, found=None)
    district_id = form.district.data
    district_id = database_id(district_id)
    found = services.benchmarks(form.title.data or "", district_id)
    # The proposal form's region puts the list under its title field (h3); the page of its own under h1.
    standalone = request.headers.get("HX-Target") != "benchmarks-region"
    return render("past_results/benchmarks.html", "past_results/_benchmarks.html", form=form, found=found,
                  district_id=district_id, standalone=standalone)


@bp.route("/import", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def upload():
    """A coordinator loads a year's results; each file is reported as created, updated, unchanged or refused."""
    form = forms.ImportForm()
    if form.validate_on_submit():
        files = [f for f in form.files.data if f and f.filename]
        if len(files) > forms.MAX_FILES:
            form.files.errors.append(_("Send at most %(count)d files at once.", count=forms.MAX_FILES))
        else:
            report = importer.import_uploads(files, current_user._get_current_object())
            status = 422 if len(report.failed) == len(report.outcomes) else 200
            return render("past_results/import.html", "past_results/_import_area.html", status=status,
                          form=forms.ImportForm(formdata=None), report=report)
    return form_page("past_results/import.html", "past_results/_import_area.html", form=form, report=None)
