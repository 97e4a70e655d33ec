"""Model mixins shared by every domain, and the audit trail."""

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pbflow.core.database import utcnow
from pbflow.extensions import db


class IdMixin:
    id: Mapped[int] = mapped_column(primary_key=True)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AuditEvent(IdMixin, db.Model):
    """Who changed what and when; written by services for every state change."""

    __tablename__ = "audit_events"

    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    verb: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[int | None]
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    actor = relationship("User", foreign_keys=[actor_id], lazy="raise_on_sql")

    __table_args__ = (
        Index("ix_audit_events_object", "object_type", "object_id"),
        # Monitoring counts proposals that took a step (e.g. were sent to consultation) in a period.
        Index("ix_audit_events_verb_object", "verb", "object_type", "object_id", "created_at"),
    )

    def __repr__(self):
        return f"<AuditEvent {self.verb} {self.object_type}:{self.object_id}>"


class Notification(IdMixin, db.Model):
    """Something a person should know: shown in the header count and on their notifications page.

    The text is composed when shown, in the reader's language, from `kind` and `data`."""

    __tablename__ = "notifications"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    url: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_notifications_user_list", "user_id", "id"),
        Index("ix_notifications_user_unread", "user_id", "read_at"),
    )


class PageStamp(db.Model):
    """A number that database triggers change with every change to the rows some pages show: part of the key
    under which core/web/page_store keeps those pages. The triggers belong to the domain that shows the rows."""

    __tablename__ = "page_stamps"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    stamp: Mapped[int] = mapped_column(BigInteger, default=0)
