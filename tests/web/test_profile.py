"""A resident keeps their profile up to date and changes their password."""

import re

import pytest
from sqlalchemy import select

from pbflow.accounts.models import User
from pbflow.core.models import AuditEvent
from pbflow.extensions import db
from tests.conftest import PASSWORD

NEW_PASSWORD = "green tram to nowa huta"


def input_tag(html, field_id):
    match = re.search(rf'<(?:input|select)\b[^>]*\bid="{field_id}"[^>]*>', html)
    assert match, f"no input with id={field_id!r}"
    return match.group(0)


def events(app, user_id, verb):
    with app.app_context():
        return db.session.scalars(select(AuditEvent).where(
            AuditEvent.verb == verb, AuditEvent.object_id == user_id)).all()


def stored(app, user_id):
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


@pytest.fixture
def resident(people, client, login):
    login(client, people["resident"])
    return people["resident"]


# --- profile -------------------------------------------------------------------

def test_the_profile_shows_the_name_address_and_language(client, resident):
    response = client.get("/profile")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "mieszkaniec@example.org" in html
    assert 'value="Jan Zieliński"' in input_tag(html, "name")
    assert re.search(r'<option selected value="pl">|<option value="pl" selected>', html)


def test_the_profile_lists_the_roles(client, people, login):
    login(client, people["ambassador"])
    client.post("/language", data={"locale": "en"})

    assert "Local participation ambassador" in client.get("/profile").get_data(as_text=True)


