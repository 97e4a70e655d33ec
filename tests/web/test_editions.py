"""A coordinator sets up an edition: dates, cost caps, pools, feedback criteria, and makes it current."""

import re
from datetime import date, timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from pbflow.accounts.models import Role
from pbflow.core.models import AuditEvent
from pbflow.editions.models import District, DistrictBudget, Edition, FeedbackCriterion
from pbflow.extensions import db

FORM_2026 = {
    "name": "Wspólne Projekty 2026", "year": "2026",
    "recruitment_opens": "2025-09-01", "recruitment_closes": "2025-10-15",
    "meetings_open": "2025-10-16", "meetings_close": "2025-12-15",
    "workshops_open": "2026-01-05", "workshops_close": "2026-02-28",
    "marathons_open": "2026-03-02", "marathons_close": "2026-03-31",
    "submission_deadline": "2026-04-10",
    "district_cap_percent": "40", "citywide_cap_percent": "20",
    "district_cap_fixed": "", "citywide_cap_fixed": "",
    "rules_url": "https://www.bip.krakow.pl/regulamin-bo",
    "title_max_chars": "60", "summary_min_chars": "60", "summary_max_chars": "250", "description_max_chars": "5000",
}


def form(**overrides):
    return {**FORM_2026, **overrides}


def audit_events(app, verb):
    with app.app_context():
        return [(e.actor_id, e.object_id, e.data) for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.verb == verb).order_by(AuditEvent.id))]


def stored_edition(app, name="Wspólne Projekty 2026"):
    with app.app_context():
        edition = db.session.scalar(select(Edition).where(Edition.name == name))
        if edition is not None:
            db.session.expunge(edition)
        return edition


def current_names(app):
    with app.app_context():
        return db.session.scalars(select(Edition.name).where(Edition.is_current)).all()


def edition_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Edition))


def criteria_titles(app, edition_id):
    with app.app_context():
        return db.session.scalars(select(FeedbackCriterion.title).where(FeedbackCriterion.edition_id == edition_id)
                                  .order_by(FeedbackCriterion.position)).all()


def add_editions(app, count):
    """Many past editions at once (no pools or criteria: the list does not show them)."""
    with app.app_context():
        start = date(2020, 1, 1)
        dates = {name: start + timedelta(days=10 * i) for i, name in enumerate(
            ["recruitment_opens", "recruitment_closes", "meetings_open", "meetings_close", "workshops_open",
             "workshops_close", "marathons_open", "marathons_close", "submission_deadline"])}
        offset = db.session.scalar(select(func.count()).select_from(Edition))
        db.session.add_all(Edition(name=f"Edycja archiwalna {offset + n:03d}", year=2020, **dates) for n in range(count))
        db.session.commit()


@pytest.fixture
def coordinator(client, login, people, districts):
    login(client, people["coordinator"])
    return people["coordinator"]


@pytest.fixture
def kate(client, login, make_user, districts):
    """A coordinator who reads pbflow in English: messages are asserted in her language."""
    user = make_user("Kate Brown", "kate@example.org", roles=[Role.COORDINATOR], locale="en")
    login(client, user)
    return user


# --- the pathway -------------------------------------------------------------------

def test_a_coordinator_sets_up_wspolne_projekty_2026_and_makes_it_current(app, client, coordinator, make_edition):
    make_edition("Wspólne Projekty 2025")  # last year's, still current

    response = client.post("/editions/new", data=form())
    edition = stored_edition(app)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/editions/{edition.id}"
    assert not edition.is_current  # last year's stays current until the coordinator says so
    assert current_names(app) == ["Wspólne Projekty 2025"]

    pools = {f"pool_{district.id}": "1 260 803" for district in _districts(app)}
    response = client.post(f"/editions/{edition.id}/pools", data={**pools, "citywide_pool": "7 600 000"})
    assert response.status_code == 303

    response = client.post(f"/editions/{edition.id}/make-current")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/editions/{edition.id}"
    assert current_names(app) == ["Wspólne Projekty 2026"]

    assert audit_events(app, "edition.created")[0][:2] == (coordinator.id, edition.id)
    assert audit_events(app, "edition.pools_updated")[0][2]["citywide"] == [0, 7_600_000_00]
    assert audit_events(app, "edition.made_current")[0][:2] == (coordinator.id, edition.id)
    page = client.get(f"/editions/{edition.id}").get_data(as_text=True)
    assert 'class="flash flash-success"' in page
    assert "Wspólne Projekty 2026" in page


