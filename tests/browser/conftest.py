"""A live pbflow server in a thread and Debian's Chromium driven by Playwright."""

import os
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("PBFLOW_CHROMIUM", "/usr/bin/chromium")
# Chromium logs every 4xx answer; forms answer 422 on purpose. CSP violations still count.
EXPECTED_4XX = "Failed to load resource: the server responded with a status of 4"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}; scripts/test installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="pl-PL")
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" and not message.text.startswith(EXPECTED_4XX) else None)
    yield page
    context.close()
    assert errors == [], f"JavaScript errors or CSP violations in the browser: {errors}"