def test_visitors_are_sent_to_log_in(app):
    client = app.test_client()

    for url in ("/profile", "/profile/password"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


def test_a_resident_changes_name_and_language_and_the_pages_turn_english(app, client, resident):
    response = client.post("/profile", data={"name": "  Jan Paweł Zieliński ", "locale": "en"})

    assert response.status_code == 303
    assert response.headers["Location"] == "/profile"
    page = client.get("/profile").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert 'value="Jan Paweł Zieliński"' in input_tag(page, "name")
    assert (stored(app, resident.id).name, stored(app, resident.id).locale) == ("Jan Paweł Zieliński", "en")
    [event] = events(app, resident.id, "account.profile_changed")
    assert event.actor_id == resident.id
    assert event.data == {"name": True, "locale": "en"}  # the new name itself is not copied into the log


def test_saving_an_unchanged_profile_writes_no_audit_event(app, client, resident):
    response = client.post("/profile", data={"name": "Jan Zieliński", "locale": "pl"})

    assert response.status_code == 303
    assert events(app, resident.id, "account.profile_changed") == []


@pytest.mark.parametrize(("data", "field_id"), [
    ({"name": "", "locale": "pl"}, "name"),
    ({"name": "x" * 121, "locale": "pl"}, "name"),
    ({"name": "Jan Zieliński", "locale": "de"}, "locale"),
    ({"name": "Jan Zieliński"}, "locale"),
])
def test_invalid_profile_input_is_answered_422_and_nothing_changes(app, client, resident, data, field_id):
    response = client.post("/profile", data=data)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert '<html lang="pl">' in html
    assert 'aria-invalid="true"' in input_tag(html, field_id)
    assert stored(app, resident.id).name == "Jan Zieliński"
    assert events(app, resident.id, "account.profile_changed") == []


def test_a_name_with_a_nul_character_is_refused_before_anything_is_read(app, client, resident):
    """PostgreSQL cannot store NUL: every form refuses it with one message (pbflow/core/web/security.py)."""
    response = client.post("/profile", data={"name": "Jan\x00Zieliński", "locale": "pl"})

    assert response.status_code == 400
    assert "(NUL)" in response.get_data(as_text=True)
    assert stored(app, resident.id).name == "Jan Zieliński"
    assert events(app, resident.id, "account.profile_changed") == []


def test_an_invalid_htmx_post_gets_only_the_form_back_with_422(client, resident):
    response = client.htmx("POST", "/profile", data={"name": "", "locale": "en"})

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert html.lstrip().startswith('<form id="profile-form"')
    assert 'aria-invalid="true"' in input_tag(html, "name")
    assert "HX-Request" in response.headers["Vary"]


def test_a_valid_htmx_post_tells_htmx_where_to_go(app, client, resident):
    response = client.htmx("POST", "/profile", data={"name": "Jan Paweł", "locale": "pl"})

    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/profile"
    assert stored(app, resident.id).name == "Jan Paweł"


def test_a_profile_post_without_the_csrf_token_is_refused(app, client, resident):
    response = client.post("/profile", data={"name": "Ktoś Inny", "locale": "pl"}, csrf=False)

    assert response.status_code == 400
    assert stored(app, resident.id).name == "Jan Zieliński"


# --- password change -----------------------------------------------------------

def change_password(client, current=PASSWORD, new=NEW_PASSWORD, confirm=None, htmx=False):
    data = {"current_password": current, "password": new, "password_confirm": confirm or new}
    if htmx:
        return client.htmx("POST", "/profile/password", data=data)
    return client.post("/profile/password", data=data)


def can_log_in(app, password):
    response = app.test_client().post("/login", data={"email": "mieszkaniec@example.org", "password": password})
    return response.status_code == 303


def test_the_password_page_shows_the_form(client, resident):
    response = client.get("/profile/password")

    assert response.status_code == 200
    assert 'id="current_password"' in response.get_data(as_text=True)


def test_a_wrong_current_password_is_answered_422(app, client, resident):
    client.post("/language", data={"locale": "en"})
    response = change_password(client, current="not my password")

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in input_tag(html, "current_password")
    assert "The current password is not correct." in html
    assert can_log_in(app, PASSWORD)
    assert events(app, resident.id, "account.password_changed") == []


@pytest.mark.parametrize(("new", "confirm", "field_id"), [
    ("short", "short", "password"),
    ("qwertyuiop", "qwertyuiop", "password"),
    (NEW_PASSWORD, "something else entirely", "password_confirm"),
])
def test_an_unacceptable_new_password_is_answered_422(app, client, resident, new, confirm, field_id):
    response = change_password(client, new=new, confirm=confirm)

    assert response.status_code == 422
    assert 'aria-invalid="true"' in input_tag(response.get_data(as_text=True), field_id)
    assert can_log_in(app, PASSWORD)


def test_a_wrong_current_password_over_htmx_gets_the_form_fragment(client, resident):
    response = change_password(client, current="not my password", htmx=True)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert html.lstrip().startswith('<form id="password-form"')


def test_changing_the_password_signs_out_other_sessions_but_not_this_one(app, client, resident, login):
    elsewhere = app.test_client()
    login(elsewhere, resident)
    assert elsewhere.get("/profile").status_code == 200

    response = change_password(client)

    assert response.status_code == 303
    assert response.headers["Location"] == "/profile"
    assert client.get("/profile").status_code == 200
    signed_out = elsewhere.get("/profile")
    assert signed_out.status_code == 302
    assert signed_out.headers["Location"].startswith("/login")
    assert can_log_in(app, NEW_PASSWORD)
    assert not can_log_in(app, PASSWORD)
    [event] = events(app, resident.id, "account.password_changed")
    assert event.actor_id == resident.id


def test_a_password_change_over_htmx_tells_htmx_where_to_go(app, client, resident):
    response = change_password(client, htmx=True)

    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/profile"
    assert client.get("/profile").status_code == 200
    assert can_log_in(app, NEW_PASSWORD)


def test_a_remembered_device_stays_remembered_after_the_change(app, people):
    client = app.test_client()
    client.post("/login", data={"email": "mieszkaniec@example.org", "password": PASSWORD, "remember": "y"})

    response = change_password(client)

    assert any(c.startswith("remember_token=") and "HttpOnly" in c for c in response.headers.getlist("Set-Cookie"))
    client.delete_cookie("pbflow_session")
    assert client.get("/profile").status_code == 200


def test_a_password_change_does_not_turn_on_remember_me(client, resident):
    response = change_password(client)

    assert not any(c.startswith("remember_token=") for c in response.headers.getlist("Set-Cookie"))
    client.delete_cookie("pbflow_session")
    assert client.get("/profile").status_code == 302


def test_a_remember_cookie_from_before_the_change_no_longer_logs_in(app, people, client, login):
    remembered = app.test_client()
    remembered.post("/login", data={"email": "mieszkaniec@example.org", "password": PASSWORD, "remember": "y"})
    remembered.delete_cookie("pbflow_session")
    login(client, people["resident"])

    change_password(client)

    assert remembered.get("/profile").status_code == 302
