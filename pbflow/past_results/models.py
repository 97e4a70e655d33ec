"""Past results imported from Pabulib files: one PastResult per file (a year's vote in a district or
city-wide) and its PastProjects."""

from datetime import date, datetime

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
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pbflow.core.database import utcnow
from pbflow.core.models import IdMixin
from pbflow.extensions import db


class PastResult(IdMixin, db.Model):
    """The results of one year's vote in one district, or city-wide, as a Pabulib file states them."""

    __tablename__ = "past_results"

    year: Mapped[int]
    scope: Mapped[str] = mapped_column(String(20))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    # "2019:citywide" or "2019:district:4": the same file imported again finds its row.
    key: Mapped[str] = mapped_column(String(60), unique=True)
    source_name: Mapped[str] = mapped_column(String(255))
    source_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the file: unchanged files are skipped
    budget: Mapped[int] = mapped_column(BigInteger)  # grosze
    num_projects: Mapped[int]
    num_votes: Mapped[int]
    vote_type: Mapped[str] = mapped_column(String(20))
    rule: Mapped[str] = mapped_column(String(60), default="")
    # The file did not say which projects won; pbflow worked it out by the file's (greedy) rule.
    outcome_computed: Mapped[bool] = mapped_column(default=False)
    date_begin: Mapped[date | None]
    date_end: Mapped[date | None]
    meta: Mapped[dict] = mapped_column(JSON, default=dict)  # every META key, including ones we do not use
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    district = relationship("District", lazy="raise_on_sql")
    projects: Mapped[list["PastProject"]] = relationship(
        back_populates="result", cascade="all, delete-orphan", lazy="raise_on_sql")

    __table_args__ = (
        CheckConstraint("scope IN ('district', 'citywide')", name="scope_known"),
        CheckConstraint("scope = 'citywide' OR district_id IS NOT NULL", name="district_result_has_district"),
        Index("ix_past_results_district_year", "district_id", "year"),
    )

    def __repr__(self):
        return f"<PastResult {self.key}>"


class PastProject(IdMixin, db.Model):
    """A project that was put to the vote: what it was, what it cost, how many votes, whether it won."""

    __tablename__ = "past_projects"

    result_id: Mapped[int] = mapped_column(ForeignKey("past_results.id", ondelete="CASCADE"))
    # Copied from the result so lists and cost benchmarks filter without a join.
    year: Mapped[int]
    scope: Mapped[str] = mapped_column(String(20))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    project_id: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(Text, default="")
    # Lower-case, without diacritics ("ł" too): matched against word stems typed by authors.
    name_key: Mapped[str] = mapped_column(Text, default="")
    cost: Mapped[int] = mapped_column(BigInteger)  # grosze
    votes: Mapped[int | None]
    score = mapped_column(Numeric(14, 2), nullable=True)
    selected: Mapped[bool | None]
    categories: Mapped[str] = mapped_column(String(500), default="")
    extra: Mapped[dict] = mapped_column(JSON, default=dict)  # columns pbflow does not use, kept

    result: Mapped[PastResult] = relationship(back_populates="projects")
    district = relationship("District", lazy="raise_on_sql")

    __table_args__ = (
        UniqueConstraint("result_id", "project_id", name="uq_past_projects_result_project"),
        CheckConstraint("cost >= 0", name="cost_not_negative"),
        Index("ix_past_projects_district_year", "district_id", "year"),
        Index("ix_past_projects_scope_year", "scope", "year"),
    )

    def __repr__(self):
        return f"<PastProject {self.year} {self.project_id}>"