def _districts(app):
    with app.app_context():
        found = db.session.scalars(select(District).order_by(District.number)).all()
        for district in found:
            db.session.expunge(district)
        return found


def test_the_first_edition_becomes_current_by_itself(app, client, coordinator):
    assert client.post("/editions/new", data=form()).status_code == 303
    assert current_names(app) == ["Wspólne Projekty 2026"]


def test_a_new_edition_starts_with_zero_pools_and_the_usual_criteria(app, client, coordinator):
    client.post("/editions/new", data=form())
    edition = stored_edition(app)
    with app.app_context():
        pools = db.session.scalars(select(DistrictBudget.pool).where(DistrictBudget.edition_id == edition.id)).all()
    assert pools == [0] * 18
    assert criteria_titles(app, edition.id) == [
        "Zadanie własne gminy", "Teren należący do miasta", "Realny koszt",
        "Podany roczny koszt utrzymania", "Ogólnodostępność", "Koszt w limicie"]


def test_the_new_edition_form_suggests_krakows_caps(client, coordinator):
    html = client.get("/editions/new").get_data(as_text=True)
    assert re.search(r'name="district_cap_percent"[^>]*value="40"', html)
    assert re.search(r'name="citywide_cap_percent"[^>]*value="20"', html)
    assert 'type="date"' in html


def test_a_date_typed_the_polish_way_is_understood(app, client, coordinator):
    assert client.post("/editions/new", data=form(submission_deadline="10.04.2026")).status_code == 303
    assert stored_edition(app).submission_deadline == date(2026, 4, 10)


def test_a_cap_with_a_decimal_comma_and_a_fixed_amount_is_kept(app, client, coordinator):
    data = form(district_cap_percent="37,5 %", district_cap_fixed="500 000", citywide_cap_fixed="1 000 000,50")
    assert client.post("/editions/new", data=data).status_code == 303
    edition = stored_edition(app)
    assert str(edition.district_cap_percent) == "37.50"
    assert (edition.district_cap_fixed, edition.citywide_cap_fixed) == (500_000_00, 1_000_000_50)


# --- bad input: 422, the form again with the input kept, nothing saved -------------

BAD_EDITIONS = [
    ("recruitment_closes", "2025-08-20", "cannot be earlier than “Ambassador recruitment opens”"),
    ("meetings_open", "2025-10-01", "cannot be earlier than “Ambassador recruitment closes”"),
    ("submission_deadline", "2026-03-30", "cannot be earlier than “Submission marathons end”"),
    ("marathons_open", "2062-03-02", "far from the edition's year"),
    ("workshops_open", "31.02.2026", "Enter a date like 15.03.2026."),
    ("meetings_close", "", "Enter the date."),
    ("district_cap_percent", "120", "greater than 0 and at most 100"),
    ("citywide_cap_percent", "0", "greater than 0 and at most 100"),
    ("citywide_cap_percent", "-20", "greater than 0 and at most 100"),
    ("district_cap_percent", "czterdzieści", "Enter a percentage, for example 40"),
    ("district_cap_percent", "12,345", "at most two decimal places"),
    ("district_cap_fixed", "-5", "cannot be negative"),
    ("district_cap_fixed", "0", "greater than zero, or leave the field empty"),
    ("citywide_cap_fixed", "50000000000", "too large"),
    ("rules_url", "javascript:alert(1)", "starting with https://"),
    ("rules_url", "ftp://budzet.krakow.pl/regulamin", "starting with https://"),
    ("name", "W" * 121, "Use at most 120 characters."),
    ("name", "", "Enter the name of the edition."),
    ("year", "3026", "Enter a year between 2000 and"),
    ("year", "dwa tysiące", None),
]


