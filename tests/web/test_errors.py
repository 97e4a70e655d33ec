"""When something goes wrong the person gets a page in their language, or, inside an
htmx swap, a short message in the flash region instead of a page inside a page."""

import pytest
from flask import abort
from sqlalchemy import func, select

from pbflow.accounts.models import Role, User
from pbflow.core.web.permissions import public
from pbflow.extensions import db

ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}
FLASH_HEADERS = {"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"}


@pytest.fixture
def broken_app(app):
    """The app with two routes that fail the way real code can (added before any request)."""

    @public
    def boom():
        db.session.add(User(name="Half-saved", email="half@example.org"))
        db.session.flush()
        raise RuntimeError("a bug in a service")

    @public
    def unprocessable():
        abort(422)

    app.add_url_rule("/test/boom", "test_boom", boom, methods=["GET", "POST"])
    app.add_url_rule("/test/unprocessable", "test_unprocessable", unprocessable)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def assert_error_page(response, status, lang="pl", title=None):
    html = response.get_data(as_text=True)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert html.startswith("<!doctype html>")
    assert f'<html lang="{lang}">' in html
    assert "</html>" in html
    assert 'action="/language"' in html  # the page is a whole page: header, switch, footer
    if title is not None:
        assert f"<h1>{title}</h1>" in html
    return html


def assert_flash_fragment(response, status, title=None):
    html = response.get_data(as_text=True)
    assert response.status_code == status
    assert "<html" not in html
    assert html.lstrip().startswith('<p class="flash flash-error">')
    for name, value in FLASH_HEADERS.items():
        assert response.headers[name] == value
    assert "HX-Request" in response.headers["Vary"]
    if title is not None:
        assert f"<strong>{title}.</strong>" in html
    return html


# --- 400 -------------------------------------------------------------------

def test_a_form_sent_without_its_csrf_token_gets_a_400_page(client):
    response = client.post("/login", data={"email": "a@example.org", "password": "x"}, csrf=False)
    assert_error_page(response, 400)


def test_the_400_page_explains_the_form_expired_in_english(client):
    response = client.post("/login", data={}, csrf=False, headers=ENGLISH)
    html = assert_error_page(response, 400, "en", "Bad request")
    assert "This form has expired or was sent from another site." in html
    assert "Error code: 400" in html


def test_an_htmx_request_with_a_wrong_csrf_token_gets_a_flash_message(client):
    response = client.htmx("POST", "/language", data={"locale": "en"},
                           headers={"X-CSRFToken": "forged", **ENGLISH})
    html = assert_flash_fragment(response, 400, "Bad request")
    assert "Reload the page" in html


# --- 403 -------------------------------------------------------------------

def test_a_resident_sees_access_denied_on_a_coordinators_page(client, login, people):
    login(client, people["resident"])
    assert_error_page(client.get("/users/"), 403)


def test_the_403_page_in_english(client, login, make_user):
    login(client, make_user("John Smith", "john@example.org", locale="en"))
    html = assert_error_page(client.get("/users/"), 403, "en", "Access denied")
    assert "contact the PB coordinators" in html


def test_an_htmx_403_is_a_message_for_the_flash_region(client, login, people):
    login(client, people["resident"])
    assert_flash_fragment(client.htmx("GET", "/users/"), 403)


def test_an_htmx_403_in_english(client, login, make_user):
    login(client, make_user("John Smith", "john@example.org", locale="en"))
    assert_flash_fragment(client.htmx("GET", "/users/"), 403, "Access denied")


def test_an_htmx_role_change_that_is_refused_is_a_flash_message(client, login, make_user):
    kate = make_user("Kate Brown", "kate@example.org", roles=[Role.COORDINATOR], locale="en")
    login(client, kate)
    response = client.htmx("POST", f"/users/{kate.id}/roles/coordinator/revoke")
    assert_flash_fragment(response, 403, "Access denied")


# --- 404 -------------------------------------------------------------------

def test_an_unknown_address_gets_a_404_page(client):
    html = assert_error_page(client.get("/no-such-page"), 404)
    assert 'href="/"' in html


def test_the_404_page_in_english(client):
    html = assert_error_page(client.get("/no-such-page", headers=ENGLISH), 404, "en", "Page not found")
    assert "Go to the home page" in html
    assert "Error code: 404" in html


def test_the_404_page_follows_the_visitors_chosen_language(client):
    client.post("/language", data={"locale": "en"})
    assert_error_page(client.get("/no-such-page"), 404, "en", "Page not found")


def test_an_htmx_404_is_a_message_for_the_flash_region(client, login, people):
    assert_flash_fragment(client.htmx("GET", "/no-such-page", headers=ENGLISH), 404, "Page not found")
    login(client, people["coordinator"])
    assert_flash_fragment(client.htmx("POST", "/users/999999/roles/expert/grant"), 404)


def test_a_boosted_navigation_to_a_missing_page_gets_the_whole_page(client):
    response = client.htmx("GET", "/no-such-page", headers={"HX-Boosted": "true"})
    assert_error_page(response, 404)


# --- 405 -------------------------------------------------------------------

