"""Indicators with a baseline and a target, hand-recorded measurements, activity records, and the
kept snapshots of reports sent to funders.

Figures are stored in hundredths (an integer), so 1,5 hours or 12,25 % need no float and no
Decimal column (SQLite has none)."""

from datetime import date, datetime

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from pbflow.core.database import utcnow
from pbflow.core.models import IdMixin, TimestampMixin
from pbflow.core.titles import TitledEnum, titles
from pbflow.extensions import db

NAME_MAX = 200
NOTE_MAX = 2000
SOURCE_NOTE_MAX = 500
LED_BY_MAX = 300
RECORDED = "recorded"  # an indicator whose value people enter, as opposed to a computed source's key


class IndicatorKind(TitledEnum):
    OUTPUT = "output"
    RESULT = "result"


class Unit(TitledEnum):
    PEOPLE = "people"
    HOURS = "hours"
    MEETINGS = "meetings"
    SESSIONS = "sessions"
    PROPOSALS = "proposals"
    OPINIONS = "opinions"
    AREAS = "areas"
    ITEMS = "items"
    DAYS = "days"
    ZLOTY = "zloty"
    PERCENT = "percent"


class ActivityKind(TitledEnum):
    TRAINING = "training"
    ADVICE = "advice"
    CONSULTATION = "consultation"
    EVENT = "event"


titles(
    (IndicatorKind.OUTPUT, _l("Output indicator")),
    (IndicatorKind.RESULT, _l("Result indicator")),
    (Unit.PEOPLE, _l("people")),
    (Unit.HOURS, _l("hours")),
    (Unit.MEETINGS, _l("meetings")),
    (Unit.SESSIONS, _l("sessions")),
    (Unit.PROPOSALS, _l("proposals")),
    (Unit.OPINIONS, _l("opinions")),
    (Unit.AREAS, _l("areas")),
    (Unit.ITEMS, _l("items")),
    (Unit.DAYS, _l("days")),
    (Unit.ZLOTY, _l("złoty")),
    (Unit.PERCENT, _l("percent")),
    (ActivityKind.TRAINING, _l("Training session")),
    (ActivityKind.ADVICE, _l("Advice session")),
    (ActivityKind.CONSULTATION, _l("Consultation")),
    (ActivityKind.EVENT, _l("Event")),
)


class Indicator(IdMixin, TimestampMixin, db.Model):
    """What an edition plans to achieve: a baseline, a target, and where the value comes from."""

    __tablename__ = "monitoring_indicators"

    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    name_pl: Mapped[str] = mapped_column(String(NAME_MAX))
    name_en: Mapped[str] = mapped_column(String(NAME_MAX))
    kind: Mapped[str] = mapped_column(String(20))
    unit: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(40))  # RECORDED or a key of monitoring.sources.SOURCES
    baseline: Mapped[int] = mapped_column(BigInteger, default=0)  # hundredths
    target: Mapped[int] = mapped_column(BigInteger)  # hundredths
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (
        CheckConstraint("kind IN ('output', 'result')", name="kind_known"),
        CheckConstraint("baseline >= 0 AND target >= 0", name="figures_not_negative"),
        CheckConstraint("district_id IS NULL OR area_id IS NULL", name="one_scope"),
        Index("ix_monitoring_indicators_edition", "edition_id", "position", "id"),
    )

    @property
    def name(self):
        return self.name_en if str(get_locale() or "pl").startswith("en") else self.name_pl

    @property
    def is_recorded(self):
        return self.source == RECORDED


class Measurement(IdMixin, db.Model):
    """A value of a recorded indicator as measured on a day, with where the figure comes from."""

    __tablename__ = "monitoring_measurements"

    indicator_id: Mapped[int] = mapped_column(ForeignKey("monitoring_indicators.id", ondelete="CASCADE"))
    value: Mapped[int] = mapped_column(BigInteger)  # hundredths
    measured_on: Mapped[date]
    source_note: Mapped[str] = mapped_column(String(SOURCE_NOTE_MAX), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("indicator_id", "measured_on", name="uq_monitoring_measurements_day"),
        CheckConstraint("value >= 0", name="value_not_negative"),
    )


class Activity(IdMixin, TimestampMixin, db.Model):
    """A training, advice session, consultation or event that pbflow does not otherwise see."""

    __tablename__ = "monitoring_activities"

    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(NAME_MAX))
    held_on: Mapped[date]
    minutes: Mapped[int]
    participants: Mapped[int] = mapped_column(default=0)
    new_participants: Mapped[int] = mapped_column(default=0)  # of the participants, new to PB
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    led_by: Mapped[str] = mapped_column(String(LED_BY_MAX), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)

    __table_args__ = (
        CheckConstraint("kind IN ('training', 'advice', 'consultation', 'event')", name="kind_known"),
        CheckConstraint("minutes > 0 AND minutes <= 1440", name="length_within_a_day"),
        CheckConstraint("participants >= 0 AND new_participants >= 0 AND new_participants <= participants",
                        name="participants_consistent"),
        Index("ix_monitoring_activities_edition_day", "edition_id", "held_on", "id"),
        Index("ix_monitoring_activities_edition_kind_day", "edition_id", "kind", "held_on"),
        Index("ix_monitoring_activities_district_day", "edition_id", "district_id", "held_on"),
        Index("ix_monitoring_activities_area", "area_id"),
    )

    @property
    def hours(self):
        return self.minutes / 60


class Report(IdMixin, db.Model):
    """A report as it was made: its figures are kept so that what a funder received can be shown again."""

    __tablename__ = "monitoring_reports"

    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    period_start: Mapped[date]
    period_end: Mapped[date]  # inclusive
    locale: Mapped[str] = mapped_column(String(5))
    figures: Mapped[dict] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        CheckConstraint("period_end >= period_start", name="period_in_order"),
        Index("ix_monitoring_reports_edition", "edition_id", "created_at", "id"),
    )
