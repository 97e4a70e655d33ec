"""Scheduling residents' meetings: create, edit or reschedule, cancel; the reusable list of venues.

The rules (one place, so the form and the service say the same):
- a meeting is scheduled while the edition's meetings stage is open, for a day inside that stage,
  by the area's ambassador or a coordinator (policy.can_schedule);
- it starts in the future and ends after it starts: at most 12 hours on for a meeting in person,
  at most 31 days for an online discussion;
- an in-person meeting has a venue; an online discussion has none;
- capacity is at least 1 and never below the places already confirmed; raising it gives the new
  places to the waiting list in order;
- a held or cancelled meeting is not edited here (the meeting day page keeps the minutes);
- everyone with a live sign-up is told by e-mail when the time or place changes, or the meeting is
  cancelled, in their own language.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from pbflow.core import audit
from pbflow.core.clock import WARSAW
from pbflow.core.database import utcnow
from pbflow.core.mail import send_mail
from pbflow.core.web.urls import external_url
from pbflow.editions import services as editions
from pbflow.editions.models import District, Edition, Stage
from pbflow.extensions import db
from pbflow.meetings import policy, signups
from pbflow.meetings.models import (
    Meeting,
    MeetingChange,
    MeetingFormat,
    MeetingSignup,
    MeetingStatus,
    Venue,
)

LONGEST_MEETING = timedelta(hours=12)
LONGEST_DISCUSSION = timedelta(days=31)  # an online discussion stays open for days
CAPACITY_MAX = 2000
TITLE_MAX = 200
ROOM_MAX = 200
AGENDA_MAX = 20_000
BRING_MAX = 2000
REASON_MAX = 1000
VENUE_NAME_MAX = 200
VENUE_ADDRESS_MAX = 300
VENUE_ACCESSIBILITY_MAX = 500


class MeetingError(Exception):
    """A scheduling rule said no; the message is shown. `field` names the form field it concerns."""

    def __init__(self, message, field=None, status=422):
        super().__init__(message)
        self.field = field
        self.status = status


@dataclass
class MeetingDetails:
    """What the scheduling form gives: times are naive UTC."""

    title: str
    format: str
    venue_id: int | None
    room: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    agenda: str = ""
    what_to_bring: str = ""


def warsaw_day(moment):
    """The Kraków calendar day of a naive-UTC moment."""
    return moment.replace(tzinfo=UTC).astimezone(WARSAW).date()


def _stage_window(edition):
    return next((opens, closes) for stage, opens, closes in edition.stage_dates() if stage is Stage.MEETINGS)


def _check(edition, details, meeting=None, now=None):
    """Refuse what no meeting may be; `meeting` is the one being edited (its sign-ups count)."""
    now = now or utcnow()
    if details.format not in {f.value for f in MeetingFormat}:
        raise MeetingError(_("Choose in person or online discussion."), "format")
    if details.format == MeetingFormat.IN_PERSON.value and (
            details.venue_id is None or db.session.get(Venue, details.venue_id) is None):
        raise MeetingError(_("Choose where the meeting takes place."), "venue")
    time_changed = meeting is None or (meeting.starts_at, meeting.ends_at) != (details.starts_at, details.ends_at)
    if time_changed:
        if details.starts_at <= now:
            raise MeetingError(_("The start must be in the future."), "starts_at")
        if details.ends_at <= details.starts_at:
            raise MeetingError(_("The end must be after the start."), "ends_at")
        online = details.format == MeetingFormat.ONLINE.value
        if not online and details.ends_at - details.starts_at > LONGEST_MEETING:
            raise MeetingError(_("A meeting lasts at most 12 hours; for more, schedule several."), "ends_at")
        if online and details.ends_at - details.starts_at > LONGEST_DISCUSSION:
            raise MeetingError(_("An online discussion stays open at most 31 days."), "ends_at")
        opens, closes = _stage_window(edition)
        if not opens <= warsaw_day(details.starts_at) <= closes:
            raise MeetingError(_("Meetings of %(edition)s take place between %(opens)s and %(closes)s.",
                                 edition=edition.name, opens=opens.strftime("%d.%m.%Y"),
                                 closes=closes.strftime("%d.%m.%Y")), "starts_at")
    if not 1 <= details.capacity <= CAPACITY_MAX:
        raise MeetingError(_("Give a number of places from 1 to %(max)d.", max=CAPACITY_MAX), "capacity")
    if meeting is not None and details.capacity < meeting.confirmed_seats:
        raise MeetingError(_("%(num)d places are already confirmed, so the meeting needs at least that many.",
                             num=meeting.confirmed_seats), "capacity")


def _stage_open(edition):
    if edition is None or not editions.stage_is_open(edition, Stage.MEETINGS):
        raise MeetingError(_("Meetings can be scheduled only while the residents' meetings stage is open."),
                           status=409)


def schedule(actor, edition, area, details):
    """A new planned meeting of the area, organised by the actor."""
    if not policy.can_schedule(actor, edition.id if edition else None, area.id):
        raise MeetingError(_("Only the area's ambassadors and coordinators schedule its meetings."), status=403)
    _stage_open(edition)
    _check(edition, details)
    meeting = Meeting(edition_id=edition.id, area_id=area.id, district_id=area.district_id, organiser_id=actor.id,
                      **_columns(details))
    db.session.add(meeting)
    db.session.flush()
    audit.record(actor, "meeting.scheduled", meeting, area_id=area.id, starts_at=meeting.starts_at.isoformat(),
                 format=meeting.format, capacity=meeting.capacity)
    return meeting


def _columns(details):
    online = details.format == MeetingFormat.ONLINE.value
    return {"title": details.title, "format": details.format, "venue_id": None if online else details.venue_id,
            "room": "" if online else details.room, "starts_at": details.starts_at, "ends_at": details.ends_at,
            "capacity": details.capacity, "agenda": details.agenda, "what_to_bring": details.what_to_bring}


def update(actor, meeting, details):
    """Edit or reschedule a planned meeting; tell the signed-up people what changed. Returns the change or None.

    The view has locked the meeting row, so a sign-up cannot slip in between the capacity check and the save."""
    if not policy.can_manage(actor, meeting):
        raise MeetingError(_("Only the area's ambassadors and coordinators change its meetings."), status=403)
    if meeting.state is not MeetingStatus.PLANNED:
        raise MeetingError(_("Only a planned meeting can be changed; this one is “%(status)s”.",
                             status=meeting.state.title), status=409)
    edition = db.session.get(Edition, meeting.edition_id)
    columns = _columns(details)
    rescheduled = (meeting.starts_at, meeting.ends_at) != (details.starts_at, details.ends_at)
    if rescheduled:
        _stage_open(edition)
    _check(edition, details, meeting)
    moved = (meeting.format, meeting.venue_id, meeting.room) != (columns["format"], columns["venue_id"],
                                                                  columns["room"])
    before = {"starts_at": meeting.starts_at, "ends_at": meeting.ends_at, "venue_id": meeting.venue_id}
    changed = {name: value for name, value in columns.items() if getattr(meeting, name) != value}
    if not changed:
        return None
    capacity_grew = details.capacity > meeting.capacity
    for name, value in changed.items():
        setattr(meeting, name, value)
    meeting.updated_at = utcnow()
    db.session.flush()
    audit.record(actor, "meeting.changed", meeting, fields=sorted(changed),
                 **({"from_starts_at": before["starts_at"].isoformat(), "starts_at": meeting.starts_at.isoformat()}
                    if rescheduled else {}))
    if capacity_grew:
        signups.promote_waiting(actor, meeting)
    change = MeetingChange.RESCHEDULED if rescheduled else MeetingChange.CHANGED if moved else None
    if change is not None:
        _tell_everyone(meeting, "meeting_changed", change=change, before=before)
    return change


def cancel(actor, meeting, reason):
    """Cancel a planned meeting with a reason everyone signed up is told."""
    if not policy.can_manage(actor, meeting):
        raise MeetingError(_("Only the area's ambassadors and coordinators cancel its meetings."), status=403)
    if meeting.state is not MeetingStatus.PLANNED:
        raise MeetingError(_("Only a planned meeting can be cancelled; this one is “%(status)s”.",
                             status=meeting.state.title), status=409)
    reason = (reason or "").strip()
    if not reason:
        raise MeetingError(_("Tell the residents why the meeting is cancelled."), "reason")
    meeting.status = MeetingStatus.CANCELLED.value
    meeting.cancel_reason = reason[:REASON_MAX]
    meeting.updated_at = utcnow()
    db.session.flush()
    audit.record(actor, "meeting.cancelled", meeting, reason=meeting.cancel_reason)
    _tell_everyone(meeting, "meeting_cancelled", change=MeetingChange.CANCELLED)
    return meeting


def _tell_everyone(meeting, template, **context):
    """Mail everyone with a live sign-up (confirmed or waiting), each in their own language."""
    meeting = db.session.scalar(select(Meeting).where(Meeting.id == meeting.id)
                                .options(joinedload(Meeting.venue), joinedload(Meeting.area)))
    rows = db.session.execute(
        select(MeetingSignup).where(MeetingSignup.meeting_id == meeting.id,
                                    MeetingSignup.status.in_(signups.LIVE))
        .options(joinedload(MeetingSignup.user)).order_by(MeetingSignup.id)).scalars().all()
    url = external_url("meetings.show", meeting_id=meeting.id)
    calendar_url = external_url("meetings.index", area=meeting.area_id)
    for signup in rows:
        person = signup.user
        if person is None or not person.email or getattr(person, "is_deleted", False):
            continue
        with force_locale(person.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            if template == "meeting_cancelled":
                subject = _("Cancelled: “%(title)s”", title=meeting.title)
            elif context.get("change") is MeetingChange.RESCHEDULED:
                subject = _("New date: “%(title)s”", title=meeting.title)
            else:
                subject = _("New place: “%(title)s”", title=meeting.title)
            body = render_template(f"meetings/mail/{template}.txt", person=person, meeting=meeting, signup=signup,
                                   url=url, calendar_url=calendar_url, **context)
            send_mail(person.email, subject, body)


# --- venues ----------------------------------------------------------------------------

def venue_key(name):
    return " ".join((name or "").split()).casefold()


def venues():
    """Every venue, by name: the scheduling form's list (a city has dozens, not thousands)."""
    return db.session.scalars(select(Venue).order_by(Venue.name_key, Venue.id).limit(1000)).all()


def add_venue(actor, name, address, kind, district_id=None, accessibility=""):
    """A new reusable venue; the same name twice (whatever the case or spacing) is refused."""
    if not policy.can_add_venue(actor):
        raise MeetingError(_("Only ambassadors and coordinators add venues."), status=403)
    name = " ".join((name or "").split())
    key = venue_key(name)
    if db.session.scalar(select(Venue.id).where(Venue.name_key == key)) is not None:
        raise MeetingError(_("There is already a venue called “%(name)s”.", name=name), "name")
    if district_id is not None and db.session.get(District, district_id) is None:
        raise MeetingError(_("Choose the district from the list."), "district")
    venue = Venue(name=name, name_key=key, address=" ".join(address.split()), kind=kind, district_id=district_id,
                  accessibility=accessibility.strip(), created_by_id=actor.id)
    db.session.add(venue)
    db.session.flush()
    audit.record(actor, "venue.added", venue, name=name)
    return venue
