"""iCalendar feeds: one meeting (the "add to calendar" link) and the calendar a phone subscribes to.

The calendar feed takes the calendar page's filters (district, area, format). A calendar app
shows no error page, so a filter it cannot read is answered 400 in plain words, never a 500.
"""

from flask import Response, request
from flask_babel import gettext as _

from pbflow.core.web.permissions import public
from pbflow.core.web.urls import database_id
from pbflow.editions import services as editions
from pbflow.editions.models import Area, District
from pbflow.extensions import db
from pbflow.meetings import calendar, ical
from pbflow.meetings.models import MeetingFormat
from pbflow.meetings.views.pages import bp, load_meeting


class BadFilter(ValueError):
    """A filter value in the feed's address that is not an id or a known format."""


def _ics(body, filename):
    return Response(body, content_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _id_arg(name):
    value = request.args.get(name, "").strip()
    if not value:
        return None
    number = database_id(value)
    if number is None:
        raise BadFilter(name)
    return number


def _format_arg():
    value = request.args.get("format", "").strip()
    if not value:
        return None
    if value not in {f.value for f in MeetingFormat}:
        raise BadFilter("format")
    return value


def _calendar_name(edition, filters):
    """What the subscribed calendar is called on the phone: the edition, narrowed to the area or district."""
    place = None
    if filters.area_id is not None:
        place = db.session.scalar(db.select(Area.name).where(Area.id == filters.area_id))
    elif filters.district_id is not None:
        place = db.session.scalar(db.select(District.name).where(District.id == filters.district_id))
    if place:
        return _("Residents' meetings: %(edition)s, %(place)s", edition=edition.name, place=place)
    return _("Residents' meetings: %(edition)s", edition=edition.name)


@bp.route("/<int:meeting_id>/meeting.ics")
@public
def feed(meeting_id):
    meeting = load_meeting(meeting_id)
    return _ics(ical.calendar_bytes([meeting], meeting.title), f"meeting-{meeting.id}.ics")


@bp.route("/calendar.ics")
@public
def calendar_feed():
    """Upcoming meetings of the current edition, cancelled ones included so phones drop them."""
    try:
        district_id, area_id, meeting_format = _id_arg("district"), _id_arg("area"), _format_arg()
    except BadFilter:
        return Response(_("This calendar link is damaged: a district, area or format in it is not one we know. "
                          "Copy the link again from the meetings calendar."),
                        status=400, mimetype="text/plain")
    edition = editions.current_edition()
    if edition is None:
        return _ics(ical.calendar_bytes([], _("Residents' meetings")), "meetings.ics")
    filters = calendar.CalendarFilters(edition_id=edition.id, district_id=district_id, area_id=area_id,
                                       format=meeting_format)
    meetings = calendar.feed_meetings(filters)
    return _ics(ical.calendar_bytes(meetings, _calendar_name(edition, filters)), "meetings.ics")
