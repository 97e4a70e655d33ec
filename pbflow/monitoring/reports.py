"""Reports for funders: every indicator over a period, and the activities, kept as made.

A report's figures are computed once, when it is made, and stored; showing it again reads the
stored figures, so what a funder received can be shown later exactly as sent."""

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from pbflow.core import audit
from pbflow.core.csvfile import BOM, csv_text, safe_cell
from pbflow.editions.models import Area, District
from pbflow.extensions import db
from pbflow.monitoring import figures as figures_module
from pbflow.monitoring.models import Activity, ActivityKind, IndicatorKind, Report, Unit
from pbflow.monitoring.services import check_period, indicators_of
from pbflow.monitoring.sources import FUNNEL_TITLES, Period, Scope, as_number

LOCALES = ("pl", "en")


def scope_names(indicators):
    """{indicator id: (district name, area name)} for scoped indicators, in one query each kind."""
    district_ids = {i.district_id for i in indicators if i.district_id}
    area_ids = {i.area_id for i in indicators if i.area_id}
    districts = dict(db.session.execute(select(District.id, District.name).where(District.id.in_(district_ids)))
                     .all()) if district_ids else {}
    areas = {row.id: row for row in db.session.execute(
        select(Area.id, Area.name, District.name.label("district")).join(District, District.id == Area.district_id)
        .where(Area.id.in_(area_ids)))} if area_ids else {}
    names = {}
    for indicator in indicators:
        if indicator.area_id:
            area = areas.get(indicator.area_id)
            names[indicator.id] = (area.district, area.name) if area else (None, None)
        elif indicator.district_id:
            names[indicator.id] = (districts.get(indicator.district_id), None)
    return names


def activities_in(edition_id, period):
    district = District.__table__.alias("activity_district")
    return db.session.execute(
        select(Activity.held_on, Activity.kind, Activity.title, Activity.minutes, Activity.participants,
               Activity.new_participants, Activity.led_by, Activity.note, district.c.name.label("district"),
               Area.name.label("area"))
        .outerjoin(district, district.c.id == Activity.district_id).outerjoin(Area, Area.id == Activity.area_id)
        .where(Activity.edition_id == edition_id, Activity.held_on >= period.first_day,
               Activity.held_on <= period.last_day)
        .order_by(Activity.held_on, Activity.id)).all()


def activity_totals(edition_id, period):
    """{kind: (sessions, minutes, participants, new)} within the period, counted by the database."""
    rows = db.session.execute(
        select(Activity.kind, func.count(), func.sum(Activity.minutes), func.sum(Activity.participants),
               func.sum(Activity.new_participants))
        .where(Activity.edition_id == edition_id, Activity.held_on >= period.first_day,
               Activity.held_on <= period.last_day).group_by(Activity.kind))
    return {kind: (count, minutes or 0, people or 0, new or 0) for kind, count, minutes, people, new in rows}


def make(actor, edition, first_day, last_day, locale):
    """Compute the period's figures and keep them."""
    check_period(edition, first_day, last_day)
    period = Period(first_day, last_day)
    indicators = indicators_of(edition.id)
    names = scope_names(indicators)
    computed = figures_module.compute(indicators, period=period, with_period=True, funnel_scope=Scope(edition.id))
    rows = []
    for figure in computed.figures:
        indicator = figure.indicator
        district, area = names.get(indicator.id, (None, None))
        rows.append({"id": indicator.id, "name_pl": indicator.name_pl, "name_en": indicator.name_en,
                     "kind": indicator.kind, "unit": indicator.unit, "source": indicator.source,
                     "district": district, "area": area, "baseline": figure.baseline, "target": figure.target,
                     "in_period": figure.in_period, "cumulative": figure.value,
                     "share": None if figure.share is None else round(figure.share, 4)})
    totals = activity_totals(edition.id, period)
    activities = [{"held_on": a.held_on.isoformat(), "kind": a.kind, "title": a.title, "hours": a.minutes / 60,
                   "participants": a.participants, "new_participants": a.new_participants,
                   "district": a.district, "area": a.area, "led_by": a.led_by, "note": a.note}
                  for a in activities_in(edition.id, period)]
    report = Report(
        edition_id=edition.id, period_start=first_day, period_end=last_day, locale=locale, created_by_id=actor.id,
        figures={"edition": edition.name, "indicators": rows,
                 "cumulative": {str(row["id"]): row["cumulative"] for row in rows},
                 "funnel": [{"key": s.key, "count": s.count, "drop": s.drop, "kept": s.kept} for s in computed.funnel],
                 "activity_totals": {kind: list(values) for kind, values in totals.items()},
                 "activities": activities})
    db.session.add(report)
    db.session.flush()
    audit.record(actor, "monitoring.report_made", report, first_day=first_day.isoformat(),
                 last_day=last_day.isoformat(), locale=locale, indicators=len(rows))
    return report


def reports_of(edition_id, limit=50):
    return db.session.execute(
        select(Report.id, Report.period_start, Report.period_end, Report.locale, Report.created_at)
        .where(Report.edition_id == edition_id).order_by(Report.created_at.desc(), Report.id.desc())
        .limit(limit)).all()


def indicator_name(row, locale):
    return row["name_en"] if locale == "en" else row["name_pl"]


def unit_title(value):
    return Unit(value).title


def kind_of(value):
    """Output or result indicator."""
    return IndicatorKind(value).title


def kind_title(value):
    return ActivityKind(value).title


def funnel_title(key):
    return FUNNEL_TITLES[key]


def _number(value):
    return "" if value is None else value


def csv_chunks(report):
    """The report as CSV in its own language: the indicators, then the activities."""
    data = report.figures
    with force_locale(report.locale):
        yield BOM + csv_text([
            [_("Report"), safe_cell(data["edition"]), f"{report.period_start:%d.%m.%Y}–{report.period_end:%d.%m.%Y}"],
            [],
            [_("Indicator"), _("Kind"), _("Unit"), _("District"), _("Area"), _("Baseline"), _("Target"),
             _("Achieved in the period"), _("Cumulative"), _("Share of target in percent")],
        ])
        lines = []
        for row in data["indicators"]:
            share = "" if row["share"] is None else as_number(round(100 * row["share"], 1))
            lines.append([safe_cell(indicator_name(row, report.locale)),
                          str(kind_of(row["kind"])), str(unit_title(row["unit"])),
                          safe_cell(row["district"]), safe_cell(row["area"]), _number(row["baseline"]),
                          _number(row["target"]), _number(row["in_period"]), _number(row["cumulative"]), share])
        lines += [[], [_("Activities"), _("Kind"), _("Day"), _("Hours"), _("Participants"), _("New to PB"),
                       _("District"), _("Area"), _("Led by"), _("Note")]]
        for activity in data["activities"]:
            lines.append([safe_cell(activity["title"]), str(kind_title(activity["kind"])), activity["held_on"],
                          as_number(activity["hours"]), activity["participants"], activity["new_participants"],
                          safe_cell(activity["district"]), safe_cell(activity["area"]),
                          safe_cell(activity["led_by"]), safe_cell(activity["note"])])
        yield csv_text(lines)


def filename(report, extension):
    return f"pbflow-report-{report.period_start:%Y%m%d}-{report.period_end:%Y%m%d}-{report.locale}.{extension}"
