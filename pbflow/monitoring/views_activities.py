"""Activity records: trainings, advice sessions, consultations and events that pbflow does not otherwise see."""

from flask import Blueprint, abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pbflow.accounts.models import Role
from pbflow.core.web.htmx import render, see_other
from pbflow.core.web.permissions import authorize, role_required
from pbflow.extensions import db
from pbflow.monitoring import listing, policy, reports, services
from pbflow.monitoring.forms import ActivityForm
from pbflow.monitoring.views import (
    _edition_or_404,
    all_editions,
    areas,
    chosen_edition,
    districts,
    form_saved,
)

bp = Blueprint("activities", __name__, url_prefix="/monitoring")

RECORDERS = (Role.COORDINATOR, Role.PARTNER)


def _actor():
    return current_user._get_current_object()


@bp.route("/activities")
@role_required(*RECORDERS)
def index():
    editions_list = all_editions()
    edition = chosen_edition(editions_list, request.args.get("edition"))
    context = {"edition": edition, "editions": editions_list, "page": None, "kind_title": reports.kind_title,
               "may_change": lambda row: policy.can_change_activity(current_user, row)}
    if edition is not None:
        try:
            context["page"] = listing.page(edition.id, request.args.get("after"))
        except listing.BadCursor:
            return render("monitoring/activities.html", "monitoring/_activity_rows.html", status=400,
                          cursor_error=_("This page link is damaged. Start again from the first page."), **context)
    return render("monitoring/activities.html", "monitoring/_activity_rows.html", **context)


def _form(**kwargs):
    form = ActivityForm(**kwargs)
    form.set_choices(districts(), areas())
    return form


@bp.route("/<int:edition_id>/activities/new", methods=["GET", "POST"])
@role_required(*RECORDERS)
def new(edition_id):
    edition = _edition_or_404(edition_id)
    form = _form()
    return form_saved("monitoring/activity_form.html", form,
                      lambda: services.record_activity(_actor(), edition, form.details()),
                      _("The activity is recorded."), lambda: url_for(".index", edition=edition.id),
                      edition=edition, activity=None)


def _activity_or_404(activity_id, for_update=False):
    activity = services.load_activity(activity_id, for_update=for_update) or abort(404)
    authorize(policy.can_change_activity(current_user, activity))
    return activity


@bp.route("/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@role_required(*RECORDERS)
def edit(activity_id):
    activity = _activity_or_404(activity_id, for_update=request.method == "POST")
    edition = _edition_or_404(activity.edition_id)
    form = _form() if request.method == "POST" else _form(formdata=None)
    if request.method == "GET":
        form.fill(activity)
    return form_saved("monitoring/activity_form.html", form,
                      lambda: services.change_activity(_actor(), activity, edition, form.details()),
                      _("The activity is saved."), lambda: url_for(".index", edition=edition.id),
                      edition=edition, activity=activity)


@bp.route("/activities/<int:activity_id>/delete", methods=["POST"])
@role_required(*RECORDERS)
def delete(activity_id):
    activity = _activity_or_404(activity_id, for_update=True)
    edition_id = activity.edition_id
    services.remove_activity(_actor(), activity)
    db.session.commit()
    flash(_("The activity is deleted."), "success")
    return see_other(url_for(".index", edition=edition_id))
