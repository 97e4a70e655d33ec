"""Edition rules: which edition is current, which stage is open, areas in districts."""

import re

from flask_babel import gettext as _
from sqlalchemy import select

from pbflow.core import audit, clock
from pbflow.editions.models import Area, District, Edition
from pbflow.extensions import db


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


def area_name_key(name):
    return re.sub(r"\s+", " ", (name or "").strip()).casefold()


def find_area(district_id, name):
    return db.session.scalar(
        select(Area).where(Area.district_id == district_id, Area.name_key == area_name_key(name)))


def create_area(actor, district, name, description=""):
    """A new area in a district; names are unique per district whatever the letter case."""
    name = re.sub(r"\s+", " ", name.strip())
    if find_area(district.id, name) is not None:
        raise EditionError(_("The district %(district)s already has an area called %(name)s.",
                             district=district.name, name=name))
    area = Area(district=district, name=name, name_key=area_name_key(name),
                description=(description or "").strip(), created_by_id=getattr(actor, "id", None))
    db.session.add(area)
    db.session.flush()
    audit.record(actor, "area.created", area, name=name, district=district.name)
    return area


def districts():
    return db.session.scalars(select(District).order_by(District.number)).all()
