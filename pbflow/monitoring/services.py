"""The rules of monitoring: what an indicator, a measurement and an activity may hold.

Each refusal is a MonitoringError with a translated message and the form field it belongs to, so
the form shows it beside the field and nothing is saved."""

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from pbflow.core import audit, clock
from pbflow.editions.models import Area, District
from pbflow.extensions import db
from pbflow.monitoring.models import (
    RECORDED,
    Activity,
    ActivityKind,
    Indicator,
    IndicatorKind,
    Measurement,
    Unit,
)
from pbflow.monitoring.sources import SOURCES

MINUTES_PER_DAY = 24 * 60
FIGURE_MAX = 10**12  # hundredths: ten billion, more than any PB programme counts


class MonitoringError(Exception):
    def __init__(self, message, field=None, status=422):
        super().__init__(message)
        self.field, self.status = field, status


def edition_span(edition):
    """The days an edition's monitoring covers: from recruitment opening to a year after the submission
    deadline, when the city's funding decisions are known."""
    last = max(edition.submission_deadline, edition.marathons_close) + timedelta(days=365)
    return edition.recruitment_opens, last


def _check_day(edition, day, field):
    first, last = edition_span(edition)
    if not first <= day <= last:
        raise MonitoringError(_("Choose a day within the edition: from %(first)s to %(last)s.",
                                first=day_text(first), last=day_text(last)), field)
    if day > clock.today():
        raise MonitoringError(_("This day has not come yet: record what has already happened."), field)


def day_text(day):
    return day.strftime("%d.%m.%Y")


# --- indicators --------------------------------------------------------------------------

def indicators_of(edition_id):
    return db.session.scalars(select(Indicator).where(Indicator.edition_id == edition_id)
                              .order_by(Indicator.position, Indicator.id)).all()


def load_indicator(indicator_id, for_update=False):
    statement = select(Indicator).where(Indicator.id == indicator_id)
    return db.session.scalars(statement.with_for_update() if for_update else statement).first()


def _place(details):
    """(district id, area id) as chosen, checked: an area must exist and lie in the chosen district.
    The district returned is the area's when an area is chosen."""
    district_id, area_id = details.get("district_id"), details.get("area_id")
    if area_id is not None:
        area = db.session.get(Area, area_id)
        if area is None:
            raise MonitoringError(_("Choose an area from the list."), "area_id")
        if district_id is not None and area.district_id != district_id:
            raise MonitoringError(_("This area lies in another district. Choose the district or the area."),
                                  "area_id")
        return area.district_id, area_id
    if district_id is not None and db.session.get(District, district_id) is None:
        raise MonitoringError(_("Choose a district from the list."), "district_id")
    return district_id, None


def _scope(details):
    """An indicator is set for the edition, one district or one area (the area alone, not both)."""
    district_id, area_id = _place(details)
    return (None, area_id) if area_id is not None else (district_id, None)


def _check_indicator(details):
    source = details["source"]
    if source != RECORDED and source not in SOURCES:
        raise MonitoringError(_("Choose how the value is obtained from the list."), "source")
    unit = Unit(SOURCES[source].unit if source != RECORDED else details["unit"])
    baseline, target = details["baseline"], details["target"]
    if target < 0:
        raise MonitoringError(_("A target cannot be negative."), "target")
    if baseline < 0:
        raise MonitoringError(_("A baseline cannot be negative."), "baseline")
    if unit is Unit.PERCENT:
        if target == 0:
            raise MonitoringError(_("A target of 0 percent cannot be reached or missed: give the share to reach."),
                                  "target")
        if target > 100 * 100 or baseline > 100 * 100:
            raise MonitoringError(_("A share is at most 100 percent."), "target" if target > 100 * 100 else "baseline")
    if target == baseline:
        raise MonitoringError(_("The target is the same as the baseline: give the value to reach."), "target")
    IndicatorKind(details["kind"])
    return unit


def define_indicator(actor, edition, details):
    unit = _check_indicator(details)
    district_id, area_id = _scope(details)
    position = db.session.scalar(select(func.coalesce(func.max(Indicator.position), 0))
                                 .where(Indicator.edition_id == edition.id)) + 1
    indicator = Indicator(edition_id=edition.id, position=position, name_pl=details["name_pl"],
                          name_en=details["name_en"], kind=details["kind"], unit=unit.value,
                          source=details["source"], baseline=details["baseline"], target=details["target"],
                          district_id=district_id, area_id=area_id, created_by_id=actor.id)
    db.session.add(indicator)
    db.session.flush()
    audit.record(actor, "indicator.defined", indicator, source=indicator.source, target=indicator.target)
    return indicator


def has_measurements(indicator):
    return db.session.scalar(select(Measurement.id).where(Measurement.indicator_id == indicator.id).limit(1)) \
        is not None


