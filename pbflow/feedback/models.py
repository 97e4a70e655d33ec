"""Stage III: verifying units and their experts, routings, structured feedback, answers, notes."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pbflow.core.database import utcnow
from pbflow.core.models import IdMixin, TimestampMixin
from pbflow.core.titles import TitledEnum, titles
from pbflow.extensions import db

FEEDBACK_TEXT_MAX = 10_000  # a note, a reason, suggestions, an answer
SNIPPET_TITLE_MAX = 120




class VerifyingUnit(IdMixin, db.Model):
    """A city body that checks proposals in its field (jednostka weryfikująca)."""

    __tablename__ = "verifying_units"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str] = mapped_column(String(20))
    field: Mapped[str] = mapped_column(String(200))
    # What the unit is responsible for, in words residents use: routing suggestions read it.
    responsibilities: Mapped[str] = mapped_column(Text, default="", server_default="")
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(40))

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


class UnitInvitationStatus(TitledEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    CANCELLED = "cancelled"


class UnitInvitation(IdMixin, db.Model):
    """An e-mailed link that makes its holder an expert of a unit; only the token's hash is kept."""

    __tablename__ = "unit_invitations"

    unit_id: Mapped[int] = mapped_column(ForeignKey("verifying_units.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=UnitInvitationStatus.PENDING.value)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]

    unit: Mapped[VerifyingUnit] = relationship(lazy="joined")

    __table_args__ = (
        CheckConstraint("status IN ('pending', 'accepted', 'cancelled')", name="status_known"),
        Index("ix_unit_invitations_unit_status", "unit_id", "status", "created_at"),
    )


class RoutingStatus(TitledEnum):
    PENDING = "pending"  # the unit owes feedback on the current round
    ANSWERED = "answered"  # the unit published feedback for the current round
    CANCELLED = "cancelled"  # a coordinator took the unit off the proposal


class Routing(IdMixin, db.Model):
    """A proposal sent to one unit; each new round (after a revision) reopens it with a new due date.

    Edition and district are copied from the proposal so that the inbox and the board filter and
    sort on this table's own indexes."""

    __tablename__ = "routings"

    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("verifying_units.id", ondelete="CASCADE"))
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id"))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    status: Mapped[str] = mapped_column(String(20), default=RoutingStatus.PENDING.value)
    round: Mapped[int] = mapped_column(default=1)
    due_on: Mapped[date]
    routed_at: Mapped[datetime] = mapped_column(default=utcnow)  # start of the current round
    routed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None]
    overdue_notified_at: Mapped[datetime | None]  # the overdue reminder goes out once per round

    proposal = relationship("Proposal", lazy="raise_on_sql")
    unit: Mapped[VerifyingUnit] = relationship(lazy="raise_on_sql")

    __table_args__ = (
        UniqueConstraint("proposal_id", "unit_id", name="uq_routings_proposal_unit"),
        CheckConstraint("status IN ('pending', 'answered', 'cancelled')", name="status_known"),
        CheckConstraint("round >= 1", name="round_positive"),
        Index("ix_routings_unit_inbox", "unit_id", "status", "routed_at", "id"),
        Index("ix_routings_unit_district", "unit_id", "district_id", "status", "routed_at", "id"),
        Index("ix_routings_edition_board", "edition_id", "status", "due_on", "id"),
        Index("ix_routings_edition_list", "edition_id", "status", "routed_at", "id"),  # the board's list
        Index("ix_routings_proposal", "proposal_id", "status"),
    )

    @property
    def state(self):
        return RoutingStatus(self.status)


class FeedbackStatus(TitledEnum):
    DRAFT = "draft"  # only the unit's experts see it
    PUBLISHED = "published"  # the authors see it; it cannot change any more


class Verdict(TitledEnum):
    READY = "ready"
    NEEDS_CHANGES = "needs_changes"
    CANNOT_BE_DONE = "cannot_be_done"


class CostAssessment(TitledEnum):
    REALISTIC = "realistic"
    TOO_LOW = "too_low"
    TOO_HIGH = "too_high"


