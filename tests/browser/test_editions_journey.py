"""In Chromium: a coordinator reorders the feedback criteria in place by keyboard, an ambassador
meets a duplicate area name in place, and the edition and district pages meet WCAG 2.1 AA."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import violations
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def log_in(page, email):
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("form[action='/logout']")).to_be_attached()


def test_a_coordinator_reorders_and_edits_criteria_without_leaving_the_page(page, make_user, districts):
    make_user("Kate Brown", "kate@example.org", roles=["coordinator"], locale="en")
    log_in(page, "kate@example.org")
    page.goto("/editions/new")
    page.fill("#name", "Wspólne Projekty 2026")
    page.fill("#year", "2026")
    for field, day in [("recruitment_opens", "2025-09-01"), ("recruitment_closes", "2025-10-15"),
                       ("meetings_open", "2025-10-16"), ("meetings_close", "2025-12-15"),
                       ("workshops_open", "2026-01-05"), ("workshops_close", "2026-02-28"),
                       ("marathons_open", "2026-03-02"), ("marathons_close", "2026-03-31"),
                       ("submission_deadline", "2026-04-10")]:
        page.fill(f"#{field}", day)
    page.locator("#edition-form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Wspólne Projekty 2026")
    page.get_by_role("link", name="Edit the feedback criteria").click()
    expect(page).to_have_url(re.compile(r"/editions/\d+/criteria$"))
    criteria_url = page.url

    titles = page.locator(".criterion-text strong")
    expect(titles.first).to_have_text("Zadanie własne gminy")
    button = page.get_by_role("button", name=re.compile("Move down ?: Zadanie własne gminy"))
    button.focus()
    page.keyboard.press("Enter")
    expect(titles.nth(1)).to_have_text("Zadanie własne gminy")
    expect(page.get_by_role("button", name=re.compile("Move down ?: Zadanie własne gminy"))).to_be_focused()
    expect(page.locator("#flash")).to_contain_text("is now number 2")
    assert page.url == criteria_url

    page.get_by_role("link", name=re.compile("Edit ?: Realny koszt")).click()
    expect(page.locator("form.criterion-edit")).to_be_focused()  # then type: the swap has settled
    page.fill("form.criterion-edit #edit-title", "")
    page.locator("form.criterion-edit button[type=submit]").click()
    expect(page.locator("form.criterion-edit .error-summary")).to_be_focused()
    page.fill("form.criterion-edit #edit-title", "Koszt realny")
    page.locator("form.criterion-edit button[type=submit]").click()
    expect(titles.nth(2)).to_have_text("Koszt realny")
    expect(page.locator(".criteria-list")).to_be_focused()
    assert page.url == criteria_url
    page.wait_for_load_state("networkidle")  # no request left running when the server stops


def test_an_ambassador_sees_a_duplicate_area_refused_in_place(page, people, make_area, districts):
    podgorze = next(d for d in districts if d.name == "Podgórze")
    make_area(podgorze, "Osiedle Złota Jesień")
    log_in(page, people["ambassador"].email)
    page.goto(f"/districts/{podgorze.id}")
    page.fill("#name", "osiedle złota  jesień")
    page.locator("#area-form button[type=submit]").click()
    expect(page.locator("#area-form .error-summary")).to_be_focused()
    expect(page.locator("#area-form")).to_contain_text("Osiedle Złota Jesień")
    page.fill("#name", "Osiedle Wiosenne")
    page.locator("#area-form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("#area-results")).to_contain_text("Osiedle Wiosenne")
    page.wait_for_load_state("networkidle")


@pytest.fixture
def a11y_page(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="pl-PL", bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


def test_edition_and_district_pages_meet_wcag_21_aa(a11y_page, people, make_edition, make_area, districts):
    page = a11y_page
    edition = make_edition(rules_url="https://budzet.krakow.pl/")
    area = make_area(districts[7], "Ruczaj")
    found = {}
    for url in ["/", "/districts/", f"/districts/{districts[7].id}"]:
        page.goto(url)
        found[url] = violations(page)
    log_in(page, people["coordinator"].email)
    for url in ["/editions/", "/editions/new", f"/editions/{edition.id}", f"/editions/{edition.id}/edit",
                f"/editions/{edition.id}/pools", f"/editions/{edition.id}/criteria",
                f"/districts/{districts[7].id}", f"/areas/{area.id}/edit"]:
        page.goto(url)
        found[url] = violations(page)
    page.goto("/editions/new")
    page.locator("#edition-form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    found["/editions/new (errors)"] = violations(page)
    assert re.search(r"/editions/new$", page.url)
    page.wait_for_load_state("networkidle")
    assert {url: v for url, v in found.items() if v} == {}
