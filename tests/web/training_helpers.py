"""Shared helpers for the training tests: rows in bulk and reading them back."""

import re

from sqlalchemy import select

from pbflow.accounts.models import User
from pbflow.accounts.passwords import hash_password
from pbflow.ambassadors.models import AmbassadorApplication, TrainingItem, TrainingProgress
from pbflow.core.models import AuditEvent
from pbflow.extensions import db


def add_items(app, edition, count, prefix="Punkt"):
    with app.app_context():
        start = db.session.scalar(select(db.func.count()).select_from(TrainingItem).where(
            TrainingItem.edition_id == edition.id))
        items = [TrainingItem(edition_id=edition.id, position=start + n + 1, title=f"{prefix} {start + n + 1:03d}",
                              description=f"Opis **{n}**") for n in range(count)]
        db.session.add_all(items)
        db.session.commit()
        return [item.id for item in items]


def titles(app, edition):
    with app.app_context():
        return list(db.session.scalars(select(TrainingItem.title).where(TrainingItem.edition_id == edition.id)
                                       .order_by(TrainingItem.position, TrainingItem.id)))


def events(app, verb):
    with app.app_context():
        return [(e.actor_id, e.object_id, e.data) for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.verb == verb).order_by(AuditEvent.id))]


def ticked(app, user):
    with app.app_context():
        return set(db.session.scalars(select(TrainingProgress.item_id).where(TrainingProgress.user_id == user.id)))


def manage_titles(html):
    return re.findall(r'<li id="item-\d+" class="card"[^>]*>\s*<h3>([^<]*)</h3>', html)


def add_ambassadors(app, edition, area, count, done_items=()):
    with app.app_context():
        password_hash = hash_password("unused")
        users = [User(name=f"Ambasador {n:03d}", email=f"amb{n:03d}-{edition.id}-{count}@example.org",
                      password_hash=password_hash) for n in range(count)]
        db.session.add_all(users)
        db.session.flush()
        db.session.add_all(AmbassadorApplication(
            edition_id=edition.id, user_id=u.id, district_id=area.district_id, area_id=area.id, motivation="m",
            area_knowledge="k", status="approved") for u in users)
        db.session.add_all(TrainingProgress(item_id=i, user_id=u.id) for u in users[::2] for i in done_items)
        db.session.commit()
