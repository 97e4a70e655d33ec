"""The single way a service records a state change."""

from pbflow.core.models import AuditEvent
from pbflow.extensions import db


def record(actor, verb, obj=None, **data):
    """Add an audit event to the current transaction (the view commits)."""
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        verb=verb,
        object_type=getattr(obj, "__audit_type__", None) or (obj.__tablename__ if obj is not None else None),
        object_id=getattr(obj, "id", None),
        data=data,
    )
    db.session.add(event)
    return event
