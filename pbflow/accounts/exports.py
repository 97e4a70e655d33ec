"""Everything pbflow holds about one person, as one JSON document (RODO art. 15 and 20).

Each domain registers what it keeps about a person with @exporter, so the
download grows with the app instead of forgetting new tables.
"""

from sqlalchemy import or_, select

from pbflow.core.database import utcnow
from pbflow.core.models import AuditEvent
from pbflow.extensions import db

EXPORTERS = {}
ERASERS = []


def exporter(key):
    def decorator(fn):
        EXPORTERS[key] = fn
        return fn
    return decorator


def eraser(fn):
    """Register what a domain removes when a person deletes their account."""
    ERASERS.append(fn)
    return fn


def _iso(value):
    return value.isoformat() + "Z" if value else None


@exporter("account")
def _account(user):
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "preferred_language": user.locale,
        "registered_at": _iso(user.created_at),
        "privacy_consent_at": _iso(user.consented_at),
        "privacy_notice_version": user.privacy_version,
        "last_login_at": _iso(user.last_login_at),
        "roles": sorted(r.role for r in user.roles),
    }


@exporter("notifications")
def _notifications(user):
    from pbflow.core.models import Notification
    from pbflow.core.notifications import text_of

    rows = db.session.scalars(select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))
    return [{"at": _iso(n.created_at), "text": text_of(n), "link": n.url, "read_at": _iso(n.read_at)} for n in rows]


@eraser
def _forget_notifications(user):
    from sqlalchemy import delete

    from pbflow.core.models import Notification

    db.session.execute(delete(Notification).where(Notification.user_id == user.id))
    user.unread_notifications = 0


@exporter("activity")
def _activity(user):
    events = db.session.scalars(
        select(AuditEvent)
        .where(or_(AuditEvent.actor_id == user.id,
                   (AuditEvent.object_type == "users") & (AuditEvent.object_id == user.id)))
        .order_by(AuditEvent.created_at, AuditEvent.id)
    )
    return [{"at": _iso(e.created_at), "action": e.verb, "object": e.object_type,
             "object_id": e.object_id, "by_you": e.actor_id == user.id, "data": e.data} for e in events]


def collect(user):
    document = {"generated_at": _iso(utcnow()), "service": "pbflow"}
    for key, fn in EXPORTERS.items():
        document[key] = fn(user)
    return document
