"""Applications, the ambassadors they make, area followers, training and materials."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pbflow.core.database import utcnow
from pbflow.core.models import IdMixin, TimestampMixin
from pbflow.extensions import db


class ApplicationStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"

    @property
    def title(self):
        return APPLICATION_STATUS_TITLES[self]


APPLICATION_STATUS_TITLES = {
    ApplicationStatus.SUBMITTED: _l("Waiting for a decision"),
    ApplicationStatus.APPROVED: _l("Approved"),
    ApplicationStatus.REJECTED: _l("Rejected"),
    ApplicationStatus.WITHDRAWN: _l("Withdrawn"),
}


class AmbassadorApplication(IdMixin, TimestampMixin, db.Model):
    """A resident's application to be the ambassador of an area; approved, it *is* the ambassadorship."""

    __tablename__ = "ambassador_applications"

    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    # A new area the applicant proposes; created (or matched) when the application is approved.
    proposed_area_name: Mapped[str | None] = mapped_column(String(120))
    proposed_area_description: Mapped[str | None] = mapped_column(Text)
    motivation: Mapped[str] = mapped_column(Text)
    area_knowledge: Mapped[str] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(30))
    publish_consent: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default=ApplicationStatus.SUBMITTED.value, index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(Text)

    edition = relationship("Edition")
    user = relationship("User", foreign_keys=[user_id])
    district = relationship("District")
    area = relationship("Area")
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    __table_args__ = (
        # One live application per person per edition; withdrawing frees the place.
        Index("uq_ambassador_applications_live", "edition_id", "user_id", unique=True,
              sqlite_where=text("status != 'withdrawn'"), postgresql_where=text("status != 'withdrawn'")),
        Index("ix_ambassador_applications_edition_status", "edition_id", "status", "created_at"),
    )

    @property
    def state(self):
        return ApplicationStatus(self.status)

    @property
    def area_label(self):
        return self.area.name if self.area is not None else self.proposed_area_name


class AreaFollower(db.Model):
    """A resident who joined an area; later stages tell them about its meetings and drafts."""

    __tablename__ = "area_followers"

    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)


class TrainingItem(IdMixin, db.Model):
    """One point of the edition's training checklist for ambassadors."""

    __tablename__ = "training_items"

    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown
    link_url: Mapped[str | None] = mapped_column(String(500))
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))

    file = relationship("StoredFile", lazy="joined")


class TrainingProgress(db.Model):
    __tablename__ = "training_progress"

    item_id: Mapped[int] = mapped_column(ForeignKey("training_items.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    done_at: Mapped[datetime] = mapped_column(default=utcnow)


class MaterialKind(enum.StrEnum):
    PAST_RESULTS = "past_results"
    STRATEGIC_DOCUMENT = "strategic_document"
    GUIDE = "guide"
    TEMPLATE = "template"

    @property
    def title(self):
        return MATERIAL_KIND_TITLES[self]


MATERIAL_KIND_TITLES = {
    MaterialKind.PAST_RESULTS: _l("Past results"),
    MaterialKind.STRATEGIC_DOCUMENT: _l("Strategic document"),
    MaterialKind.GUIDE: _l("Guide"),
    MaterialKind.TEMPLATE: _l("Template"),
}


class Material(IdMixin, TimestampMixin, db.Model):
    """A document or link for the whole edition, one district, or one area."""

    __tablename__ = "materials"

    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), index=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown
    link_url: Mapped[str | None] = mapped_column(String(500))
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    district = relationship("District")
    area = relationship("Area")
    file = relationship("StoredFile", lazy="joined")

    @property
    def kind_title(self):
        return MaterialKind(self.kind).title

    @property
    def kind_rank(self):
        """Position of the kind in MaterialKind: lists group materials in that order."""
        return list(MaterialKind).index(MaterialKind(self.kind))
