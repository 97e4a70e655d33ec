"""A resident creates an account: the registration pathway through the test client."""

import re

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from pbflow.accounts.models import ThrottleHit, User
from pbflow.core.models import AuditEvent
from pbflow.extensions import db
from pbflow.meetings.models import MeetingSignup
from tests.conftest import PASSWORD


def registration(**changes):
    data = {
        "name": "Zażółć Gęślą",
        "email": "zazolc@example.org",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "consent": "y",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def input_tag(html, field_id):
    match = re.search(rf'<(?:input|select)\b[^>]*\bid="{field_id}"[^>]*>', html)
    assert match, f"no input with id={field_id!r}"
    return match.group(0)


def error_text(html, field_id):
    match = re.search(rf'<p class="error-message" id="{field_id}-error">(.*?)</p>', html, re.S)
    return match.group(1) if match else None


def polish(app, message):
    with app.test_request_context(), force_locale("pl"):
        return gettext(message)


def in_english(client):
    client.post("/language", data={"locale": "en", "next": "/register"})


def users_named(app, email):
    with app.app_context():
        return db.session.scalars(select(User).where(User.email == email)).all()


def user_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


# --- good input ----------------------------------------------------------------

def test_a_resident_registers_with_polish_letters_in_their_name_and_is_logged_in(app, client):
    response = client.post("/register", data=registration())

    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert "Zażółć Gęślą" in home  # the header shows who is logged in
    assert client.get("/profile").status_code == 200
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "zazolc@example.org"))
        assert user.name == "Zażółć Gęślą"
        assert user.consented_at is not None and user.privacy_version
        assert user.password_hash and PASSWORD not in user.password_hash
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "account.registered"))
        assert (event.actor_id, event.object_type, event.object_id) == (user.id, "users", user.id)


