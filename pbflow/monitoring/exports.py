"""What monitoring keeps about a person, for their data download (RODO art. 15 and 20): the activities,
measured values and reports they recorded. These are the programme's records, so deleting an account
keeps them (without the link to the person, as every recorded_by column is set to NULL with the user)."""

from sqlalchemy import select

from pbflow.accounts.exports import exporter
from pbflow.extensions import db
from pbflow.monitoring.models import Activity, Indicator, Measurement, Report


@exporter("monitoring_activities_recorded")
def _activities(user):
    rows = db.session.execute(select(Activity.held_on, Activity.kind, Activity.title, Activity.minutes,
                                     Activity.participants, Activity.led_by)
                              .where(Activity.recorded_by_id == user.id).order_by(Activity.id))
    return [{"held_on": day.isoformat(), "kind": kind, "title": title, "minutes": minutes,
             "participants": participants, "led_by": led_by}
            for day, kind, title, minutes, participants, led_by in rows]


@exporter("monitoring_values_recorded")
def _measurements(user):
    rows = db.session.execute(select(Indicator.name_pl, Measurement.measured_on, Measurement.value,
                                     Measurement.source_note)
                              .join(Indicator, Indicator.id == Measurement.indicator_id)
                              .where(Measurement.recorded_by_id == user.id).order_by(Measurement.id))
    return [{"indicator": name, "measured_on": day.isoformat(), "value": value / 100, "source": note}
            for name, day, value, note in rows]


@exporter("monitoring_reports_made")
def _reports(user):
    rows = db.session.execute(select(Report.period_start, Report.period_end, Report.locale, Report.created_at)
                              .where(Report.created_by_id == user.id).order_by(Report.id))
    return [{"period_start": first.isoformat(), "period_end": last.isoformat(), "language": locale,
             "made_at": made.isoformat() + "Z"} for first, last, locale, made in rows]
