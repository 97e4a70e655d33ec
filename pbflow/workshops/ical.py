"""A consultation booking as iCalendar (RFC 5545), so both sides keep it in their phone's calendar.

The UID is stable for the booking's whole life; a cancelled booking (or slot) is sent with
STATUS:CANCELLED so calendar apps strike it out instead of keeping it."""

from flask_babel import gettext as _

from pbflow.core.database import utcnow
from pbflow.core.web.urls import external_url
from pbflow.meetings.ical import as_utc, calendar_of, uid_of
from pbflow.workshops.models import BookingStatus, SlotStatus

PRODID = "-//pbflow//Consultations//PL"


def uid(booking):
    return uid_of("consultation-booking", booking.id)


def booking_bytes(booking, slot, proposal, unit, now=None):
    from icalendar import Event  # on first use: ~4 MB a server process rarely needs

    cancelled = booking.state is BookingStatus.CANCELLED or slot.state is SlotStatus.CANCELLED
    page = external_url("consultations.mine")
    event = Event()
    event.add("uid", uid(booking))
    event.add("dtstamp", as_utc(now or utcnow()))
    event.add("dtstart", as_utc(slot.starts_at))
    event.add("dtend", as_utc(slot.ends_at))
    event.add("created", as_utc(booking.created_at))
    event.add("sequence", 1 if cancelled else 0)
    event.add("summary", _("Consultation: %(proposal)s (%(unit)s)", proposal=proposal.title, unit=unit.short_name))
    if slot.place:
        event.add("location", slot.place)
    event.add("url", slot.online_url or page)
    parts = [_("Question:") + " " + booking.question]
    if slot.online_url:
        parts.append(_("Online: %(url)s", url=slot.online_url))
    if cancelled and booking.cancel_reason:
        parts.append(_("Cancelled:") + " " + booking.cancel_reason)
    parts.append(_("Your consultations:") + " " + page)
    event.add("description", "\n\n".join(parts))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return calendar_of([event], PRODID)