def test_what_the_page_promises_a_new_account_can_do(app, client, make_edition, make_meeting):
    """"With an account you can join residents' meetings": a new account signs up for one at once."""
    edition = make_edition(open_stage="meetings")
    meeting = make_meeting(edition)
    page = client.get("/register", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "With an account you can join residents' meetings" in page
    assert client.post("/register", data=registration()).status_code == 303
    assert client.post(f"/meetings/{meeting.id}/signup").status_code == 303
    newcomer = users_named(app, "zazolc@example.org")[0]
    with app.app_context():
        signup = db.session.scalars(select(MeetingSignup).where(MeetingSignup.meeting_id == meeting.id)).one()
        assert (signup.status, signup.user_id) == ("confirmed", newcomer.id)


def test_the_address_is_stored_in_lower_case_without_spaces(app, client):
    response = client.post("/register", data=registration(email="  Zazolc@Example.ORG "))

    assert response.status_code == 303
    assert len(users_named(app, "zazolc@example.org")) == 1


def test_the_new_account_keeps_the_language_the_visitor_chose(app, client):
    in_english(client)
    client.post("/register", data=registration())

    assert users_named(app, "zazolc@example.org")[0].locale == "en"
    assert '<html lang="en">' in client.get("/profile").get_data(as_text=True)


def test_a_polish_visitor_gets_a_polish_account(app, client):
    client.post("/register", data=registration())

    assert users_named(app, "zazolc@example.org")[0].locale == "pl"


def test_a_name_of_exactly_120_characters_is_accepted(app, client):
    name = "Ż" * 120
    response = client.post("/register", data=registration(name=name))

    assert response.status_code == 303
    assert users_named(app, "zazolc@example.org")[0].name == name


def test_the_registration_page_shows_the_form(client):
    response = client.get("/register")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="pl">' in html
    for field_id in ("name", "email", "password", "password_confirm", "consent"):
        input_tag(html, field_id)


# --- bad input -----------------------------------------------------------------

BAD_INPUT = [
    pytest.param({"name": ""}, "name", "Enter your name.", id="missing name"),
    pytest.param({"name": "   "}, "name", "Enter your name.", id="blank name"),
    pytest.param({"name": "x" * 121}, "name", "Use at most 120 characters.", id="name too long"),
    pytest.param({"name": "Jan\x07Kowalski"}, "name", "The name cannot contain invisible or control characters.", id="control character"),
    pytest.param({"name": "Jan \u202eikswolaK"}, "name", "The name cannot contain invisible or control characters.", id="direction override"),
    pytest.param({"email": ""}, "email", "Enter your e-mail address.", id="missing e-mail"),
    pytest.param({"email": "a" * 243 + "@example.org"}, "email", "Use at most 254 characters.", id="e-mail too long"),
    pytest.param({"email": "not-an-address"}, "email", "Enter an e-mail address like name@example.pl.", id="invalid e-mail"),
    pytest.param({"email": "jan@@example.org"}, "email", "Enter an e-mail address like name@example.pl.", id="two at signs"),
    pytest.param({"password": "", "password_confirm": ""}, "password", "Enter a password.", id="missing password"),
    pytest.param({"password": "krótkie9x", "password_confirm": "krótkie9x"}, "password",
                 "Use at least 10 characters.", id="password of 9 characters"),
    pytest.param({"password": "qwertyuiop1", "password_confirm": "qwertyuiop1"}, "password",
                 "This password is on a list of commonly used passwords.", id="common password"),
    pytest.param({"password": "QwertyUiop", "password_confirm": "QwertyUiop"}, "password",
                 "This password is on a list of commonly used passwords.", id="common password in capitals"),
    pytest.param({"password_confirm": "correct horse batterY"}, "password_confirm",
                 "The passwords do not match.", id="password mismatch"),
    pytest.param({"password_confirm": ""}, "password_confirm", "Repeat the password.", id="missing repeat"),
    pytest.param({"consent": None}, "consent", "Registration needs your consent to the processing of your personal data.", id="no consent"),
    pytest.param({"consent": "false"}, "consent", "Registration needs your consent to the processing of your personal data.", id="consent=false"),
]


@pytest.mark.parametrize(("changes", "field_id", "message"), BAD_INPUT)
def test_bad_input_is_answered_422_with_the_form_the_input_kept_and_a_message(app, client, changes, field_id, message):
    in_english(client)
    data = registration(**changes)
    response = client.post("/register", data=data)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in input_tag(html, field_id)
    assert message in error_text(html, field_id)
    assert 'class="error-summary"' in html
    for kept in ("name", "email"):
        if data.get(kept, "").strip() and "\x07" not in data[kept]:
            assert f'value="{data[kept].strip()}"' in input_tag(html, kept)
    assert PASSWORD not in html  # passwords are never sent back
    assert user_count(app) == 0


def test_a_rejected_registration_in_polish_keeps_the_input_and_marks_the_field(app, client):
    response = client.post("/register", data=registration(email="zły adres"))

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert '<html lang="pl">' in html
    assert 'aria-invalid="true"' in input_tag(html, "email")
    assert error_text(html, "email") == polish(app, "Enter an e-mail address like name@example.pl.")
    assert 'value="zły adres"' in input_tag(html, "email")
    assert 'value="Zażółć Gęślą"' in input_tag(html, "name")


def test_an_address_already_registered_in_another_letter_case_is_refused(app, client, make_user):
    make_user("Anna Nowak", "a@example.org")
    in_english(client)

    response = client.post("/register", data=registration(email="A@Example.org"))

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in input_tag(html, "email")
    assert "An account with this e-mail address already exists." in error_text(html, "email")
    assert 'value="A@Example.org"' in input_tag(html, "email")
    assert user_count(app) == 1
    assert client.get("/profile").status_code == 302  # not logged in


def test_a_script_tag_as_a_name_is_stored_as_typed_and_always_shown_escaped(app, client, make_user, login):
    name = "<script>alert(1)</script>"
    response = client.post("/register", data=registration(name=name), follow_redirects=True)

    assert response.status_code == 200
    pages = [response.get_data(as_text=True),  # home with the welcome message
             client.get("/").get_data(as_text=True),
             client.get("/profile").get_data(as_text=True),
             client.get("/profile/data").get_data(as_text=True)]
    coordinator = make_user("Anna Nowak", "koordynator@example.org", roles=["coordinator"])
    other = app.test_client()
    login(other, coordinator)
    pages.append(other.get("/users/?q=script").get_data(as_text=True))
    for html in pages:
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert users_named(app, "zazolc@example.org")[0].name == name


def test_a_post_without_the_csrf_token_is_refused_with_400(app, client):
    response = client.post("/register", data=registration(), csrf=False)

    assert response.status_code == 400
    assert user_count(app) == 0


def test_a_wrong_csrf_token_is_refused_with_400(app, client):
    response = client.post("/register", data=registration(csrf_token="forged"))

    assert response.status_code == 400
    assert user_count(app) == 0


# --- throttling ----------------------------------------------------------------

def test_the_eleventh_registration_from_one_address_in_an_hour_is_refused_with_429(app):
    for n in range(10):
        client = app.test_client()
        response = client.post("/register", data=registration(email=f"osoba{n}@example.org"),
                               environ_base={"REMOTE_ADDR": "203.0.113.5"})
        assert response.status_code == 303, n

    response = app.test_client().post("/register", data=registration(email="osoba10@example.org"),
                                      environ_base={"REMOTE_ADDR": "203.0.113.5"})
    assert response.status_code == 429
    assert user_count(app) == 10
    # The limit is per hour, and the page says so: not "wait a minute".
    assert "Spróbuj ponownie za 1 godzinę." in response.get_data(as_text=True)
    assert 3590 <= int(response.headers["Retry-After"]) <= 3600
    english = app.test_client().post("/register", data=registration(email="osoba10@example.org"),
                                     environ_base={"REMOTE_ADDR": "203.0.113.5"},
                                     headers={"Accept-Language": "en"})
    assert "Try again in 1 hour." in english.get_data(as_text=True)
    other_address = app.test_client().post("/register", data=registration(email="osoba11@example.org"),
                                           environ_base={"REMOTE_ADDR": "203.0.113.6"})
    assert other_address.status_code == 303


def test_attempts_with_a_taken_address_count_towards_the_limit(app, client, make_user):
    """Otherwise the form could probe which addresses are registered without limit."""
    make_user("Anna Nowak", "a@example.org")
    for _ in range(10):
        response = client.post("/register", data=registration(email="a@example.org"),
                               environ_base={"REMOTE_ADDR": "203.0.113.7"})
        assert response.status_code == 422

    response = client.post("/register", data=registration(email="new@example.org"),
                           environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert response.status_code == 429
    with app.app_context():
        hits = db.session.scalar(select(func.count()).select_from(ThrottleHit)
                                 .where(ThrottleHit.bucket == "register:ip:203.0.113.7"))
    assert hits == 10
