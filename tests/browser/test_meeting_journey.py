"""Stage II in Chromium: an ambassador schedules a meeting, a resident finds it in the calendar and signs up,
the ambassador records attendance, a need and an idea, turns the idea into a draft, and the resident is
invited as co-author; the meeting pages checked by axe-core in both languages."""

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from pbflow.core import clock
from pbflow.extensions import db
from pbflow.meetings.models import Venue
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


def log_out(page):
    page.locator("form[action='/logout'] button").click()
    expect(page.locator("form[action='/logout']")).not_to_be_attached()


def violations(page):
    page.evaluate(AXE)
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA)
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]


def page_problems(browser, live_server, pages, widths=(1280, 360)):
    """{page: problems} for each (email → urls) signed in through the real form: a status other than 200,
    axe-core violations (checked at the widest width) and sideways scrolling at each width."""
    context = browser.new_context(base_url=live_server, bypass_csp=True)
    page = context.new_page()
    found = {}
    for email, urls in pages.items():
        log_in(page, email)
        for width in widths:
            page.set_viewport_size({"width": width, "height": 800})
            for url in urls:
                key = f"{email} {url} at {width}px"
                response = page.goto(url)
                if response.status != 200:
                    found[key] = [("status", response.status)]
                    continue
                problems = violations(page) if width == max(widths) else []
                wide = page.evaluate("document.documentElement.scrollWidth")
                if wide > width:
                    problems.append(("sideways scroll", wide))
                if problems:
                    found[key] = problems
        log_out(page)
    context.close()
    return found


@pytest.fixture
def venue(app, districts):
    with app.app_context():
        place = Venue(name="Centrum Aktywności Seniorów Ruczaj", name_key="centrum aktywności seniorów ruczaj",
                      address="ul. Kobierzyńska 98", kind="activity_centre")
        db.session.add(place)
        db.session.commit()
        return place.id


def test_from_a_scheduled_meeting_to_a_draft_with_its_resident_as_co_author(
        browser, live_server, make_edition, make_ambassador, make_user, make_area, venue):
    edition = make_edition(open_stage="meetings")
    area = make_area(name="Ruczaj")
    ambassador = make_user("Piotr Kowal", "piotr.k@example.org", locale="en")
    make_ambassador(edition, area=area, user=ambassador)
    make_user("Jan Zieliński", "jan.z@example.org", locale="en")
    context = browser.new_context(base_url=live_server, bypass_csp=True)
    page = context.new_page()
    found = {}

    # Attendance opens an hour before the start, so the meeting starts in 40 minutes.
    start = clock.now_in_warsaw().replace(second=0, microsecond=0) + timedelta(minutes=40)
    end = start + timedelta(hours=1)
    log_in(page, "piotr.k@example.org")
    page.goto("/meetings/")
    page.get_by_role("link", name="Schedule a meeting").click()
    found["/meetings/new"] = violations(page)
    page.fill("#title", "Czego potrzebuje Ruczaj?")
    page.select_option("#venue", str(venue))
    page.fill("#start_date", start.date().isoformat())
    page.fill("#start_time", start.strftime("%H:%M"))
    if end.date() != start.date():
        page.fill("#end_date", end.date().isoformat())
    page.fill("#end_time", end.strftime("%H:%M"))
    page.fill("#capacity", "20")
    page.fill("#agenda", "1. Powitanie\n2. Potrzeby osiedla")
    page.get_by_role("button", name="Schedule the meeting").click()
    expect(page.locator(".flash-success")).to_contain_text("The meeting is scheduled")
    meeting_url = page.url
    log_out(page)

    log_in(page, "jan.z@example.org")
    page.goto("/meetings/")
    found["/meetings/"] = violations(page)
    page.get_by_role("link", name="Czego potrzebuje Ruczaj?").click()
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator("#signup")).to_contain_text("Your place is confirmed.")
    found["/meetings/<id> (resident)"] = violations(page)
    log_out(page)

    log_in(page, "piotr.k@example.org")
    page.goto(meeting_url)
    page.get_by_label("Jan Zieliński").first.check()
    expect(page.locator("#attendance-saved")).not_to_be_empty()
    page.fill("#needs input[name=text]", "Brak bezpiecznego przejścia przy szkole")
    page.get_by_role("button", name="Add the need").click()
    expect(page.locator("#needs ol input[name=text]").first).to_have_value("Brak bezpiecznego przejścia przy szkole")
    page.locator("#ideas input[name=title]").fill("Łąka kwietna przy Kobierzyńskiej")
    page.locator("#ideas").get_by_label("Jan Zieliński").check()
    page.get_by_role("button", name="Record the idea").click()
    expect(page.locator("#ideas")).to_contain_text("Łąka kwietna przy Kobierzyńskiej")
    found["/meetings/<id> (ambassador)"] = violations(page)
    page.get_by_role("link", name="Turn into a draft proposal").first.click()
    found["/meetings/<id>/ideas/<id>/draft"] = violations(page)
    page.get_by_role("button", name="Start the draft").click()
    expect(page.locator("#title")).to_have_value("Łąka kwietna przy Kobierzyńskiej")  # the draft, prefilled
    log_out(page)

    log_in(page, "jan.z@example.org")
    page.goto("/proposals/mine")
    expect(page.locator(".invitations")).to_contain_text("Łąka kwietna przy Kobierzyńskiej")
    context.close()
    assert {url: v for url, v in found.items() if v} == {}


@pytest.mark.parametrize("locale", ["pl", "en"])
def test_meeting_pages_meet_wcag_21_aa(browser, live_server, make_edition, make_meeting, make_user, venue, locale):
    edition = make_edition(open_stage="meetings")
    meeting = make_meeting(edition, venue_id=venue, what_to_bring="Zdjęcia")
    make_meeting(edition, fmt="online", title="Dyskusja o zieleni", starts_in=timedelta(hours=-1), hours=48)
    make_user("Anna Nowak", f"koord-{locale}@example.org", roles=["coordinator"], locale=locale)
    context = browser.new_context(base_url=live_server, bypass_csp=True)
    page = context.new_page()
    log_in(page, f"koord-{locale}@example.org")
    found = {}
    for url in ["/meetings/", "/meetings/?when=past", f"/meetings/{meeting.id}", f"/meetings/{meeting.id}/edit",
                f"/meetings/{meeting.id}/cancel", "/meetings/venues", "/meetings/new"]:
        page.goto(url)
        found[url] = violations(page)
    page.goto("/meetings/venues")
    page.get_by_role("button", name="Dodaj miejsce" if locale == "pl" else "Add the venue").click()
    found["/meetings/venues (errors)"] = violations(page)
    for width in (360,):
        page.set_viewport_size({"width": width, "height": 800})
        for url in ["/meetings/", f"/meetings/{meeting.id}", "/meetings/new"]:
            page.goto(url)
            wide = page.evaluate("document.documentElement.scrollWidth")
            if wide > width:
                found[f"{url} at {width}px"] = [("sideways scroll", wide)]
    context.close()
    assert {url: v for url, v in found.items() if v} == {}
