"""A resident downloads everything pbflow holds about them, and deletes the account (RODO)."""

import json
import re

import pytest
from flask_babel import gettext
from sqlalchemy import func, select

from pbflow.accounts.models import ThrottleHit, User, UserRole
from pbflow.core.models import AuditEvent
from pbflow.extensions import db
from tests.conftest import PASSWORD


def input_tag(html, field_id):
    match = re.search(rf'<(?:input|select)\b[^>]*\bid="{field_id}"[^>]*>', html)
    assert match, f"no input with id={field_id!r}"
    return match.group(0)


def stored(app, user_id):
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def delete(client, password=PASSWORD, confirm="y", htmx=False):
    data = {"password": password}
    if confirm is not None:
        data["confirm"] = confirm
    if htmx:
        return client.htmx("POST", "/profile/delete", data=data)
    return client.post("/profile/delete", data=data)


def can_log_in(app, email, password=PASSWORD):
    response = app.test_client().post("/login", data={"email": email, "password": password})
    return response.status_code == 303


@pytest.fixture
def resident(people, client, login):
    login(client, people["resident"])
    return people["resident"]


# --- the page and the download -------------------------------------------------

def test_the_page_offers_the_download_and_the_delete_form(client, resident):
    response = client.get("/profile/data")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'href="/profile/data.json"' in html
    assert 'id="delete-form"' in html
    input_tag(html, "password")
    input_tag(html, "confirm")


