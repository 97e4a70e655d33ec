"""A resident who forgot the password asks for a link by e-mail and sets a new one."""

import re
import time

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import select

from pbflow.accounts import services
from pbflow.accounts.models import User
from pbflow.core.mail import outbox
from pbflow.core.models import AuditEvent
from pbflow.extensions import db
from tests.conftest import PASSWORD

NEW_PASSWORD = "green tram to nowa huta"
LINK = re.compile(r"http://localhost(/password/reset/[\w.\-]+)")


def mails(app):
    with app.app_context():
        return list(outbox())


def ask_for_link(client, email, ip="127.0.0.1"):
    return client.post("/password/forgot", data={"email": email}, environ_base={"REMOTE_ADDR": ip})


def link_from_mail(app):
    [mail] = mails(app)
    return LINK.search(mail.body).group(1)


def set_new_password(client, link, password=NEW_PASSWORD, confirm=None):
    return client.post(link, data={"password": password, "password_confirm": confirm or password})


def can_log_in(app, email, password):
    response = app.test_client().post("/login", data={"email": email, "password": password})
    return response.status_code == 303


def verbs(app, user_id):
    with app.app_context():
        return db.session.scalars(select(AuditEvent.verb).where(
            AuditEvent.object_type == "users", AuditEvent.object_id == user_id).order_by(AuditEvent.id)).all()


@pytest.fixture
def resident(people):
    return people["resident"]


# --- asking for a link ---------------------------------------------------------

def test_the_forgot_password_page_shows_the_form(client):
    response = client.get("/password/forgot")

    assert response.status_code == 200
    assert 'id="email"' in response.get_data(as_text=True)


def test_a_registered_address_gets_one_mail_with_a_link(app, client, resident):
    response = ask_for_link(client, "Mieszkaniec@Example.org")

    assert response.status_code == 303
    assert response.headers["Location"] == "/login"
    [mail] = mails(app)
    assert mail.to == "mieszkaniec@example.org"
    assert mail.subject
    assert "Jan Zieliński" in mail.body
    assert LINK.search(mail.body)
    assert "60" in mail.body  # how long the link works, in minutes
    assert verbs(app, resident.id)[-1] == "account.password_reset_requested"


def test_an_unknown_address_gets_no_mail_but_the_very_same_answer(app, resident):
    flash = re.compile(r'<p class="flash[^"]*">(.*?)</p>', re.S)
    answers = []
    for email in ("mieszkaniec@example.org", "nikt@example.org"):
        client = app.test_client()
        response = ask_for_link(client, email)
        next_page = client.get(response.headers["Location"]).get_data(as_text=True)
        answers.append((response.status_code, response.headers["Location"], flash.findall(next_page)))

    assert answers[0] == answers[1]
    assert answers[0][2] != []
    assert [mail.to for mail in mails(app)] == ["mieszkaniec@example.org"]


def test_an_invalid_address_is_answered_422(app, client):
    response = ask_for_link(client, "nie-adres")

    assert response.status_code == 422
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*id="email"', response.get_data(as_text=True))
    assert mails(app) == []


def test_a_deleted_account_gets_no_mail(app, client, resident):
    with app.app_context():
        services.delete_account(db.session.get(User, resident.id), PASSWORD)
        db.session.commit()

    assert ask_for_link(client, "mieszkaniec@example.org").status_code == 303
    assert mails(app) == []


# --- using the link ------------------------------------------------------------

def test_the_link_sets_a_new_password(app, client, resident):
    ask_for_link(client, "mieszkaniec@example.org")
    link = link_from_mail(app)

    page = client.get(link)
    assert page.status_code == 200
    assert 'id="password_confirm"' in page.get_data(as_text=True)
    response = set_new_password(client, link)

    assert response.status_code == 303
    assert response.headers["Location"] == "/login"
    assert can_log_in(app, "mieszkaniec@example.org", NEW_PASSWORD)
    assert not can_log_in(app, "mieszkaniec@example.org", PASSWORD)
    assert verbs(app, resident.id)[-2:] == ["account.password_reset", "account.logged_in"]


def test_the_link_works_only_once(app, client, resident):
    ask_for_link(client, "mieszkaniec@example.org")
    link = link_from_mail(app)
    set_new_password(client, link)

    again = client.get(link)
    assert again.status_code == 400
    assert 'href="/password/forgot"' in again.get_data(as_text=True)
    assert set_new_password(client, link, "yet another long passphrase").status_code == 400
    assert can_log_in(app, "mieszkaniec@example.org", NEW_PASSWORD)


def test_an_older_link_stops_working_once_the_password_is_changed(app, client, resident, login):
    ask_for_link(client, "mieszkaniec@example.org")
    link = link_from_mail(app)
    login(client, resident)
    client.post("/profile/password", data={"current_password": PASSWORD, "password": NEW_PASSWORD,
                                           "password_confirm": NEW_PASSWORD})

    assert client.get(link).status_code == 400


