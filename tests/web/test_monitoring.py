"""A coordinator defines indicators and follows them; partner staff record activities; a report is kept as
sent to the funder. Figures are checked against the hand-counted edition of monitoring_helpers.py."""

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pbflow.accounts.models import Role
from pbflow.core import clock
from pbflow.core.models import AuditEvent
from pbflow.extensions import db
from pbflow.monitoring.models import Activity, Indicator, Measurement, Report
from tests.web import monitoring_helpers


@pytest.fixture
def counted(app, districts, make_edition, make_area, make_ambassador, make_user, make_meeting, make_proposal,
            make_unit, make_routing, make_feedback):
    return monitoring_helpers.build(app, districts, make_edition, make_area, make_ambassador, make_user,
                                    make_meeting, make_proposal, make_unit, make_routing, make_feedback)


@pytest.fixture
def coordinator(app, people, login):
    client = app.test_client()
    login(client, people["coordinator"])
    return client


@pytest.fixture
def partner(app, make_user, login):
    person = make_user("Ola Partnerska", "partner@example.org", roles=[Role.PARTNER])
    client = app.test_client()
    login(client, person)
    client.person = person
    return client


def _indicator(**values):
    data = {"name_pl": "Uczestnicy spotkań", "name_en": "Meeting participants", "kind": "output",
            "source": "meeting_participants", "unit": "people", "baseline": "0", "target": "100",
            "district_id": "", "area_id": ""}
    data.update(values)
    return data


def _define(client, edition, **values):
    return client.post(f"/monitoring/{edition.id}/indicators/new", data=_indicator(**values))


def _count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


# --- indicators ------------------------------------------------------------------------------

def test_a_coordinator_defines_a_computed_indicator_and_the_dashboard_follows_the_data(app, counted, coordinator):
    edition = counted["edition"]
    response = _define(coordinator, edition)
    assert response.status_code == 303
    page = coordinator.get(f"/monitoring/?edition={edition.id}").get_data(as_text=True)
    assert "Uczestnicy spotkań" in page
    assert ">25<" in page  # 12 + 8 + 5 people at held meetings
    assert "25%" in page or "25 %" in page  # of a target of 100
    with app.app_context():
        indicator = db.session.scalar(select(Indicator))
        assert (indicator.unit, indicator.target) == ("people", 100_00)
        assert db.session.scalar(select(AuditEvent.verb).where(AuditEvent.object_id == indicator.id,
                                                               AuditEvent.object_type == "monitoring_indicators"))


def test_a_recorded_indicator_shows_its_latest_value_and_its_history(app, counted, coordinator):
    edition = counted["edition"]
    _define(coordinator, edition, source="recorded", unit="hours", name_pl="Godziny doradztwa",
            name_en="Advice hours", target="511")
    with app.app_context():
        indicator_id = db.session.scalar(select(Indicator.id))
    today = clock.today()
    for day, value in ((today - timedelta(days=9), "120"), (today - timedelta(days=2), "328,5")):
        response = coordinator.post(f"/monitoring/indicators/{indicator_id}/measurements",
                                    data={"value": value, "measured_on": day.strftime("%d.%m.%Y"),
                                          "source_note": "Listy obecności akademii"})
        assert response.status_code == 303
    page = coordinator.get(f"/monitoring/indicators/{indicator_id}").get_data(as_text=True)
    assert "328,5" in page and "120" in page and "Listy obecności akademii" in page
    dashboard = coordinator.get(f"/monitoring/?edition={edition.id}").get_data(as_text=True)
    assert "328,5" in dashboard


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"target": "-5"}, "target", "A target cannot be negative."),
    ({"source": "recorded", "unit": "percent", "target": "0"}, "target", "A target of 0 percent"),
    ({"source": "share_selected", "target": "0"}, "target", "A target of 0 percent"),
    ({"source": "recorded", "unit": "percent", "target": "140"}, "target", "A share is at most 100 percent."),
    ({"target": "dużo"}, "target", "Enter a number like 12"),
    ({"target": ""}, "target", "Give the target to reach."),
    ({"name_pl": ""}, "name_pl", "Give the indicator a name in Polish."),
    ({"name_en": "x" * 201}, "name_en", "Use at most 200 characters."),
    ({"source": "made_up"}, "source", "Choose from the list."),
    ({"district_id": "999999"}, "district_id", "Choose from the list."),
    ({"target": "0", "baseline": "0"}, "target", "the same as the baseline"),
])
def test_bad_indicators_are_refused_with_a_message_and_nothing_saved(app, counted, coordinator, english, values,
                                                                      field, message):
    response = _define(coordinator, counted["edition"], **values)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _count(app, Indicator) == 0


