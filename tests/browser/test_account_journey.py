"""A newcomer registers, logs in, reads pbflow in English and logs out, in real Chromium."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "nowe hasło do budżetu"


def test_a_resident_registers_logs_in_switches_to_english_and_logs_out(page):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "pl")

    page.goto("/register")
    page.fill("#name", "Zofia Żółkiewska")
    page.fill("#email", "zofia@example.org")
    page.fill("#password", PASSWORD)
    page.fill("#password_confirm", PASSWORD)
    page.check("#consent")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator(".account")).to_contain_text("Zofia Żółkiewska")

    page.locator(".account form[action='/logout'] button").click()
    expect(page.locator(".account a[href='/login']")).to_be_visible()

    page.goto("/login")
    page.fill("#email", "ZOFIA@example.org")
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".account")).to_contain_text("Zofia Żółkiewska")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    nav = page.get_by_role("navigation", name="Main navigation")
    expect(nav.get_by_role("link", name="Home")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    page.reload()  # the choice sticks
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("banner").get_by_role("link", name="Log in")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_form_errors_appear_in_place_and_take_the_focus(page):
    page.goto("/login")
    page.locator("main form button[type=submit]").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(page.locator("#email")).to_have_attribute("aria-invalid", "true")
    expect(page).to_have_url(re.compile(r"/login$"))
