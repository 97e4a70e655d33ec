"""htmx forms in Chromium: a successful save shows the whole next page, errors stay in place,
and keyboard focus is never lost after a swap."""

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def log_in(page, email):
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("form[action='/logout']")).to_be_attached()


def test_saving_the_profile_shows_the_whole_page_with_a_confirmation(page, make_user):
    person = make_user("Jan Zieliński", "jan.z@example.org", locale="en")
    log_in(page, person.email)
    page.goto("/profile")
    page.fill("#name", "")
    page.locator("#profile-form button[type=submit]").click()
    expect(page.locator("#profile-form .error-summary")).to_be_focused()  # error in place
    expect(page.locator(".site-header")).to_be_visible()
    page.fill("#name", "Jan Żółkiewski")
    page.locator("#profile-form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_contain_text("Your profile has been saved")
    expect(page.locator(".site-header")).to_be_visible()
    expect(page.locator("h1")).to_have_text("Your profile")
    expect(page.locator(".account")).to_contain_text("Jan Żółkiewski")


def test_granting_a_role_keeps_keyboard_focus_and_announces_it(page, make_user):
    make_user("Anna Nowak", "anna.n@example.org", roles=["coordinator"], locale="en")
    make_user("Zofia Wiśniewska", "zofia.w@example.org")
    log_in(page, "anna.n@example.org")
    page.goto("/users/?q=zofia")
    button = page.get_by_role("button", name="Local participation ambassador (not granted; press to grant)")
    button.focus()
    page.keyboard.press("Enter")
    roles = page.locator(".roles").first
    expect(roles).to_be_focused()
    expect(roles.get_by_role("button", name="Local participation ambassador (granted; press to revoke)")).to_be_visible()
    expect(page.locator("#flash")).to_contain_text("Zofia Wiśniewska now has the role")
