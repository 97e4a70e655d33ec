"""Materials for ambassadors: for the whole edition, one district, or one area."""

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from pbflow.ambassadors.models import Material, MaterialKind
from pbflow.core import audit
from pbflow.core.uploads import save_upload
from pbflow.core.web.urls import database_id
from pbflow.editions.models import Area, District
from pbflow.extensions import db

EDITION_WIDE = "edition"


class MaterialError(ValueError):
    """A material broke a rule; the message is shown to the user."""


def _with_places(query):
    return query.options(joinedload(Material.district), joinedload(Material.area))


def materials_for(edition, district_id, area_id):
    """What an ambassador of that area sees: the edition's, the district's and the area's materials."""
    covered = [Material.district_id.is_(None) & Material.area_id.is_(None)]
    if district_id is not None:
        covered.append((Material.district_id == district_id) & Material.area_id.is_(None))
    if area_id is not None:
        covered.append(Material.area_id == area_id)
    query = (
        select(Material)
        .where(Material.edition_id == edition.id)
        .where(or_(*covered))
        .order_by(Material.kind, Material.title, Material.id)
    )
    return db.session.scalars(_with_places(query)).all()


# --- the coordinator's list ------------------------------------------------------

def scope_value(district_id=None, area_id=None):
    if area_id is not None:
        return f"area-{area_id}"
    if district_id is not None:
        return f"district-{district_id}"
    return EDITION_WIDE


def parse_scope(value):
    """'edition', 'district-<id>' or 'area-<id>' as (district id, area id); an area implies its district."""
    kind, _sep, number = (value or EDITION_WIDE).partition("-")
    if kind == EDITION_WIDE and not number:
        return None, None
    if kind in {"district", "area"} and database_id(number) is not None:
        model = District if kind == "district" else Area
        place = db.session.get(model, database_id(number))
        if place is not None:
            return (place.id, None) if kind == "district" else (place.district_id, place.id)
    raise MaterialError(_("Choose where the material belongs: the whole edition, a district or an area."))


def scope_choices():
    """(value, label, group) for every place a material can belong to: 2 queries."""
    districts = db.session.scalars(select(District).order_by(District.number)).all()
    areas = db.session.scalars(select(Area).order_by(Area.district_id, Area.name_key)).all()
    choices = [(EDITION_WIDE, _("Whole edition (every ambassador)"), None)]
    for district in districts:
        choices.append((scope_value(district.id), _("Whole district %(district)s", district=district.label), district.label))
        choices.extend((scope_value(area.district_id, area.id), area.name, district.label)
                       for area in areas if area.district_id == district.id)
    return choices


def district_choices():
    return [(str(d.id), d.label) for d in db.session.scalars(select(District).order_by(District.number))]


def materials_query(edition, kind=None, place=None):
    """Materials of an edition; place is 'edition' (edition-wide only) or a district id (its own and its areas')."""
    query = select(Material).where(Material.edition_id == edition.id)
    if kind:
        query = query.where(Material.kind == kind)
    if place == EDITION_WIDE:
        query = query.where(Material.district_id.is_(None), Material.area_id.is_(None))
    elif place:
        query = query.where(Material.district_id == int(place))
    return _with_places(query).order_by(Material.kind, Material.title, Material.id)


# --- changes -------------------------------------------------------------------

def _check_has_content(material):
    if not material.link_url and material.file is None:
        raise MaterialError(_("Give a link, a file, or both."))


def create_material(actor, edition, *, kind, title, scope, description="", link_url=None, upload=None):
    district_id, area_id = parse_scope(scope)
    material = Material(edition_id=edition.id, kind=MaterialKind(kind).value, title=title,
                        description=description or "", link_url=link_url or None,
                        district_id=district_id, area_id=area_id, created_by_id=getattr(actor, "id", None))
    if upload:
        material.file = save_upload(upload, actor)
    _check_has_content(material)
    db.session.add(material)
    db.session.flush()
    audit.record(actor, "material.created", material, edition_id=edition.id, kind=material.kind, title=title,
                 scope=scope_value(district_id, area_id), link_url=material.link_url, file_id=material.file_id)
    return material


def update_material(actor, material, *, kind, title, scope, description="", link_url=None, upload=None,
                    remove_file=False):
    """Change a material; a replaced or removed file stays stored (coordinators only) for the audit trail."""
    fields = ("kind", "title", "description", "link_url", "district_id", "area_id", "file_id")
    before = {name: getattr(material, name) for name in fields}
    district_id, area_id = parse_scope(scope)
    material.kind, material.title = MaterialKind(kind).value, title
    material.description, material.link_url = description or "", link_url or None
    material.district_id, material.area_id = district_id, area_id
    if upload:
        material.file = save_upload(upload, actor)
    elif remove_file:
        material.file = None
    _check_has_content(material)
    db.session.flush()
    changed = sorted(name for name in fields if before[name] != getattr(material, name))
    if changed:
        audit.record(actor, "material.updated", material, edition_id=material.edition_id, title=title,
                     changed=changed, scope=scope_value(district_id, area_id), file_id=material.file_id,
                     previous_file_id=before["file_id"])
    return material


def delete_material(actor, material):
    """Remove a material; its file stays stored (coordinators only) for the audit trail."""
    audit.record(actor, "material.deleted", material, edition_id=material.edition_id, kind=material.kind,
                 title=material.title, file_id=material.file_id)
    db.session.delete(material)
    db.session.flush()
