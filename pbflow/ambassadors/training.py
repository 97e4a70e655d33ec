"""The training checklist: what the coordinator asks ambassadors to go through."""

from sqlalchemy import select

from pbflow.ambassadors.models import TrainingItem, TrainingProgress
from pbflow.extensions import db


def checklist(user, edition):
    """[(item, done)] for one ambassador, in the checklist's order; two queries whatever its length."""
    items = db.session.scalars(
        select(TrainingItem).where(TrainingItem.edition_id == edition.id).order_by(TrainingItem.position, TrainingItem.id)
    ).all()
    done = set(db.session.scalars(
        select(TrainingProgress.item_id).join(TrainingItem)
        .where(TrainingItem.edition_id == edition.id, TrainingProgress.user_id == user.id)))
    return [(item, item.id in done) for item in items]