def test_logging_out_by_get_is_not_allowed(client, login, people):
    login(client, people["resident"])
    response = client.get("/logout")
    assert_error_page(response, 405)
    assert "POST" in response.headers["Allow"]
    assert "Jan Zieliński" in client.get("/").get_data(as_text=True)  # still logged in


def test_the_405_page_in_english(client):
    response = client.get("/logout", headers=ENGLISH)
    html = assert_error_page(response, 405, "en", "Action not allowed")
    assert "This address does not accept this kind of request." in html


# --- 413 -------------------------------------------------------------------

def test_a_form_larger_than_allowed_gets_a_413_page(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 2048
    response = client.post("/login", data={"email": "a@example.org", "password": "x" * 5000}, headers=ENGLISH)
    html = assert_error_page(response, 413, "en", "File too large")
    assert "Send a smaller file." in html


def test_a_413_in_polish(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 2048
    assert_error_page(client.post("/register", data={"name": "x" * 5000}), 413)


# --- 422 -------------------------------------------------------------------

def test_an_invalid_form_comes_back_as_422_with_the_errors_in_english(client):
    response = client.post("/login", data={"email": "", "password": ""}, headers=ENGLISH)
    html = assert_error_page(response, 422, "en")
    assert "Enter your e-mail address." in html
    assert 'aria-invalid="true"' in html


def test_an_invalid_form_in_polish_is_a_full_page_too(client):
    response = client.post("/login", data={"email": "nie-adres", "password": ""})
    html = assert_error_page(response, 422)
    assert 'value="nie-adres"' in html  # the user's input is kept


def test_unprocessable_data_without_a_form_gets_the_422_page(broken_app, client):
    assert_error_page(client.get("/test/unprocessable", headers=ENGLISH), 422, "en", "Data could not be processed")
    assert_error_page(client.get("/test/unprocessable"), 422)


# --- 429 -------------------------------------------------------------------

def test_too_many_failed_logins_get_a_429_page(app, client, people):
    app.config["LOGIN_FAILURES_PER_MINUTE"] = 2
    wrong = {"email": people["resident"].email, "password": "not the password"}
    assert client.post("/login", data=wrong).status_code == 422
    assert client.post("/login", data=wrong).status_code == 422
    response = client.post("/login", data=wrong, headers=ENGLISH)
    html = assert_error_page(response, 429, "en", "Too many attempts")
    assert "Try again in 1 minute." in html  # the failures are counted per minute
    assert response.headers["Retry-After"] in {"59", "60"}
    assert_error_page(client.post("/login", data=wrong), 429)


def test_the_address_limit_of_flask_limiter_says_how_long_it_holds(app, client):
    app.config["THROTTLE_ENABLED"] = False  # only Flask-Limiter's 30 per minute for each address
    address = {"REMOTE_ADDR": "198.51.100.231"}
    wrong = {"email": "nobody@example.org", "password": "not the password"}
    for _ in range(30):
        assert client.post("/login", data=wrong, environ_base=address).status_code == 422
    response = client.post("/login", data=wrong, environ_base=address, headers=ENGLISH)
    html = assert_error_page(response, 429, "en", "Too many attempts")
    assert "Try again in 1 minute." in html
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_the_right_password_is_refused_too_once_throttled(app, client, people):
    app.config["LOGIN_FAILURES_PER_MINUTE"] = 1
    email = people["resident"].email
    client.post("/login", data={"email": email, "password": "wrong"})
    response = client.post("/login", data={"email": email, "password": "correct horse battery"})
    assert_error_page(response, 429)


# --- 500 -------------------------------------------------------------------

def test_an_unexpected_error_gets_a_500_page_and_nothing_half_done_is_kept(broken_app, client, monkeypatch):
    rollbacks = []
    real_rollback = db.session.rollback
    monkeypatch.setattr(db.session, "rollback", lambda: (rollbacks.append(True), real_rollback())[1])

    response = client.post("/test/boom", headers=ENGLISH)
    html = assert_error_page(response, 500, "en", "Something went wrong on our side")
    assert "a bug in a service" not in html  # no internals shown
    assert "Traceback" not in html
    assert rollbacks
    with broken_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User).where(User.email == "half@example.org")) == 0


def test_the_500_page_in_polish(broken_app, client):
    assert_error_page(client.get("/test/boom"), 500)


def test_the_app_still_works_after_a_500(broken_app, client, login, people):
    login(client, people["resident"])
    assert client.get("/test/boom").status_code == 500
    response = client.get("/")
    assert response.status_code == 200
    assert "Jan Zieliński" in response.get_data(as_text=True)  # still signed in


def test_the_500_is_logged_for_the_operator(broken_app, client, caplog):
    client.get("/test/boom")
    assert any("a bug in a service" in record.getMessage() or (record.exc_info and "a bug in a service" in str(record.exc_info[1]))
               for record in caplog.records)


def test_an_htmx_500_is_a_message_for_the_flash_region(broken_app, client):
    response = client.htmx("GET", "/test/boom", headers=ENGLISH)
    assert_flash_fragment(response, 500, "Something went wrong on our side")


def test_an_id_too_large_for_the_database_is_simply_not_found(client, districts):
    for url in ("/districts/99999999999999999999", "/proposals/99999999999999999999",
                "/results/districts/2147483648"):
        assert client.get(url).status_code == 404, url
