"""Monitoring in Chromium: a coordinator defines a computed indicator (participants at residents' meetings)
and a recorded one (advice hours), records a value and a training, sees the dashboard's values follow,
narrows the dashboard to one district (htmx swaps its body and the address), makes a report for the last
week and downloads its CSV, whose rows hold the expected numbers. Then the monitoring pages are checked
by axe-core in both languages and for sideways scrolling at 360 px and 1280 px.

The journey runs in Polish, the default; it finds fields by id and rows by the names it typed, so the
Polish catalogue can change without breaking it."""

import csv
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from pbflow.core import clock
from pbflow.proposals.models import ProposalStatus
from tests.browser.test_meeting_journey import log_in, page_problems

pytestmark = pytest.mark.browser

PARTICIPANTS, ADVICE, TRAINING = "Uczestnicy spotkań mieszkańców", "Godziny doradztwa", "Godziny szkoleń"
TRAINING_TITLE = "Szkolenie dla ambasadorów: kosztorys"


def define_indicator(page, name_pl, name_en, source, target, unit=None):
    page.locator("ul.actions-list a[href$='/indicators/new']").click()  # "Define an indicator"
    expect(page.locator("#indicator-form")).to_be_visible()
    page.fill("#name_pl", name_pl)
    page.fill("#name_en", name_en)
    page.select_option("#source", source)
    if unit:
        page.select_option("#unit", unit)
    page.fill("#target", target)
    page.locator("#indicator-form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("#dashboard-body")).to_be_visible()


def indicator_row(page, name):
    return page.locator("table.indicators tbody tr").filter(has=page.locator("th", has_text=name))


def expect_figures(page, name, value, share):
    """The row's value and share reached (the share's text sits beside the bullet chart's SVG)."""
    row = indicator_row(page, name)
    expect(row.locator("td").nth(0)).to_have_text(value)
    expect(row.locator("td").nth(2)).to_have_text(re.compile(rf"^\s*{share}\s*%\s*$"))
    expect(row.locator("td").nth(2).locator("svg[role=img]")).to_have_attribute("aria-label", re.compile(share))


def test_indicators_an_activity_the_dashboard_and_the_csv_report(page, browser, live_server, make_edition,
                                                                 make_area, districts, make_meeting,
                                                                 make_proposal, make_user):
    edition = make_edition(open_stage="marathons")
    north, south = make_area(districts[0], name="Stare Miasto Północ"), make_area(districts[1], name="Grzegórzki")
    make_meeting(edition, area=north, title="Spotkanie na Kleparzu", status="held", attendance=12,
                 starts_in=timedelta(days=-20))  # before the report's week
    make_meeting(edition, area=south, title="Spotkanie w Grzegórzkach", status="held", attendance=8,
                 starts_in=timedelta(days=-3))  # within it
    make_proposal(edition, district=districts[0], status=ProposalStatus.DRAFT)
    make_user("Anna Nowak", "anna.n@example.org", roles=["coordinator"])
    make_user("Anne Novak", "anne.n@example.org", roles=["coordinator"], locale="en")
    today = clock.today()

    log_in(page, "anna.n@example.org")
    page.goto(f"/monitoring/?edition={edition.id}")
    expect(page.locator("#indicators-heading")).to_be_visible()

    # A computed indicator: 12 + 8 people at the two held meetings, of a target of 100.
    define_indicator(page, PARTICIPANTS, "Participants at residents' meetings", "meeting_participants", "100")
    expect_figures(page, PARTICIPANTS, "20", "20")

    # A recorded one shows "no data yet" until a value is recorded on its page.
    define_indicator(page, ADVICE, "Advice hours", "recorded", "50", unit="hours")
    expect(indicator_row(page, ADVICE).locator("td").nth(0).locator(".muted")).to_be_visible()
    indicator_row(page, ADVICE).locator("th a").click()
    expect(page.locator("#measurement-form")).to_be_visible()
    page.fill("#value", "12,5")
    page.fill("#measured_on", (today - timedelta(days=2)).isoformat())
    page.fill("#source_note", "Listy obecności punktu konsultacyjnego")
    page.locator("#measurement-form button[type=submit]").click()
    expect(page.locator("#measurements-heading ~ table tbody tr")).to_have_count(1)
    indicator_url = page.url
    page.goto(f"/monitoring/?edition={edition.id}")
    expect_figures(page, ADVICE, "12,5", "25")

    # Training hours follow the recorded activities: none yet, then one training of two and a half hours.
    define_indicator(page, TRAINING, "Training hours", "training_hours", "10")
    expect_figures(page, TRAINING, "0", "0")
    page.locator("ul.actions-list a[href$='/activities/new']").click()  # "Record an activity"
    expect(page.locator("#activity-form")).to_be_visible()
    page.select_option("#kind", "training")
    page.fill("#title", TRAINING_TITLE)
    page.fill("#held_on", today.isoformat())
    page.fill("#hours", "2,5")
    page.fill("#participants", "14")
    page.fill("#new_participants", "6")
    page.fill("#led_by", "Anna Kowalczyk")
    page.locator("#activity-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/monitoring/activities\?edition={edition.id}$"))
    expect(page.locator("table.activities tbody tr")).to_have_count(1)
    expect(page.locator("table.activities tbody th")).to_contain_text(TRAINING_TITLE)
    page.goto(f"/monitoring/?edition={edition.id}")
    expect_figures(page, TRAINING, "2,5", "25")
    expect_figures(page, PARTICIPANTS, "20", "20")

    # One district: htmx swaps the dashboard's body and the address; the district's list keeps the focus.
    district = page.locator("#filter-district")
    district.focus()
    with page.expect_response(lambda r: f"district={districts[0].id}" in r.url and r.status == 200):
        district.select_option(str(districts[0].id))
    expect(page).to_have_url(re.compile(rf"[?&]district={districts[0].id}(&|$)"))
    expect(page.locator("#indicators-heading")).to_contain_text(districts[0].name)
    here = page.locator("#dashboard-body table.indicators").last.locator("tbody tr")
    expect(here.filter(has_text=PARTICIPANTS).locator("td")).to_have_text("12")  # only Kleparz's meeting
    expect(here.filter(has_text=ADVICE)).to_have_count(0)  # recorded for the whole edition: not counted here
    expect(page.locator("#filter-district")).to_be_focused()
    expect(page.locator("#filter-district")).to_have_value(str(districts[0].id))
    page.keyboard.press("Tab")  # the keyboard goes on from the list, not from the top of the page
    expect(page.locator("#filter-area")).to_be_focused()

    # A report for the last week, in Polish; its CSV through the browser's download.
    page.goto(f"/monitoring/{edition.id}/reports")
    page.fill("#first_day", (today - timedelta(days=7)).isoformat())
    page.fill("#last_day", today.isoformat())
    page.select_option("#locale", "pl")
    page.locator("#report-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/monitoring/reports/\d+$"))
    report_url = page.url.removeprefix(live_server)
    with page.expect_download() as download:
        page.locator(f"a[href='{report_url}.csv']").click()
    assert download.value.suggested_filename == (
        f"pbflow-report-{today - timedelta(days=7):%Y%m%d}-{today:%Y%m%d}-pl.csv")
    with open(download.value.path(), encoding="utf-8-sig", newline="") as file:
        rows = {row[0]: row for row in csv.reader(file) if row}
    # Achieved in the week, cumulative, share of the target (%).
    assert rows[PARTICIPANTS][7:10] == ["8", "20", "20"]
    assert rows[ADVICE][7:10] == ["12.5", "12.5", "25"]
    assert rows[TRAINING][7:10] == ["2.5", "2.5", "25"]
    assert rows[TRAINING_TITLE][2:6] == [today.isoformat(), "2.5", "14", "6"]
    assert rows[TRAINING_TITLE][8] == "Anna Kowalczyk"

    pages = [f"/monitoring/?edition={edition.id}", f"/monitoring/?edition={edition.id}&district={districts[0].id}",
             indicator_url.removeprefix(live_server), f"/monitoring/{edition.id}/indicators/new",
             f"/monitoring/{edition.id}/activities/new", f"/monitoring/activities?edition={edition.id}",
             f"/monitoring/{edition.id}/reports", report_url]
    found = page_problems(browser, live_server, {"anna.n@example.org": pages})  # Polish, at 1280 px and 360 px
    found |= page_problems(browser, live_server, {"anne.n@example.org": pages}, widths=(1280,))  # English
    assert found == {}
