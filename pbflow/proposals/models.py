"""A proposal, its authors and invitations, and its immutable versions."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pbflow.core.database import utcnow
from pbflow.core.models import IdMixin, TimestampMixin
from pbflow.extensions import db


class ProposalStatus(enum.StrEnum):
    """Where a proposal is on the pathway; only proposals/transitions.py changes it."""

    DRAFT = "draft"
    IN_CONSULTATION = "in_consultation"
    FEEDBACK_RECEIVED = "feedback_received"
    REVISING = "revising"
    READY = "ready"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    MERGED = "merged"

    @property
    def title(self):
        return STATUS_TITLES[self]

    @property
    def css_class(self):
        return f"status-{self.value.replace('_', '-')}"


STATUS_TITLES = {
    ProposalStatus.DRAFT: _l("Draft"),
    ProposalStatus.IN_CONSULTATION: _l("In consultation"),
    ProposalStatus.FEEDBACK_RECEIVED: _l("Feedback received"),
    ProposalStatus.REVISING: _l("Being revised"),
    ProposalStatus.READY: _l("Ready to submit"),
    ProposalStatus.SUBMITTED: _l("Submitted"),
    ProposalStatus.WITHDRAWN: _l("Withdrawn"),
    ProposalStatus.MERGED: _l("Merged"),
}


class DraftVisibility(enum.StrEnum):
    """Who sees a proposal before its authors make it public."""

    AUTHORS = "authors"  # authors, the area's ambassador, routed experts, coordinators
    EDITION = "edition"  # also every signed-in resident

    @property
    def title(self):
        return VISIBILITY_TITLES[self]


VISIBILITY_TITLES = {
    DraftVisibility.AUTHORS: _l("Only the authors and the area's ambassador"),
    DraftVisibility.EDITION: _l("Also every signed-in resident"),
}


class AuthorRole(enum.StrEnum):
    LEAD = "lead"
    CO_AUTHOR = "co_author"

    @property
    def title(self):
        return _l("Lead author") if self is AuthorRole.LEAD else _l("Co-author")


class InvitationStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"

    @property
    def title(self):
        return INVITATION_TITLES[self]


INVITATION_TITLES = {
    InvitationStatus.PENDING: _l("Waiting for an answer"),
    InvitationStatus.ACCEPTED: _l("Accepted"),
    InvitationStatus.DECLINED: _l("Declined"),
    InvitationStatus.CANCELLED: _l("Cancelled"),
}


class Proposal(IdMixin, TimestampMixin, db.Model):
    """A proposal (propozycja zadania); the current version's searchable text is copied here.

    Title, summary, description and costs are denormalised from the current
    version so that lists and full-text search need no join; every content
    change still goes through a new ProposalVersion.
    """

    __tablename__ = "proposals"

    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id"), index=True)
    scope: Mapped[str] = mapped_column(String(20))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=ProposalStatus.DRAFT.value)
    # The current version's number, and the optimistic lock: a save names the number it started from.
    current_version: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(300), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    total_cost: Mapped[int] = mapped_column(BigInteger, default=0)  # grosze
    yearly_upkeep: Mapped[int] = mapped_column(BigInteger, default=0)  # grosze
    is_public: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime | None]
    draft_visibility: Mapped[str] = mapped_column(String(20), default=DraftVisibility.AUTHORS.value)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"), index=True)
    platform_reference: Mapped[str | None] = mapped_column(String(100))
    # The residents' meeting whose idea this draft grew from (Stage II).
    origin_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), index=True)
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    edition = relationship("Edition", lazy="raise_on_sql")
    district = relationship("District", lazy="raise_on_sql")
    area = relationship("Area", lazy="raise_on_sql")
    merged_into = relationship("Proposal", remote_side="Proposal.id", lazy="raise_on_sql")
    origin_meeting = relationship("Meeting", lazy="raise_on_sql")
    authors: Mapped[list["ProposalAuthor"]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", lazy="raise_on_sql")

    __table_args__ = (
        CheckConstraint("scope IN ('district', 'citywide')", name="scope_known"),
        CheckConstraint(
            "status IN ('draft', 'in_consultation', 'feedback_received', 'revising', 'ready', "
            "'submitted', 'withdrawn', 'merged')", name="status_known"),
        CheckConstraint("draft_visibility IN ('authors', 'edition')", name="draft_visibility_known"),
        CheckConstraint("total_cost >= 0 AND yearly_upkeep >= 0", name="costs_not_negative"),
        CheckConstraint("scope = 'citywide' OR district_id IS NOT NULL", name="district_project_has_district"),
        # Per-status counts (covering), and the sort by status: one range per status, newest first.
        Index("ix_proposals_edition_status_updated", "edition_id", "status", "updated_at", "id"),
        # A district's proposals by status, and its per-status counts read from the index alone (the scope and
        # the public flag, which the coordinators' and the public lists narrow by, are in it too).
        Index("ix_proposals_district_counts", "edition_id", "district_id", "status", "scope", "is_public"),
        Index("ix_proposals_edition_updated", "edition_id", "updated_at"),
        Index("ix_proposals_edition_created", "edition_id", "created_at"),  # drafts created, per period
        Index("ix_proposals_public", "is_public", "edition_id"),
        # The lists' sorts by title and by cost, read in order (proposals/queries_lists.py).
        Index("ix_proposals_edition_title", "edition_id", func.lower(title), "id"),
        Index("ix_proposals_edition_cost", "edition_id", "total_cost", "id"),
        # One status's proposals by id: the board's "awaiting routing", the desk's walk-ins (keyset by id).
        Index("ix_proposals_edition_status_id", "edition_id", "status", "id"),
        # City-wide (or district) proposals of an edition by status: similar proposals' city-wide candidates
        # on PostgreSQL, ANDed with the text index; without it every match in the edition was read.
        Index("ix_proposals_edition_scope_status", "edition_id", "scope", "status"),
    )

    @property
    def state(self):
        return ProposalStatus(self.status)

    @property
    def scope_value(self):
        from pbflow.editions.models import Scope

        return Scope(self.scope)

    def __repr__(self):
        return f"<Proposal {self.id} {self.status}>"


class ProposalStatusCount(db.Model):
    """How many proposals an edition has in each status, kept by database triggers (proposals/status_counts.py)
    in the same transaction as the change: the coordinators' list shows these on every page, and a grouped
    count over an edition of 100,000 proposals took longer than the rest of the page."""

    __tablename__ = "proposal_status_counts"

    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    proposals: Mapped[int] = mapped_column(default=0)


class ProposalAuthor(db.Model):
    """A person named as an author; co-authors appear only after accepting (their consent)."""

    __tablename__ = "proposal_authors"

    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(20), default=AuthorRole.CO_AUTHOR.value)
    consent_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="authors")
    user = relationship("User", lazy="raise_on_sql")

    __table_args__ = (
        CheckConstraint("role IN ('lead', 'co_author')", name="role_known"),
        # One lead per proposal, whatever two requests race to do.
        Index("uq_proposal_authors_lead", "proposal_id", unique=True,
              sqlite_where=text("role = 'lead'"), postgresql_where=text("role = 'lead'")),
    )

    @property
    def is_lead(self):
        return self.role == AuthorRole.LEAD.value


class ProposalInvitation(IdMixin, db.Model):
    """An invitation by e-mail to co-author a proposal; the token is stored hashed."""

    __tablename__ = "proposal_invitations"

    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    email_key: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=InvitationStatus.PENDING.value)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    responded_at: Mapped[datetime | None]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # who answered

    proposal = relationship("Proposal", lazy="raise_on_sql")
    invited_by = relationship("User", foreign_keys=[invited_by_id], lazy="raise_on_sql")

    __table_args__ = (
        CheckConstraint("status IN ('pending', 'accepted', 'declined', 'cancelled')", name="status_known"),
        Index("uq_proposal_invitations_pending", "proposal_id", "email_key", unique=True,
              sqlite_where=text("status = 'pending'"), postgresql_where=text("status = 'pending'")),
        Index("ix_proposal_invitations_email", "email_key", "status"),
    )

    @property
    def state(self):
        return InvitationStatus(self.status)


class ProposalVersion(IdMixin, db.Model):
    """An immutable snapshot of a proposal's content; nothing ever updates or deletes one."""

    __tablename__ = "proposal_versions"

    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    number: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    change_note: Mapped[str] = mapped_column(String(500), default="")
    scope: Mapped[str] = mapped_column(String(20))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(Text, default="")
    latitude = mapped_column(Numeric(9, 6), nullable=True)
    longitude = mapped_column(Numeric(9, 6), nullable=True)
    beneficiaries: Mapped[str] = mapped_column(Text, default="")
    # [{"item": str, "quantity": "2.5", "unit_price": grosze, "amount": grosze}, ...]
    cost_lines: Mapped[list] = mapped_column(JSON, default=list)
    total_cost: Mapped[int] = mapped_column(BigInteger, default=0)
    yearly_upkeep: Mapped[int] = mapped_column(BigInteger, default=0)

    created_by = relationship("User", lazy="raise_on_sql")
    district = relationship("District", lazy="raise_on_sql")
    area = relationship("Area", lazy="raise_on_sql")

    __table_args__ = (
        UniqueConstraint("proposal_id", "number", name="uq_proposal_versions_number"),
        CheckConstraint("total_cost >= 0 AND yearly_upkeep >= 0", name="costs_not_negative"),
    )

    def __repr__(self):
        return f"<ProposalVersion {self.proposal_id}#{self.number}>"


@event.listens_for(ProposalVersion, "before_update")
@event.listens_for(ProposalVersion, "before_delete")
def _versions_are_immutable(_mapper, _connection, version):
    raise ValueError(f"{version!r} is immutable: save a new version instead")
