"""Residents' meetings as iCalendar (RFC 5545), so people keep them in the calendar on their phone.

A cancelled meeting stays in a feed with STATUS:CANCELLED rather than vanishing: calendar apps
remove or strike out an event they are told is cancelled, but keep one that is merely missing.
SEQUENCE grows whenever the meeting row changes (it is counted from `updated_at`), so a
subscribed calendar takes a rescheduled time instead of keeping the one it saw first.
The marathon and consultation booking calendars share its UID, SEQUENCE and VCALENDAR helpers.
"""

from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _

from pbflow.core.database import utcnow
from pbflow.core.web.urls import external_url
from pbflow.meetings.models import MeetingStatus

PRODID = "-//pbflow//Meetings//PL"
# SEQUENCE is a 32-bit integer for some clients: seconds since 2020 fit until 2088, Unix time only until 2038.
SEQUENCE_EPOCH = datetime(2020, 1, 1)


def as_utc(moment):
    """A stored naive-UTC moment as a tz-aware one, which icalendar writes with the Z suffix."""
    return moment.replace(tzinfo=UTC) if moment is not None else None


def uid_of(kind, row_id):
    """`kind-id@host`: stable for the row's whole life and unique to this installation."""
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "pbflow"
    return f"{kind}-{row_id}@{host}"


def sequence_since(changed):
    """SEQUENCE for a row last changed at `changed` (naive UTC): it grows with every change."""
    return max(int((changed - SEQUENCE_EPOCH).total_seconds()), 0)


def calendar_of(events, prodid, name=None):
    """A whole VCALENDAR of these VEVENTs, ready to send as text/calendar; no events gives a valid empty one."""
    from icalendar import Calendar  # on first use: ~4 MB a server process rarely needs

    calendar = Calendar()
    calendar.add("prodid", prodid)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name is not None:
        calendar.add("x-wr-calname", str(name))
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()


def uid(meeting):
    return uid_of("meeting", meeting.id)


def sequence(meeting):
    return sequence_since(meeting.updated_at or meeting.created_at or SEQUENCE_EPOCH)


def location(meeting, url):
    """Venue, address and room for a meeting in person; for an online one, where the discussion is."""
    if meeting.is_online:
        return _("Online discussion: %(url)s", url=url)
    parts = []
    if meeting.venue is not None:
        parts += [meeting.venue.name, meeting.venue.address]
    if meeting.room:
        parts.append(meeting.room)
    return ", ".join(part for part in parts if part)


def description(meeting, url):
    """The agenda as written (Markdown reads well as plain text), what to bring, and the page."""
    parts = []
    if meeting.agenda.strip():
        parts.append(_("Agenda:") + "\n" + meeting.agenda.strip())
    if meeting.what_to_bring.strip():
        parts.append(_("What to bring:") + " " + meeting.what_to_bring.strip())
    if meeting.state is MeetingStatus.CANCELLED and meeting.cancel_reason.strip():
        parts.append(_("Cancelled:") + " " + meeting.cancel_reason.strip())
    parts.append(_("The meeting's page:") + " " + url)
    return "\n\n".join(parts)


def meeting_event(meeting, now=None):
    """One VEVENT; the meeting needs its venue loaded (load_meeting and calendar.query join it)."""
    from icalendar import Event  # on first use: ~4 MB a server process rarely needs

    url = external_url("meetings.show", meeting_id=meeting.id)
    event = Event()
    event.add("uid", uid(meeting))
    event.add("dtstamp", as_utc(now or utcnow()))
    event.add("dtstart", as_utc(meeting.starts_at))
    event.add("dtend", as_utc(meeting.ends_at))
    if meeting.created_at is not None:
        event.add("created", as_utc(meeting.created_at))
    if meeting.updated_at is not None:
        event.add("last-modified", as_utc(meeting.updated_at))
    event.add("sequence", sequence(meeting))
    event.add("summary", meeting.title)
    place = location(meeting, url)
    if place:
        event.add("location", place)
    event.add("description", description(meeting, url))
    event.add("url", url)
    event.add("status", "CANCELLED" if meeting.state is MeetingStatus.CANCELLED else "CONFIRMED")
    return event


def calendar_bytes(meetings, name, now=None):
    """The feed of these meetings, named `name` in the calendar app."""
    now = now or utcnow()
    return calendar_of((meeting_event(meeting, now) for meeting in meetings), PRODID, name)
