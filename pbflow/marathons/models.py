"""Submission marathons (maraton składania wniosków), their time slots, helpers and bookings; the
record of a submission to the official platform; residents who back a proposal; official outcomes."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pbflow.core.database import utcnow
from pbflow.core.models import IdMixin, TimestampMixin
from pbflow.core.titles import TitledEnum, titles
from pbflow.extensions import db

PLACE_MAX = 300
ONLINE_URL_MAX = 500
REFERENCE_MAX = 100
SUPPORTER_NAME_MAX = 120
REASON_MAX = 2000




class MarathonStatus(TitledEnum):
    PLANNED = "planned"
    CANCELLED = "cancelled"


class Marathon(IdMixin, TimestampMixin, db.Model):
    """A day (or evening) when helpers sit with authors to enter proposals into the official platform."""

    __tablename__ = "marathons"

    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown
    day: Mapped[date]
    place: Mapped[str | None] = mapped_column(String(PLACE_MAX))
    online_url: Mapped[str | None] = mapped_column(String(ONLINE_URL_MAX))
    status: Mapped[str] = mapped_column(String(20), default=MarathonStatus.PLANNED.value)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    slots: Mapped[list["MarathonSlot"]] = relationship(
        back_populates="marathon", cascade="all, delete-orphan", order_by="MarathonSlot.starts_at",
        lazy="raise_on_sql")
    helpers = relationship("User", secondary="marathon_helpers", lazy="raise_on_sql", order_by="User.name")

    __table_args__ = (
        CheckConstraint("status IN ('planned', 'cancelled')", name="status_known"),
        CheckConstraint("place IS NOT NULL OR online_url IS NOT NULL", name="has_place_or_link"),
        Index("ix_marathons_edition_day", "edition_id", "day", "id"),
    )

    @property
    def state(self):
        return MarathonStatus(self.status)


class MarathonHelper(db.Model):
    """A person (any role: city staff, an ambassador) who helps authors at the marathon."""

    __tablename__ = "marathon_helpers"

    marathon_id: Mapped[int] = mapped_column(ForeignKey("marathons.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)


class MarathonSlot(IdMixin, db.Model):
    """A time at the marathon with a number of seats; booked_seats is kept by one conditional UPDATE."""

    __tablename__ = "marathon_slots"

    marathon_id: Mapped[int] = mapped_column(ForeignKey("marathons.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]  # naive UTC
    minutes: Mapped[int]
    seats: Mapped[int]
    booked_seats: Mapped[int] = mapped_column(default=0)

    marathon: Mapped[Marathon] = relationship(back_populates="slots")

    __table_args__ = (
        CheckConstraint("minutes > 0", name="minutes_positive"),
        CheckConstraint("seats > 0", name="seats_positive"),
        CheckConstraint("booked_seats >= 0 AND booked_seats <= seats", name="booked_within_seats"),
        Index("ix_marathon_slots_marathon_starts", "marathon_id", "starts_at", "id"),
    )


class BookingStatus(TitledEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"


class MarathonBooking(IdMixin, db.Model):
    """A proposal's place in a slot (or a walk-in the helper added); one active booking per proposal."""

    __tablename__ = "marathon_bookings"

    slot_id: Mapped[int] = mapped_column(ForeignKey("marathon_slots.id", ondelete="CASCADE"))
    marathon_id: Mapped[int] = mapped_column(ForeignKey("marathons.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    walk_in: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default=BookingStatus.ACTIVE.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]
    moved_at: Mapped[datetime | None]  # to another time: the calendar entry's SEQUENCE grows
    reminded_at: Mapped[datetime | None]  # the reminder goes out once

    slot: Mapped[MarathonSlot] = relationship(lazy="raise_on_sql")
    proposal = relationship("Proposal", lazy="raise_on_sql")

    __table_args__ = (
        CheckConstraint("status IN ('active', 'cancelled')", name="status_known"),
        Index("uq_marathon_bookings_active_proposal", "proposal_id", unique=True,
              sqlite_where=text("status = 'active'"), postgresql_where=text("status = 'active'")),
        Index("ix_marathon_bookings_slot_status", "slot_id", "status", "id"),
        Index("ix_marathon_bookings_marathon_status", "marathon_id", "status", "id"),
    )

    @property
    def state(self):
        return BookingStatus(self.status)


class Submission(IdMixin, db.Model):
    """A proposal entered into the official platform: its reference, the version entered, who and when.

    A coordinator may undo a wrong record (with a reason); the row stays, and a reference is unique
    within the edition among records that stand."""

    __tablename__ = "submissions"

    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id"))
    marathon_id: Mapped[int | None] = mapped_column(ForeignKey("marathons.id", ondelete="SET NULL"))
    platform_reference: Mapped[str] = mapped_column(String(REFERENCE_MAX))
    reference_key: Mapped[str] = mapped_column(String(REFERENCE_MAX))  # upper-cased, spaces removed
    version_number: Mapped[int]  # the version entered into the platform, frozen
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))  # the author
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))  # the helper
    submitted_at: Mapped[datetime]
    readiness: Mapped[dict] = mapped_column(JSON, default=dict)  # the checklist as it stood
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    undone_at: Mapped[datetime | None]
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    undo_reason: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        Index("uq_submissions_edition_reference", "edition_id", "reference_key", unique=True,
              sqlite_where=text("undone_at IS NULL"), postgresql_where=text("undone_at IS NULL")),
        Index("uq_submissions_standing_proposal", "proposal_id", unique=True,
              sqlite_where=text("undone_at IS NULL"), postgresql_where=text("undone_at IS NULL")),
        Index("ix_submissions_edition_created", "edition_id", "created_at", "id"),
    )


