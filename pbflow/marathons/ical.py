"""A marathon booking as iCalendar (RFC 5545), so the authors keep their time in their phone's calendar.

The UID is the booking's for its whole life: a moved booking updates the entry (SEQUENCE grows with
each change), a cancelled booking or marathon is sent with STATUS:CANCELLED so calendars strike it out."""

from datetime import timedelta

from flask_babel import gettext as _

from pbflow.core.database import utcnow
from pbflow.core.web.urls import external_url
from pbflow.marathons.models import BookingStatus, MarathonStatus
from pbflow.meetings.ical import as_utc, calendar_of, sequence_since, uid_of

PRODID = "-//pbflow//Submission marathons//PL"


def uid(booking):
    return uid_of("marathon-booking", booking.id)


def is_cancelled(booking, marathon):
    return booking.state is BookingStatus.CANCELLED or marathon.state is MarathonStatus.CANCELLED


def sequence_of(booking, marathon):
    """Seconds since 2020 of the latest change we keep a time of (booked, moved, cancelled, marathon changed)."""
    changed = max(moment for moment in (booking.created_at, booking.moved_at, booking.cancelled_at,
                                        marathon.updated_at) if moment is not None)
    return sequence_since(changed)


def booking_bytes(booking, slot, marathon, proposal, now=None):
    from icalendar import Event  # on first use: ~4 MB a server process rarely needs

    cancelled = is_cancelled(booking, marathon)
    page = external_url("marathons.show", marathon_id=marathon.id)
    event = Event()
    event.add("uid", uid(booking))
    event.add("dtstamp", as_utc(now or utcnow()))
    event.add("dtstart", as_utc(slot.starts_at))
    event.add("dtend", as_utc(slot.starts_at + timedelta(minutes=slot.minutes)))
    event.add("created", as_utc(booking.created_at))
    event.add("sequence", sequence_of(booking, marathon))
    event.add("summary", _("Submission marathon: %(proposal)s", proposal=proposal.title))
    if marathon.place:
        event.add("location", marathon.place)
    event.add("url", page)
    parts = [marathon.title]
    if marathon.online_url:
        parts.append(_("Online: %(url)s", url=marathon.online_url))
    parts.append(_("Bring the final text of the proposal and the list of supporters. A helper enters the "
                   "proposal into the city's platform with you."))
    if cancelled and marathon.state is MarathonStatus.CANCELLED and marathon.cancel_reason:
        parts.append(_("Cancelled:") + " " + marathon.cancel_reason)
    parts.append(_("The marathon's page:") + " " + page)
    event.add("description", "\n\n".join(parts))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return calendar_of([event], PRODID)
