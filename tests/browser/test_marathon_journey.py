"""Stage IV in Chromium: an author books a time at a submission marathon; the readiness check shows one
missing item (the support list); the author fixes it and marks the proposal ready; the marathon's helper
records the submission at the desk; the coordinator's CSV export has the row. Then the Stage IV pages are
checked by axe-core in both languages and for sideways scrolling on a 360 px phone."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from pbflow.proposals.models import ProposalStatus
from tests.browser.test_meeting_journey import log_in, log_out, page_problems

pytestmark = pytest.mark.browser


def test_from_booking_to_a_recorded_submission_in_the_export(browser, live_server, make_edition, make_proposal,
                                                             make_user, make_marathon):
    edition = make_edition(open_stage="marathons", criteria=True, supporters_required=2)
    author = make_user("Jan Zieliński", "jan.z@example.org", locale="en")
    proposal = make_proposal(edition, author=author, title="Ławki przy Wiśle",
                             status=ProposalStatus.FEEDBACK_RECEIVED)
    helper = make_user("Helena Pomocna", "helena.p@example.org", locale="en")
    marathon = make_marathon(edition, slots=[(timedelta(hours=3), 60, 4), (timedelta(hours=4), 60, 4)],
                             helpers=[helper])
    make_user("Anna Nowak", "anna.n@example.org", roles=["coordinator"], locale="en")
    context = browser.new_context(base_url=live_server, accept_downloads=True)
    context.set_default_timeout(10_000)
    page = context.new_page()

    log_in(page, "jan.z@example.org")  # the author books a time
    page.goto(f"/marathons/{marathon.id}")
    page.get_by_label("Time", exact=True).select_option(index=1)
    page.get_by_label("Your proposal").select_option(label="Ławki przy Wiśle")
    page.get_by_role("button", name="Book this time").click()
    expect(page.locator("#booking")).to_contain_text("Your places at this marathon")

    page.goto(f"/proposals/{proposal.id}/readiness")  # one item missing: the support list
    expect(page.locator("#main")).to_contain_text("1 item still needs attention.")
    expect(page.locator("#main")).to_contain_text("0 of the 2 residents needed back the proposal so far.")
    page.get_by_role("link", name=re.compile("^Put it right")).click()  # the one item that fails
    page.get_by_label("Names of the residents who back the proposal").fill("Anna Nowak\nPiotr Wiśniewski")
    page.get_by_label("Every person on this list agreed to their name being processed for this proposal").check()
    page.get_by_role("button", name="Add to the list").click()
    expect(page.locator("#main")).to_contain_text("Piotr Wiśniewski")
    page.goto(f"/proposals/{proposal.id}")
    page.get_by_role("button", name="Mark as ready to submit").click()
    expect(page.locator("#next-steps")).to_contain_text("Ready to submit")
    log_out(page)

    log_in(page, "helena.p@example.org")  # the helper records the submission at the desk
    page.goto(f"/marathons/{marathon.id}")
    page.get_by_role("link", name="Open the helper's desk").click()
    page.get_by_role("link", name="Readiness check and record").click()
    expect(page).to_have_url(re.compile(r"/desk/proposals/\d+$"))
    page.get_by_label("Reference number on the official platform").fill("wpd.0042.2026")
    page.get_by_role("button", name="Record the submission").click()
    expect(page.locator("#main")).to_contain_text("WPD.0042.2026")
    log_out(page)

    log_in(page, "anna.n@example.org")  # the coordinator's export has the row
    page.goto("/marathons/submitted")
    expect(page.locator("#main")).to_contain_text("Ławki przy Wiśle")
    with page.expect_download() as download:
        page.get_by_role("link", name="Spreadsheet (CSV, UTF-8)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "WPD.0042.2026" in text and "Ławki przy Wiśle" in text and "Jan Zieliński" in text
    context.close()


@pytest.mark.parametrize("locale", ["pl", "en"])
def test_stage_four_pages_meet_wcag_21_aa_and_fit_a_phone(browser, live_server, make_edition, make_proposal,
                                                          make_user, make_marathon, locale):
    edition = make_edition(open_stage="marathons", criteria=True, supporters_required=2)
    author = make_user("Jan Zieliński", f"jan-{locale}@example.org", locale=locale)
    proposal = make_proposal(edition, author=author, status=ProposalStatus.READY)
    helper = make_user("Helena Pomocna", f"helena-{locale}@example.org", locale=locale)
    marathon = make_marathon(edition, helpers=[helper])
    make_user("Anna Nowak", f"anna-{locale}@example.org", roles=["coordinator"], locale=locale)
    pages = {
        f"anna-{locale}@example.org": ["/marathons/", f"/marathons/{marathon.id}", "/marathons/new",
                           f"/marathons/{marathon.id}/edit", f"/marathons/{marathon.id}/helpers",
                           f"/marathons/{marathon.id}/desk", "/marathons/submitted",
                           f"/proposals/{proposal.id}/readiness", f"/proposals/{proposal.id}/supporters"],
        f"helena-{locale}@example.org": [f"/marathons/{marathon.id}/desk"],
        f"jan-{locale}@example.org": [f"/marathons/{marathon.id}", f"/proposals/{proposal.id}",
                          f"/proposals/{proposal.id}/readiness", f"/proposals/{proposal.id}/supporters",
                          f"/proposals/{proposal.id}/copy"],
    }
    found = page_problems(browser, live_server, pages)
    assert found == {}
