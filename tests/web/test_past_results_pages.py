"""Ambassadors and residents read what their district proposed, funded and paid; authors check their costs."""

import io
import re

import pytest
from sqlalchemy import select

from pbflow.core.models import AuditEvent
from pbflow.extensions import db
from pbflow.past_results import importer
from pbflow.past_results.models import PastResult
from tests.conftest import PABULIB as SHARED


@pytest.fixture
def loaded(app, districts):
    with app.app_context():
        # Prądnik Biały's five years, Dębniki's and the city-wide ones: enough to compare, quick to load.
        report = importer.import_paths(sorted(SHARED.glob("*_Pradnik_Bialy.pb")) + sorted(SHARED.glob("*_Debniki.pb"))
                                       + sorted(SHARED.glob("Poland_Krakow_20??.pb")))
        assert not report.failed
    return {d.name: d for d in districts}


def rows(html):
    return re.findall(r"<tr><td[^>]*>(\d{4})</td><td[^>]*>(.*?)</td>", html)


def test_a_district_page_shows_every_year_with_pool_outcomes_and_share_won(client, loaded, english):
    district = loaded["Prądnik Biały"]
    html = client.get(f"/results/districts/{district.id}").get_data(as_text=True)
    assert "Past results: IV Prądnik Biały" in html
    for year in range(2018, 2023):
        assert f"<th scope=\"row\">{year}" in html
    assert "Share of the pool won" in html
    assert re.search(r'<td class="number" data-label="Share of the pool won">9\d\.\d%</td>', html), "funded projects take nearly all of the pool"
    assert "<svg" in html and 'role="img"' in html and "funded, " in html  # the chart and its text alternative
    assert "worked it out by the year&#39;s rule" in html or "worked it out by the year's rule" in html


def test_filters_by_year_and_words_with_polish_inflection(client, loaded, english):
    district = loaded["Prądnik Biały"]
    html = client.get(f"/results/districts/{district.id}?year=2021").get_data(as_text=True)
    assert {year for year, _name in rows(html)} == {"2021"}
    html = client.htmx("get", f"/results/districts/{district.id}?q=place+zabaw").get_data(as_text=True)
    assert html.startswith('<div id="past-projects">') or 'id="past-projects"' in html[:200]
    names = [name for _year, name in rows(html)]
    assert names and all(re.search(r"plac", name, re.I) and re.search(r"zabaw", name, re.I) for name in names)
    bad = client.get(f"/results/districts/{district.id}?year=1999")
    assert bad.status_code == 422 and "Not a valid choice" in bad.get_data(as_text=True)


def test_the_citywide_results_likewise(client, loaded, english):
    html = client.get("/results/citywide").get_data(as_text=True)
    assert "Past results: City-wide projects" in html and "2022" in html


def test_the_overview_links_every_district(client, loaded, english):
    html = client.get("/results/").get_data(as_text=True)
    assert html.count('href="/results/districts/') == 18


def test_the_cost_benchmarks_are_linked_from_the_results_pages(client, loaded, english):
    for url in ("/results/", f"/results/districts/{loaded['Prądnik Biały'].id}", "/results/citywide"):
        assert 'href="/results/benchmarks"' in client.get(url).get_data(as_text=True), url
    assert 'href="/results/"' in client.get("/results/benchmarks").get_data(as_text=True)


def test_the_district_page_runs_a_fixed_number_of_queries(client, loaded, count_queries, app):
    district = loaded["Prądnik Biały"]
    with count_queries() as all_years:
        assert client.get(f"/results/districts/{district.id}").status_code == 200
    with count_queries() as one_year:
        assert client.get(f"/results/districts/{district.id}?year=2019&q=park").status_code == 200
    with count_queries() as citywide:
        assert client.get("/results/citywide").status_code == 200
    assert len(all_years) == len(one_year) == len(citywide) + 1 <= 5, all_years  # + the district


@pytest.mark.parametrize("typed", ["plac zabaw", "placu zabaw", "Plac Zabaw", "placow zabaw"])
def test_cost_benchmarks_survive_polish_inflection(client, loaded, english, typed):
    district = loaded["Prądnik Biały"]
    html = client.htmx("get", f"/results/benchmarks?title={typed}&district={district.id}").get_data(as_text=True)
    assert "Similar projects in past years" in html and "median cost" in html
    first = re.search(r'<tbody>\s*<tr><td>(.*?)</td>\s*<td data-label="Where">(.*?)</td>', html)
    assert "zabaw" in first.group(1).lower() and "Prądnik Biały" in first.group(2)  # same district first