@pytest.mark.parametrize("field, value, message", BAD_EDITIONS)
def test_bad_input_comes_back_with_422_the_message_and_the_input(app, client, kate, field, value, message):
    response = client.post("/editions/new", data=form(**{field: value}))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<html lang="en">' in html
    error = re.search(rf'<p class="error-message" id="{field}-error">([^<]*)</p>', html)
    assert error, f"no error shown next to {field}"
    if message:
        assert message in error.group(1).replace("&#34;", '"').replace("&#39;", "'")
    assert re.search(rf'name="{field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*name="{field}"', html)
    if value and field != "name":
        assert f'value="{value}"' in html  # kept as typed
    assert 'value="Wspólne Projekty 2026"' in html or field == "name"
    assert edition_count(app) == 0


def test_bad_input_is_also_refused_in_polish(app, client, coordinator):
    response = client.post("/editions/new", data=form(district_cap_percent="120"))
    assert response.status_code == 422
    assert '<html lang="pl">' in response.get_data(as_text=True)
    assert edition_count(app) == 0


def test_several_mistakes_are_listed_together_at_the_top(client, kate):
    response = client.post("/editions/new", data=form(meetings_open="2025-10-01", district_cap_percent="120",
                                                      rules_url="budzet"))
    html = response.get_data(as_text=True)
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    assert summary.count("<li>") == 3
    assert 'href="#meetings_open"' in summary and 'href="#district_cap_percent"' in summary


@pytest.mark.parametrize("name", ["Wspólne Projekty 2026", "wspólne projekty 2026", "WSPÓLNE  PROJEKTY 2026"])
def test_a_second_edition_with_the_same_name_is_refused(app, client, kate, make_edition, name):
    make_edition("Wspólne Projekty 2026")
    response = client.post("/editions/new", data=form(name=name))
    assert response.status_code == 422
    assert "An edition called" in response.get_data(as_text=True)
    assert edition_count(app) == 1


