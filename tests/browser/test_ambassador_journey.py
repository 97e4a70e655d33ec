"""Stage I in Chromium: applying with the district's areas reloaded, deciding in place, joining an area,
and the new pages checked by axe-core."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from pbflow.ambassadors.models import ApplicationStatus
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

AXE = (Path(__file__).parent / "vendor" / "axe-4.14.1.min.js").read_text()
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def log_in(page, email):
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("form[action='/logout']")).to_be_attached()


@pytest.fixture
def edition(make_edition):
    return make_edition()


def test_a_resident_applies_choosing_the_district_first(page, edition, make_user, make_area, districts):
    make_area(districts[0], "Kleparz")
    make_area(districts[2], "Osiedle Oficerskie")
    make_user("Jan Kowal", "jan.k@example.org", locale="en")
    log_in(page, "jan.k@example.org")
    page.goto("/ambassadors/apply")
    page.select_option("#district", label="III Prądnik Czerwony")
    expect(page.locator("#area optgroup")).to_have_count(0)  # only this district's areas now
    expect(page.locator("#area")).to_contain_text("Osiedle Oficerskie")
    expect(page.locator("#area")).not_to_contain_text("Kleparz")
    page.select_option("#area", label="Osiedle Oficerskie")
    page.fill("#motivation", "Chcę, żeby sąsiedzi mieli wpływ na budżet dzielnicy.")
    page.fill("#area_knowledge", "Mieszkam na Oficerskim od piętnastu lat.")
    page.check("#publish_consent")
    page.get_by_role("button", name="Send the application").click()
    expect(page.locator("h1")).to_have_text("Your ambassador application")
    expect(page.locator(".flash-success")).to_contain_text("Your application has been sent")
    page.get_by_role("button", name="Withdraw the application").click()
    expect(page.locator("#application-status")).to_contain_text("Withdrawn")
    expect(page.locator("#flash")).to_contain_text("Your application has been withdrawn")


def test_a_coordinator_decides_in_place(page, edition, make_user, make_ambassador):
    make_user("Kate Brown", "kate.b@example.org", roles=["coordinator"], locale="en")
    first = make_ambassador(edition, user=make_user("Ola Nowak"), status=ApplicationStatus.SUBMITTED)
    second = make_ambassador(edition, user=make_user("Ela Kowal"), status=ApplicationStatus.SUBMITTED)
    log_in(page, "kate.b@example.org")
    page.goto("/ambassadors/applications/")
    page.get_by_role("button", name="Approve the application of Ola Nowak").click()
    panel = page.locator(f"#decision-{first.id}")
    expect(panel).to_contain_text("Approved")
    expect(panel).to_be_focused()
    expect(page.locator("#flash")).to_contain_text("Ola Nowak is now the ambassador")

    other = page.locator(f"#decision-{second.id}")
    other.locator("summary").click()
    other.get_by_role("button", name="Reject the application").click()
    other = page.locator(f"#decision-{second.id}")
    expect(other.locator(".error-message")).to_contain_text("Give the reason")
    other.locator("textarea").fill("Ten obszar ma już ambasadora.")
    other.get_by_role("button", name="Reject the application").click()
    expect(page.locator(f"#decision-{second.id}")).to_contain_text("Ten obszar ma już ambasadora.")
    assert page.url.endswith("/ambassadors/applications/")  # no navigation happened
    expect(page.locator("h1")).to_have_text("Ambassador applications")


def test_a_resident_joins_and_leaves_an_area(page, edition, make_user, make_ambassador, make_area, districts):
    area = make_area(districts[5], "Azory")
    make_ambassador(edition, area, make_user("Celina Żak"))
    make_user("Jan Kowal", "jan.j@example.org", locale="en")
    log_in(page, "jan.j@example.org")
    page.goto("/ambassadors/")
    page.get_by_role("button", name="Join this area Azory").click()
    follow = page.locator(f"#follow-{area.id}")
    expect(follow).to_contain_text("You have joined this area.")
    expect(follow).to_be_focused()
    follow.get_by_role("button", name="Leave this area Azory").click()
    expect(page.locator(f"#follow-{area.id}").get_by_role("button", name="Join this area Azory")).to_be_visible()


def test_the_stage_one_pages_meet_wcag_21_aa(page, edition, make_user, make_ambassador, make_area, districts):
    area = make_area(districts[5], "Azory", "Bloki przy ulicy Jasnogórskiej.")
    coordinator = make_user("Kate Brown", "kate.a@example.org", roles=["coordinator"], locale="en")
    make_ambassador(edition, area, coordinator)
    pending = make_ambassador(edition, user=make_user("Ola Nowak"), status=ApplicationStatus.SUBMITTED)
    log_in(page, coordinator.email)
    found = {}
    for url in ["/ambassadors/", "/ambassadors/apply", "/ambassadors/my-application", "/ambassadors/dashboard",
                "/ambassadors/applications/", f"/ambassadors/applications/{pending.id}"]:
        page.goto(url)
        page.evaluate(AXE)
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA)
        found[url] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert {url: v for url, v in found.items() if v} == {}