def test_benchmarks_page_works_without_javascript(client, loaded, english):
    html = client.get("/results/benchmarks?title=o%C5%9Bwietlenie").get_data(as_text=True)
    assert "<h1>What did similar projects cost?</h1>" in html and "Oświetlenie" in html
    assert "No past project had a similar name." in client.get("/results/benchmarks?title=xyzzy").get_data(as_text=True)
    assert client.get("/results/benchmarks?title=" + "a" * 400).status_code == 422


def test_the_polish_column_names_agree_with_each_other(app, loaded):
    html = app.test_client().get(f"/results/districts/{loaded['Prądnik Biały'].id}").get_data(as_text=True)
    assert ">Wybrane do realizacji</th>" in html and ">Niewybrane do realizacji</th>" in html
    assert "Niewybrany" not in html


def test_the_polish_benchmarks_sentence_runs_on_after_its_semicolon(app, loaded):
    client = app.test_client()  # Polish, the default
    html = client.get("/results/benchmarks?title=plac+zabaw").get_data(as_text=True)
    sentence = re.search(r"W poprzednich latach w Krakowie poddano pod głosowanie.*?\.", html, re.S).group(0)
    assert re.search(r";\s+do realizacji wybrano \d+ z nich", sentence), sentence
    assert not re.search(r";\s+[A-ZĄĆĘŁŃÓŚŹŻ]", sentence)


@pytest.mark.parametrize("district", ["²", "99999999999999999999", "-3", "abc"])
def test_benchmarks_ignore_a_district_that_is_no_database_id(client, loaded, english, district):
    response = client.get(f"/results/benchmarks?title=plac+zabaw&district={district}")
    assert response.status_code == 200 and "Similar projects in past years" in response.get_data(as_text=True)


def test_a_coordinator_uploads_files_and_sees_what_each_did(app, client, districts, people, login, english):
    login(client, people["coordinator"])
    good = (SHARED / "Poland_Krakow_2020_Debniki.pb").read_bytes()
    data = {"files": [(io.BytesIO(good), "Poland_Krakow_2020_Debniki.pb"),
                      (io.BytesIO(b"%PDF-1.4 not pabulib"), "wyniki.pdf"),
                      (io.BytesIO(good.replace(b"num_projects;24", b"num_projects;99")), "Poland_Krakow_2020_Debniki_bad.pb")]}
    response = client.post("/results/import", data=data, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "1 new, 0 updated, 0 unchanged, 2 refused." in html
    assert "must end in .pb" in html and "META says num_projects is 99" in html
    again = client.post("/results/import", data={"files": [(io.BytesIO(good), "Poland_Krakow_2020_Debniki.pb")]},
                        content_type="multipart/form-data")
    assert "0 new, 0 updated, 1 unchanged, 0 refused." in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(PastResult.source_name)) == "Poland_Krakow_2020_Debniki.pb"
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "past_results.created"))
        assert event.actor_id == people["coordinator"].id


def test_uploading_nothing_or_without_csrf_is_refused(client, districts, people, login, english):
    login(client, people["coordinator"])
    empty = client.post("/results/import", data={}, content_type="multipart/form-data")
    assert empty.status_code == 422 and "Choose at least one .pb file." in empty.get_data(as_text=True)
    assert client.post("/results/import", data={}, csrf=False).status_code == 400


def test_with_htmx_the_upload_area_is_replaced_in_place(client, districts, people, login, english):
    login(client, people["coordinator"])
    page = client.get("/results/import").get_data(as_text=True)
    assert 'accept=".pb"' in page and "multiple" in page and "<progress" in page
    good = (SHARED / "Poland_Krakow_2021_Debniki.pb").read_bytes()
    response = client.htmx("post", "/results/import", data={"files": [(io.BytesIO(good), "Poland_Krakow_2021_Debniki.pb")]},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith("{#") is False and '<div id="import-area">' in html[:200]
    assert "1 new, 0 updated, 0 unchanged, 0 refused." in html and "<html" not in html
    empty = client.htmx("post", "/results/import", data={}, content_type="multipart/form-data")
    assert empty.status_code == 422 and '<div id="import-area">' in empty.get_data(as_text=True)[:200]


def test_the_proposal_form_asks_for_benchmarks_as_the_title_is_typed(client, loaded, make_edition, make_user, login,
                                                                     english):
    make_edition(open_stage="meetings")
    login(client, make_user())
    html = client.get("/proposals/new").get_data(as_text=True)
    assert 'hx-get="/results/benchmarks"' in html and 'hx-include="#title, #district"' in html
    assert 'href="/results/benchmarks"' in html  # without JavaScript, a page of its own
    # what htmx sends: the form's own field names
    district = loaded["Prądnik Biały"]
    answer = client.htmx("get", f"/results/benchmarks?title=Plac+zabaw+przy+szkole&district={district.id}")
    assert "Similar projects in past years" in answer.get_data(as_text=True)
