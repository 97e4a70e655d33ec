"""The proposal lists in Chromium: typing filters the results in place (focus stays in the search box,
the URL follows), and the lists meet WCAG 2.1 AA."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import violations
from tests.browser.test_in_place_forms import log_in

pytestmark = pytest.mark.browser


def test_a_coordinator_filters_all_proposals_as_they_type(page, make_user, make_edition, make_proposal, districts):
    edition = make_edition(open_stage="meetings")
    make_user("Anna Nowak", "anna.n@example.org", roles=["coordinator"], locale="en")
    make_proposal(edition, title="Więcej zieleni przy szkole", summary="Drzewa i krzewy przy szkole podstawowej "
                  "numer 5, żeby dzieci miały cień na przerwach i w drodze do domu.", description="Nasadzenia.")
    make_proposal(edition, title="Nowe przejście dla pieszych", summary="Bezpieczne przejście przez ulicę "
                  "Długą przy przystanku tramwajowym, z azylem i lepszym oświetleniem.", description="Przejście.",
                  district=districts[2], status="ready")
    log_in(page, "anna.n@example.org")
    page.goto("/proposals/all")
    expect(page.locator("#proposal-results [role=status]")).to_have_text("2 proposals on this page")
    assert violations(page) == []

    search = page.locator("#q")
    search.press_sequentially("zielen", delay=30)
    expect(page.locator("#proposal-results [role=status]")).to_have_text("1 proposal on this page")
    expect(page.locator(".proposal-title")).to_have_text(["Więcej zieleni przy szkole"])
    expect(search).to_be_focused()
    assert "q=zielen" in page.url

    search.fill("")
    page.select_option("#status", "ready")
    expect(page.locator(".proposal-title")).to_have_text(["Nowe przejście dla pieszych"])
    assert "status=ready" in page.url

    page.goto("/proposals/?q=zielen")
    assert violations(page) == []
    page.goto("/proposals/mine")
    assert violations(page) == []
