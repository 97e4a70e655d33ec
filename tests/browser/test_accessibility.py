"""WCAG 2.1 AA checked by axe-core in real Chromium, on every page, in both languages.

axe-core 4.14.1 (MPL-2.0) is vendored in tests/browser/vendor; it is injected with
bypass_csp only in this test's browser context, never served by pbflow.
"""

from pathlib import Path

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

AXE = (Path(__file__).parent / "vendor" / "axe-4.14.1.min.js").read_text()
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

VISITOR_PAGES = ["/", "/login", "/register", "/password/forgot", "/privacy", "/no-such-page"]
SIGNED_IN_PAGES = ["/profile", "/profile/password", "/profile/data", "/users/"]


def violations(page):
    page.evaluate(AXE)
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA)
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]


@pytest.fixture
def a11y_page(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="pl-PL", bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("locale", ["pl", "en"])
def test_pages_meet_wcag_21_aa(a11y_page, people, locale):
    page = a11y_page
    found = {}
    page.goto("/")
    if locale == "en":
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()
    for url in VISITOR_PAGES:
        page.goto(url)
        found[url] = violations(page)
    page.goto("/login")
    page.locator("main form button[type=submit]").click()  # the form with errors
    page.wait_for_selector(".error-summary")
    found["/login (errors)"] = violations(page)
    page.fill("#email", people["coordinator"].email)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("form[action='/logout']")
    for url in SIGNED_IN_PAGES:
        page.goto(url)
        found[url] = violations(page)
    assert {url: v for url, v in found.items() if v} == {}
