"""Coordinators plan submission marathons: the day and place, the times with their seats, the helpers.

Rules: the day is within or after the edition's marathons stage, not after the submission deadline and
not in the past; a marathon has a place, an online link or both. A time starts on the marathon's day,
in the future, lasts 15–240 minutes and has 1–200 seats; a time with bookings is never removed, and its
seats never go below the places booked (one conditional UPDATE, so a booking at the same moment is
safe). Cancelling a marathon cancels its bookings, gives their seats back and tells the authors.
Every change writes an audit event; the view commits.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from pbflow.accounts.models import User
from pbflow.core import audit, clock
from pbflow.core.database import utcnow
from pbflow.core.notifications import notify, register
from pbflow.extensions import db
from pbflow.marathons import policy
from pbflow.marathons.models import (
    REASON_MAX,
    BookingStatus,
    Marathon,
    MarathonBooking,
    MarathonHelper,
    MarathonSlot,
    MarathonStatus,
)
from pbflow.meetings.forms.schedule import to_utc, to_warsaw

TITLE_MAX = 200
DESCRIPTION_MAX = 10_000
MIN_MINUTES, MAX_MINUTES = 15, 240
MIN_SEATS, MAX_SEATS = 1, 200
SEARCH_LIMIT = 20

register("marathon_cancelled",
         message=_l("The submission marathon “%(marathon)s” on %(day)s is cancelled, so the place of “%(proposal)s” "
                    "is cancelled too: %(reason)s. Please book a time at another marathon."),
         subject=_l("Cancelled: the submission marathon on %(day)s"))


class MarathonError(Exception):
    """A rule said no; `field` names the form field it belongs to, `status` the HTTP status."""

    def __init__(self, message, field=None, status=422):
        super().__init__(message)
        self.field = field
        self.status = status


@dataclass
class Details:
    title: str
    description: str
    day: date
    place: str | None
    online_url: str | None


# --- reading ---------------------------------------------------------------------------

def load(marathon_id, for_update=False):
    query = select(Marathon).where(Marathon.id == marathon_id)
    if for_update:
        query = query.with_for_update()
    return db.session.scalar(query)


def slots_of(marathon_id):
    return db.session.scalars(select(MarathonSlot).where(MarathonSlot.marathon_id == marathon_id)
                              .order_by(MarathonSlot.starts_at, MarathonSlot.id)).all()


def helpers_of(marathon_id):
    return db.session.scalars(select(User).join(MarathonHelper, MarathonHelper.user_id == User.id)
                              .where(MarathonHelper.marathon_id == marathon_id)
                              .order_by(User.name, User.id)).all()


def search_people(text, limit=SEARCH_LIMIT):
    """Active people whose name or e-mail contains the text (any role may help)."""
    text = (text or "").strip()
    if not text:
        return []
    text = text[:100]
    needle = text.lower()
    # SQLite's lower() leaves Polish capitals alone, so the name as typed is matched too.
    return db.session.scalars(
        select(User).where(User.deleted_at.is_(None),
                           or_(func.lower(User.name).contains(needle, autoescape=True),
                               User.name.contains(text, autoescape=True),
                               User.email.contains(needle, autoescape=True)))
        .order_by(func.lower(User.name), User.id).limit(limit)).all()


# --- the marathon ----------------------------------------------------------------------

def _check(edition, details, today=None):
    today = today or clock.today()
    if not details.title:
        raise MarathonError(_("Give the marathon a title."), "title")
    if details.day < today:
        raise MarathonError(_("The day has passed. Choose a day from today on."), "day")
    if details.day < edition.marathons_open:
        raise MarathonError(_("Marathons take place from the start of the marathons stage (%(day)s).",
                              day=edition.marathons_open.strftime("%d.%m.%Y")), "day")
    if details.day > edition.submission_deadline:
        raise MarathonError(_("The day is after the submission deadline (%(day)s).",
                              day=edition.submission_deadline.strftime("%d.%m.%Y")), "day")
    if not details.place and not details.online_url:
        raise MarathonError(_("Give a place, an online link, or both."), "place")


def create(actor, edition, details):
    if not policy.can_manage_marathons(actor):
        raise MarathonError(_("Only coordinators plan submission marathons."), status=403)
    if edition is None:
        raise MarathonError(_("There is no participatory-budget edition running at the moment."), status=409)
    _check(edition, details)
    marathon = Marathon(edition_id=edition.id, title=details.title, description=details.description or "",
                        day=details.day, place=details.place or None, online_url=details.online_url or None,
                        created_by_id=actor.id)
    db.session.add(marathon)
    db.session.flush()
    audit.record(actor, "marathon.created", marathon, title=marathon.title, day=marathon.day.isoformat())
    return marathon


def update_details(actor, marathon, edition, details):
    """Change the marathon; a new day moves its times to the same hours, unless a time is booked."""
    if not policy.can_change(actor, marathon):
        raise MarathonError(_("A cancelled marathon cannot be changed."), status=409)
    _check(edition, details)
    old_day = marathon.day
    if details.day != old_day:
        slots = slots_of(marathon.id)
        if any(slot.booked_seats for slot in slots):
            raise MarathonError(_("Authors have booked times on this day, so the day cannot change. Cancel the "
                                  "marathon and plan a new one, so they are told."), "day")
        for slot in slots:
            slot.starts_at = to_utc(details.day, to_warsaw(slot.starts_at).time())
    marathon.title, marathon.description = details.title, details.description or ""
    marathon.day, marathon.place, marathon.online_url = details.day, details.place or None, details.online_url or None
    db.session.flush()
    audit.record(actor, "marathon.updated", marathon, title=marathon.title, day=marathon.day.isoformat(),
                 old_day=old_day.isoformat())
    return marathon


def cancel(actor, marathon, reason):
    """Cancel the marathon and its bookings; the authors of every booked proposal are told."""
    from pbflow.marathons import bookings

    if not policy.can_change(actor, marathon):
        raise MarathonError(_("This marathon is already cancelled."), status=409)
    reason = (reason or "").strip()
    if not reason:
        raise MarathonError(_("Give a reason."), "reason")
    marathon.status = MarathonStatus.CANCELLED.value
    marathon.cancel_reason = reason[:REASON_MAX]
    active = db.session.scalars(select(MarathonBooking).where(
        MarathonBooking.marathon_id == marathon.id, MarathonBooking.status == BookingStatus.ACTIVE.value)).all()
    now = utcnow()
    db.session.execute(update(MarathonBooking).where(
        MarathonBooking.marathon_id == marathon.id, MarathonBooking.status == BookingStatus.ACTIVE.value)
        .values(status=BookingStatus.CANCELLED.value, cancelled_at=now).execution_options(synchronize_session=False))
    db.session.execute(update(MarathonSlot).where(MarathonSlot.marathon_id == marathon.id)
                       .values(booked_seats=0).execution_options(synchronize_session=False))
    db.session.flush()
    audit.record(actor, "marathon.cancelled", marathon, reason=marathon.cancel_reason,
                 booking_ids=[b.id for b in active])
    url = url_for("marathons.index")
    for booking in active:
        db.session.expire(booking)
        proposal_title, authors = bookings.authors_of(booking.proposal_id)
        notify(authors, "marathon_cancelled", url, marathon=marathon.title, day=marathon.day,
               proposal=proposal_title, reason=marathon.cancel_reason)
    return marathon


# --- times -----------------------------------------------------------------------------

def _check_size(minutes, seats):
    if minutes is None or not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise MarathonError(_("A time lasts from %(min)d to %(max)d minutes.", min=MIN_MINUTES, max=MAX_MINUTES),
                            "minutes")
    if seats is None or not MIN_SEATS <= seats <= MAX_SEATS:
        raise MarathonError(_("Give from %(min)d to %(max)d seats.", min=MIN_SEATS, max=MAX_SEATS), "seats")


def add_slot(actor, marathon, starts, minutes, seats, now=None):
    """A time on the marathon's day; `starts` is the Kraków wall-clock time (a datetime.time)."""
    if not policy.can_change(actor, marathon):
        raise MarathonError(_("A cancelled marathon cannot be changed."), status=409)
    _check_size(minutes, seats)
    starts_at = to_utc(marathon.day, starts)
    if starts_at <= (now or utcnow()):
        raise MarathonError(_("This time has passed. Choose a later one."), "starts")
    if db.session.scalar(select(exists().where(MarathonSlot.marathon_id == marathon.id,
                                               MarathonSlot.starts_at == starts_at))):
        raise MarathonError(_("There is already a time starting then: change its seats instead."), "starts")
    slot = MarathonSlot(marathon_id=marathon.id, starts_at=starts_at, minutes=minutes, seats=seats)
    db.session.add(slot)
    db.session.flush()
    audit.record(actor, "marathon.slot_added", marathon, slot_id=slot.id, starts_at=starts_at.isoformat(),
                 minutes=minutes, seats=seats)
    return slot


