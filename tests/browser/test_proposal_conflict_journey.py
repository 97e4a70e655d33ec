"""Two neighbours co-write a proposal in Chromium, as the issue tells it: one starts the draft (live
totals, the cap, character counts, the preview), both open the edit form, the first saves, the
second gets the conflict page with both texts, merges by hand and saves; the history then lists
every version and the comparison marks the change."""

import re

import pytest
from playwright.sync_api import expect

from pbflow.extensions import db
from pbflow.proposals import services as proposals
from pbflow.proposals.models import Proposal
from tests.browser.test_in_place_forms import log_in

pytestmark = pytest.mark.browser


def new_page(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource: the server "
                                                                      "responded with a status of 4") else None)
    page.errors = errors
    return page


def test_two_residents_co_write_a_proposal_and_resolve_a_conflict(app, browser, live_server, make_edition,
                                                                 make_user, districts):
    make_edition(open_stage="meetings")  # pools of 1 000 000 zł: a district project may cost 400 000 zł
    make_user("Jan Zieliński", "jan@example.org", locale="en")
    co_author = make_user("Ewa Mazur", "ewa@example.org", locale="en")

    # Jan starts the draft; the form counts, totals and checks the cap as he types.
    jan = new_page(browser, live_server)
    log_in(jan, "jan@example.org")
    jan.get_by_role("link", name="Write a proposal").click()
    expect(jan.locator("h1")).to_have_text("Write a proposal")
    jan.select_option("#district", label="VIII Dębniki")
    jan.fill("#title", "Zielony skwer przy Kapelance z ławkami, drzewami i stojakami na rowery")
    expect(jan.locator("#title-count")).to_contain_text("Too long for the official platform")
    jan.fill("#title", "Zielony skwer przy Kapelance")
    expect(jan.locator("#title-count")).to_contain_text("28 of 60 characters.")
    jan.fill("#summary", "Drzewa, krzewy i ławki na zaniedbanym skwerze przy Kapelance, dla wszystkich sąsiadów.")
    jan.fill("#description", "## Co zrobimy\n\nPosadzimy **drzewa**.\n\n<script>alert(1)</script>")
    jan.get_by_role("button", name="Preview the description").click()
    expect(jan.locator("#description-preview strong")).to_have_text("drzewa")
    expect(jan.locator("#description-preview script")).to_have_count(0)
    jan.fill("#location", "Skwer przy ul. Kapelanka 10")
    jan.fill("#lines-0-item", "Drzewa")
    jan.fill("#lines-0-quantity", "12")
    jan.fill("#lines-0-unit_price", "1 250,50")
    expect(jan.locator("#line-0-amount")).to_have_text(re.compile(r"15,006"))
    jan.fill("#lines-1-item", "Fontanna")
    jan.fill("#lines-1-quantity", "1")
    jan.fill("#lines-1-unit_price", "400 000")
    expect(jan.locator("#cost-totals .cap-over")).to_contain_text("above the cap")
    jan.check("#scope-1")  # a city-wide project has the city-wide cap (2 000 000 zł)
    expect(jan.locator("#cost-totals")).to_contain_text("Cap for a city-wide project")
    expect(jan.locator("#cost-totals .cap-over")).to_have_count(0)
    jan.check("#scope-0")
    expect(jan.locator("#cost-totals .cap-over")).to_be_visible()
    jan.locator("button[name=remove_line][value='1']").click()  # no fountain after all
    expect(jan.locator("#lines-1-item")).to_have_value("")
    expect(jan.locator("#cost-totals .cap-over")).to_have_count(0)
    jan.get_by_role("button", name="Add a line").click()
    expect(jan.locator("#lines-2-item")).to_be_focused()
    jan.fill("#lines-2-item", "Ławki")
    jan.fill("#lines-2-quantity", "4")
    jan.fill("#lines-2-unit_price", "3000")
    expect(jan.locator("#cost-totals")).to_contain_text("27,006")
    jan.get_by_role("button", name="Save the draft").click()
    expect(jan).to_have_url(re.compile(r"/proposals/\d+$"))
    expect(jan.locator("h1")).to_have_text("Zielony skwer przy Kapelance")
    proposal_id = int(jan.url.rsplit("/", 1)[1])

    # Ewa is a co-author (the invitation flow has its own tests).
    with app.app_context():
        proposals.add_author(db.session.get(Proposal, proposal_id), co_author)
        db.session.commit()

    # Both open the edit form.
    ewa = new_page(browser, live_server)
    log_in(ewa, "ewa@example.org")
    ewa.goto(f"/proposals/{proposal_id}")
    ewa.get_by_role("link", name="Edit", exact=True).click()
    expect(ewa.locator("h1")).to_have_text("Edit the proposal")
    jan.get_by_role("link", name="Edit", exact=True).click()
    expect(jan.locator("h1")).to_have_text("Edit the proposal")

    # Jan saves first.
    jan.fill("#title", "Zielony skwer dla całych Dębnik")
    jan.fill("#change_note", "Szerszy tytuł")
    jan.get_by_role("button", name="Save a new version").click()
    expect(jan.locator("#flash")).to_contain_text("Version 2 has been saved.")

    # Ewa, from the older form, is told and shown both texts; nothing she typed is lost.
    ewa.fill("#summary", "Drzewa, krzewy, ławki i poidełko na skwerze przy Kapelance, dla wszystkich sąsiadów.")
    ewa.fill("#change_note", "Poidełko")
    ewa.get_by_role("button", name="Save a new version").click()
    expect(ewa.locator("h1")).to_have_text("Someone saved a newer version while you were editing")
    expect(ewa.locator(".conflict-notice")).to_contain_text("Jan Zieliński saved version 2")
    table = ewa.locator("table.conflict")
    expect(table.locator(".conflict-theirs")).to_contain_text(["Zielony skwer dla całych Dębnik"])
    expect(table.locator(".conflict-mine").nth(3)).to_have_text("Zielony skwer przy Kapelance")
    expect(table.locator(".conflict-mine").nth(4)).to_contain_text("poidełko")
    expect(ewa.locator("#summary")).to_have_value(re.compile("poidełko"))

    # She merges by hand: Jan's title, her summary; then saves.
    ewa.fill("#title", "Zielony skwer dla całych Dębnik")
    ewa.get_by_role("button", name="Save a new version").click()
    expect(ewa.locator("#flash")).to_contain_text("Version 3 has been saved.")
    expect(ewa.locator("h1")).to_have_text("Zielony skwer dla całych Dębnik")
    expect(ewa.locator("main")).to_contain_text("poidełko")

    # The history lists every version, and the comparison marks what Ewa changed.
    ewa.goto(f"/proposals/{proposal_id}/history")
    history = ewa.locator("table.history tbody")
    expect(history.locator("tr")).to_have_count(3)
    expect(history).to_contain_text("Jan Zieliński")
    expect(history).to_contain_text("Ewa Mazur")
    expect(history).to_contain_text("Poidełko")
    ewa.goto(f"/proposals/{proposal_id}/compare?a=2&b=3")
    expect(ewa.locator("ins.diff-added").first).to_be_visible()
    expect(ewa.locator("main")).to_contain_text("poidełko")

    assert jan.errors == [] and ewa.errors == [], (jan.errors, ewa.errors)
    jan.context.close()
    ewa.context.close()


