"""The calendar of meetings, scheduling, rescheduling and cancelling, and the list of venues."""

from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from pbflow.accounts.models import Role
from pbflow.ambassadors import queries as ambassador_queries
from pbflow.core import keyset
from pbflow.core.web.htmx import form_page, render, see_other
from pbflow.core.web.navigation import nav_item
from pbflow.core.web.permissions import authorize, public, role_required, signed_in
from pbflow.editions import services as editions
from pbflow.editions.models import Area, Edition, Stage
from pbflow.extensions import db
from pbflow.meetings import calendar, policy, services
from pbflow.meetings.forms.schedule import (
    CalendarFilterForm,
    CancelMeetingForm,
    MeetingForm,
    VenueForm,
)
from pbflow.meetings.models import Venue
from pbflow.meetings.views.pages import bp, load_meeting

nav_item("meetings.index", _l("Meetings"), 15)

VENUES_PAGE = 50


def _actor():
    return current_user._get_current_object()


# --- the calendar ----------------------------------------------------------------------

@bp.route("/")
@public
def index():
    """Upcoming meetings of the current edition (or past ones), filtered, a keyset page at a time."""
    edition = editions.current_edition()
    form = CalendarFilterForm(request.args)
    form.set_choices(editions.districts(), ambassador_queries.areas())
    feed_args = {name: request.args[name] for name in ("district", "area", "format") if request.args.get(name)}
    context = {"form": form, "edition": edition, "may_schedule": _schedulable_areas(edition, count_only=True),
               "feed_args": feed_args}
    if not form.validate() or edition is None:
        return render("meetings/index.html", "meetings/_calendar_results.html",
                      status=400 if form.errors else 200, page=None, url_args={}, **context)
    try:
        page = calendar.page(form.filters(edition.id), request.args.get("after"))
    except calendar.BadCursor:
        return render("meetings/index.html", "meetings/_calendar_results.html", status=400, page=None,
                      url_args={}, cursor_error=_("This page link is damaged. Start again from the first page."),
                      **context)
    return render("meetings/index.html", "meetings/_calendar_results.html", page=page,
                  url_args=form.url_args(), **context)


def _schedulable_areas(edition, count_only=False):
    """The areas the signed-in person may schedule meetings for in the edition."""
    user = current_user
    if edition is None or not policy.signed_in(user):
        return [] if not count_only else False
    if policy.is_coordinator(user):
        return True if count_only else ambassador_queries.areas()
    if not user.has_role(Role.AMBASSADOR):
        return [] if not count_only else False
    areas = [a.area for a in ambassador_queries.ambassadorships(user, edition) if a.area is not None]
    return bool(areas) if count_only else areas


# --- scheduling ------------------------------------------------------------------------

def _meeting_form(edition, formdata=None, area_id=None):
    form = MeetingForm(formdata=formdata) if formdata is not None else MeetingForm()
    form.set_choices(_schedulable_areas(edition), services.venues())
    if area_id is not None and request.method == "GET":
        form.area.data = area_id
    return form


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.AMBASSADOR, Role.COORDINATOR)
def new():
    edition = editions.current_edition()
    stage_open = edition is not None and editions.stage_is_open(edition, Stage.MEETINGS)
    areas = _schedulable_areas(edition)
    context = {"edition": edition, "stage_open": stage_open, "meeting": None}
    if not stage_open or not areas:
        return render("meetings/form.html", status=409 if request.method == "POST" else 200, form=None, **context)
    form = _meeting_form(edition, area_id=request.args.get("area", type=int))
    if len(areas) == 1 and request.method == "GET":
        form.area.data = areas[0].id
    if form.validate_on_submit():
        area = db.session.get(Area, form.area.data)
        try:
            meeting = services.schedule(_actor(), edition, area, form.details())
        except services.MeetingError as error:
            db.session.rollback()
            return _refused(form, error, context)
        db.session.commit()
        flash(_("The meeting is scheduled and in the calendar."), "success")
        return see_other(url_for(".show", meeting_id=meeting.id))
    return form_page("meetings/form.html", form=form, **context)


def _refused(form, error, context):
    if error.status == 403:
        abort(403)
    shown = form.show_refusal(error)
    return render("meetings/form.html", status=error.status if not shown else 422, form=form,
                  form_error=None if shown else str(error), **context)


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@signed_in
def edit(meeting_id):
    meeting = load_meeting(meeting_id, for_update=request.method == "POST")
    authorize(policy.can_manage(current_user, meeting))
    edition = db.session.get(Edition, meeting.edition_id)
    context = {"edition": edition, "stage_open": True, "meeting": meeting}
    form = MeetingForm() if request.method == "POST" else MeetingForm(formdata=None)
    form.set_choices([meeting.area], services.venues())
    if request.method == "GET":
        form.fill(meeting)
    form.area.data = meeting.area_id  # the area of a meeting does not change
    if form.validate_on_submit():
        try:
            change = services.update(_actor(), meeting, form.details())
        except services.MeetingError as error:
            db.session.rollback()
            return _refused(form, error, context)
        db.session.commit()
        flash(_("The meeting is changed; everyone signed up has been told by e-mail.") if change
              else _("The meeting is saved."), "success")
        return see_other(url_for(".show", meeting_id=meeting.id))
    return form_page("meetings/form.html", form=form, **context)


@bp.route("/<int:meeting_id>/cancel", methods=["GET", "POST"])
@signed_in
def cancel(meeting_id):
    meeting = load_meeting(meeting_id, for_update=request.method == "POST")
    authorize(policy.can_manage(current_user, meeting))
    form = CancelMeetingForm()
    if form.validate_on_submit():
        try:
            services.cancel(_actor(), meeting, form.reason.data)
        except services.MeetingError as error:
            db.session.rollback()
            return render("meetings/cancel.html", status=error.status, form=form, meeting=meeting,
                          form_error=str(error))
        db.session.commit()
        flash(_("The meeting is cancelled; everyone signed up has been told by e-mail."), "success")
        return see_other(url_for(".show", meeting_id=meeting.id))
    return form_page("meetings/cancel.html", form=form, meeting=meeting)


# --- venues ----------------------------------------------------------------------------

@bp.route("/venues", methods=["GET", "POST"])
@role_required(Role.AMBASSADOR, Role.COORDINATOR)
def venues():
    """The reusable list of places, a page at a time, and a form to add one."""
    form = VenueForm()
    form.set_choices(editions.districts())
    if form.validate_on_submit():
        try:
            venue = services.add_venue(_actor(), form.name.data, form.address.data, form.kind.data,
                                       form.district.data, form.accessibility.data or "")
        except services.MeetingError as error:
            db.session.rollback()
            if error.status == 403:
                abort(403)
            form[error.field or "name"].errors = [str(error)]
        else:
            db.session.commit()
            flash(_("The venue “%(name)s” is on the list.", name=venue.name), "success")
            return see_other(url_for(".venues"))
    after = db.session.get(Venue, request.args.get("after", type=int) or 0) if request.args.get("after") else None
    query = select(Venue).options(joinedload(Venue.district)).order_by(Venue.name_key, Venue.id)
    if after is not None:
        query = query.where(keyset.after((Venue.name_key, Venue.id), (after.name_key, after.id)))
    rows = db.session.scalars(query.limit(VENUES_PAGE + 1)).all()
    return form_page("meetings/venues.html", form=form, venues=rows[:VENUES_PAGE],
                     next_after=rows[VENUES_PAGE - 1].id if len(rows) > VENUES_PAGE else None)
