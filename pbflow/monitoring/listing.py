"""The activity list: newest first, keyset pages over (held_on, id) so page N costs what page 1 does."""

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from pbflow.core import keyset
from pbflow.editions.models import Area, District
from pbflow.extensions import db
from pbflow.monitoring.models import Activity

PAGE_SIZE = 25
_CURSOR = re.compile(r"^(\d{4})(\d{2})(\d{2})-(\d{1,18})$")


class BadCursor(ValueError):
    """A page link that was typed or cut short."""


@dataclass(frozen=True)
class Page:
    rows: list
    next_cursor: str | None


def parse_cursor(text):
    if not text:
        return None
    found = _CURSOR.match(text.strip())
    if found is None:
        raise BadCursor(text)
    try:
        return date(int(found.group(1)), int(found.group(2)), int(found.group(3))), int(found.group(4))
    except ValueError as error:
        raise BadCursor(text) from error


def page(edition_id, cursor=None, size=PAGE_SIZE):
    district = District.__table__.alias("activity_district")
    statement = (select(Activity.id, Activity.kind, Activity.title, Activity.held_on, Activity.minutes,
                        Activity.participants, Activity.new_participants, Activity.led_by, Activity.recorded_by_id,
                        district.c.name.label("district"), Area.name.label("area"))
                 .outerjoin(district, district.c.id == Activity.district_id)
                 .outerjoin(Area, Area.id == Activity.area_id)
                 .where(Activity.edition_id == edition_id)
                 .order_by(Activity.held_on.desc(), Activity.id.desc()))
    after = parse_cursor(cursor)
    if after is not None:
        statement = statement.where(keyset.after((Activity.held_on, Activity.id), after, descending=True))
    rows = db.session.execute(statement.limit(size + 1)).all()
    shown = rows[:size]
    last = shown[-1] if shown else None
    return Page(shown, f"{last.held_on:%Y%m%d}-{last.id}" if len(rows) > size else None)