class Feedback(IdMixin, TimestampMixin, db.Model):
    """One unit's written feedback on one version of a proposal, in one round."""

    __tablename__ = "feedback"

    routing_id: Mapped[int] = mapped_column(ForeignKey("routings.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("verifying_units.id", ondelete="CASCADE"))
    round: Mapped[int]
    version_number: Mapped[int]  # the proposal version the experts read
    # When the round began (the routing's routed_at then): monitoring measures days to feedback from it.
    round_started_at: Mapped[datetime | None]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default=FeedbackStatus.DRAFT.value)
    verdict: Mapped[str | None] = mapped_column(String(20))
    verdict_reason: Mapped[str] = mapped_column(Text, default="")
    cost_assessment: Mapped[str | None] = mapped_column(String(20))
    unit_estimate: Mapped[int | None] = mapped_column(BigInteger)  # grosze, the unit's own figure
    suggestions: Mapped[str] = mapped_column(Text, default="")  # Markdown
    published_at: Mapped[datetime | None]
    # A coordinator may override a "cannot be done" verdict for the readiness check, with a reason.
    override_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    overridden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    overridden_at: Mapped[datetime | None]

    unit: Mapped[VerifyingUnit] = relationship(lazy="raise_on_sql")
    author = relationship("User", foreign_keys=[author_id], lazy="raise_on_sql")
    points: Mapped[list["FeedbackPoint"]] = relationship(
        back_populates="feedback", cascade="all, delete-orphan", order_by="FeedbackPoint.position",
        lazy="raise_on_sql")

    __table_args__ = (
        UniqueConstraint("routing_id", "round", name="uq_feedback_routing_round"),
        CheckConstraint("status IN ('draft', 'published')", name="status_known"),
        CheckConstraint("verdict IS NULL OR verdict IN ('ready', 'needs_changes', 'cannot_be_done')",
                        name="verdict_known"),
        CheckConstraint("cost_assessment IS NULL OR cost_assessment IN ('realistic', 'too_low', 'too_high')",
                        name="cost_assessment_known"),
        CheckConstraint("unit_estimate IS NULL OR unit_estimate >= 0", name="estimate_not_negative"),
        Index("ix_feedback_proposal", "proposal_id", "status", "published_at", "id"),
        Index("ix_feedback_unit", "unit_id", "status", "updated_at"),
        # Monitoring, per period: opinions published and the days they took, read from the index alone.
        Index("ix_feedback_published", "status", "published_at", "proposal_id", "round_started_at", "created_at"),
    )

    @property
    def state(self):
        return FeedbackStatus(self.status)


class CriterionResult(TitledEnum):
    MEETS = "meets"
    NEEDS_CHANGE = "needs_change"
    DOES_NOT_MEET = "does_not_meet"
    NOT_APPLICABLE = "not_applicable"


class AnswerStatus(TitledEnum):
    """Where a point that asks for a change stands; kept on the point so lists need no thread."""

    NONE = "none"  # the point asks for nothing
    OPEN = "open"  # asks for a change, not answered yet
    CHANGED = "changed"
    NOT_CHANGED = "not_changed"
    QUESTION = "question"  # the authors asked the experts back


class FeedbackPoint(IdMixin, db.Model):
    """One criterion's result in a feedback: what the authors answer, point by point.

    The criterion's title is copied so the point reads the same after the edition's criteria change."""

    __tablename__ = "feedback_points"

    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    criterion_id: Mapped[int | None] = mapped_column(ForeignKey("feedback_criteria.id", ondelete="SET NULL"))
    position: Mapped[int]
    criterion_title: Mapped[str] = mapped_column(String(200))
    result: Mapped[str | None] = mapped_column(String(20))
    correctable: Mapped[bool | None]  # can the authors put a failing result right?
    note: Mapped[str] = mapped_column(Text, default="")
    answer_status: Mapped[str] = mapped_column(String(20), default=AnswerStatus.NONE.value)
    answered_in_version: Mapped[int | None]  # the version that makes the change ("changed")

    feedback: Mapped[Feedback] = relationship(back_populates="points")
    answers: Mapped[list["PointAnswer"]] = relationship(
        back_populates="point", cascade="all, delete-orphan", order_by="PointAnswer.id", lazy="raise_on_sql")

    __table_args__ = (
        UniqueConstraint("feedback_id", "position", name="uq_feedback_points_position"),
        CheckConstraint("result IS NULL OR result IN ('meets', 'needs_change', 'does_not_meet', 'not_applicable')",
                        name="result_known"),
        CheckConstraint("answer_status IN ('none', 'open', 'changed', 'not_changed', 'question')",
                        name="answer_status_known"),
        Index("ix_feedback_points_feedback", "feedback_id", "position"),
        Index("ix_feedback_points_proposal", "proposal_id", "answer_status"),
    )

    @property
    def needs_answer(self):
        return self.result in (CriterionResult.NEEDS_CHANGE.value, CriterionResult.DOES_NOT_MEET.value)


class AnswerKind(TitledEnum):
    CHANGED = "changed"  # authors: the version named makes the change
    NOT_CHANGED = "not_changed"  # authors: why not
    QUESTION = "question"  # authors ask the experts back
    REPLY = "reply"  # an expert of the unit answers in the thread


class PointAnswer(IdMixin, db.Model):
    """One message in the thread under a feedback point."""

    __tablename__ = "point_answers"

    point_id: Mapped[int] = mapped_column(ForeignKey("feedback_points.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))
    version_number: Mapped[int | None]  # with "changed"
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    point: Mapped[FeedbackPoint] = relationship(back_populates="answers")
    author = relationship("User", lazy="raise_on_sql")

    __table_args__ = (
        CheckConstraint("kind IN ('changed', 'not_changed', 'question', 'reply')", name="kind_known"),
        CheckConstraint("kind != 'changed' OR version_number IS NOT NULL", name="changed_names_version"),
        Index("ix_point_answers_point", "point_id", "id"),
        Index("ix_point_answers_proposal", "proposal_id", "id"),
    )


class AnswerSnippet(IdMixin, TimestampMixin, db.Model):
    """A unit's reusable answer ("this land belongs to the State Treasury") that experts insert and edit."""

    __tablename__ = "answer_snippets"

    unit_id: Mapped[int] = mapped_column(ForeignKey("verifying_units.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(SNIPPET_TITLE_MAX))
    title_key: Mapped[str] = mapped_column(String(SNIPPET_TITLE_MAX))  # folded: no two alike in a unit
    body: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (UniqueConstraint("unit_id", "title_key", name="uq_answer_snippets_unit_title"),)


class InternalNote(IdMixin, db.Model):
    """The unit's own notes on a proposal, with replies; never shown to the authors."""

    __tablename__ = "internal_notes"

    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("verifying_units.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("internal_notes.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("User", lazy="raise_on_sql")

    __table_args__ = (
        Index("ix_internal_notes_proposal_unit", "proposal_id", "unit_id", "id"),
        Index("ix_internal_notes_parent", "parent_id", "id"),  # the replies of a page's threads
    )


titles(
    (UnitInvitationStatus.PENDING, _l("Waiting for an answer")),
    (UnitInvitationStatus.ACCEPTED, _l("Accepted")),
    (UnitInvitationStatus.CANCELLED, _l("Cancelled")),
    (RoutingStatus.PENDING, _l("Awaiting feedback")),
    (RoutingStatus.ANSWERED, _l("Feedback given")),
    (RoutingStatus.CANCELLED, _l("Routing cancelled")),
    (FeedbackStatus.DRAFT, _l("Draft feedback")),
    (FeedbackStatus.PUBLISHED, _l("Published")),
    (Verdict.READY, _l("Ready to submit")),
    (Verdict.NEEDS_CHANGES, _l("Needs changes")),
    (Verdict.CANNOT_BE_DONE, _l("Cannot be done by the city")),
    (CostAssessment.REALISTIC, _l("Realistic")),
    (CostAssessment.TOO_LOW, _l("Too low")),
    (CostAssessment.TOO_HIGH, _l("Too high")),
    (CriterionResult.MEETS, _l("Meets")),
    (CriterionResult.NEEDS_CHANGE, _l("Needs change")),
    (CriterionResult.DOES_NOT_MEET, _l("Does not meet")),
    (CriterionResult.NOT_APPLICABLE, _l("Not applicable")),
    (AnswerStatus.NONE, _l("Nothing to answer")),
    (AnswerStatus.OPEN, _l("Not answered yet")),
    (AnswerStatus.CHANGED, _l("Changed")),
    (AnswerStatus.NOT_CHANGED, _l("Not changed, with a reason")),
    (AnswerStatus.QUESTION, _l("Question to the experts")),
    (AnswerKind.CHANGED, _l("Changed")),
    (AnswerKind.NOT_CHANGED, _l("Not changed")),
    (AnswerKind.QUESTION, _l("Question")),
    (AnswerKind.REPLY, _l("Expert's reply")),
)