def change_seats(actor, marathon, slot, seats):
    """Never below the places already booked, even if someone books at this very moment."""
    if not policy.can_change(actor, marathon):
        raise MarathonError(_("A cancelled marathon cannot be changed."), status=409)
    _check_size(slot.minutes, seats)
    changed = db.session.execute(
        update(MarathonSlot).where(MarathonSlot.id == slot.id, MarathonSlot.booked_seats <= seats)
        .values(seats=seats).execution_options(synchronize_session=False)).rowcount
    db.session.expire(slot)
    if changed != 1:
        raise MarathonError(_("%(num)d seats of this time are booked, so it cannot have fewer.",
                              num=slot.booked_seats), "seats", status=409)
    audit.record(actor, "marathon.slot_seats_changed", marathon, slot_id=slot.id, seats=seats)
    return slot


def remove_slot(actor, marathon, slot):
    """Only a time nobody has booked (checked in the same DELETE)."""
    if not policy.can_change(actor, marathon):
        raise MarathonError(_("A cancelled marathon cannot be changed."), status=409)
    booked = exists().where(MarathonBooking.slot_id == MarathonSlot.id,
                            MarathonBooking.status == BookingStatus.ACTIVE.value)
    removed = db.session.execute(
        delete(MarathonSlot).where(MarathonSlot.id == slot.id, MarathonSlot.booked_seats == 0, ~booked)
        .execution_options(synchronize_session=False)).rowcount
    if removed != 1:
        raise MarathonError(_("Authors have booked this time, so it cannot be removed."), status=409)
    audit.record(actor, "marathon.slot_removed", marathon, slot_id=slot.id,
                 starts_at=slot.starts_at.isoformat())
    db.session.expunge(slot)


