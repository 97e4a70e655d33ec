"""Expert workshops (warsztaty z ekspertami), their invitations, and consultation slots with bookings."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pbflow.core.database import utcnow
from pbflow.core.models import IdMixin, TimestampMixin
from pbflow.core.titles import TitledEnum, titles
from pbflow.extensions import db

WORKSHOP_TEXT_MAX = 5000
PLACE_MAX = 300
ONLINE_URL_MAX = 500




class WorkshopStatus(TitledEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


class Workshop(IdMixin, TimestampMixin, db.Model):
    """An expert workshop gathering authors of chosen (often similar) proposals."""

    __tablename__ = "workshops"

    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id"))
    theme: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    place: Mapped[str | None] = mapped_column(String(PLACE_MAX))
    online_url: Mapped[str | None] = mapped_column(String(ONLINE_URL_MAX))
    capacity: Mapped[int]
    confirmed_seats: Mapped[int] = mapped_column(default=0)  # kept by one conditional UPDATE
    status: Mapped[str] = mapped_column(String(20), default=WorkshopStatus.PLANNED.value)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organiser = relationship("User", lazy="raise_on_sql")
    units = relationship("VerifyingUnit", secondary="workshop_units", lazy="raise_on_sql",
                         order_by="VerifyingUnit.name")

    __table_args__ = (
        CheckConstraint("status IN ('planned', 'held', 'cancelled')", name="status_known"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("confirmed_seats >= 0 AND confirmed_seats <= capacity", name="seats_within_capacity"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("place IS NOT NULL OR online_url IS NOT NULL", name="has_place_or_link"),
        Index("ix_workshops_edition_starts", "edition_id", "starts_at", "id"),
    )

    @property
    def state(self):
        return WorkshopStatus(self.status)


class WorkshopUnit(db.Model):
    __tablename__ = "workshop_units"

    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("verifying_units.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)


class WorkshopProposal(db.Model):
    """A proposal discussed at a workshop, and afterwards the conclusions for it."""

    __tablename__ = "workshop_proposals"

    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True,
                                             index=True)
    conclusions: Mapped[str] = mapped_column(Text, default="")  # Markdown
    conclusions_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    conclusions_at: Mapped[datetime | None]

    proposal = relationship("Proposal", lazy="raise_on_sql")


class InviteStatus(TitledEnum):
    INVITED = "invited"
    CONFIRMED = "confirmed"
    DECLINED = "declined"


class WorkshopInvite(IdMixin, db.Model):
    """An author invited to a workshop for one of their proposals; they confirm or decline."""

    __tablename__ = "workshop_invites"

    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=InviteStatus.INVITED.value)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]

    user = relationship("User", foreign_keys=[user_id], lazy="raise_on_sql")

    __table_args__ = (
        UniqueConstraint("workshop_id", "user_id", name="uq_workshop_invites_person"),
        CheckConstraint("status IN ('invited', 'confirmed', 'declined')", name="status_known"),
        Index("ix_workshop_invites_workshop_status", "workshop_id", "status", "id"),
    )

    @property
    def state(self):
        return InviteStatus(self.status)


class SlotStatus(TitledEnum):
    OPEN = "open"
    CANCELLED = "cancelled"  # the expert took it back; its booking, if any, is cancelled too


class ConsultationSlot(IdMixin, db.Model):
    """A time an expert offers for one author's individual consultation."""

    __tablename__ = "consultation_slots"

    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("verifying_units.id", ondelete="CASCADE"))
    expert_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    place: Mapped[str | None] = mapped_column(String(PLACE_MAX))
    online_url: Mapped[str | None] = mapped_column(String(ONLINE_URL_MAX))
    status: Mapped[str] = mapped_column(String(20), default=SlotStatus.OPEN.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    expert = relationship("User", lazy="raise_on_sql")
    unit = relationship("VerifyingUnit", lazy="raise_on_sql")

    __table_args__ = (
        CheckConstraint("status IN ('open', 'cancelled')", name="status_known"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("place IS NOT NULL OR online_url IS NOT NULL", name="has_place_or_link"),
        Index("ix_consultation_slots_edition_starts", "edition_id", "status", "starts_at", "id"),
        Index("ix_consultation_slots_expert_starts", "expert_id", "starts_at"),
        Index("ix_consultation_slots_unit_starts", "unit_id", "starts_at", "id"),
    )

    @property
    def state(self):
        return SlotStatus(self.status)


class BookingStatus(TitledEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"


class ConsultationBooking(IdMixin, db.Model):
    """An author's booking of a slot for a proposal; the database allows one active booking per slot."""

    __tablename__ = "consultation_bookings"

    slot_id: Mapped[int] = mapped_column(ForeignKey("consultation_slots.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    question: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=BookingStatus.ACTIVE.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str] = mapped_column(Text, default="")

    slot: Mapped[ConsultationSlot] = relationship(lazy="raise_on_sql")
    proposal = relationship("Proposal", lazy="raise_on_sql")
    booked_by = relationship("User", foreign_keys=[booked_by_id], lazy="raise_on_sql")

    __table_args__ = (
        CheckConstraint("status IN ('active', 'cancelled')", name="status_known"),
        # No double booking, whatever the timing of two requests.
        Index("uq_consultation_bookings_active_slot", "slot_id", unique=True,
              sqlite_where=text("status = 'active'"), postgresql_where=text("status = 'active'")),
    )

    @property
    def state(self):
        return BookingStatus(self.status)


titles(
    (WorkshopStatus.PLANNED, _l("Planned")),
    (WorkshopStatus.HELD, _l("Held")),
    (WorkshopStatus.CANCELLED, _l("Cancelled")),
    (InviteStatus.INVITED, _l("Invited")),
    (InviteStatus.CONFIRMED, _l("Confirmed")),
    (InviteStatus.DECLINED, _l("Declined")),
    (SlotStatus.OPEN, _l("Open")),
    (SlotStatus.CANCELLED, _l("Cancelled")),
    (BookingStatus.ACTIVE, _l("Booked")),
    (BookingStatus.CANCELLED, _l("Cancelled")),
)
