"""The public calendar of residents' meetings: upcoming ones in time order, or past ones newest first.

Pages are keyset pages over (starts_at, id), read from the (edition_id|district_id|area_id,
starts_at, id) indexes, so page 50 costs what page 1 costs and nothing counts the whole table.
The iCalendar feed of the whole calendar reads the same query.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from pbflow.core import keyset
from pbflow.core.database import utcnow
from pbflow.extensions import db
from pbflow.meetings.models import Meeting, MeetingFormat

PAGE_SIZE = 20
UPCOMING, PAST = "upcoming", "past"
_CURSOR = re.compile(r"^(\d{14})-(\d{1,18})$")


class BadCursor(ValueError):
    """A page link that was typed or cut short."""


@dataclass(frozen=True)
class CalendarFilters:
    edition_id: int | None = None
    district_id: int | None = None
    area_id: int | None = None
    format: str | None = None  # a MeetingFormat value
    when: str = UPCOMING


@dataclass(frozen=True)
class CalendarPage:
    items: list
    next_cursor: str | None


def cursor_of(meeting):
    return f"{meeting.starts_at:%Y%m%d%H%M%S}-{meeting.id}"


def parse_cursor(text):
    """"20261205170000-12" → (datetime, 12); None for no cursor; BadCursor for anything else."""
    if not text:
        return None
    match = _CURSOR.match(text.strip())
    if match is None:
        raise BadCursor(text)
    try:
        moment = datetime.strptime(match.group(1), "%Y%m%d%H%M%S")
    except ValueError as error:
        raise BadCursor(text) from error
    return moment, int(match.group(2))


def query(filters, after=None, now=None):
    """The meetings the filters choose, in calendar order, after the cursor position (if any)."""
    now = now or utcnow()
    statement = select(Meeting).options(joinedload(Meeting.venue), joinedload(Meeting.area),
                                        joinedload(Meeting.district))
    if filters.edition_id is not None:
        statement = statement.where(Meeting.edition_id == filters.edition_id)
    if filters.district_id is not None:
        statement = statement.where(Meeting.district_id == filters.district_id)
    if filters.area_id is not None:
        statement = statement.where(Meeting.area_id == filters.area_id)
    if filters.format in {f.value for f in MeetingFormat}:
        statement = statement.where(Meeting.format == filters.format)
    if filters.when == PAST:
        statement = statement.where(Meeting.ends_at <= now).order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        if after is not None:
            statement = statement.where(keyset.after((Meeting.starts_at, Meeting.id), after, descending=True))
    else:
        statement = statement.where(Meeting.ends_at > now).order_by(Meeting.starts_at, Meeting.id)
        if after is not None:
            statement = statement.where(keyset.after((Meeting.starts_at, Meeting.id), after))
    return statement


def page(filters, cursor=None, size=PAGE_SIZE, now=None):
    """One page of the calendar and the cursor of the next one (None on the last page)."""
    rows = db.session.scalars(query(filters, parse_cursor(cursor), now).limit(size + 1)).unique().all()
    items = rows[:size]
    return CalendarPage(items=items, next_cursor=cursor_of(items[-1]) if len(rows) > size else None)


def feed_meetings(filters, limit=500, now=None):
    """What the calendar's iCalendar feed holds: the first `limit` meetings the filters choose."""
    return db.session.scalars(query(filters, None, now).limit(limit)).unique().all()
