"""The proposal page: the current version, its costs against the cap, authors and what can be done next."""

from flask import Blueprint, abort
from flask_login import current_user

from pbflow.core.web.htmx import render
from pbflow.core.web.permissions import authorize, public
from pbflow.extensions import login_manager
from pbflow.proposals import costs, hooks, policy, queries, transitions
from pbflow.proposals import services as proposals

bp = Blueprint("proposals", __name__, url_prefix="/proposals")


def load_visible(proposal_id):
    """The proposal with what its page shows; 404 if missing, 403 (or login) if not for this user."""
    proposal = queries.proposal_page(proposal_id)
    if proposal is None:
        abort(404)
    if not policy.can_view(current_user, proposal):
        if not current_user.is_authenticated:
            abort(login_manager.unauthorized())  # a private draft: sign in first, then we will see
        authorize(False)
    return proposal


def load_for_change(proposal_id, lock=False):
    """The proposal with its authors, or 404; with `lock`, its row is locked first (PostgreSQL) for a change.
    The caller checks who may change it."""
    if lock and transitions.lock_for_update(proposal_id) is None:
        abort(404)
    proposal = queries.proposal_page(proposal_id)
    if proposal is None:
        abort(404)
    return proposal


def page_context(proposal, version=None):
    """What the proposal page and its partials need: shared by every view that re-renders it."""
    version = version or queries.version(proposal)
    check = proposals.cap_check(proposal.edition, version.scope, version.district_id, version.total_cost)
    return {
        "proposal": proposal, "version": version, "cap": check,
        "lines": [costs.CostLine.from_json(line) for line in version.cost_lines or []],
        "policy": policy, "actions": transitions.available(current_user, proposal),
        "sections": hooks.sections(current_user, proposal),  # what later stages add (feedback, workshops)
    }


@bp.route("/<int:proposal_id>")
@public  # public proposals are for everyone; policy.can_view decides for drafts
def show(proposal_id):
    proposal = load_visible(proposal_id)
    return render("proposals/show.html", **page_context(proposal))