def test_the_form_and_the_conflict_page_meet_wcag_21_aa(app, browser, live_server, make_edition, make_user,
                                                       make_proposal):
    from tests.browser.test_accessibility import violations

    edition = make_edition(open_stage="meetings")
    lead, co_author = make_user("Jan Zieliński", "jan@example.org"), make_user("Ewa Mazur", "ewa@example.org")
    proposal = make_proposal(edition, author=lead, co_authors=[co_author])
    context = browser.new_context(base_url=live_server, locale="pl-PL", bypass_csp=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, "jan@example.org")
    found = {}
    page.goto("/proposals/new")
    found["new"] = violations(page)
    page.fill("#lines-0-quantity", "-1")
    page.locator("#proposal-form button[type=submit]").last.click()
    page.wait_for_selector(".error-summary")
    found["new (errors)"] = violations(page)

    page.goto(f"/proposals/{proposal.id}/edit")
    found["edit"] = violations(page)
    with app.app_context():  # Ewa saves while Jan has the form open
        from pbflow.accounts.models import User

        stored = db.session.get(Proposal, proposal.id)
        content = proposals.Content.of(proposals.get_version(stored))
        content.title = "Plac zabaw dla całego osiedla"
        proposals.save_version(db.session.get(User, co_author.id), stored, content, expected_lock=1)
        db.session.commit()
    page.fill("#summary", "Bezpieczny plac zabaw z ławkami i cieniem dla najmłodszych mieszkańców całego osiedla.")
    page.locator("#proposal-form button[type=submit]").last.click()
    page.wait_for_selector("table.conflict")
    found["conflict"] = violations(page)
    context.close()
    assert {name: v for name, v in found.items() if v} == {}


def test_a_click_on_save_is_not_lost_when_the_live_total_grows_under_it(app, browser, live_server, make_edition,
                                                                        make_user):
    """Leaving a field to press "Save" asks for the totals again; when the answer lands while the mouse
    button is still down and adds (or drops) a line about a mistake, "Save" would move from under the pointer
    and the click would be lost (an older resident's click lasts long enough for that)."""
    make_edition(open_stage="meetings")
    make_user("Jan Zieliński", "jan@example.org", locale="en")
    page = new_page(browser, live_server)
    log_in(page, "jan@example.org")
    page.goto("/proposals/new")
    save = page.locator("#proposal-form button[type=submit]").last

    def press_save_while_the_totals_answer(field, value):
        page.fill(field, value)
        save.scroll_into_view_if_needed()
        box = save.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        with page.expect_response(lambda response: response.url.endswith("/proposals/new/check")):
            page.mouse.down()  # the field loses focus: its change asks for the totals at once
        page.wait_for_function("() => !document.querySelector('#cost-totals.htmx-request')")
        return box

    # The answer names the mistake above the button, and the button stays under the pointer.
    before = press_save_while_the_totals_answer("#lines-0-quantity", "-1")
    expect(page.locator("#cost-totals .cost-line-problems li")).to_have_count(1)
    assert save.bounding_box()["y"] == pytest.approx(before["y"], abs=1)
    page.mouse.move(5, 5)  # he changes his mind and lets go beside it: nothing is sent
    page.mouse.up()
    expect(page.locator(".error-summary")).to_have_count(0)
    # Another mistake makes the totals grow again; this time he lets go on "Save", and it saves.
    press_save_while_the_totals_answer("#lines-0-unit_price", "dużo")
    expect(page.locator("#cost-totals .cost-line-problems li")).to_have_count(2)
    page.mouse.up()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#lines-0-quantity-error")).to_be_visible()
    expect(page.locator("#lines-0-unit_price-error")).to_be_visible()
    assert page.errors == []
    page.context.close()