def test_visitors_are_sent_to_log_in(app):
    client = app.test_client()
    for url in ("/profile/data", "/profile/data.json"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")
    assert client.post("/profile/delete", data={"password": PASSWORD, "confirm": "y"}).status_code == 302


def test_the_download_is_a_json_attachment_with_name_address_roles_and_activity(client, people, login):
    ambassador = people["ambassador"]
    login(client, ambassador)

    response = client.get("/profile/data.json")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == f'attachment; filename="pbflow-my-data-{ambassador.id}.json"'
    assert response.headers["Cache-Control"] == "no-store"
    document = json.loads(response.get_data(as_text=True))
    account = document["account"]
    assert account["name"] == "Piotr Kowalski"
    assert account["email"] == "ambasador@example.org"
    assert account["roles"] == ["ambassador"]
    assert account["preferred_language"] == "pl"
    assert account["privacy_consent_at"].endswith("Z")
    assert "password_hash" not in json.dumps(document)
    actions = [item["action"] for item in document["activity"]]
    assert actions[:2] == ["account.registered", "role.granted"]
    assert "account.logged_in" in actions
    assert document["verifying_units"] == []


def test_polish_letters_survive_the_download(client, make_user, login):
    login(client, make_user("Zażółć Gęślą", "zazolc@example.org"))

    response = client.get("/profile/data.json")

    assert "Zażółć Gęślą".encode() in response.data
    assert json.loads(response.data)["account"]["name"] == "Zażółć Gęślą"


def test_the_download_holds_only_the_persons_own_data(client, people, login):
    login(client, people["resident"])

    body = client.get("/profile/data.json").get_data(as_text=True)

    for other in ("ambassador", "expert", "coordinator"):
        assert people[other].email not in body
        assert people[other].name not in body


# --- deleting the account ------------------------------------------------------

@pytest.mark.parametrize(("password", "confirm", "field_id"), [
    ("not my password", "y", "password"),
    ("", "y", "password"),
    (PASSWORD, None, "confirm"),
    (PASSWORD, "false", "confirm"),
])
def test_deleting_needs_the_right_password_and_the_ticked_box(app, client, resident, password, confirm, field_id):
    response = delete(client, password, confirm)

    assert response.status_code == 422
    assert 'aria-invalid="true"' in input_tag(response.get_data(as_text=True), field_id)
    assert stored(app, resident.id).deleted_at is None
    assert client.get("/profile").status_code == 200


def test_a_refused_deletion_over_htmx_gets_the_form_fragment(client, resident):
    response = delete(client, "not my password", htmx=True)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert html.lstrip().startswith('<form id="delete-form"')


def test_deletion_without_the_csrf_token_is_refused(app, client, resident):
    response = client.post("/profile/delete", data={"password": PASSWORD, "confirm": "y"}, csrf=False)

    assert response.status_code == 400
    assert stored(app, resident.id).deleted_at is None


def test_a_deleted_account_is_erased_and_the_person_logged_out(app, client, people, login):
    login(client, people["ambassador"])
    ambassador = people["ambassador"]

    response = delete(client)

    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert client.get("/profile").status_code == 302
    user = stored(app, ambassador.id)
    assert (user.name, user.email, user.password_hash, user.locale) == ("", None, None, None)
    assert user.deleted_at is not None
    with app.app_context():
        assert db.session.scalars(select(UserRole).where(UserRole.user_id == ambassador.id)).all() == []
        events = db.session.scalars(select(AuditEvent).where(
            AuditEvent.object_type == "users", AuditEvent.object_id == ambassador.id)).all()
        assert "account.deleted" in [e.verb for e in events]
        assert "account.registered" in [e.verb for e in events]  # the trail stays
        assert "Piotr Kowalski" not in json.dumps([e.data for e in events])
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert db.session.get(User, ambassador.id).display_name == "former participant"
    with app.test_request_context():
        assert db.session.get(User, ambassador.id).display_name == gettext("former participant") != ""


def test_a_deleted_account_cannot_log_in_and_its_address_can_register_again(app, client, resident):
    delete(client)

    assert not can_log_in(app, "mieszkaniec@example.org")
    response = client.post("/register", data={
        "name": "Jan Zieliński", "email": "mieszkaniec@example.org", "password": PASSWORD,
        "password_confirm": PASSWORD, "consent": "y"})
    assert response.status_code == 303
    with app.app_context():
        new = db.session.scalar(select(User).where(User.email == "mieszkaniec@example.org"))
        assert new.id != resident.id and new.deleted_at is None
    assert can_log_in(app, "mieszkaniec@example.org")


def test_other_sessions_of_a_deleted_account_end(app, client, resident, login):
    elsewhere = app.test_client()
    login(elsewhere, resident)

    delete(client)

    assert elsewhere.get("/profile").status_code == 302


def test_deletion_forgets_only_the_persons_own_log_in_counters(app, client, make_user, login):
    """Counters that name the deleted address go; another person's stay, even a similar address."""
    login(client, make_user("Jan", "a_b@example.org"))
    other_client = app.test_client()
    for n in range(10):  # someone hammers two other accounts
        other_client.post("/login", data={"email": "axb@example.org", "password": "x" * 12},
                          environ_base={"REMOTE_ADDR": f"198.51.100.{n}"})
        other_client.post("/login", data={"email": "ja_b@example.org", "password": "x" * 12},
                          environ_base={"REMOTE_ADDR": f"198.51.100.{n}"})
        if n < 9:  # under the limit: ten would lock the owner out of deleting too, for a minute
            other_client.post("/login", data={"email": "a_b@example.org", "password": "x" * 12},
                              environ_base={"REMOTE_ADDR": f"198.51.100.{n}"})

    assert delete(client).status_code == 303

    with app.app_context():
        buckets = dict(db.session.execute(
            select(ThrottleHit.bucket, func.count()).where(ThrottleHit.bucket.like("login-fail:account:%"))
            .group_by(ThrottleHit.bucket)).all())
    assert buckets == {"login-fail:account:axb@example.org": 10, "login-fail:account:ja_b@example.org": 10}


def test_guessing_the_password_on_the_delete_form_is_limited_like_log_ins(app, client, make_user, login):
    """A stolen session cannot be used to guess the password without limit."""
    login(client, make_user("Jan", "jan.k@example.org"))
    for _ in range(10):
        response = client.post("/profile/delete", data={"password": "not my password", "confirm": "y"})
        assert response.status_code == 422
    response = client.post("/profile/delete", data={"password": "correct horse battery", "confirm": "y"})
    assert response.status_code == 429


def test_deleting_an_expert_removes_their_unit_membership(app, client, make_user, login):
    from pbflow import demo
    from pbflow.feedback.models import UnitMembership, VerifyingUnit

    expert = make_user("Ewa", "ewa.w@example.org")
    with app.app_context():
        demo.seed_units()
        unit = db.session.scalar(select(VerifyingUnit).where(VerifyingUnit.code == "green"))
        db.session.add(UnitMembership(unit_id=unit.id, user_id=expert.id))
        db.session.commit()
    login(client, expert)
    assert delete(client).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(UnitMembership)) == 0
