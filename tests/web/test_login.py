"""Logging in and out, with the limits that protect accounts from guessing."""

import re
from datetime import timedelta
from urllib.parse import unquote

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select, update

from pbflow import create_app
from pbflow.accounts import services
from pbflow.accounts.models import ThrottleHit, User
from pbflow.core.models import AuditEvent
from pbflow.extensions import db
from tests.conftest import PASSWORD, Client

WRONG = "wrong horse battery"


def error_text(html, field_id):
    match = re.search(rf'<p class="error-message" id="{field_id}-error">(.*?)</p>', html, re.S)
    return match.group(1) if match else None


def post_login(client, email, password=PASSWORD, ip="127.0.0.1", url="/login", **data):
    return client.post(url, data={"email": email, "password": password, **data},
                       environ_base={"REMOTE_ADDR": ip})


def is_logged_in(client):
    return client.get("/profile").status_code == 200


def throttle_hits(app, bucket):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ThrottleHit).where(ThrottleHit.bucket == bucket))


# --- logging in ----------------------------------------------------------------

def test_a_resident_logs_in_and_lands_on_the_home_page(app, client, people):
    response = post_login(client, "mieszkaniec@example.org")

    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert "Jan Zieliński" in client.get("/").get_data(as_text=True)
    with app.app_context():
        user = db.session.get(User, people["resident"].id)
        assert user.last_login_at is not None
        verbs = db.session.scalars(select(AuditEvent.verb).where(AuditEvent.actor_id == user.id)).all()
        assert "account.logged_in" in verbs


def test_the_address_may_be_typed_in_any_letter_case(client, people):
    response = post_login(client, "  Mieszkaniec@EXAMPLE.org ")

    assert response.status_code == 303
    assert is_logged_in(client)


def test_the_login_page_shows_the_form(client):
    response = client.get("/login")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="email"' in html and 'id="password"' in html and 'id="remember"' in html


def test_a_protected_page_sends_the_visitor_to_log_in_and_back(client, people):
    response = client.get("/profile")
    assert response.status_code == 302
    assert response.headers["Location"] in ("/login?next=/profile", "/login?next=%2Fprofile")

    response = post_login(client, "mieszkaniec@example.org", url=response.headers["Location"])

    assert response.status_code == 303
    assert response.headers["Location"] == "/profile"


@pytest.mark.parametrize("target", [
    "https://evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "evil.example",
    "/\t/evil.example",
    " //evil.example",
])
def test_an_outside_next_address_is_not_followed(client, people, target):
    response = client.post("/login", query_string={"next": target},
                           data={"email": "mieszkaniec@example.org", "password": PASSWORD})

    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_the_next_address_survives_a_failed_attempt(client, people):
    response = client.post("/login", query_string={"next": "/profile"},
                           data={"email": "mieszkaniec@example.org", "password": WRONG})

    assert response.status_code == 422
    action = re.search(r'<form method="post" action="(/login[^"]*)"', response.get_data(as_text=True)).group(1)
    assert unquote(action) == "/login?next=/profile"


def test_a_wrong_password_gets_422_with_a_message_that_does_not_say_whether_the_address_exists(client, people):
    client.post("/language", data={"locale": "en"})
    wrong_password = post_login(client, "mieszkaniec@example.org", WRONG)
    unknown_address = post_login(client, "nikt@example.org", WRONG)

    assert wrong_password.status_code == unknown_address.status_code == 422
    known_html = wrong_password.get_data(as_text=True)
    unknown_html = unknown_address.get_data(as_text=True)
    assert error_text(known_html, "password") == error_text(unknown_html, "password") == "Wrong e-mail address or password."
    assert error_text(known_html, "email") is error_text(unknown_html, "email") is None
    assert 'value="mieszkaniec@example.org"' in known_html  # the address is kept
    assert WRONG not in known_html  # the password is not
    assert not is_logged_in(client)


def test_a_failed_log_in_in_polish_marks_the_password_field(app, client, people):
    response = post_login(client, "mieszkaniec@example.org", WRONG)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert '<html lang="pl">' in html
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*id="password"', html)
    with app.test_request_context(), force_locale("pl"):
        assert error_text(html, "password") == gettext("Wrong e-mail address or password.")


def test_an_empty_form_is_answered_422(client):
    response = client.post("/login", data={})

    assert response.status_code == 422
    assert response.get_data(as_text=True).count('aria-invalid="true"') == 2


def test_a_post_without_the_csrf_token_is_refused_with_400(client, people):
    response = client.post("/login", data={"email": "mieszkaniec@example.org", "password": PASSWORD}, csrf=False)

    assert response.status_code == 400
    assert not is_logged_in(client)


# --- remember me ---------------------------------------------------------------

