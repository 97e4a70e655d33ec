"""A year's pathway (edition), the city's districts, their pools, and areas inside them."""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pbflow.core.database import utcnow
from pbflow.core.models import IdMixin, TimestampMixin
from pbflow.extensions import db

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X",
         "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX")


def roman(number):
    """A district's number as Kraków writes it (XIV Czyżyny)."""
    return ROMAN[number - 1] if 0 < number <= len(ROMAN) else str(number)


def district_label(number, name):
    """How a district is named wherever one is chosen or shown: "XIV Czyżyny"."""
    return f"{roman(number)} {name}"


class District(IdMixin, db.Model):
    """An auxiliary unit of the city (dzielnica), numbered with Roman numerals in Kraków."""

    __tablename__ = "districts"

    number: Mapped[int] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    # ASCII name as it appears in Pabulib file names, e.g. "Lagiewniki-Borek_Falecki".
    slug: Mapped[str] = mapped_column(String(120), unique=True)

    @property
    def roman(self):
        return roman(self.number)

    @property
    def label(self):
        return district_label(self.number, self.name)

    def __repr__(self):
        return f"<District {self.roman} {self.name}>"


class Stage(enum.StrEnum):
    """The four stages of the pathway, then the final deadline, in order."""

    RECRUITMENT = "recruitment"
    MEETINGS = "meetings"
    WORKSHOPS = "workshops"
    MARATHONS = "marathons"

    @property
    def title(self):
        return STAGE_TITLES[self]


STAGE_TITLES = {
    Stage.RECRUITMENT: _l("Ambassador recruitment"),
    Stage.MEETINGS: _l("Residents' meetings"),
    Stage.WORKSHOPS: _l("Expert workshops"),
    Stage.MARATHONS: _l("Submission marathons"),
}


class Scope(enum.StrEnum):
    """Whom a project's money comes from: its district's pool or the city-wide pool."""

    DISTRICT = "district"
    CITYWIDE = "citywide"

    @property
    def title(self):
        return SCOPE_TITLES[self]


SCOPE_TITLES = {
    Scope.DISTRICT: _l("District project"),
    Scope.CITYWIDE: _l("City-wide project"),
}


# The longest texts pbflow keeps at all, whatever the edition (proposals refuse more); an edition's form
# limits below lie within them.
TITLE_HARD_MAX = 200
SUMMARY_HARD_MAX = 2000
DESCRIPTION_HARD_MAX = 50_000


class Edition(IdMixin, TimestampMixin, db.Model):
    """One year's pathway, e.g. "Wspólne Projekty 2026"; exactly one is current."""

    __tablename__ = "editions"

    name: Mapped[str] = mapped_column(String(120), unique=True)
    year: Mapped[int]
    is_current: Mapped[bool] = mapped_column(default=False)
    recruitment_opens: Mapped[date]
    recruitment_closes: Mapped[date]
    meetings_open: Mapped[date]
    meetings_close: Mapped[date]
    workshops_open: Mapped[date]
    workshops_close: Mapped[date]
    marathons_open: Mapped[date]
    marathons_close: Mapped[date]
    submission_deadline: Mapped[date]
    citywide_pool: Mapped[int] = mapped_column(default=0)  # grosze
    district_cap_percent = mapped_column(Numeric(5, 2), default=40, nullable=False)
    citywide_cap_percent = mapped_column(Numeric(5, 2), default=20, nullable=False)
    district_cap_fixed: Mapped[int | None]  # grosze; when set, the cap is the lower of the two
    citywide_cap_fixed: Mapped[int | None]
    rules_url: Mapped[str | None] = mapped_column(String(500))
    # The official platform's form limits, in characters; pbflow flags what it would refuse.
    title_max_chars: Mapped[int] = mapped_column(default=60, server_default="60")
    summary_min_chars: Mapped[int] = mapped_column(default=60, server_default="60")
    summary_max_chars: Mapped[int] = mapped_column(default=250, server_default="250")
    description_max_chars: Mapped[int] = mapped_column(default=5000, server_default="5000")
    # How many days a verifying unit has to give feedback on a routed proposal.
    feedback_due_days: Mapped[int] = mapped_column(default=14, server_default="14")
    # How many residents must back a proposal (Kraków 2020: 15), and the official platform's reference format.
    supporters_required: Mapped[int] = mapped_column(default=15, server_default="15")
    reference_pattern: Mapped[str] = mapped_column(String(200), default=r"^[A-Z]{2,6}\.\d{1,6}\.\d{4}$",
                                                   server_default=r"^[A-Z]{2,6}\.\d{1,6}\.\d{4}$")

    budgets: Mapped[list["DistrictBudget"]] = relationship(
        back_populates="edition", cascade="all, delete-orphan", order_by="DistrictBudget.district_id")
    criteria: Mapped[list["FeedbackCriterion"]] = relationship(
        back_populates="edition", cascade="all, delete-orphan", order_by="FeedbackCriterion.position")

    __table_args__ = (
        # At most one current edition, enforced by the database itself.
        Index("uq_editions_current", "is_current", unique=True,
              sqlite_where=text("is_current"), postgresql_where=text("is_current")),
        CheckConstraint("citywide_pool >= 0", name="citywide_pool_not_negative"),
        CheckConstraint("district_cap_percent > 0 AND district_cap_percent <= 100", name="district_cap_percent_range"),
        CheckConstraint("citywide_cap_percent > 0 AND citywide_cap_percent <= 100", name="citywide_cap_percent_range"),
        CheckConstraint("title_max_chars > 0 AND summary_min_chars >= 0 AND summary_max_chars >= summary_min_chars "
                        "AND description_max_chars > 0", name="form_limits_sensible"),
        CheckConstraint("feedback_due_days > 0 AND feedback_due_days <= 365", name="feedback_due_days_range"),
        CheckConstraint("supporters_required >= 0 AND supporters_required <= 1000", name="supporters_required_range"),
    )

    def stage_dates(self):
        return [
            (Stage.RECRUITMENT, self.recruitment_opens, self.recruitment_closes),
            (Stage.MEETINGS, self.meetings_open, self.meetings_close),
            (Stage.WORKSHOPS, self.workshops_open, self.workshops_close),
            (Stage.MARATHONS, self.marathons_open, self.marathons_close),
        ]

    def __repr__(self):
        return f"<Edition {self.name}>"


class DistrictBudget(db.Model):
    """The pool of one district in one edition."""

    __tablename__ = "district_budgets"

    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), primary_key=True)
    pool: Mapped[int] = mapped_column(default=0)  # grosze

    edition: Mapped[Edition] = relationship(back_populates="budgets")
    district: Mapped[District] = relationship(lazy="joined")

    __table_args__ = (CheckConstraint("pool >= 0", name="pool_not_negative"),)


class FeedbackCriterion(IdMixin, db.Model):
    """One point verifying units assess for every proposal, in the edition's order."""

    __tablename__ = "feedback_criteria"

    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    edition: Mapped[Edition] = relationship(back_populates="criteria")


class Area(IdMixin, db.Model):
    """A part of a district an ambassador works for: an estate, a few streets."""

    __tablename__ = "areas"

    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    # Lower-cased, single-spaced name: no two areas "Osiedle Oświecenia" and "osiedle  oświecenia".
    name_key: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    district: Mapped[District] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("district_id", "name_key", name="uq_areas_district_name"),)

    def __repr__(self):
        return f"<Area {self.name}>"
