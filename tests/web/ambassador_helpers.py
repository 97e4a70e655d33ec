"""Shared helpers for the Stage I ambassador tests: bulk rows, reading back, form data."""

import re

from sqlalchemy import select

from pbflow.accounts.models import User
from pbflow.accounts.passwords import hash_password
from pbflow.ambassadors.models import AmbassadorApplication, AreaFollower
from pbflow.core.database import utcnow
from pbflow.core.models import AuditEvent
from pbflow.editions.models import Area
from pbflow.extensions import db

MOTIVATION = "Chcę, żeby nasze osiedle miało więcej zieleni i miejsc do spotkań."
KNOWLEDGE = "Mieszkam tu od 1998 roku i znam radę osiedla oraz szkołę przy ulicy Łąkowej."


def application_form(area=None, district=None, **overrides):
    data = {"district": str(district.id if district else area.district_id),
            "area": str(area.id) if area else "new", "motivation": MOTIVATION, "area_knowledge": KNOWLEDGE,
            "phone": "+48 600 100 200", "publish_consent": "y"}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def add_ambassadors(app, edition, districts, count, status="approved", consent=True, prefix="Ambasador"):
    """Insert `count` applicants, one new area each, spread over the districts; one password hash for all."""
    with app.app_context():
        password_hash = hash_password("not used for logging in")
        users = [User(name=f"{prefix} {n:03d}", email=f"{prefix.lower()}{n:03d}@example.org",
                      password_hash=password_hash, locale="pl") for n in range(count)]
        areas = [Area(district_id=districts[n % len(districts)].id, name=f"{prefix} osiedle {n:03d}",
                      name_key=f"{prefix.lower()} osiedle {n:03d}", description="Ulice przy parku")
                 for n in range(count)]
        db.session.add_all(users + areas)
        db.session.flush()
        db.session.add_all(AmbassadorApplication(
            edition_id=edition.id, user_id=user.id, district_id=area.district_id, area_id=area.id,
            motivation=MOTIVATION, area_knowledge=KNOWLEDGE, publish_consent=consent, status=status,
            decided_at=utcnow() if status != "submitted" else None) for user, area in zip(users, areas, strict=True))
        db.session.commit()


def stored_application(app, application_id):
    with app.app_context():
        application = db.session.get(AmbassadorApplication, application_id)
        db.session.expunge(application)
        return application


def applications_of(app, user):
    with app.app_context():
        rows = db.session.scalars(select(AmbassadorApplication).where(AmbassadorApplication.user_id == user.id)
                                  .order_by(AmbassadorApplication.id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def audit_verbs(app, object_type, object_id):
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.verb).where(
            AuditEvent.object_type == object_type, AuditEvent.object_id == object_id).order_by(AuditEvent.id)))


def follows(app, user, area):
    with app.app_context():
        return db.session.get(AreaFollower, (area.id, user.id)) is not None


def text_of(html):
    """The visible text, tags removed and spaces collapsed, for assertions about messages."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