def remember_cookies(response):
    return [c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=")]


def test_remember_me_sets_an_http_only_remember_cookie_that_outlives_the_session(client, people):
    response = post_login(client, "mieszkaniec@example.org", remember="y")

    [cookie] = remember_cookies(response)
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Expires=" in cookie
    client.delete_cookie("pbflow_session")
    assert is_logged_in(client)


def test_without_remember_me_there_is_no_remember_cookie(client, people):
    response = post_login(client, "mieszkaniec@example.org")

    assert remember_cookies(response) == []
    client.delete_cookie("pbflow_session")
    assert not is_logged_in(client)


# --- limits --------------------------------------------------------------------

def test_the_eleventh_failed_log_in_from_one_address_in_a_minute_gets_429(app, client, people):
    for n in range(10):  # guessing at ten different accounts from one machine
        assert post_login(client, f"osoba{n}@example.org", WRONG, ip="198.51.100.1").status_code == 422

    assert post_login(client, "osoba10@example.org", WRONG, ip="198.51.100.1").status_code == 429
    # Even the right password is refused until the minute has passed ...
    assert post_login(client, "mieszkaniec@example.org", ip="198.51.100.1").status_code == 429
    # ... but only from that address.
    assert post_login(client, "mieszkaniec@example.org", ip="198.51.100.2").status_code == 303
    assert throttle_hits(app, "login-fail:ip:198.51.100.1") == 10


def test_the_eleventh_failed_log_in_for_one_account_in_a_minute_gets_429(app, client, people):
    for n in range(10):  # guessing at one account from ten machines
        assert post_login(client, "Mieszkaniec@example.org", WRONG, ip=f"198.51.100.{n}").status_code == 422

    assert post_login(client, "mieszkaniec@example.org", WRONG, ip="198.51.100.99").status_code == 429
    assert post_login(client, "mieszkaniec@example.org", ip="198.51.100.100").status_code == 429
    assert not is_logged_in(client)
    # Other people can still log in from those machines.
    assert post_login(app.test_client(), "ambasador@example.org", ip="198.51.100.1").status_code == 303
    assert throttle_hits(app, "login-fail:account:mieszkaniec@example.org") == 10


def test_successful_log_ins_are_not_counted(app, client, people):
    for _ in range(12):
        assert post_login(client, "mieszkaniec@example.org").status_code == 303
        client.post("/logout")

    assert throttle_hits(app, "login-fail:ip:127.0.0.1") == 0


def test_failures_older_than_a_minute_no_longer_count(app, client, people):
    for _ in range(10):
        post_login(client, "mieszkaniec@example.org", WRONG)
    with app.app_context():
        db.session.execute(update(ThrottleHit).values(created_at=ThrottleHit.created_at - timedelta(seconds=61)))
        db.session.commit()

    assert post_login(client, "mieszkaniec@example.org").status_code == 303


def test_the_limit_holds_across_workers_because_it_is_counted_in_the_database(app, client, people):
    for n in range(10):
        assert post_login(client, "mieszkaniec@example.org", WRONG, ip=f"198.51.100.{n}").status_code == 422

    keys = ("TESTING", "SECRET_KEY", "INSTANCE_PATH", "MAIL_BACKEND", "PASSWORD_HASH_METHOD",
            "SERVER_NAME", "SQLALCHEMY_DATABASE_URI", "SQLALCHEMY_ENGINE_OPTIONS")
    second_worker = create_app({key: app.config[key] for key in keys if key in app.config})
    second_worker.test_client_class = Client
    try:
        response = post_login(second_worker.test_client(), "mieszkaniec@example.org", ip="198.51.100.50")
        assert response.status_code == 429
    finally:
        with second_worker.app_context():
            db.session.remove()
            db.engine.dispose()


# --- logging out ---------------------------------------------------------------

def test_log_out_signs_out_and_goes_home(client, people, login):
    login(client, people["resident"])

    response = client.post("/logout")

    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert not is_logged_in(client)
    assert "Jan Zieliński" not in client.get("/").get_data(as_text=True)


def test_log_out_also_forgets_the_remember_cookie(client, people):
    post_login(client, "mieszkaniec@example.org", remember="y")

    response = client.post("/logout")

    [cookie] = remember_cookies(response)
    assert cookie.startswith("remember_token=;")
    client.delete_cookie("pbflow_session")
    assert not is_logged_in(client)


def test_log_out_is_post_only(client, people, login):
    login(client, people["resident"])

    assert client.get("/logout").status_code == 405
    assert is_logged_in(client)


def test_log_out_without_the_csrf_token_is_refused(client, people, login):
    login(client, people["resident"])

    assert client.post("/logout", csrf=False).status_code == 400
    assert is_logged_in(client)


# --- deleted accounts ----------------------------------------------------------

def test_a_deleted_account_cannot_log_in(app, client, people):
    with app.app_context():
        services.delete_account(db.session.get(User, people["resident"].id), PASSWORD)
        db.session.commit()

    response = post_login(client, "mieszkaniec@example.org")

    assert response.status_code == 422
    assert not is_logged_in(client)


def test_a_session_of_an_account_deleted_elsewhere_ends(app, client, people, login):
    login(client, people["resident"])
    with app.app_context():
        services.delete_account(db.session.get(User, people["resident"].id), PASSWORD)
        db.session.commit()

    assert client.get("/profile").status_code == 302
