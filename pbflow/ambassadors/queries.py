"""Reading applications, the public directory and area followers; a fixed number of queries each."""

import unicodedata
from itertools import groupby

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import contains_eager, joinedload

from pbflow.accounts.models import User
from pbflow.ambassadors.models import AmbassadorApplication, ApplicationStatus, AreaFollower
from pbflow.core.models import AuditEvent
from pbflow.editions.models import Area, District, Edition
from pbflow.extensions import db

Application = AmbassadorApplication


def applications_for_review(edition, status=None, district_id=None):
    """The coordinators' list, newest first, with everything a row shows loaded up front."""
    query = (
        select(Application).where(Application.edition_id == edition.id)
        .options(joinedload(Application.user), joinedload(Application.district),
                 joinedload(Application.area), joinedload(Application.decided_by))
        .order_by(Application.created_at.desc(), Application.id.desc())
    )
    if status:
        query = query.where(Application.status == status)
    if district_id:
        query = query.where(Application.district_id == district_id)
    return query


def status_counts(edition, district_id=None):
    query = (select(Application.status, func.count()).where(Application.edition_id == edition.id)
             .group_by(Application.status))
    if district_id:
        query = query.where(Application.district_id == district_id)
    counts = dict.fromkeys(ApplicationStatus, 0)
    counts.update({ApplicationStatus(status): n for status, n in db.session.execute(query)})
    return counts


def application(application_id):
    return db.session.scalar(
        select(Application).where(Application.id == application_id)
        .options(joinedload(Application.user), joinedload(Application.district), joinedload(Application.area),
                 joinedload(Application.decided_by), joinedload(Application.edition)))


def applications_of(user):
    """All of a person's applications, newest first."""
    return db.session.scalars(
        select(Application).where(Application.user_id == user.id)
        .options(joinedload(Application.edition), joinedload(Application.district),
                 joinedload(Application.area), joinedload(Application.decided_by))
        .order_by(Application.created_at.desc(), Application.id.desc())).all()


def latest_in(user, edition):
    """The person's newest application in the edition, whatever its status."""
    if edition is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(Application).where(Application.user_id == user.id, Application.edition_id == edition.id)
        .order_by(Application.created_at.desc(), Application.id.desc()).limit(1))


# The navigation asks this on every signed-in page: one statement of plain columns, built once.
_RECRUITMENT_AND_LATEST = select(
    Edition.recruitment_opens, Edition.recruitment_closes,
    select(Application.status).where(Application.user_id == bindparam("user"), Application.edition_id == Edition.id)
    .order_by(Application.created_at.desc(), Application.id.desc()).limit(1).scalar_subquery(),
).where(Edition.is_current.is_(True))


def recruitment_and_latest_status(user, day):
    """(whether the current edition's recruitment is open on `day`, the status of the person's newest
    application in it or None)."""
    row = db.session.execute(_RECRUITMENT_AND_LATEST, {"user": user.id}).first()
    if row is None:
        return False, None
    opens, closes, status = row
    return opens <= day <= closes, (ApplicationStatus(status) if status else None)


def audit_trail(application):
    """The application's audit events, oldest first, with the actors' names in the same query."""
    return db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == Application.__tablename__, AuditEvent.object_id == application.id)
        .options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.created_at, AuditEvent.id)).all()


# --- areas --------------------------------------------------------------------

def areas(district_id=None):
    query = select(Area).join(District).order_by(District.number, Area.name_key, Area.id)
    if district_id:
        query = query.where(Area.district_id == district_id)
    return db.session.scalars(query).all()


def fold(text):
    """Lower case without diacritics, so "łąka", "Łąka" and "laka" all match."""
    text = (text or "").casefold().replace("ł", "l")
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def matching_area_ids(words, district_id=None):
    """Areas whose name, description or district contain every word (in Python: SQLite's lower() is ASCII-only)."""
    needles = fold(words).split()
    query = select(Area.id, Area.name, Area.description, District.name).join(District)
    if district_id:
        query = query.where(Area.district_id == district_id)
    return [area_id for area_id, *texts in db.session.execute(query)
            if all(needle in fold(" ".join(t or "" for t in texts)) for needle in needles)]


# --- the public directory -------------------------------------------------------

def directory(edition, district_id=None, words=None):
    """The edition's approved ambassadors who agreed to be listed, by district, area and name."""
    query = (
        select(Application)
        .join(Application.user).join(Application.area).join(Area.district)
        .where(Application.edition_id == edition.id, Application.status == ApplicationStatus.APPROVED.value,
               Application.publish_consent.is_(True), User.deleted_at.is_(None))
        .options(contains_eager(Application.user), contains_eager(Application.area).contains_eager(Area.district))
        .order_by(District.number, Area.name_key, func.lower(User.name), Application.id)
    )
    if district_id:
        query = query.where(Area.district_id == district_id)
    if words:
        query = query.where(Application.area_id.in_(matching_area_ids(words, district_id)))
    return query


def group_by_district_and_area(applications):
    """[(district, [(area, [application, ...]), ...]), ...] keeping the list's order."""
    grouped = []
    for _district_id, in_district in groupby(applications, key=lambda a: a.area.district_id):
        in_district = list(in_district)
        by_area = [(rows[0].area, rows) for rows in
                   (list(g) for _area_id, g in groupby(in_district, key=lambda a: a.area_id))]
        grouped.append((in_district[0].area.district, by_area))
    return grouped


def followed_area_ids(user, area_ids):
    if not getattr(user, "is_authenticated", False) or not area_ids:
        return set()
    return set(db.session.scalars(select(AreaFollower.area_id).where(
        AreaFollower.user_id == user.id, AreaFollower.area_id.in_(area_ids))))


def follower_counts(area_ids):
    if not area_ids:
        return {}
    rows = db.session.execute(select(AreaFollower.area_id, func.count()).where(
        AreaFollower.area_id.in_(area_ids)).group_by(AreaFollower.area_id))
    return dict(rows.all())


def ambassadorships(user, edition):
    """The areas the user is the approved ambassador of in the edition."""
    if edition is None:
        return []
    return db.session.scalars(
        select(Application).where(Application.user_id == user.id, Application.edition_id == edition.id,
                                  Application.status == ApplicationStatus.APPROVED.value)
        .options(joinedload(Application.area), joinedload(Application.district))
        .order_by(Application.id)).all()
