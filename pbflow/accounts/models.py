"""People and what they may do."""

import enum
import secrets
from datetime import datetime

from flask_babel import gettext, lazy_gettext
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pbflow.core.database import utcnow
from pbflow.core.models import IdMixin
from pbflow.extensions import db


def shown_name(name, deleted):
    """A person's name as every page shows it: a deleted account's is "former participant". For lists that read
    names as plain columns, not accounts."""
    return gettext("former participant") if deleted else name


class Role(enum.StrEnum):
    """Roles granted on top of 'resident', which every registered person is."""

    AMBASSADOR = "ambassador"
    EXPERT = "expert"
    COORDINATOR = "coordinator"
    PARTNER = "partner"  # staff of an organisation running the programme with the city: records activities

    @property
    def title(self):
        return ROLE_TITLES[self]


ROLE_TITLES = {
    Role.AMBASSADOR: lazy_gettext("Local participation ambassador"),
    Role.EXPERT: lazy_gettext("Verifying-unit expert"),
    Role.COORDINATOR: lazy_gettext("PB coordinator"),
    Role.PARTNER: lazy_gettext("Partner organisation staff"),
}


def new_login_token():
    return secrets.token_urlsafe(32)


class User(IdMixin, UserMixin, db.Model):
    __tablename__ = "users"

    # Stored lower-cased: an address is unique whatever the letter case.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(5))
    # Rotated on password change and deletion, which signs out every other session.
    login_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_login_token)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    consented_at: Mapped[datetime | None]
    privacy_version: Mapped[str | None] = mapped_column(String(20))
    last_login_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    # Kept by pbflow/core/notifications.py in the same UPDATEs that add and read notifications, so the
    # header shows the count from the row every request loads anyway, without a COUNT per page.
    unread_notifications: Mapped[int] = mapped_column(default=0, server_default="0")

    # Loaded only where asked for: with the signed-in person (the user loader joins them), and on the
    # coordinators' list of users. Eager loading ("selectin") ran a roles query after every query that
    # loads someone, the signed-in person included, since it loads again what is already there.
    roles: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", foreign_keys="UserRole.user_id",
    )

    # The coordinators' list is sorted by name, letter case ignored.
    __table_args__ = (Index("ix_users_name_lower", func.lower(name), "id"),)

    def get_id(self):
        return self.login_token

    @property
    def is_active(self):
        return self.deleted_at is None

    @property
    def is_deleted(self):
        return self.deleted_at is not None

    @property
    def display_name(self):
        return shown_name(self.name, self.is_deleted)

    @property
    def role_names(self):
        return {Role(r.role) for r in self.roles}

    def has_role(self, *roles):
        return bool(self.role_names & {Role(r) for r in roles})

    def __repr__(self):
        return f"<User {self.id}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(back_populates="roles", foreign_keys=[user_id])

    __table_args__ = (
        CheckConstraint("role IN ('ambassador', 'expert', 'coordinator', 'partner')", name="known_role"),
        Index("ix_user_roles_role", "role"),
    )


class ThrottleHit(IdMixin, db.Model):
    """One counted attempt. Kept in the database so limits hold across workers and servers."""

    __tablename__ = "throttle_hits"

    bucket: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("ix_throttle_hits_bucket_created", "bucket", "created_at"),
        Index("ix_throttle_hits_created_at", "created_at"),  # the daily purge
    )
