"""A proposal's versions: the history, one old version read-only, two versions side by side,
and the printable summary of the current version."""

from flask import Blueprint, abort, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from pbflow.core.web.errors import render_error
from pbflow.core.web.htmx import render
from pbflow.core.web.permissions import public
from pbflow.extensions import db
from pbflow.proposals import costs, history, queries
from pbflow.proposals import services as proposals
from pbflow.proposals.views.pages import load_visible

bp = Blueprint("proposal_history", __name__, url_prefix="/proposals")

HISTORY_PAGE_SIZE = 50
MAX_VERSION = 2**31 - 1  # a larger number is no version, and no database integer either
FIELD_TITLES = {
    "title": _l("Title"),
    "summary": _l("Summary"),
    "description": _l("Description"),
    "location": _l("Where"),
    "beneficiaries": _l("Who benefits"),
    "scope": _l("Scope"),
    "district": _l("District"),
    "area": _l("Area"),
    "coordinates": _l("Coordinates"),
}
SCOPE_TITLES = {"district": _l("District project"), "citywide": _l("City-wide project")}


def _version_context(proposal, version):
    check = proposals.cap_check(proposal.edition, version.scope, version.district_id, version.total_cost)
    return {"proposal": proposal, "version": version, "cap": check,
            "lines": [costs.CostLine.from_json(line) for line in version.cost_lines or []]}


@bp.route("/<int:proposal_id>/history")
@public  # whoever may see the proposal (policy.can_view in load_visible) sees its history
def index(proposal_id):
    proposal = load_visible(proposal_id)
    page = db.paginate(history.versions_query(proposal), per_page=HISTORY_PAGE_SIZE, error_out=False)
    return render("proposals/history.html", proposal=proposal, page=page,
                  compare_a=max(proposal.current_version - 1, 1), compare_b=proposal.current_version)


@bp.route("/<int:proposal_id>/versions/<int:number>")
@public
def version(proposal_id, number):
    proposal = load_visible(proposal_id)
    found = queries.version(proposal, number) if number <= MAX_VERSION else None
    if found is None:
        abort(404)
    return render("proposals/version.html", **_version_context(proposal, found))


def _version_number(name):
    """The version number asked for in the query string: None when missing, False when not a number."""
    value = request.args.get(name, "").strip()
    if not value:
        return None
    return int(value) if value.isascii() and value.isdigit() and int(value) <= MAX_VERSION else False


@bp.route("/<int:proposal_id>/compare")
@public
def compare(proposal_id):
    proposal = load_visible(proposal_id)
    a, b = _version_number("a"), _version_number("b")
    if a is None and b is None:  # nothing chosen: what the last save changed
        a, b = proposal.current_version - 1, proposal.current_version
        if a < 1:
            return render("proposals/compare.html", proposal=proposal, comparison=None,
                          message=_("This proposal has only one version so far, so there is nothing to compare."))
    elif a is None or b is None:
        return render_error(400, _("Choose two versions to compare."))
    if a is False or b is False:
        return render_error(400, _("A version is chosen by its number, for example 2."))
    if a == b:
        return render("proposals/compare.html", proposal=proposal, comparison=None,
                      message=_("You chose version %(number)d twice. Choose two different versions.", number=a))
    a, b = sorted((a, b))  # the older one on the left
    found = history.version_pair(proposal, a, b)
    missing = [number for number in (a, b) if number not in found]
    if missing:
        return render_error(404, _("This proposal has no version %(number)d. It has versions 1 to %(last)d.",
                                   number=missing[0], last=proposal.current_version))
    return render("proposals/compare.html", proposal=proposal, message=None,
                  comparison=history.compare(found[a], found[b]),
                  field_titles=FIELD_TITLES, scope_titles=SCOPE_TITLES)


@bp.route("/<int:proposal_id>/print")
@public
def print_summary(proposal_id):
    proposal = load_visible(proposal_id)
    return render("proposals/print.html", **_version_context(proposal, queries.version(proposal)))
