"""Past results in Chromium: an author sees what similar projects cost while typing a title; the district
page and its chart meet WCAG 2.1 AA."""

import re

import pytest
from playwright.sync_api import expect

from pbflow.extensions import db
from pbflow.past_results import importer
from tests.browser.test_accessibility import violations
from tests.browser.test_in_place_forms import log_in
from tests.conftest import PABULIB as SHARED

pytestmark = pytest.mark.browser


@pytest.fixture
def loaded(app, districts):
    with app.app_context():
        assert not importer.import_paths(sorted(SHARED.glob("*_Pradnik_Bialy.pb"))).failed
        db.session.commit()
    return {d.name: d for d in districts}


def test_an_author_sees_what_similar_projects_cost_while_typing(page, loaded, make_user, make_edition):
    make_edition(open_stage="meetings")
    make_user("Zofia Dąbrowska", "zofia@example.org", locale="en")
    log_in(page, "zofia@example.org")
    page.goto("/proposals/new")
    page.select_option("#district", str(loaded["Prądnik Biały"].id))
    page.locator("#title").press_sequentially("Placu zabaw", delay=30)
    region = page.locator("#cost-benchmarks")
    expect(region.locator("h3")).to_have_text("Similar projects in past years")
    expect(region.locator("tbody tr").first).to_contain_text("zabaw")
    expect(page.locator("#title")).to_be_focused()
    assert violations(page) == []


def test_the_district_page_with_its_chart_is_accessible(page, loaded):
    page.goto(f"/results/districts/{loaded['Prądnik Biały'].id}")
    expect(page.locator("svg[role=img] title")).to_have_count(1)
    assert violations(page) == []
    page.locator("#q").press_sequentially("park", delay=30)
    expect(page).to_have_url(re.compile(r"q=park"))
    expect(page.locator("#past-projects tbody tr").first).to_contain_text(re.compile("park", re.I))
    expect(page.locator("#q")).to_be_focused()


@pytest.fixture
def loaded_with_citywide(app, districts):
    with app.app_context():
        files = sorted(SHARED.glob("*_Pradnik_Bialy.pb")) + sorted(SHARED.glob("Poland_Krakow_20??.pb"))
        assert not importer.import_paths(files).failed
        db.session.commit()
    return {d.name: d for d in districts}


@pytest.mark.parametrize("locale", ["pl-PL", "en-GB"])
def test_the_results_tables_fit_a_laptop_and_name_every_number_on_a_phone(browser, live_server,
                                                                          loaded_with_citywide, locale):
    """At 1280 px no column is cut off; at 360 px each stacked number says which column it belongs to."""
    context = browser.new_context(base_url=live_server, locale=locale)
    page = context.new_page()
    urls = [f"/results/districts/{loaded_with_citywide['Prądnik Biały'].id}", "/results/citywide"]
    found = {}
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 800})
        for url in urls:
            page.goto(url)
            wide = page.evaluate("document.documentElement.scrollWidth")
            if wide > width:
                found[f"{url} at {width}px"] = ("sideways scroll", wide)
            if width == 360:
                # Every data cell of both tables shows its column's name before its value.
                bare = page.evaluate("""() => [...document.querySelectorAll('main table td')]
                    .filter(td => !getComputedStyle(td, '::before').content.replace(/^none$|^normal$|^""$/, ''))
                    .map(td => td.textContent.trim()).slice(0, 5)""")
                if bare:
                    found[f"{url} at {width}px, cells without their column's name"] = bare
    context.close()
    assert found == {}
