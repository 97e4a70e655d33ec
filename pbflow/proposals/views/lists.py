"""Lists of proposals: the public list, "My proposals", the coordinators' list of all, and an area's proposals.

The filters are a GET form: it works without JavaScript, and htmx submits it as the user types or
chooses, swapping only the results (which announce how many are shown) and pushing the URL. Pages follow
each other by cursor (?after=, see queries_lists); an old ?page= link gives the first page, and a damaged
cursor a 400 with a link to the first page.
"""

from flask import Blueprint, current_app, request, url_for
from flask_babel import format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from pbflow.accounts.models import Role
from pbflow.ambassadors import hooks as ambassador_hooks
from pbflow.ambassadors.policy import is_ambassador_of
from pbflow.core.web.htmx import render
from pbflow.core.web.navigation import nav_item, signed_in_with
from pbflow.core.web.page_store import kept_for_visitors
from pbflow.core.web.permissions import authorize, public, role_required, signed_in
from pbflow.core.web.security import pages_by_cursor
from pbflow.editions import services as editions
from pbflow.editions.models import Area, Stage
from pbflow.extensions import db
from pbflow.proposals import page_stamps, policy, queries_lists, search
from pbflow.proposals.forms import lists as forms
from pbflow.proposals.models import DraftVisibility

bp = Blueprint("proposal_lists", __name__, url_prefix="/proposals")
bp.add_app_template_global(queries_lists.status_tag_titles)
nav_item("proposal_lists.index", _l("Proposals"), 12)
nav_item("proposal_lists.mine", _l("My proposals"), 13, lambda user: user.is_authenticated)
nav_item("proposal_lists.all_proposals", _l("All proposals"), 25, signed_in_with(Role.COORDINATOR))


@ambassador_hooks.area_section("proposals/_area_proposals.html")
def _newest_in_areas(edition, area_ids):
    """Each area's newest proposals, drafts included, on its ambassador's dashboard (two queries in all)."""
    newest, counts = queries_lists.newest_in_areas(edition, area_ids)
    return {area_id: {"proposals": newest[area_id], "count": counts[area_id]} for area_id in area_ids}

RESULTS = "proposals/_list_results.html"
NARROWING = ("q", "district", "area", "status", "scope")  # filters that can leave a list empty


def _page(filters, context, matching=None):
    """(a page of the list, 200), or (None, 400) with a message for a damaged cursor."""
    try:
        return queries_lists.page(filters, request.args.get("after"), current_app.config["PAGE_SIZE"],
                                  matching), 200
    except queries_lists.BadCursor:
        context["cursor_error"] = _("This page link is damaged. Start again from the first page.")
        return None, 400


def _default_edition(all_editions):
    """The current edition (read from the list the filter offers: no second query), else the newest."""
    return next((edition for edition in all_editions if edition.is_current), all_editions[0] if all_editions else None)


def _filtered_list(template, form_class, endpoint, with_counts, fixed=None, areas=(), url_args=None, **context):
    """A filtered list page (or its results for htmx): the form, a page of proposals, counts per status."""
    all_editions = queries_lists.editions()
    default = _default_edition(all_editions)
    form = form_class(request.args, edition=default.id if default else None)
    form.set_choices(all_editions, editions.district_options(), areas=areas)
    context.update(form=form, page=None, counts={}, url_args={}, endpoint=endpoint, with_counts=with_counts,
                   has_editions=bool(all_editions), action=url_for(endpoint, **(url_args or {})))
    if not all_editions:
        return render(template, RESULTS, **context)
    if not form.validate():
        return render(template, RESULTS, status=422, **context)
    filters = form.filters(**(fixed or {}))
    chosen = form.url_args()
    context.update(url_args={**chosen, **(url_args or {})}, narrowed=any(chosen.get(name) for name in NARROWING))
    # Counted first: how many rows match decides how the page is read (queries_lists.page).
    counts = queries_lists.status_counts(filters) if with_counts else None
    context["page"], status = _page(filters, context, queries_lists.matching_count(counts, filters))
    if counts is not None and context["page"] is not None:
        context["counts"] = counts
    # The counts take the newest matches too, without the status filter: they may reach the limit alone.
    context["more_matches"] = context["page"] is not None and (
        context["page"].more_matches or getattr(context["counts"], "more_matches", False))
    if context["more_matches"]:  # formatting the number is worth doing only when the notice shows it
        context["list_matches"] = format_number(search.LIST_MATCHES)
    return render(template, RESULTS, status=status, **context)


def _stamps():
    """The public proposals' stamp; for a search on SQLite also every proposal's words, which its order reads
    (search.ranks_against_every_proposal)."""
    if search.words(request.args.get("q", "")) and search.ranks_against_every_proposal():
        return (page_stamps.NAME, page_stamps.WORDS)
    return (page_stamps.NAME,)


@bp.route("/")
@pages_by_cursor
@public
@kept_for_visitors(_stamps)
def index():
    """Proposals whose authors have made them public; drafts stay private. Kept for visitors (core/web/page_store):
    the list everyone opens the evening an edition starts."""
    return _filtered_list("proposals/list_public.html", forms.ProposalFilterForm, "proposal_lists.index",
                          with_counts=False, fixed={"public_only": True})


@bp.route("/all")
@pages_by_cursor
@role_required(Role.COORDINATOR)
def all_proposals():
    authorize(policy.can_see_all(current_user))
    return _filtered_list("proposals/list_all.html", forms.CoordinatorFilterForm, "proposal_lists.all_proposals",
                          with_counts=True, areas=editions.area_options())


@bp.route("/area/<int:area_id>")
@pages_by_cursor
@role_required(Role.AMBASSADOR, Role.COORDINATOR)
def area(area_id):
    """An area's proposals in the current edition, drafts included: for its ambassador and coordinators."""
    area = db.get_or_404(Area, area_id)
    edition = editions.current_edition()
    authorize(policy.is_coordinator(current_user)
              or (edition is not None and is_ambassador_of(current_user, area.id, edition.id)))
    # The ambassador sends the area's drafts to the verifying units from here (the state machine decides).
    send_open = edition is not None and any(editions.stage_is_open(edition, stage)
                                            for stage in (Stage.MEETINGS, Stage.WORKSHOPS))
    context = {"area": area, "edition": edition, "show_send": send_open}
    if edition is None:
        return render("proposals/list_area.html", RESULTS, form=None, page=None, has_editions=False, **context)
    return _filtered_list("proposals/list_area.html", forms.AreaFilterForm, "proposal_lists.area", with_counts=True,
                          fixed={"edition_id": edition.id, "area_id": area.id}, url_args={"area_id": area.id},
                          **context)


@bp.route("/mine")
@pages_by_cursor
@signed_in
def mine():
    """The proposals I (co-)author, in every edition, and the invitations waiting for my answer."""
    filters = queries_lists.Filters(author_id=current_user.id, sort=queries_lists.CHANGED)
    invitations = queries_lists.pending_invitations(current_user)
    # The invited person is not an author yet: link only to proposals they may already open.
    openable = {i.proposal_id for i in invitations if i.is_public or policy.is_coordinator(current_user)
                or i.draft_visibility == DraftVisibility.EDITION.value}
    context = {"invitations": invitations, "openable": openable, "policy": policy,
               "total": queries_lists.authored_count(current_user.id)}
    context["page"], status = _page(filters, context)
    return render("proposals/list_mine.html", status=status, **context)