def test_an_htmx_form_with_mistakes_gets_only_the_form_back(client, kate):
    response = client.htmx("POST", "/editions/new", data=form(year="1800"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<html" not in html
    assert html.lstrip().startswith('<form id="edition-form"')
    assert "Enter a year between 2000 and" in html


def test_an_htmx_form_that_saves_sends_the_browser_to_the_edition(app, client, kate):
    response = client.htmx("POST", "/editions/new", data=form())
    assert response.status_code == 204
    location = response.headers.get("HX-Redirect") or response.headers.get("HX-Location")
    assert location == f"/editions/{stored_edition(app).id}"


def test_a_form_without_the_csrf_token_is_refused(app, client, coordinator):
    assert client.post("/editions/new", data=form(), csrf=False).status_code == 400
    assert edition_count(app) == 0


# --- the edition page ----------------------------------------------------------------

def test_the_edition_page_shows_the_open_stage_pools_caps_criteria_and_rules(app, client, kate, make_edition):
    edition = make_edition(open_stage="meetings", pool=2_415_205_00, rules_url="https://budzet.krakow.pl/",
                           district_cap_fixed=900_000_00)
    with app.app_context():
        db.session.add(FeedbackCriterion(edition_id=edition.id, position=1, title="Zadanie własne gminy"))
        db.session.commit()
    html = unescape(client.get(f"/editions/{edition.id}").get_data(as_text=True))
    current = re.search(r'<li class="timeline-stage timeline-open" aria-current="step">(.*?)</li>', html, re.S)
    assert current and "Residents' meetings" in current.group(1) and "open now" in current.group(1)
    assert html.count('aria-current="step"') == 1
    assert "Open today: Residents' meetings" in html
    assert html.count("PLN2,415,205") == 18  # the pool of each of the 18 districts
    assert html.count("PLN900,000") >= 18  # 40 % would be 966,082: the fixed amount is lower
    assert "PLN966,082" not in html
    assert "PLN10,000,000" in html and "PLN2,000,000" in html  # city-wide pool and its 20 % cap
    assert "at most 40% of the district's pool, and never more than PLN900,000." in html
    assert "<strong>Zadanie własne gminy</strong>" in html
    assert 'href="https://budzet.krakow.pl/"' in html
    assert "current edition" in html


def test_the_edition_page_in_polish_formats_money_the_polish_way(client, coordinator, make_edition):
    edition = make_edition(pool=1_260_803_00)
    html = client.get(f"/editions/{edition.id}").get_data(as_text=True)
    assert re.search(r"1\s260\s803\s+zł", html)


def test_an_edition_that_is_not_current_offers_to_become_current(client, coordinator, make_edition):
    old = make_edition("Wspólne Projekty 2025", current=False)
    make_edition("Wspólne Projekty 2026")
    html = client.get(f"/editions/{old.id}").get_data(as_text=True)
    assert f'action="/editions/{old.id}/make-current"' in html


def test_an_unknown_edition_is_not_found(client, coordinator):
    assert client.get("/editions/999999").status_code == 404
    assert client.post("/editions/999999/make-current").status_code == 404


# --- editing ------------------------------------------------------------------------

def test_the_edit_form_shows_the_saved_values(client, coordinator, make_edition):
    edition = make_edition(rules_url="https://budzet.krakow.pl/", district_cap_fixed=500_000_00)
    html = client.get(f"/editions/{edition.id}/edit").get_data(as_text=True)
    assert f'value="{edition.name}"' in html
    assert f'value="{edition.submission_deadline.isoformat()}"' in html
    assert re.search(r'name="district_cap_fixed"[^>]*value="500 000"', html)
    assert re.search(r'name="district_cap_percent"[^>]*value="40"', html)


def test_a_coordinator_moves_the_deadline_and_it_is_recorded(app, client, coordinator):
    client.post("/editions/new", data=form())
    edition = stored_edition(app)
    response = client.post(f"/editions/{edition.id}/edit", data=form(submission_deadline="2026-04-14"))
    assert response.status_code == 303
    assert stored_edition(app).submission_deadline == date(2026, 4, 14)
    assert audit_events(app, "edition.updated") == [
        (coordinator.id, edition.id, {"submission_deadline": ["2026-04-10", "2026-04-14"]})]


def test_editing_with_dates_out_of_order_is_refused_and_nothing_changes(app, client, kate):
    client.post("/editions/new", data=form())
    edition = stored_edition(app)
    response = client.post(f"/editions/{edition.id}/edit", data=form(workshops_close="2025-12-31"))
    assert response.status_code == 422
    assert 'value="2025-12-31"' in response.get_data(as_text=True)
    assert stored_edition(app).workshops_close == date(2026, 2, 28)
    assert audit_events(app, "edition.updated") == []


def test_an_edition_cannot_take_another_editions_name(app, client, kate, make_edition):
    make_edition("Wspólne Projekty 2025")
    other = make_edition("Wspólne Projekty 2026")
    response = client.post(f"/editions/{other.id}/edit", data=form(name="wspólne projekty 2025"))
    assert response.status_code == 422
    assert "An edition called" in response.get_data(as_text=True)


# --- exactly one current edition -------------------------------------------------

def test_make_current_leaves_exactly_one_current(app, client, coordinator, make_edition):
    first = make_edition("Wspólne Projekty 2024")
    second = make_edition("Wspólne Projekty 2025", current=False)
    third = make_edition("Wspólne Projekty 2026", current=False)
    for edition in (second, third, first, first):
        assert client.post(f"/editions/{edition.id}/make-current").status_code == 303
        assert len(current_names(app)) == 1
    assert current_names(app) == ["Wspólne Projekty 2024"]
    assert [data["previous"] for _actor, _id, data in audit_events(app, "edition.made_current")] == [
        first.id, second.id, third.id]  # making the current one current again changes nothing


def test_make_current_only_accepts_post(client, coordinator, make_edition):
    edition = make_edition()
    assert client.get(f"/editions/{edition.id}/make-current").status_code == 405


# --- the list --------------------------------------------------------------------

def test_the_list_marks_the_current_edition_and_the_stage_open_today(client, kate, make_edition):
    make_edition("Wspólne Projekty 2025", current=False, open_stage=None)
    make_edition("Wspólne Projekty 2026", open_stage="workshops")
    html = client.get("/editions/").get_data(as_text=True)
    row = re.search(r'<tr class="current-row">(.*?)</tr>', html, re.S).group(1)
    assert "Wspólne Projekty 2026" in row and "current" in row and "Expert workshops" in row
    assert html.count('class="current-row"') == 1
    assert "no stage" in html


def test_the_list_is_paginated(app, client, coordinator):
    app.config["PAGE_SIZE"] = 10
    add_editions(app, 25)
    first = client.get("/editions/").get_data(as_text=True)
    assert first.count("Edycja archiwalna") == 10
    assert 'rel="next" href="/editions/?page=2"' in first
    last = client.get("/editions/?page=3").get_data(as_text=True)
    assert last.count("Edycja archiwalna") == 5 and 'rel="next"' not in last


def test_the_list_costs_the_same_number_of_queries_for_5_or_200_editions(app, client, coordinator, count_queries):
    add_editions(app, 5)
    client.get("/editions/")  # warm up
    with count_queries() as few:
        assert client.get("/editions/").status_code == 200
    add_editions(app, 195)
    with count_queries() as many:
        html = client.get("/editions/").get_data(as_text=True)
    assert html.count("Edycja archiwalna") == 25
    assert len(few) == len(many), "\n".join(many)


def test_the_edition_page_costs_the_same_for_few_or_many_criteria(app, client, coordinator, make_edition,
                                                                     count_queries):
    edition = make_edition()
    client.get(f"/editions/{edition.id}")
    with count_queries() as few:
        client.get(f"/editions/{edition.id}")
    with app.app_context():
        db.session.add_all(FeedbackCriterion(edition_id=edition.id, position=n, title=f"Kryterium {n}")
                           for n in range(1, 30))
        db.session.commit()
    with count_queries() as many:
        client.get(f"/editions/{edition.id}")
    assert len(few) == len(many), "\n".join(many)


def test_the_criteria_page_costs_the_same_for_5_or_30_criteria(app, client, coordinator, make_edition,
                                                                count_queries):
    """The list is bounded (30) rather than paginated, because it is reordered in place."""
    edition = make_edition()

    def add(first, last):
        with app.app_context():
            db.session.add_all(FeedbackCriterion(edition_id=edition.id, position=n, title=f"Kryterium {n}")
                               for n in range(first, last + 1))
            db.session.commit()

    add(1, 5)
    client.get(f"/editions/{edition.id}/criteria")
    with count_queries() as few:
        client.get(f"/editions/{edition.id}/criteria")
    add(6, 30)
    with count_queries() as many:
        html = client.get(f"/editions/{edition.id}/criteria").get_data(as_text=True)
    assert len(listed_titles(html)) == 30
    assert len(few) == len(many), "\n".join(many)


# --- pools -------------------------------------------------------------------------

def pools_form(app, value="1 000 000", citywide="7 600 000", **overrides):
    return {**{f"pool_{d.id}": value for d in _districts(app)}, "citywide_pool": citywide, **overrides}


def test_the_pools_form_has_every_district_and_the_city(app, client, coordinator, make_edition):
    edition = make_edition(pool=1_260_803_50)
    html = client.get(f"/editions/{edition.id}/pools").get_data(as_text=True)
    assert html.count('value="1 260 803,50"') == 18
    assert 'value="10 000 000"' in html
    assert "Łagiewniki-Borek Fałęcki" in html and 'inputmode="decimal"' in html


def test_a_coordinator_sets_the_pools_as_people_type_amounts(app, client, coordinator, make_edition):
    edition = make_edition(pool=0)
    debniki = next(d for d in _districts(app) if d.name == "Dębniki")
    data = pools_form(app, **{f"pool_{debniki.id}": "2 415 205,50 zł"}, citywide="7.600.000")
    assert client.post(f"/editions/{edition.id}/pools", data=data).status_code == 303
    with app.app_context():
        pools = dict(db.session.execute(select(DistrictBudget.district_id, DistrictBudget.pool)
                                        .where(DistrictBudget.edition_id == edition.id)).all())
        assert pools[debniki.id] == 2_415_205_50
        assert db.session.get(Edition, edition.id).citywide_pool == 7_600_000_00
    (_actor, _id, changes), = audit_events(app, "edition.pools_updated")
    assert changes["Dębniki"] == [0, 2_415_205_50] and len(changes) == 19


@pytest.mark.parametrize("value, message", [
    ("-5", "cannot be negative"),
    ("-1 000", "cannot be negative"),
    ("99 999 999 999", "too large"),
    ("sto tysięcy", "Enter an amount in złoty"),
    ("", "Enter an amount."),
])
def test_a_bad_pool_is_refused_with_422_and_the_input_kept(app, client, kate, make_edition, value, message):
    edition = make_edition(pool=5_00)
    district = _districts(app)[3]
    response = client.post(f"/editions/{edition.id}/pools", data=pools_form(app, **{f"pool_{district.id}": value}))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(rf'<p class="error-message" id="pool_{district.id}-error">([^<]*)</p>', html)
    assert error and message in error.group(1)
    assert f'value="{value}"' in html
    assert html.count('value="1 000 000"') == 17
    with app.app_context():
        assert set(db.session.scalars(select(DistrictBudget.pool))) == {5_00}
    assert audit_events(app, "edition.pools_updated") == []


def test_an_absurd_city_wide_pool_is_refused(client, kate, make_edition, app):
    edition = make_edition()
    response = client.post(f"/editions/{edition.id}/pools", data=pools_form(app, citywide="10000000000,01"))
    assert response.status_code == 422
    assert "too large" in response.get_data(as_text=True)


def test_an_htmx_pools_form_with_a_mistake_gets_only_the_form(app, client, kate, make_edition):
    edition = make_edition()
    response = client.htmx("POST", f"/editions/{edition.id}/pools", data=pools_form(app, citywide="-5"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<html" not in html and html.lstrip().startswith('<form id="pools-form"')


# --- feedback criteria ----------------------------------------------------------

@pytest.fixture
def edition(app, client, coordinator):
    """Wspólne Projekty 2026, created through the form, with the six default criteria."""
    client.post("/editions/new", data=form())
    return stored_edition(app)


def criterion_ids(app, edition_id):
    with app.app_context():
        return db.session.scalars(select(FeedbackCriterion.id).where(FeedbackCriterion.edition_id == edition_id)
                                  .order_by(FeedbackCriterion.position)).all()


def listed_titles(html):
    return re.findall(r'<div class="criterion-text">\s*<strong>([^<]*)</strong>', html)


def test_the_criteria_page_lists_them_in_order_with_buttons_to_move_them(client, edition):
    html = client.get(f"/editions/{edition.id}/criteria").get_data(as_text=True)
    assert listed_titles(html)[:2] == ["Zadanie własne gminy", "Teren należący do miasta"]
    assert len(listed_titles(html)) == 6
    assert len(re.findall(r'action="[^"]*/move-up"', html)) == 5
    assert len(re.findall(r'action="[^"]*/move-down"', html)) == 5  # none up for the first, down for the last


def test_a_coordinator_adds_a_criterion_without_javascript(app, client, edition):
    response = client.post(f"/editions/{edition.id}/criteria",
                           data={"title": "Zgodność z planem miejscowym", "description": "MPZP"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/editions/{edition.id}/criteria"
    assert criteria_titles(app, edition.id)[-1] == "Zgodność z planem miejscowym"
    assert audit_events(app, "criterion.created")[0][2]["position"] == 7


def test_adding_with_htmx_returns_the_new_list_in_place(app, client, edition):
    response = client.htmx("POST", f"/editions/{edition.id}/criteria", data={"title": "Trwałość", "description": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html and html.lstrip().startswith('<div id="criteria"')
    assert listed_titles(html)[-1] == "Trwałość"
    assert re.search(r'<div id="flash" hx-swap-oob="innerHTML"><p class="flash flash-success">[^<]+</p></div>', html)
    assert '<ol class="criteria-list" tabindex="-1"' in html and "data-focus-on-swap" in html


def test_an_empty_criterion_is_refused_in_place(app, client, kate, make_edition):
    edition = make_edition()
    response = client.htmx("POST", f"/editions/{edition.id}/criteria", data={"title": "  ", "description": "x"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<html" not in html and "Enter the criterion." in html
    plain = client.post(f"/editions/{edition.id}/criteria", data={"title": "T" * 201, "description": "kept"})
    assert plain.status_code == 422 and "<html" in plain.get_data(as_text=True)
    assert "kept</textarea>" in plain.get_data(as_text=True)
    assert criteria_titles(app, edition.id) == []


def test_moving_a_criterion_down_with_htmx_swaps_the_list(app, client, edition):
    first, second = criterion_ids(app, edition.id)[:2]
    response = client.htmx("POST", f"/editions/{edition.id}/criteria/{first}/move-down")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html and html.lstrip().startswith('<div id="criteria"')
    assert listed_titles(html)[:2] == ["Teren należący do miasta", "Zadanie własne gminy"]
    assert criterion_ids(app, edition.id)[:2] == [second, first]
    focused = re.findall(r'<form method="post" action="([^"]+)"[^>]*>\s*<input[^>]*>\s*<button[^>]*data-focus-on-swap', html)
    assert focused == [f"/editions/{edition.id}/criteria/{first}/move-down"]  # keyboard focus stays with it
    assert audit_events(app, "criterion.moved")[0][2] == {"edition_id": edition.id, "direction": "down", "position": 2}


def test_moving_a_criterion_up_without_javascript_redirects_to_the_list(app, client, edition):
    ids = criterion_ids(app, edition.id)
    response = client.post(f"/editions/{edition.id}/criteria/{ids[-1]}/move-up")
    assert response.status_code == 303
    assert criterion_ids(app, edition.id)[-2:] == [ids[-1], ids[-2]]


def test_the_first_criterion_cannot_move_up(app, client, edition):
    ids = criterion_ids(app, edition.id)
    assert client.post(f"/editions/{edition.id}/criteria/{ids[0]}/move-up").status_code == 303
    assert criterion_ids(app, edition.id) == ids
    assert audit_events(app, "criterion.moved") == []


def test_a_criterion_is_edited_in_place(app, client, edition):
    criterion = criterion_ids(app, edition.id)[2]
    form_html = client.htmx("GET", f"/editions/{edition.id}/criteria/{criterion}/edit").get_data(as_text=True)
    assert "<html" not in form_html and 'value="Realny koszt"' in form_html
    assert "Add a criterion" not in form_html  # one form at a time
    assert re.search(r'<input[^>]*id="edit-title"[^>]*name="title"', form_html)  # ids unlike the add form's, which htmx settles from
    response = client.htmx("POST", f"/editions/{edition.id}/criteria/{criterion}/edit",
                           data={"title": "Koszt realny", "description": "Ceny rynkowe z 2025 r."})
    assert response.status_code == 200 and "Koszt realny" in listed_titles(response.get_data(as_text=True))
    assert audit_events(app, "criterion.updated")[0][2]["title"] == ["Realny koszt", "Koszt realny"]


def test_the_edit_page_works_without_javascript(app, client, edition):
    criterion = criterion_ids(app, edition.id)[0]
    page = client.get(f"/editions/{edition.id}/criteria/{criterion}/edit")
    assert page.status_code == 200 and "<html" in page.get_data(as_text=True)
    bad = client.post(f"/editions/{edition.id}/criteria/{criterion}/edit", data={"title": "", "description": "opis"})
    assert bad.status_code == 422 and "opis</textarea>" in bad.get_data(as_text=True)
    good = client.post(f"/editions/{edition.id}/criteria/{criterion}/edit", data={"title": "Zadanie gminy"})
    assert good.status_code == 303


def test_a_criterion_is_deleted_and_the_rest_keep_their_order(app, client, edition):
    ids = criterion_ids(app, edition.id)
    response = client.htmx("POST", f"/editions/{edition.id}/criteria/{ids[1]}/delete")
    assert response.status_code == 200 and "<html" not in response.get_data(as_text=True)
    assert criterion_ids(app, edition.id) == [ids[0], *ids[2:]]
    with app.app_context():
        positions = db.session.scalars(select(FeedbackCriterion.position)
                                       .where(FeedbackCriterion.edition_id == edition.id)
                                       .order_by(FeedbackCriterion.position)).all()
    assert positions == [1, 2, 3, 4, 5]
    assert audit_events(app, "criterion.deleted")[0][1:] == (ids[1], {"edition_id": edition.id,
                                                                       "title": "Teren należący do miasta"})
    assert client.post(f"/editions/{edition.id}/criteria/{ids[2]}/delete").status_code == 303


def test_a_criterion_of_another_edition_is_not_found(app, client, edition, make_edition):
    other = make_edition("Wspólne Projekty 2025", current=False)
    criterion = criterion_ids(app, edition.id)[0]
    assert client.post(f"/editions/{other.id}/criteria/{criterion}/delete").status_code == 404
    assert client.get(f"/editions/{other.id}/criteria/{criterion}/edit").status_code == 404
    assert client.post(f"/editions/{edition.id}/criteria/{criterion}/move-sideways").status_code == 404
    assert len(criterion_ids(app, edition.id)) == 6


# --- who may ------------------------------------------------------------------------

def coordinator_urls(edition_id, criterion_id):
    return [
        ("GET", "/editions/"), ("GET", "/editions/new"), ("POST", "/editions/new"),
        ("GET", f"/editions/{edition_id}"), ("GET", f"/editions/{edition_id}/edit"),
        ("POST", f"/editions/{edition_id}/edit"), ("POST", f"/editions/{edition_id}/make-current"),
        ("GET", f"/editions/{edition_id}/pools"), ("POST", f"/editions/{edition_id}/pools"),
        ("GET", f"/editions/{edition_id}/criteria"), ("POST", f"/editions/{edition_id}/criteria"),
        ("GET", f"/editions/{edition_id}/criteria/{criterion_id}/edit"),
        ("POST", f"/editions/{edition_id}/criteria/{criterion_id}/edit"),
        ("POST", f"/editions/{edition_id}/criteria/{criterion_id}/delete"),
        ("POST", f"/editions/{edition_id}/criteria/{criterion_id}/move-down"),
    ]


@pytest.mark.parametrize("who", ["resident", "ambassador", "expert"])
def test_only_coordinators_set_editions_up(app, client, login, people, make_edition, who):
    edition = make_edition(current=False)
    with app.app_context():
        db.session.add(FeedbackCriterion(edition_id=edition.id, position=1, title="Teren miejski"))
        db.session.commit()
    criterion = criterion_ids(app, edition.id)[0]
    login(client, people[who])
    for method, url in coordinator_urls(edition.id, criterion):
        response = client.get(url) if method == "GET" else client.post(url, data=form(title="x"))
        assert response.status_code == 403, (method, url)
    assert not stored_edition(app).is_current
    assert criterion_ids(app, edition.id) == [criterion]
    assert 'href="/editions/"' not in client.get("/").get_data(as_text=True)


def test_visitors_are_sent_to_log_in(app, client, make_edition):
    edition = make_edition()
    for method, url in coordinator_urls(edition.id, 1):
        response = client.get(url) if method == "GET" else client.post(url, data=form())
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].startswith("/login")


def test_coordinators_find_editions_in_the_navigation(client, kate):
    assert '<li><a href="/editions/">Editions</a></li>' in client.get("/").get_data(as_text=True)
