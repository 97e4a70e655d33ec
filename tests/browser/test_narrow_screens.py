"""A 360 px phone: the ambassador dashboard and a filled proposal form fit without sideways scrolling,
and every cost line's field is named on screen, not only for screen readers."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.test_in_place_forms import log_in

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 800}


def sideways(page):
    return page.evaluate("document.documentElement.scrollWidth") > page.viewport_size["width"]


@pytest.fixture
def drafted(make_edition, make_ambassador, make_area, make_user, make_proposal, districts):
    edition = make_edition(open_stage="meetings")
    area = make_area(districts[7], "Osiedle Podwawelskie", "Bloki między ul. Konopnicką a Rzemieślniczą.")
    ambassador = make_user("Piotr Kowalski", "piotr.k@example.org", roles=["ambassador"])
    make_ambassador(edition, area, ambassador)
    proposal = make_proposal(edition, author=ambassador, district=districts[7], area=area, lines=[
        ("Urządzenia zabawowe dla dzieci w wieku przedszkolnym", Decimal("4"), 25_000_00),
        ("Nawierzchnia bezpieczna z certyfikatem", Decimal("120.5"), 350_00)])
    return ambassador, proposal


def test_the_dashboard_and_a_filled_proposal_form_fit_a_phone(page, drafted):
    ambassador, proposal = drafted
    page.set_viewport_size(PHONE)
    log_in(page, ambassador.email)
    found = []
    for url, shows in [("/ambassadors/dashboard", f"#area-{proposal.area_id}"),
                       (f"/proposals/{proposal.id}/edit", "#lines-1-item"), ("/proposals/new", "#lines-0-item")]:
        page.goto(url)
        expect(page.locator(shows)).to_be_visible()
        if sideways(page):
            found.append((url, page.evaluate("document.documentElement.scrollWidth")))
    assert found == []


def test_each_cost_field_shows_its_name_on_a_phone(page, drafted):
    ambassador, proposal = drafted
    page.set_viewport_size(PHONE)
    log_in(page, ambassador.email)
    page.goto(f"/proposals/{proposal.id}/edit")
    for name in ("item", "quantity", "unit_price"):
        label = page.locator(f"label[for='lines-0-{name}']")
        expect(label).to_be_visible()
        box = label.bounding_box()
        assert box["width"] > 20 and box["height"] > 10, (name, box)  # on screen, not clipped to a pixel
    # The computed amount of the line says what it is too.
    amount = page.locator("#line-0-amount").locator("xpath=..")
    assert "Kwota" in amount.evaluate("td => getComputedStyle(td, '::before').content + td.textContent")


def test_the_menu_folds_behind_a_button_on_a_phone_and_stays_open_on_a_wide_screen(page, people):
    """A coordinator's 20 menu entries (a visitor's 9) would fill a phone's first screen."""
    page.goto("/")
    expect(page.locator("#main-menu")).to_be_visible()  # a wide screen: no button
    expect(page.locator("[data-menu-toggle]")).to_be_hidden()
    page.set_viewport_size(PHONE)
    expect(page.locator("#main-menu")).to_be_hidden()
    expect(page.locator("[data-menu-toggle]")).to_be_visible()
    log_in(page, people["coordinator"].email)
    page.goto("/proposals/all")
    toggle, menu = page.locator("[data-menu-toggle]"), page.locator("#main-menu")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()
    toggle.focus()
    page.keyboard.press("Enter")  # a real button: the keyboard opens it
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("link", name="Wszystkie propozycje")).to_be_visible()
    menu.get_by_role("link", name="Propozycje", exact=True).click()  # a boosted navigation: a new header
    expect(page).to_have_url(re.compile(r"/proposals/$"))
    expect(page.locator("[data-menu-toggle]")).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#main-menu")).to_be_hidden()
    page.set_viewport_size({"width": 1280, "height": 800})  # turned to a wide screen: open, no button
    expect(page.locator("#main-menu")).to_be_visible()
    expect(page.locator("[data-menu-toggle]")).to_be_hidden()
