"""What the marathon pages read: the public list (keyset pages over (day, id), each marathon with its
times, in two queries whatever the number), a marathon's page in a fixed number of queries, free times."""

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from pbflow.core import clock, keyset
from pbflow.core.database import utcnow
from pbflow.extensions import db
from pbflow.marathons import bookings, policy
from pbflow.marathons.models import Marathon, MarathonSlot, MarathonStatus

PAGE_SIZE = 10
FREE_LIMIT = 200
_CURSOR = re.compile(r"^(\d{4})(\d{2})(\d{2})-(\d{1,10})$")


class BadCursor(ValueError):
    """A page link that was typed or cut short."""


@dataclass(frozen=True)
class Page:
    items: list  # marathons with .slots loaded
    next_cursor: str | None


def cursor_of(marathon):
    return f"{marathon.day:%Y%m%d}-{marathon.id}"


def parse_cursor(text):
    if not text:
        return None
    match = _CURSOR.match(text.strip())
    if match is None:
        raise BadCursor(text)
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3))), int(match.group(4))
    except ValueError as error:
        raise BadCursor(text) from error


def page(edition_id, cursor=None, size=PAGE_SIZE, today=None):
    """Marathons of the edition from today on (cancelled ones too, marked), soonest first."""
    query = (select(Marathon).options(selectinload(Marathon.slots))
             .where(Marathon.edition_id == edition_id, Marathon.day >= (today or clock.today()))
             .order_by(Marathon.day, Marathon.id))
    after = parse_cursor(cursor)
    if after is not None:
        query = query.where(keyset.after((Marathon.day, Marathon.id), after))
    rows = db.session.scalars(query.limit(size + 1)).all()
    items = rows[:size]
    return Page(items, cursor_of(items[-1]) if len(rows) > size else None)


def is_open(slot, marathon, now):
    return marathon.state is MarathonStatus.PLANNED and slot.starts_at > now and slot.booked_seats < slot.seats


def page_context(user, marathon, slots, now=None):
    """Everything a marathon's page shows this person."""
    now = now or utcnow()
    may_see = policy.can_see_bookings(user, marathon.id)
    mine = bookings.mine(user)
    return {
        "marathon": marathon, "slots": slots, "slot_by_id": {slot.id: slot for slot in slots}, "now": now,
        "open_slots": [slot for slot in slots if is_open(slot, marathon, now)],
        "bookable": bookings.bookable(user, marathon.edition_id),
        "mine_here": [row for row in mine if row[2].id == marathon.id],
        "mine_elsewhere": [row for row in mine if row[2].id != marathon.id],
        "may_manage": policy.can_manage_marathons(user), "may_change": policy.can_change(user, marathon),
        "may_see_bookings": may_see,
        "marathon_bookings": bookings.of_marathon(marathon.id) if may_see else [],
        "helpers": _helpers(marathon.id) if may_see else [],
    }


def _helpers(marathon_id):
    from pbflow.marathons.marathons import helpers_of

    return helpers_of(marathon_id)


def booked_count(marathon_id):
    return db.session.scalar(select(func.coalesce(func.sum(MarathonSlot.booked_seats), 0))
                             .where(MarathonSlot.marathon_id == marathon_id))


def future_slots(edition_id, exclude_slot_id=None, now=None, limit=FREE_LIMIT):
    """[(slot, marathon)]: future times at planned marathons of the edition (full ones too: the form says
    "full", and a time that fills up while the form is open is refused with that message, not "not in the list")."""
    query = (select(MarathonSlot, Marathon).join(Marathon, Marathon.id == MarathonSlot.marathon_id)
             .where(Marathon.edition_id == edition_id, Marathon.status == MarathonStatus.PLANNED.value,
                    MarathonSlot.starts_at > (now or utcnow()))
             .order_by(MarathonSlot.starts_at, MarathonSlot.id).limit(limit))
    if exclude_slot_id is not None:
        query = query.where(MarathonSlot.id != exclude_slot_id)
    return [tuple(row) for row in db.session.execute(query).all()]


def booking_facts(booking):
    return {"slot": db.session.get(MarathonSlot, booking.slot_id), "marathon": db.session.get(Marathon, booking.marathon_id)}
