"""The training checklist in Chromium: the coordinator edits it in place, the ambassador ticks it off in place."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.sample_files import PDF

pytestmark = pytest.mark.browser


def log_in(page, email):
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("form[action='/logout']")).to_be_attached()


def test_a_coordinator_builds_the_checklist_and_an_ambassador_ticks_it_off(page, make_user, make_edition,
                                                                           make_ambassador, tmp_path):
    edition = make_edition()
    make_user("Anna Nowak", "anna.n@example.org", roles=["coordinator"], locale="en")
    ambassador = make_user("Piotr Kowalski", "piotr.k@example.org", locale="en")
    make_ambassador(edition, user=ambassador)

    log_in(page, "anna.n@example.org")
    page.goto("/training/")
    page.locator("#training-item-form button[type=submit]").click()
    expect(page.locator("#training-item-form .error-summary")).to_be_focused()  # 422 in place
    page.fill("#title", "Read the rules")
    page.fill("#description", "The **rules** of the budget.")
    brochure = tmp_path / "Zasady budżetu.pdf"
    brochure.write_bytes(PDF)
    page.set_input_files("#upload", str(brochure))
    page.locator("#training-item-form button[type=submit]").click()
    expect(page.locator("#training-manage h3")).to_have_text(["Read the rules"])
    expect(page.locator("#flash")).to_contain_text("Added to the checklist: Read the rules")
    page.fill("#title", "Plan a meeting")
    page.locator("#training-item-form button[type=submit]").click()
    expect(page.locator("#training-manage h3")).to_have_text(["Read the rules", "Plan a meeting"])
    page.get_by_role("button", name="Move up: Plan a meeting").click()
    expect(page.locator("#training-manage h3")).to_have_text(["Plan a meeting", "Read the rules"])
    expect(page.locator(".site-header")).to_have_count(1)  # swapped in place, not a page inside a page
    page.get_by_role("link", name="Edit: Read the rules").click()
    expect(page.get_by_role("heading", name="Edit: Read the rules")).to_be_focused()
    page.fill("#edit-item-1 #title", "")
    page.locator("#edit-item-1 button[type=submit]").click()
    expect(page.locator("#edit-item-1 .error-summary")).to_be_focused()
    page.fill("#edit-item-1 #title", "Read the rules of 2026")
    page.locator("#edit-item-1 button[type=submit]").click()
    expect(page.locator("#training-manage h3")).to_have_text(["Plan a meeting", "Read the rules of 2026"])
    expect(page).to_have_url(re.compile(r"/training/$"))
    page.locator(".account form[action='/logout'] button").click()
    expect(page.locator(".account a[href='/login']")).to_be_visible()

    log_in(page, "piotr.k@example.org")
    page.goto("/training/mine")
    expect(page.locator("#training-summary-text")).to_have_text("0 of 2 items done")
    page.get_by_role("button", name="Mark as done: Read the rules of 2026").click()
    expect(page.get_by_role("button", name="Mark as not done: Read the rules of 2026")).to_be_focused()
    expect(page.locator("#training-summary-text")).to_have_text("1 of 2 items done")
    with page.expect_download() as download:
        page.get_by_role("link", name="Zasady budżetu.pdf").click()
    assert download.value.suggested_filename == "Zasady budżetu.pdf"
    page.reload()
    expect(page.locator("#training-summary progress")).to_have_attribute("value", "1")