# --- helpers ---------------------------------------------------------------------------

def add_helper(actor, marathon, person):
    if not policy.can_change(actor, marathon):
        raise MarathonError(_("A cancelled marathon cannot be changed."), status=409)
    if person is None or person.is_deleted:
        raise MarathonError(_("Choose a person from the search results."), "person")
    if policy.is_helper(person, marathon.id):
        raise MarathonError(_("%(name)s already helps at this marathon.", name=person.name), "person", status=409)
    try:
        with db.session.begin_nested():
            db.session.add(MarathonHelper(marathon_id=marathon.id, user_id=person.id))
    except IntegrityError:  # added by a parallel request
        raise MarathonError(_("%(name)s already helps at this marathon.", name=person.name), "person",
                            status=409) from None
    audit.record(actor, "marathon.helper_added", marathon, user_id=person.id)


def remove_helper(actor, marathon, person_id):
    if not policy.can_change(actor, marathon):
        raise MarathonError(_("A cancelled marathon cannot be changed."), status=409)
    removed = db.session.execute(delete(MarathonHelper).where(
        MarathonHelper.marathon_id == marathon.id, MarathonHelper.user_id == person_id)
        .execution_options(synchronize_session=False)).rowcount
    if removed != 1:
        raise MarathonError(_("This person does not help at this marathon."), status=404)
    audit.record(actor, "marathon.helper_removed", marathon, user_id=person_id)


def ends_at(slot):
    return slot.starts_at + timedelta(minutes=slot.minutes)
