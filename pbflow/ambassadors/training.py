"""The training checklist: what the coordinator asks ambassadors to go through, and who has."""

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload

from pbflow.accounts.models import User
from pbflow.ambassadors.models import (
    AmbassadorApplication,
    ApplicationStatus,
    TrainingItem,
    TrainingProgress,
)
from pbflow.core import audit
from pbflow.core.uploads import save_upload
from pbflow.editions.models import Area, Edition
from pbflow.editions.services import current_edition
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


def summary(entries):
    """(done, total) of a checklist."""
    return sum(1 for _item, done in entries if done), len(entries)


# --- which edition a coordinator works on ----------------------------------

def pick_edition(edition_id=None):
    """The edition asked for, or the current one; None when there is no such edition."""
    return db.session.get(Edition, edition_id) if edition_id is not None else current_edition()


def all_editions():
    return db.session.scalars(select(Edition).order_by(Edition.year.desc(), Edition.name)).all()


# --- the coordinator's checklist --------------------------------------------

def items_query(edition):
    return select(TrainingItem).where(TrainingItem.edition_id == edition.id).order_by(TrainingItem.position, TrainingItem.id)


def count_items(edition):
    return db.session.scalar(select(func.count()).select_from(TrainingItem).where(TrainingItem.edition_id == edition.id))


def create_item(actor, edition, *, title, description="", link_url=None, upload=None):
    """A new point at the end of the edition's checklist, with an optional link and file."""
    last = db.session.scalar(select(func.max(TrainingItem.position)).where(TrainingItem.edition_id == edition.id))
    stored = save_upload(upload, actor) if upload else None
    item = TrainingItem(edition_id=edition.id, position=(last or 0) + 1, title=title,
                        description=description or "", link_url=link_url or None, file=stored)
    db.session.add(item)
    db.session.flush()
    audit.record(actor, "training_item.created", item, edition_id=edition.id, title=title,
                 link_url=item.link_url, file_id=stored.id if stored else None)
    return item


def update_item(actor, item, *, title, description="", link_url=None, upload=None, remove_file=False):
    """Change an item; a new file replaces the old one, which stays stored for the audit trail."""
    before = {"title": item.title, "description": item.description, "link_url": item.link_url, "file_id": item.file_id}
    item.title, item.description, item.link_url = title, description or "", link_url or None
    if upload:
        item.file = save_upload(upload, actor)
    elif remove_file:
        item.file = None
    db.session.flush()
    after = {"title": item.title, "description": item.description, "link_url": item.link_url, "file_id": item.file_id}
    changed = sorted(key for key in before if before[key] != after[key])
    if changed:
        audit.record(actor, "training_item.updated", item, edition_id=item.edition_id, title=item.title,
                     changed=changed, file_id=item.file_id, previous_file_id=before["file_id"])
    return item


def delete_item(actor, item):
    """Remove an item and everyone's tick on it; its file stays stored (coordinators only) for the audit trail."""
    audit.record(actor, "training_item.deleted", item, edition_id=item.edition_id, title=item.title,
                 file_id=item.file_id)
    db.session.execute(db.delete(TrainingProgress).where(TrainingProgress.item_id == item.id))
    db.session.delete(item)
    db.session.flush()


def move_item(actor, item, direction):
    """Swap with the neighbour above ("up") or below ("down"); positions become 1..n. False at either end."""
    items = db.session.scalars(items_query(db.session.get(Edition, item.edition_id))).all()
    index = next(i for i, candidate in enumerate(items) if candidate.id == item.id)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        return False
    items[index], items[other] = items[other], items[index]
    for position, candidate in enumerate(items, 1):
        candidate.position = position
    db.session.flush()
    audit.record(actor, "training_item.moved", item, edition_id=item.edition_id, direction=direction,
                 position=item.position)
    return True


def page_of(item, per_page):
    """The page of the coordinator's list that shows this item."""
    before = db.session.scalar(select(func.count()).select_from(TrainingItem).where(
        TrainingItem.edition_id == item.edition_id,
        (TrainingItem.position < item.position) | ((TrainingItem.position == item.position) & (TrainingItem.id < item.id))))
    return before // per_page + 1


# --- ticks ------------------------------------------------------------------

def is_done(user, item):
    return db.session.get(TrainingProgress, (item.id, user.id)) is not None


def mark_done(user, item):
    """Tick an item off; ticking it again changes nothing. True when something changed."""
    if is_done(user, item):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(TrainingProgress(item_id=item.id, user_id=user.id))
    except IntegrityError:  # the same person ticked it in another tab a moment ago
        return False
    audit.record(user, "training_item.done", item, edition_id=item.edition_id, title=item.title)
    return True


def mark_undone(user, item):
    progress = db.session.get(TrainingProgress, (item.id, user.id))
    if progress is None:
        return False
    db.session.delete(progress)
    db.session.flush()
    audit.record(user, "training_item.undone", item, edition_id=item.edition_id, title=item.title)
    return True


# --- progress of the edition's ambassadors -----------------------------------

def ambassadors_query(edition):
    """The edition's approved ambassadors with their user, area and district, by name."""
    return (
        select(AmbassadorApplication)
        .join(User, User.id == AmbassadorApplication.user_id)
        .outerjoin(Area, Area.id == AmbassadorApplication.area_id)
        .options(contains_eager(AmbassadorApplication.user), contains_eager(AmbassadorApplication.area),
                 joinedload(AmbassadorApplication.district))
        .where(AmbassadorApplication.edition_id == edition.id,
               AmbassadorApplication.status == ApplicationStatus.APPROVED.value)
        .order_by(func.lower(User.name), AmbassadorApplication.id)
    )


def done_counts(edition, user_ids):
    """{user id: items ticked off} in one aggregate query."""
    rows = db.session.execute(
        select(TrainingProgress.user_id, func.count())
        .join(TrainingItem, TrainingItem.id == TrainingProgress.item_id)
        .where(TrainingItem.edition_id == edition.id, TrainingProgress.user_id.in_(list(user_ids)))
        .group_by(TrainingProgress.user_id))
    return dict(rows.all())
