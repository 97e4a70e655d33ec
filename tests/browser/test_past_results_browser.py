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