def link_made_seconds_ago(app, client, monkeypatch, seconds):
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda _self: int(time.time()) - seconds)
        ask_for_link(client, "mieszkaniec@example.org")
    return link_from_mail(app)


def test_the_link_expires_after_an_hour(app, client, resident, monkeypatch):
    link = link_made_seconds_ago(app, client, monkeypatch, 3600 + 5)

    response = client.get(link)

    assert response.status_code == 400
    assert set_new_password(client, link).status_code == 400
    assert can_log_in(app, "mieszkaniec@example.org", PASSWORD)


def test_the_link_still_works_just_before_the_hour_is_up(app, client, resident, monkeypatch):
    link = link_made_seconds_ago(app, client, monkeypatch, 3600 - 30)

    assert client.get(link).status_code == 200


def test_the_lifetime_of_the_link_is_a_setting(app, client, resident, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_RESET_MAX_AGE", 10 * 60)
    link = link_made_seconds_ago(app, client, monkeypatch, 11 * 60)

    assert "10" in mails(app)[0].body
    assert client.get(link).status_code == 400


@pytest.mark.parametrize("token", ["garbage", "eyJ1IjoxfQ.tampered.signature", "a" * 300])
def test_an_invalid_link_shows_the_link_does_not_work_page(client, resident, token):
    response = client.get(f"/password/reset/{token}")

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert '<html lang="pl">' in html
    assert 'href="/password/forgot"' in html
    assert 'id="password"' not in html


def test_a_link_made_with_another_secret_key_does_not_work(app, client, resident, monkeypatch):
    monkeypatch.setitem(app.config, "SECRET_KEY", "another-key")
    ask_for_link(client, "mieszkaniec@example.org")
    monkeypatch.setitem(app.config, "SECRET_KEY", "test-secret-key")

    assert app.test_client().get(link_from_mail(app)).status_code == 400


def test_a_weak_new_password_is_refused_with_422_and_the_link_keeps_working(app, client, resident):
    ask_for_link(client, "mieszkaniec@example.org")
    link = link_from_mail(app)

    response = set_new_password(client, link, "qwertyuiop")

    assert response.status_code == 422
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*id="password"', response.get_data(as_text=True))
    assert set_new_password(client, link, NEW_PASSWORD, "something else entirely").status_code == 422
    assert client.get(link).status_code == 200
    assert can_log_in(app, "mieszkaniec@example.org", PASSWORD)


def test_setting_a_new_password_signs_out_other_sessions(app, client, resident, login):
    elsewhere = app.test_client()
    login(elsewhere, resident)
    ask_for_link(client, "mieszkaniec@example.org")

    set_new_password(client, link_from_mail(app))

    assert elsewhere.get("/profile").status_code == 302


def test_a_link_for_a_deleted_account_does_not_work(app, client, resident):
    ask_for_link(client, "mieszkaniec@example.org")
    with app.app_context():
        services.delete_account(db.session.get(User, resident.id), PASSWORD)
        db.session.commit()

    assert client.get(link_from_mail(app)).status_code == 400


# --- limits --------------------------------------------------------------------

def test_an_address_gets_at_most_five_links_an_hour(app, client, resident):
    for n in range(5):
        assert ask_for_link(client, "mieszkaniec@example.org", ip=f"192.0.2.{n}").status_code == 303

    assert ask_for_link(client, "mieszkaniec@example.org", ip="192.0.2.99").status_code == 429
    assert len(mails(app)) == 5


def test_one_machine_may_ask_at_most_five_times_an_hour(app, client, resident):
    for n in range(5):
        assert ask_for_link(client, f"osoba{n}@example.org", ip="192.0.2.1").status_code == 303

    assert ask_for_link(client, "mieszkaniec@example.org", ip="192.0.2.1").status_code == 429
    assert mails(app) == []
    assert ask_for_link(client, "mieszkaniec@example.org", ip="192.0.2.2").status_code == 303


def test_the_limit_follows_the_setting(app, client, resident, monkeypatch):
    monkeypatch.setitem(app.config, "RESETS_PER_HOUR", 2)
    for _ in range(2):
        assert ask_for_link(client, "mieszkaniec@example.org").status_code == 303

    assert ask_for_link(client, "mieszkaniec@example.org").status_code == 429


def test_a_forged_host_header_cannot_redirect_the_reset_link(app, client, people):
    """The link is built from BASE_URL, never from the Host or X-Forwarded-Host the request claims."""
    from pbflow.core.mail import outbox

    app.config["WTF_CSRF_ENABLED"] = False  # the session cookie belongs to localhost
    response = client.post("/password/forgot", data={"email": people["resident"].email}, csrf=False,
                           base_url="http://evil.example", headers={"X-Forwarded-Host": "evil.example"})
    assert response.status_code == 303
    with app.app_context():
        body = outbox()[-1].body
    assert "evil.example" not in body
    assert "http://localhost/password/reset/" in body
