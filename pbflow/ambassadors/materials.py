"""Materials for ambassadors: for the whole edition, one district, or one area."""

from sqlalchemy import or_, select

from pbflow.ambassadors.models import Material
from pbflow.extensions import db


def materials_for(edition, district_id, area_id):
    """What an ambassador of that area sees: the edition's, the district's and the area's materials."""
    query = (
        select(Material)
        .where(Material.edition_id == edition.id)
        .where(or_(
            Material.district_id.is_(None) & Material.area_id.is_(None),
            (Material.district_id == district_id) & Material.area_id.is_(None),
            Material.area_id == area_id,
        ))
        .order_by(Material.kind, Material.title, Material.id)
    )
    return db.session.scalars(query).all()
