"""Indicator values, the share of target reached, trends and the funnel, asked for in one SELECT.

Every figure on a page is a scalar subquery of that one statement (see sources.py), so the page runs
the same number of queries whether the edition has ten proposals or a hundred thousand."""

from dataclasses import dataclass, field

from sqlalchemy import select

from pbflow.extensions import db
from pbflow.monitoring.models import Indicator, Measurement, Report, Unit
from pbflow.monitoring.sources import FUNNEL, FUNNEL_TITLES, SOURCES, Period, Scope, as_number

WHOLE_TIME = Period()


def hundredths(value):
    return None if value is None else as_number(value / 100)


def scope_of(indicator):
    return Scope(indicator.edition_id, indicator.district_id, indicator.area_id)


def _latest_recorded(indicator_id, last_day=None, before_day=None):
    statement = select(Measurement.value).where(Measurement.indicator_id == indicator_id)
    if last_day is not None:
        statement = statement.where(Measurement.measured_on <= last_day)
    if before_day is not None:
        statement = statement.where(Measurement.measured_on < before_day)
    return statement.order_by(Measurement.measured_on.desc()).limit(1).scalar_subquery()


class Batch:
    """Collects expressions and runs them as one SELECT; a source asked twice for the same place and
    period (an indicator that is also a funnel stage) is computed once."""

    def __init__(self):
        self.expressions = []
        self.slots = {}

    def add(self, expression):
        self.expressions.append(expression)
        return len(self.expressions) - 1

    def source(self, key, scope, period):
        if (key, scope, period) not in self.slots:
            self.slots[(key, scope, period)] = self.add(SOURCES[key].expression(scope, period))
        return self.slots[(key, scope, period)]

    def run(self):
        if not self.expressions:
            return []
        return list(db.session.execute(select(*(e.label(f"v{i}") for i, e in enumerate(self.expressions)))).one())


def share_of_target(indicator, value):
    """How much of the way to the target is done, as a fraction (1.0 = reached). A target below the
    baseline (fewer days to feedback) counts the way down."""
    if value is None:
        return None
    baseline, target = indicator.baseline / 100, indicator.target / 100
    if target < baseline:
        return max(0.0, (baseline - value) / (baseline - target))
    if target == 0:
        return None
    return max(0.0, value / target)


@dataclass
class Figure:
    indicator: Indicator
    value: object = None  # cumulative up to the period's end
    in_period: object = None
    share: object = None
    since_report: object = None  # change since the last kept report
    scope_note: str = ""

    @property
    def unit(self):
        return Unit(self.indicator.unit)

    @property
    def baseline(self):
        return hundredths(self.indicator.baseline)

    @property
    def target(self):
        return hundredths(self.indicator.target)


@dataclass
class FunnelStage:
    key: str
    title: object
    count: object
    drop: object = None  # from the stage before, when both count proposals
    kept: object = None  # fraction of the stage before


@dataclass
class Figures:
    figures: list = field(default_factory=list)
    funnel: list = field(default_factory=list)
    last_report: object = None


def last_report(edition_id):
    return db.session.scalars(select(Report).where(Report.edition_id == edition_id)
                              .order_by(Report.created_at.desc(), Report.id.desc()).limit(1)).first()


def compute(indicators, scope=None, period=WHOLE_TIME, with_period=False, funnel_scope=None, report=None):
    """Values of `indicators` (each at its own scope, or at `scope` when given), cumulative to the end
    of `period` and, with `with_period`, achieved within it; plus the funnel at `funnel_scope`."""
    batch = Batch()
    to_end = Period(None, period.last_day)
    plans = []
    for indicator in indicators:
        where = scope or scope_of(indicator)
        if indicator.is_recorded:
            value = batch.add(_latest_recorded(indicator.id, period.last_day))
            before = batch.add(_latest_recorded(indicator.id, before_day=period.first_day)) \
                if with_period and period.first_day else None
            plans.append((indicator, value, before, True))
        else:
            value = batch.source(indicator.source, where, to_end)
            within = batch.source(indicator.source, where, period) if with_period else None
            plans.append((indicator, value, within, False))
    funnel_slots = []
    if funnel_scope is not None:
        funnel_slots = [(key, same, batch.source(key, funnel_scope, to_end)) for key, same in FUNNEL]
    row = batch.run()
    result = Figures(last_report=report)
    previous = (report.figures.get("cumulative") or {}) if report is not None else {}
    for indicator, value_slot, other_slot, recorded in plans:
        figure = Figure(indicator)
        if recorded:
            figure.value = hundredths(row[value_slot])
            if with_period:
                start = hundredths(row[other_slot]) if other_slot is not None else None
                if figure.value is not None:
                    figure.in_period = round(figure.value - (start if start is not None else figure.baseline), 2)
        else:
            figure.value = as_number(row[value_slot])
            if with_period:
                figure.in_period = as_number(row[other_slot])
        figure.share = share_of_target(indicator, figure.value)
        before = previous.get(str(indicator.id))
        if before is not None and figure.value is not None:
            figure.since_report = as_number(round(figure.value - before, 2))
        result.figures.append(figure)
    prior = None
    for key, same, slot in funnel_slots:
        stage = FunnelStage(key, FUNNEL_TITLES[key], as_number(row[slot]) or 0)
        if same and prior is not None:
            stage.drop = prior.count - stage.count
            stage.kept = stage.count / prior.count if prior.count else None
        result.funnel.append(stage)
        prior = stage
    return result
