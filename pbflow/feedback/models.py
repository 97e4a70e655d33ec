"""The city's verifying units and who works in them."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pbflow.core.database import utcnow
from pbflow.core.models import IdMixin
from pbflow.extensions import db


class VerifyingUnit(IdMixin, db.Model):
    """A city body that checks proposals in its field (jednostka weryfikująca)."""

    __tablename__ = "verifying_units"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str] = mapped_column(String(20))
    field: Mapped[str] = mapped_column(String(200))

    members: Mapped[list["UnitMembership"]] = relationship(back_populates="unit", cascade="all, delete-orphan")

    def __repr__(self):
        return f"<VerifyingUnit {self.short_name}>"


class UnitMembership(db.Model):
    __tablename__ = "unit_memberships"

    unit_id: Mapped[int] = mapped_column(ForeignKey("verifying_units.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[VerifyingUnit] = relationship(back_populates="members")
    user = relationship("User")