class Supporter(IdMixin, db.Model):
    """A resident who backs a proposal (the edition sets how many are needed); seen only by the authors and
    coordinators, and deleted after the edition."""

    __tablename__ = "supporters"

    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(SUPPORTER_NAME_MAX))
    consent: Mapped[bool] = mapped_column(default=False)  # agreed to their name being processed
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        CheckConstraint("consent", name="consent_given"),
        Index("ix_supporters_proposal", "proposal_id", "id"),
    )


class SupportListScan(IdMixin, db.Model):
    """The signed paper list, scanned, instead of (or as well as) names typed in."""

    __tablename__ = "support_list_scans"

    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id", ondelete="CASCADE"))
    signatures: Mapped[int]  # how many residents signed, as the authors declare
    consent: Mapped[bool] = mapped_column(default=False)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    file = relationship("StoredFile", lazy="raise_on_sql")

    __table_args__ = (
        CheckConstraint("signatures > 0", name="signatures_positive"),
        CheckConstraint("consent", name="consent_given"),
    )


class NoUpkeepDeclaration(db.Model):
    """The authors state that a version's project needs no yearly upkeep (an upkeep of 0 zł is then stated,
    not forgotten); a new version needs the statement again."""

    __tablename__ = "no_upkeep_declarations"

    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True)
    version_number: Mapped[int]
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    declared_at: Mapped[datetime] = mapped_column(default=utcnow)


class Outcome(TitledEnum):
    VERIFIED_POSITIVE = "verified_positive"
    VERIFIED_NEGATIVE = "verified_negative"
    PUT_TO_VOTE = "put_to_vote"
    SELECTED = "selected"


class OfficialOutcome(db.Model):
    """What the city decided about a submitted proposal, recorded by a coordinator."""

    __tablename__ = "official_outcomes"

    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        CheckConstraint("outcome IN ('verified_positive', 'verified_negative', 'put_to_vote', 'selected')",
                        name="outcome_known"),
        CheckConstraint("outcome != 'verified_negative' OR reason != ''", name="negative_has_reason"),
    )

    @property
    def state(self):
        return Outcome(self.outcome)


titles(
    (MarathonStatus.PLANNED, _l("Planned")),
    (MarathonStatus.CANCELLED, _l("Cancelled")),
    (BookingStatus.ACTIVE, _l("Booked")),
    (BookingStatus.CANCELLED, _l("Cancelled")),
    (Outcome.VERIFIED_POSITIVE, _l("Verified positively")),
    (Outcome.VERIFIED_NEGATIVE, _l("Verified negatively")),
    (Outcome.PUT_TO_VOTE, _l("Put to the vote")),
    (Outcome.SELECTED, _l("Selected for funding")),
)
