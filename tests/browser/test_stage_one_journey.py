"""Stage I from end to end in Chromium, as the issue tells it: a resident applies, the
coordinator approves, the new ambassador sees the dashboard and ticks a training item, and a
visitor finds the ambassador in the public directory."""

import re

import pytest
from playwright.sync_api import expect

from pbflow.ambassadors.models import TrainingItem
from pbflow.extensions import db
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def new_page(browser, live_server, locale="pl-PL"):
    context = browser.new_context(base_url=live_server, locale=locale)
    context.set_default_timeout(10_000)
    return context.new_page()


def log_in(page, email):
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("form[action='/logout']")).to_be_attached()


def test_from_application_to_the_public_directory(app, browser, live_server, make_edition, make_area,
                                                  make_user, districts):
    edition = make_edition()
    make_area(districts[7], "Osiedle Podwawelskie", "Bloki między Konopnickiej a Rzemieślniczą.")
    with app.app_context():
        db.session.add(TrainingItem(edition_id=edition.id, position=1, title="Jak prowadzić spotkanie",
                                    description="Agenda, lista obecności, **notatka**."))
        db.session.commit()
    make_user("Anna Nowak", "anna.nowak@example.org", roles=["coordinator"])
    make_user("Zofia Żak", "zofia.zak@example.org")

    # A resident applies for an existing area of Dębniki.
    resident = new_page(browser, live_server)
    log_in(resident, "zofia.zak@example.org")
    resident.goto("/ambassadors/apply")
    resident.select_option("#district", label="VIII Dębniki")
    expect(resident.locator("#area optgroup")).to_have_count(0)  # htmx has swapped in Dębniki's areas
    expect(resident.locator("#area")).to_contain_text("Osiedle Podwawelskie")
    resident.select_option("#area", label="Osiedle Podwawelskie")
    resident.fill("#motivation", "Chcę pomóc sąsiadom zgłosić dobre pomysły na nasze osiedle.")
    resident.fill("#area_knowledge", "Mieszkam przy Konopnickiej od dwudziestu lat.")
    resident.check("#publish_consent")
    resident.locator("main form button[type=submit]").last.click()
    expect(resident).to_have_url(re.compile(r"/ambassadors/my-application$"))

    # The coordinator approves it in place.
    coordinator = new_page(browser, live_server)
    log_in(coordinator, "anna.nowak@example.org")
    coordinator.goto("/ambassadors/applications/")
    row = coordinator.locator("[id^=decision-]").first
    row.locator("form[action$='/approve'] button").click()
    expect(coordinator.locator("[id^=decision-]").first.locator(".status-approved, .tag")).to_be_visible()
    expect(coordinator.locator("#flash")).to_contain_text("Zofia Żak")

    # The new ambassador sees the area on the dashboard and ticks the training item.
    resident.goto("/ambassadors/dashboard")
    expect(resident.locator("main")).to_contain_text("Osiedle Podwawelskie")
    expect(resident.locator("#training-summary progress")).to_have_attribute("value", "0")
    resident.locator(".checklist-item form button").first.click()
    expect(resident.locator("#training-summary progress")).to_have_attribute("value", "1")
    expect(resident.locator(".checklist-item").first).to_have_class(re.compile("checklist-done"))

    # A visitor who is not signed in finds her by the estate's name, typed without Polish letters.
    visitor = new_page(browser, live_server)
    visitor.goto("/ambassadors/")
    visitor.fill("#q", "podwawelskie")
    visitor.locator("form[role=search] button[type=submit], main form button[type=submit]").first.click()
    results = visitor.locator("#directory-results")
    expect(results).to_contain_text("Osiedle Podwawelskie")
    expect(results.locator(".ambassador-name")).to_have_text(["Zofia Żak"])

    for page in (resident, coordinator, visitor):
        page.context.close()