def change_indicator(actor, indicator, details):
    if details["source"] != indicator.source and indicator.is_recorded and has_measurements(indicator):
        raise MonitoringError(_("This indicator already has recorded values. Delete them before it is computed "
                                "from pbflow's data, or define a new indicator."), "source")
    unit = _check_indicator(details)
    district_id, area_id = _scope(details)
    before = {"source": indicator.source, "target": indicator.target, "baseline": indicator.baseline}
    indicator.name_pl, indicator.name_en, indicator.kind = details["name_pl"], details["name_en"], details["kind"]
    indicator.unit, indicator.source = unit.value, details["source"]
    indicator.baseline, indicator.target = details["baseline"], details["target"]
    indicator.district_id, indicator.area_id = district_id, area_id
    audit.record(actor, "indicator.changed", indicator, before=before)


def remove_indicator(actor, indicator):
    audit.record(actor, "indicator.removed", indicator, name=indicator.name_pl)
    db.session.delete(indicator)


# --- measurements of recorded indicators ---------------------------------------------------

def measurements_of(indicator_id):
    return db.session.scalars(select(Measurement).where(Measurement.indicator_id == indicator_id)
                              .order_by(Measurement.measured_on.desc())).all()


def record_measurement(actor, indicator, edition, value, measured_on, source_note):
    if not indicator.is_recorded:
        raise MonitoringError(_("This indicator is computed from pbflow's data; it takes no recorded values."),
                              "value", status=409)
    if value < 0:
        raise MonitoringError(_("A value cannot be negative."), "value")
    if Unit(indicator.unit) is Unit.PERCENT and value > 100 * 100:
        raise MonitoringError(_("A share is at most 100 percent."), "value")
    _check_day(edition, measured_on, "measured_on")
    taken = db.session.scalar(select(Measurement.id).where(Measurement.indicator_id == indicator.id,
                                                           Measurement.measured_on == measured_on))
    if taken is not None:
        raise MonitoringError(_("A value measured on %(day)s is already recorded. Delete it first to correct it.",
                                day=day_text(measured_on)), "measured_on")
    measurement = Measurement(indicator_id=indicator.id, value=value, measured_on=measured_on,
                              source_note=source_note, recorded_by_id=actor.id)
    db.session.add(measurement)
    db.session.flush()
    audit.record(actor, "indicator.measured", indicator, value=value, measured_on=measured_on.isoformat())
    return measurement


def remove_measurement(actor, measurement):
    audit.record(actor, "indicator.measurement_removed", measurement, value=measurement.value,
                 measured_on=measurement.measured_on.isoformat())
    db.session.delete(measurement)


# --- activities --------------------------------------------------------------------------

def load_activity(activity_id, for_update=False):
    statement = select(Activity).where(Activity.id == activity_id)
    return db.session.scalars(statement.with_for_update() if for_update else statement).first()


def _check_activity(edition, details):
    ActivityKind(details["kind"])
    _check_day(edition, details["held_on"], "held_on")
    minutes = details["minutes"]
    if minutes <= 0:
        raise MonitoringError(_("Give the length of the activity: more than 0 hours."), "hours")
    if minutes > MINUTES_PER_DAY:
        raise MonitoringError(_("A day has 24 hours: record a longer activity as one per day."), "hours")
    if details["participants"] < 0:
        raise MonitoringError(_("The number of participants cannot be negative."), "participants")
    if details["new_participants"] < 0:
        raise MonitoringError(_("The number of participants cannot be negative."), "new_participants")
    if details["new_participants"] > details["participants"]:
        raise MonitoringError(_("Of %(count)d participants, at most %(count)d can be new to PB.",
                                count=details["participants"]), "new_participants")
    return _place(details)  # with the area's district: a district's figures include its areas' activities


_ACTIVITY_FIELDS = ("kind", "title", "held_on", "minutes", "participants", "new_participants", "led_by", "note")


def record_activity(actor, edition, details):
    district_id, area_id = _check_activity(edition, details)
    activity = Activity(edition_id=edition.id, district_id=district_id, area_id=area_id, recorded_by_id=actor.id,
                        **{name: details[name] for name in _ACTIVITY_FIELDS})
    db.session.add(activity)
    db.session.flush()
    audit.record(actor, "activity.recorded", activity, kind=activity.kind, minutes=activity.minutes,
                 participants=activity.participants)
    return activity


def change_activity(actor, activity, edition, details):
    district_id, area_id = _check_activity(edition, details)
    for name in _ACTIVITY_FIELDS:
        setattr(activity, name, details[name])
    activity.district_id, activity.area_id = district_id, area_id
    audit.record(actor, "activity.changed", activity, kind=activity.kind, minutes=activity.minutes,
                 participants=activity.participants)


def remove_activity(actor, activity):
    audit.record(actor, "activity.removed", activity, title=activity.title, held_on=activity.held_on.isoformat())
    db.session.delete(activity)


def check_period(edition, first_day, last_day):
    if last_day < first_day:
        raise MonitoringError(_("The period ends before it starts."), "last_day")
    _check_day(edition, first_day, "first_day")
    _check_day(edition, last_day, "last_day")


def default_period(edition, today=None):
    """The quarter so far, within the edition."""
    today = today or clock.today()
    first, last = edition_span(edition)
    quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = min(today, last)
    return max(first, min(quarter, end)), end