def test_html_in_a_name_is_shown_as_text(app, counted, coordinator):
    _define(coordinator, counted["edition"], name_pl="<script>alert(1)</script> Ławki")
    page = coordinator.get(f"/monitoring/?edition={counted['edition'].id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Ławki" in page


def test_a_recorded_value_for_a_computed_indicator_is_refused(app, counted, coordinator, english):
    _define(coordinator, counted["edition"])
    with app.app_context():
        indicator_id = db.session.scalar(select(Indicator.id))
    response = coordinator.post(f"/monitoring/indicators/{indicator_id}/measurements",
                                data={"value": "30", "measured_on": clock.today().strftime("%d.%m.%Y")})
    assert response.status_code == 409
    assert "computed from pbflow's data" in response.get_data(as_text=True)
    assert _count(app, Measurement) == 0


@pytest.mark.parametrize(("day", "message"), [
    (lambda edition, today: edition.recruitment_opens - timedelta(days=1), "Choose a day within the edition"),
    (lambda edition, today: today + timedelta(days=1), "This day has not come yet"),
])
def test_a_value_measured_outside_the_edition_or_in_the_future_is_refused(app, counted, coordinator, english,
                                                                           day, message):
    edition = counted["edition"]
    _define(coordinator, edition, source="recorded", unit="people")
    with app.app_context():
        indicator_id = db.session.scalar(select(Indicator.id))
    response = coordinator.post(f"/monitoring/indicators/{indicator_id}/measurements", data={
        "value": "30", "measured_on": day(edition, clock.today()).strftime("%d.%m.%Y")})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _count(app, Measurement) == 0


def test_two_values_on_one_day_are_refused(app, counted, coordinator, english):
    _define(coordinator, counted["edition"], source="recorded", unit="people")
    with app.app_context():
        indicator_id = db.session.scalar(select(Indicator.id))
    data = {"value": "30", "measured_on": clock.today().strftime("%d.%m.%Y")}
    assert coordinator.post(f"/monitoring/indicators/{indicator_id}/measurements", data=data).status_code == 303
    response = coordinator.post(f"/monitoring/indicators/{indicator_id}/measurements", data={**data, "value": "31"})
    assert response.status_code == 422
    assert "already recorded" in response.get_data(as_text=True)
    assert _count(app, Measurement) == 1


def test_an_indicator_for_a_district_shows_on_that_districts_page(app, counted, coordinator):
    edition, district = counted["edition"], counted["district_a"]
    _define(coordinator, edition, name_pl="Spotkania w dzielnicy", source="meetings_held", target="4",
            district_id=str(district.id))
    _define(coordinator, edition, name_pl="Szkice w całej edycji", source="drafts_created", target="10")
    page = coordinator.get(f"/monitoring/?edition={edition.id}&district={district.id}").get_data(as_text=True)
    assert "Spotkania w dzielnicy" in page
    assert "50%" in page or "50 %" in page  # 2 of 4 meetings held in the district
    assert "Szkice w całej edycji" in page  # the edition's computed indicator, counted in the district: 4
    other = coordinator.get(f"/monitoring/?edition={edition.id}&district={counted['district_b'].id}")
    assert "Spotkania w dzielnicy" not in other.get_data(as_text=True)


def test_unknown_editions_districts_and_areas_are_404(coordinator, counted):
    edition = counted["edition"]
    for query in ("edition=999999", "edition=abc", f"edition={edition.id}&district=999999",
                  f"edition={edition.id}&area=-1"):
        assert coordinator.get(f"/monitoring/?{query}").status_code == 404


def test_the_funnel_counts_each_stage_and_the_drop(app, counted, coordinator, english):
    page = coordinator.get(f"/monitoring/?edition={counted['edition'].id}").get_data(as_text=True)
    funnel = page[page.index("funnel-heading"):]
    for title, count in (("Ambassadors approved", 3), ("Meetings held", 3), ("Participants at meetings", 25),
                         ("Drafts created", 6), ("Sent to consultation", 3), ("With expert feedback", 2),
                         ("Revised after feedback", 1), ("Ready to submit", 2), ("Submitted to the platform", 2),
                         ("Selected for funding", 1)):
        row = funnel[funnel.index(f">{title}<"):]
        assert f">{count}<" in row[:200], title
    assert "50% kept, 3 fewer" in funnel  # drafts 6 → in consultation 3


def test_the_dashboard_runs_a_fixed_number_of_queries_whatever_the_data(app, counted, coordinator, count_queries):
    edition = counted["edition"]
    _define(coordinator, edition)
    _define(coordinator, edition, source="recorded", unit="hours", name_pl="Godziny", target="10")
    url = f"/monitoring/?edition={edition.id}"
    coordinator.get(url)
    with count_queries() as small:
        assert coordinator.get(url).status_code == 200
    with app.app_context():
        db.session.add_all([Activity(edition_id=edition.id, kind="training", title=f"Szkolenie {n}",
                                     held_on=clock.today(), minutes=60, participants=5) for n in range(300)])
        db.session.commit()
    with count_queries() as large:
        assert coordinator.get(url).status_code == 200
    assert len(large) == len(small) <= 12


# --- activities -----------------------------------------------------------------------------

def _activity(**values):
    data = {"kind": "training", "title": "Szkolenie dla ambasadorów", "held_on": clock.today().strftime("%d.%m.%Y"),
            "hours": "2,5", "participants": "14", "new_participants": "6", "district_id": "", "area_id": "",
            "led_by": "Anna Kowalczyk", "note": "Kosztorys i mapa"}
    data.update(values)
    return data


def test_partner_staff_record_an_activity_and_the_training_hours_follow(app, counted, coordinator, partner):
    edition = counted["edition"]
    _define(coordinator, edition, name_pl="Godziny szkoleń", source="training_hours", unit="hours", target="328")
    response = partner.post(f"/monitoring/{edition.id}/activities/new", data=_activity())
    assert response.status_code == 303
    listing = partner.get(f"/monitoring/activities?edition={edition.id}").get_data(as_text=True)
    assert "Szkolenie dla ambasadorów" in listing and "Anna Kowalczyk" in listing
    dashboard = coordinator.get(f"/monitoring/?edition={edition.id}").get_data(as_text=True)
    assert "5,5" in dashboard  # 3 hours before, 2,5 now


@pytest.mark.parametrize(("values", "message"), [
    ({"hours": "0"}, "more than 0 hours"),
    ({"hours": "25"}, "A day has 24 hours"),
    ({"hours": "-1"}, "more than 0 hours"),
    ({"new_participants": "15"}, "at most 14 can be new to PB"),
    ({"participants": "-3", "new_participants": "0"}, "cannot be negative"),
    ({"participants": "dwa"}, ""),
    ({"held_on": "31.02.2026"}, "Enter a date like 15.03.2026."),
    ({"title": ""}, "Give the activity a title."),
    ({"kind": "party"}, "Choose from the list."),
    ({"note": "x" * 2001}, "Use at most 2000 characters."),
])
def test_bad_activities_are_refused_and_nothing_saved(app, counted, partner, english, values, message):
    before = _count(app, Activity)
    response = partner.post(f"/monitoring/{counted['edition'].id}/activities/new", data=_activity(**values))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _count(app, Activity) == before


def test_an_activity_in_the_future_is_refused(app, counted, partner, english):
    day = (clock.today() + timedelta(days=3)).strftime("%d.%m.%Y")
    response = partner.post(f"/monitoring/{counted['edition'].id}/activities/new", data=_activity(held_on=day))
    assert response.status_code == 422
    assert "This day has not come yet" in response.get_data(as_text=True)


def test_an_area_gives_the_activity_its_district(app, counted, partner):
    area = counted["a1"]
    partner.post(f"/monitoring/{counted['edition'].id}/activities/new", data=_activity(area_id=str(area.id)))
    with app.app_context():
        activity = db.session.scalar(select(Activity).order_by(Activity.id.desc()))
        assert (activity.area_id, activity.district_id) == (area.id, area.district_id)


def test_a_partner_changes_only_the_activities_they_recorded(app, counted, partner, make_user, login):
    edition = counted["edition"]
    partner.post(f"/monitoring/{edition.id}/activities/new", data=_activity())
    with app.app_context():
        own = db.session.scalar(select(Activity.id).where(Activity.recorded_by_id == partner.person.id))
        other = db.session.scalar(select(Activity.id).where(Activity.recorded_by_id.is_(None)))
    assert partner.get(f"/monitoring/activities/{own}/edit").status_code == 200
    assert partner.post(f"/monitoring/activities/{own}/edit", data=_activity(hours="3")).status_code == 303
    assert partner.get(f"/monitoring/activities/{other}/edit").status_code == 403
    assert partner.post(f"/monitoring/activities/{other}/delete").status_code == 403
    assert partner.post(f"/monitoring/activities/{own}/delete").status_code == 303
    with app.app_context():
        assert db.session.get(Activity, own) is None


def test_the_activity_list_pages_by_keyset_and_refuses_a_damaged_link(app, counted, coordinator, count_queries):
    edition = counted["edition"]
    with app.app_context():
        db.session.add_all([Activity(edition_id=edition.id, kind="event", title=f"Wydarzenie {n:03d}",
                                     held_on=clock.today() - timedelta(days=n % 30), minutes=60, participants=1)
                            for n in range(60)])
        db.session.commit()
    first = coordinator.get(f"/monitoring/activities?edition={edition.id}").get_data(as_text=True)
    assert first.count("<tr>") == 26  # header + 25
    cursor = first.split("after=")[1].split('"')[0]
    with count_queries() as queries:
        second = coordinator.get(f"/monitoring/activities?edition={edition.id}&after={cursor}")
    assert second.status_code == 200 and len(queries) <= 8
    assert coordinator.get(f"/monitoring/activities?edition={edition.id}&after=x'--").status_code == 400


# --- reports --------------------------------------------------------------------------------

def test_a_report_is_kept_as_made_and_its_csv_holds_the_figures(app, counted, coordinator):
    edition = counted["edition"]
    _define(coordinator, edition)  # participants at meetings, target 100
    _define(coordinator, edition, name_pl="Godziny szkoleń", name_en="Training hours", source="training_hours",
            unit="hours", target="10")
    today = clock.today()
    first = today - timedelta(days=7)
    response = coordinator.post(f"/monitoring/{edition.id}/reports", data={
        "first_day": first.strftime("%d.%m.%Y"), "last_day": today.strftime("%d.%m.%Y"), "locale": "en"})
    assert response.status_code == 303
    report_url = response.headers["Location"]
    page = coordinator.get(report_url).get_data(as_text=True)
    assert "Meeting participants" in page and 'lang="en"' in page
    rows = list(csv.reader(io.StringIO(coordinator.get(report_url + ".csv").get_data(as_text=True).lstrip("\ufeff"))))
    by_name = {row[0]: row for row in rows if row}
    assert by_name["Meeting participants"][7:10] == ["5", "25", "25"]  # in the week, cumulative, % of 100
    assert by_name["Training hours"][7:10] == ["2", "3", "30"]
    assert "Piknik partycypacyjny" in by_name and "Szkolenie wstępne" not in by_name  # 40 days ago
    with app.app_context():
        db.session.add(Activity(edition_id=edition.id, kind="training", title="Później", held_on=today,
                                minutes=600, participants=1))
        db.session.commit()
    again = list(csv.reader(io.StringIO(coordinator.get(report_url + ".csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert again == rows  # the data changed; the report did not
    dashboard = coordinator.get(f"/monitoring/?edition={edition.id}").get_data(as_text=True)
    assert "+10" in dashboard  # training hours since the report: 3 → 13


def test_a_report_in_polish_uses_polish_names_and_numbers(app, counted, coordinator):
    edition = counted["edition"]
    _define(coordinator, edition, name_pl="Godziny szkoleń", name_en="Training hours", source="training_hours",
            unit="hours", target="4")
    today = clock.today()
    response = coordinator.post(f"/monitoring/{edition.id}/reports", data={
        "first_day": (today - timedelta(days=60)).strftime("%d.%m.%Y"), "last_day": today.strftime("%d.%m.%Y"),
        "locale": "pl"})
    text = coordinator.get(response.headers["Location"] + ".csv").get_data(as_text=True)
    assert "Godziny szkoleń" in text and "Wskaźnik" in text


@pytest.mark.parametrize(("first", "last", "message"), [
    (0, -3, "The period ends before it starts."),
    (-400, 0, "Choose a day within the edition"),
    (0, 2, "This day has not come yet"),
])
def test_a_bad_report_period_is_refused(app, counted, coordinator, english, first, last, message):
    today = clock.today()
    response = coordinator.post(f"/monitoring/{counted['edition'].id}/reports", data={
        "first_day": (today + timedelta(days=first)).strftime("%d.%m.%Y"),
        "last_day": (today + timedelta(days=last)).strftime("%d.%m.%Y"), "locale": "pl"})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _count(app, Report) == 0


# --- who may do what -------------------------------------------------------------------------

def _routes(edition_id, indicator_id, measurement_id, activity_id, report_id):
    return {
        "dashboard": ("GET", f"/monitoring/?edition={edition_id}"),
        "new indicator": ("GET", f"/monitoring/{edition_id}/indicators/new"),
        "define": ("POST", f"/monitoring/{edition_id}/indicators/new"),
        "indicator": ("GET", f"/monitoring/indicators/{indicator_id}"),
        "edit indicator": ("GET", f"/monitoring/indicators/{indicator_id}/edit"),
        "record value": ("POST", f"/monitoring/indicators/{indicator_id}/measurements"),
        "delete value": ("POST", f"/monitoring/measurements/{measurement_id}/delete"),
        "delete indicator": ("POST", f"/monitoring/indicators/{indicator_id}/delete"),
        "activities": ("GET", f"/monitoring/activities?edition={edition_id}"),
        "new activity": ("GET", f"/monitoring/{edition_id}/activities/new"),
        "edit activity": ("GET", f"/monitoring/activities/{activity_id}/edit"),
        "delete activity": ("POST", f"/monitoring/activities/{activity_id}/delete"),
        "reports": ("GET", f"/monitoring/{edition_id}/reports"),
        "report": ("GET", f"/monitoring/reports/{report_id}"),
        "report csv": ("GET", f"/monitoring/reports/{report_id}.csv"),
    }


COORDINATOR_ONLY = {"new indicator", "define", "indicator", "edit indicator", "record value", "delete value",
                    "delete indicator", "reports", "report", "report csv"}
RECORDERS = {"activities", "new activity", "edit activity", "delete activity"}


@pytest.mark.parametrize("role", ["visitor", "resident", "ambassador", "expert", "partner"])
def test_each_route_lets_in_only_whom_it_should(app, counted, people, make_user, login, role):
    edition = counted["edition"]
    with app.app_context():
        indicator = Indicator(edition_id=edition.id, name_pl="Wskaźnik", name_en="Indicator", kind="output",
                              unit="people", source="recorded", target=10_00)
        db.session.add(indicator)
        db.session.flush()
        measurement = Measurement(indicator_id=indicator.id, value=5_00, measured_on=clock.today())
        db.session.add(measurement)
        activity_id = db.session.scalar(select(Activity.id))
        report = Report(edition_id=edition.id, period_start=clock.today(), period_end=clock.today(), locale="pl",
                        figures={"edition": edition.name, "indicators": [], "cumulative": {}, "funnel": [],
                                 "activity_totals": {}, "activities": []})
        db.session.add(report)
        db.session.commit()
        ids = indicator.id, measurement.id, activity_id, report.id
    client = app.test_client()
    if role == "partner":
        login(client, make_user("Partnerka", "partnerka@example.org", roles=[Role.PARTNER]))
    elif role != "visitor":
        login(client, people[role])
    for name, (method, url) in _routes(edition.id, *ids).items():
        response = client.get(url) if method == "GET" else client.post(url)
        if name == "dashboard":
            expected = {200}
        elif role == "visitor":
            expected = {302}
        elif name in COORDINATOR_ONLY or (name in RECORDERS and role != "partner"):
            expected = {403}
        elif name in ("edit activity", "delete activity"):
            expected = {403}  # a partner may change only what they recorded
        else:
            expected = {200}
        assert response.status_code in expected, (role, name, response.status_code)
    with app.app_context():
        assert db.session.get(Indicator, ids[0]) is not None and db.session.get(Activity, ids[2]) is not None


def test_the_public_summary_holds_no_personal_data(app, counted, coordinator, client):
    edition = counted["edition"]
    _define(coordinator, edition)
    page = client.get(f"/monitoring/?edition={edition.id}").get_data(as_text=True)
    assert "Uczestnicy spotkań" in page and "25" in page
    for private in ("Anna Kowalczyk", "Szkolenie z kosztorysu", "Reports", "Raporty", "/activities"):
        assert private not in page


def test_a_coordinator_grants_the_partner_role_under_users_and_roles(app, coordinator, make_user):
    person = make_user("Ewa Fundacja", "ewa@fundacja.example.org")
    assert coordinator.post(f"/users/{person.id}/roles/partner/grant").status_code in (200, 303)
    with app.app_context():
        from pbflow.accounts.models import User

        assert db.session.get(User, person.id).has_role(Role.PARTNER)


def test_a_partners_data_download_holds_the_activities_they_recorded(app, counted, partner):
    import json

    partner.post(f"/monitoring/{counted['edition'].id}/activities/new", data=_activity())
    data = json.loads(partner.get("/profile/data.json").get_data(as_text=True))
    assert [a["title"] for a in data["monitoring_activities_recorded"]] == ["Szkolenie dla ambasadorów"]
