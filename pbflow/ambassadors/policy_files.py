"""Who may manage and see training items, materials and the files attached to them."""

from sqlalchemy import select

from pbflow.accounts.models import Role
from pbflow.ambassadors.models import (
    AmbassadorApplication,
    ApplicationStatus,
    Material,
    TrainingItem,
)
from pbflow.extensions import db


def is_coordinator(user):
    return user.is_authenticated and user.has_role(Role.COORDINATOR)


def approved_applications(user, edition_id):
    """The user's approved applications in an edition: the areas they are the ambassador of."""
    if not user.is_authenticated or edition_id is None:
        return []
    return db.session.scalars(select(AmbassadorApplication).where(
        AmbassadorApplication.edition_id == edition_id, AmbassadorApplication.user_id == user.id,
        AmbassadorApplication.status == ApplicationStatus.APPROVED.value,
    ).order_by(AmbassadorApplication.id)).all()


def can_manage_training(user):
    return is_coordinator(user)


def can_manage_materials(user):
    return is_coordinator(user)


def can_tick(user, item):
    """Only the edition's approved ambassadors keep a checklist."""
    return bool(approved_applications(user, item.edition_id))


def can_see_training_item(user, item):
    return is_coordinator(user) or can_tick(user, item)


def covers(material, application):
    """The material is for the whole edition, the ambassador's district, or their area."""
    if material.edition_id != application.edition_id:
        return False
    if material.area_id is not None:
        return material.area_id == application.area_id
    return material.district_id is None or material.district_id == application.district_id


def can_see_material(user, material):
    if is_coordinator(user):
        return True
    return any(covers(material, application) for application in approved_applications(user, material.edition_id))


def can_download(user, stored_file):
    """Decided by what owns the file; a file nothing owns any more is for coordinators only."""
    if is_coordinator(user):
        return True
    if not user.is_authenticated:
        return False
    item = db.session.scalar(select(TrainingItem).where(TrainingItem.file_id == stored_file.id).limit(1))
    if item is not None and can_see_training_item(user, item):
        return True
    owners = db.session.scalars(select(Material).where(Material.file_id == stored_file.id)).all()
    return any(can_see_material(user, material) for material in owners)
