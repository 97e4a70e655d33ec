"""The meetings blueprint, its shared loaders and the meeting's page.

The calendar and scheduling, sign-ups, the meeting day, online discussions and the feeds are views on
this blueprint in the other modules of this sub-package; they import it from here, and pbflow's
`_register_blueprints` imports them all before registering it."""

from flask import Blueprint, abort
from flask_login import current_user
from sqlalchemy.orm import joinedload

from pbflow.core.web.htmx import render
from pbflow.core.web.permissions import public
from pbflow.extensions import db
from pbflow.meetings import policy
from pbflow.meetings.models import Meeting

bp = Blueprint("meetings", __name__, url_prefix="/meetings")


def load_meeting(meeting_id, for_update=False):
    """The meeting or 404; row-locked on PostgreSQL when a service will change it."""
    query = db.select(Meeting).where(Meeting.id == meeting_id).options(
        joinedload(Meeting.venue), joinedload(Meeting.area), joinedload(Meeting.district),
        joinedload(Meeting.organiser))
    if for_update:
        query = query.with_for_update(of=Meeting)  # not the outer-joined venue or organiser
    meeting = db.session.scalar(query)
    if meeting is None:
        abort(404)
    return meeting


def page_context(meeting):
    """Everything the meeting page and its partials show; each part adds its own, in a fixed number of queries."""
    from pbflow.meetings import discussion, records, signups

    context = {"meeting": meeting, "policy": policy, "may_manage": policy.can_manage(current_user, meeting)}
    for part in (signups, records, discussion):
        context.update(part.page_context(meeting, current_user, context))
    return context


@bp.route("/<int:meeting_id>")
@public
def show(meeting_id):
    meeting = load_meeting(meeting_id)
    return render("meetings/show.html", **page_context(meeting))

