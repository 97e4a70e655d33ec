"""Edition rules: which edition is current, which stage is open, cost caps, areas in districts.

Setting editions up (dates, pools, criteria) lives in services_admin.py.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from pbflow.core import audit, clock
from pbflow.editions.models import Area, District, Edition, Scope, Stage, district_label
from pbflow.extensions import db

AREA_NAME_MAX = 120
AREA_DESCRIPTION_MAX = 2000


class EditionError(Exception):
    """A rule about editions or areas was broken; the message is shown to the user."""


def current_edition():
    return db.session.scalar(select(Edition).where(Edition.is_current.is_(True)))


def open_stage(edition, day=None):
    """The stage open on that day (Warsaw time), or None between or outside stages."""
    day = day or clock.today()
    for stage, opens, closes in edition.stage_dates():
        if opens <= day <= closes:
            return stage
    return None


def stage_is_open(edition, stage, day=None):
    return edition is not None and open_stage(edition, day) == stage


# --- the timeline ------------------------------------------------------------

PAST, OPEN, UPCOMING = "past", "open", "upcoming"


@dataclass(frozen=True)
class TimelineEntry:
    stage: Stage
    opens: date
    closes: date
    state: str  # PAST, OPEN or UPCOMING

    @property
    def is_open(self):
        return self.state == OPEN


@dataclass(frozen=True)
class Timeline:
    """An edition's stages seen from one day: what is over, what is open, what comes next."""

    entries: tuple
    deadline: date
    today: date

    @property
    def open_entry(self):
        return next((entry for entry in self.entries if entry.is_open), None)

    @property
    def next_entry(self):
        return next((entry for entry in self.entries if entry.state == UPCOMING), None)

    @property
    def deadline_passed(self):
        return self.today > self.deadline

    @property
    def not_started(self):
        return all(entry.state == UPCOMING for entry in self.entries)


def timeline(edition, day=None):
    day = day or clock.today()
    opened = open_stage(edition, day)
    entries = []
    for stage, opens, closes in edition.stage_dates():
        state = OPEN if stage == opened else PAST if closes < day else UPCOMING
        entries.append(TimelineEntry(stage, opens, closes, state))
    return Timeline(tuple(entries), edition.submission_deadline, day)


# --- cost caps ---------------------------------------------------------------

def _cap(pool, percent, fixed):
    cap = int(Decimal(pool or 0) * Decimal(str(percent)) / 100)  # whole grosze, rounded down
    return min(cap, fixed) if fixed is not None else cap


def cost_cap(edition, scope, district=None):
    """The most one project may cost, in grosze: a share of the pool, or the fixed amount if lower."""
    if Scope(scope) is Scope.CITYWIDE:
        return _cap(edition.citywide_pool, edition.citywide_cap_percent, edition.citywide_cap_fixed)
    if district is None:
        raise ValueError("a district project needs its district")
    district_id = getattr(district, "id", district)
    pool = next((budget.pool for budget in edition.budgets if budget.district_id == district_id), 0)
    return _cap(pool, edition.district_cap_percent, edition.district_cap_fixed)


def district_caps(edition):
    """[(district, pool, cap)] for every district of the edition, in the districts' order."""
    budgets = sorted(edition.budgets, key=lambda budget: budget.district.number)
    return [(b.district, b.pool, cost_cap(edition, Scope.DISTRICT, b.district_id)) for b in budgets]


# --- districts and areas -------------------------------------------------------

def districts():
    return db.session.scalars(select(District).order_by(District.number)).all()


_DISTRICT_OPTIONS = select(District.id, District.number, District.name).order_by(District.number)
_AREA_OPTIONS = (select(Area.id, Area.name, District.number, District.name)
                 .join(District, District.id == Area.district_id).order_by(District.number, Area.name_key, Area.id))


def district_options():
    """[(id, label)] of every district in order, as plain rows: the proposal lists' filters offer them on every
    request, and loading them as objects cost more than the rest of the filter's queries."""
    return [(district_id, district_label(number, name))
            for district_id, number, name in db.session.execute(_DISTRICT_OPTIONS)]


def area_options():
    """[(id, name, its district's label)] of every area, by district and name, as plain rows (district_options)."""
    return [(area_id, name, district_label(number, district_name))
            for area_id, name, number, district_name in db.session.execute(_AREA_OPTIONS)]


def districts_with_area_counts():
    """[(district, number of areas)] in one query."""
    query = (select(District, func.count(Area.id)).outerjoin(Area, Area.district_id == District.id)
             .group_by(District.id).order_by(District.number))
    return db.session.execute(query).all()


def single_spaced(text):
    return re.sub(r"\s+", " ", (text or "").strip())


def area_name_key(name):
    return single_spaced(name).casefold()


def find_area(district_id, name):
    return db.session.scalar(
        select(Area).where(Area.district_id == district_id, Area.name_key == area_name_key(name)))


def search_areas(district_id, text=None):
    """A query for the district's areas by name; every word must appear in the name or description."""
    query = select(Area).where(Area.district_id == district_id).order_by(Area.name_key, Area.id)
    for word in (text or "").split():
        query = query.where(or_(Area.name_key.contains(word.casefold(), autoescape=True),
                                func.lower(Area.description).contains(word.lower(), autoescape=True)))
    return query


def _checked_area(district_id, name, description, area_id=None):
    name = single_spaced(name)
    description = (description or "").strip()
    if not name:
        raise EditionError(_("Enter the name of the area."))
    if len(name) > AREA_NAME_MAX or len(description) > AREA_DESCRIPTION_MAX:
        raise EditionError(_("The name or the description of the area is too long."))
    same = find_area(district_id, name)
    if same is not None and same.id != area_id:
        district = db.session.get(District, district_id)
        raise EditionError(_("The district %(district)s already has an area called %(name)s.",
                             district=district.name, name=same.name))
    return name, description


def create_area(actor, district, name, description=""):
    """A new area in a district; names are unique per district whatever the letter case."""
    name, description = _checked_area(district.id, name, description)
    area = Area(district=district, name=name, name_key=area_name_key(name),
                description=description, created_by_id=getattr(actor, "id", None))
    db.session.add(area)
    db.session.flush()
    audit.record(actor, "area.created", area, name=name, district=district.name)
    return area


def update_area(actor, area, name, description=""):
    """Rename or describe an area; True when something changed."""
    name, description = _checked_area(area.district_id, name, description, area.id)
    changes = {}
    if name != area.name:
        changes["name"] = [area.name, name]
        area.name, area.name_key = name, area_name_key(name)
    if description != area.description:
        changes["description"] = True
        area.description = description
    if changes:
        audit.record(actor, "area.updated", area, **changes)
    return bool(changes)
