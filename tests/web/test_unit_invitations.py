"""A coordinator invites a person by e-mail to a unit; the link makes its holder an expert of that unit."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from pbflow.accounts.models import Role, User
from pbflow.core.database import utcnow
from pbflow.core.mail import outbox
from pbflow.core.models import AuditEvent
from pbflow.extensions import db
from pbflow.feedback import units
from pbflow.feedback.models import UnitInvitation, UnitMembership

LINK = re.compile(r"http://localhost(/units/invitations/[A-Za-z0-9_-]+)")
JOIN = {"name": "Ewa Wiśniewska", "password": "zielone drzewa na plantach", "password_confirm":
        "zielone drzewa na plantach", "consent": "y"}


@pytest.fixture
def unit(make_unit):
    return make_unit(name="Zarząd Zieleni Miejskiej", short_name="ZZM")


def _invite(app, client, login, people, unit, email):
    """The coordinator invites `email`; returns the path of the link in the e-mail. Leaves the client logged out."""
    login(client, people["coordinator"])
    response = client.post(f"/units/{unit.id}/invitations", data={"email": email})
    assert response.status_code == 303, response.get_data(as_text=True)
    client.post("/logout")
    with app.app_context():
        mail = outbox()[-1]
    assert mail.to == email.strip().lower()
    return LINK.search(mail.body).group(1)


def _invitation(app):
    with app.app_context():
        row = db.session.scalar(select(UnitInvitation).order_by(UnitInvitation.id.desc()))
        db.session.expunge(row)
        return row


def _member(app, unit, user_id):
    with app.app_context():
        return db.session.get(UnitMembership, (unit.id, user_id)) is not None


def _is_expert(app, email):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        return user.has_role(Role.EXPERT)


def _verbs(app):
    with app.app_context():
        return [e.verb for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


# --- inviting -------------------------------------------------------------------------------

def test_the_invitation_mail_holds_a_link_whose_token_is_kept_only_as_a_hash(app, client, login, people, unit):
    path = _invite(app, client, login, people, unit, " Nowa.Ekspertka@Example.org ")
    token = path.rsplit("/", 1)[1]
    invitation = _invitation(app)
    assert invitation.email == "nowa.ekspertka@example.org" and invitation.status == "pending"
    assert invitation.token_hash == units.hash_token(token) and token not in invitation.token_hash
    assert invitation.expires_at - invitation.created_at == timedelta(days=14)
    mail = app.extensions["pbflow_outbox"][-1]
    assert "Zarząd Zieleni Miejskiej" in mail.subject + mail.body  # Polish: no account, so the default language
    assert "unit.expert_invited" in _verbs(app)


def test_the_mail_speaks_the_language_of_an_existing_account(app, client, login, people, unit, make_user):
    make_user("Jane Expert", "jane@example.org", locale="en")
    _invite(app, client, login, people, unit, "jane@example.org")
    mail = app.extensions["pbflow_outbox"][-1]
    assert "Hello Jane Expert" in mail.body and "invites you to be an expert" in mail.body


def test_the_unit_page_lists_pending_invitations_with_a_cancel_button(app, client, login, people, unit, english):
    _invite(app, client, login, people, unit, "ktos@example.org")
    login(client, people["coordinator"])
    html = client.get(f"/units/{unit.id}").get_data(as_text=True)
    invitation = _invitation(app)
    assert "ktos@example.org" in html and f"/units/{unit.id}/invitations/{invitation.id}/cancel" in html


@pytest.mark.parametrize("email, message", [
    ("", "Enter your e-mail address"),
    ("not-an-address", "e-mail address like"),
    ("a" * 250 + "@example.org", "at most 254"),
])
def test_a_bad_address_is_refused_with_422(app, client, login, people, unit, english, email, message):
    login(client, people["coordinator"])
    response = client.post(f"/units/{unit.id}/invitations", data={"email": email})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert app.extensions.get("pbflow_outbox", []) == []


def test_inviting_twice_or_a_member_is_refused(app, client, login, people, unit, make_expert, english):
    expert = make_expert(unit)
    _invite(app, client, login, people, unit, "ktos@example.org")
    login(client, people["coordinator"])
    again = client.post(f"/units/{unit.id}/invitations", data={"email": "KTOS@example.org"})
    assert again.status_code == 422 and "already been invited" in again.get_data(as_text=True)
    member = client.post(f"/units/{unit.id}/invitations", data={"email": expert.email})
    assert member.status_code == 422 and "already an expert of this unit" in member.get_data(as_text=True)


def test_an_expired_invitation_makes_way_for_a_new_one(app, client, login, people, unit):
    _invite(app, client, login, people, unit, "ktos@example.org")
    with app.app_context():
        db.session.execute(update(UnitInvitation).values(expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    _invite(app, client, login, people, unit, "ktos@example.org")
    with app.app_context():
        statuses = db.session.scalars(select(UnitInvitation.status).order_by(UnitInvitation.id)).all()
    assert statuses == ["cancelled", "pending"]


def test_a_coordinator_may_send_only_so_many_invitations_an_hour(app, client, login, people, unit, english):
    app.config["UNIT_INVITATIONS_PER_HOUR"] = 2
    login(client, people["coordinator"])
    for n in range(2):
        assert client.post(f"/units/{unit.id}/invitations", data={"email": f"p{n}@example.org"}).status_code == 303
    response = client.post(f"/units/{unit.id}/invitations", data={"email": "p3@example.org"})
    assert response.status_code == 422 and "Wait an hour" in response.get_data(as_text=True)


def test_htmx_invite_gets_the_invitations_fragment_on_422(app, client, login, people, unit):
    login(client, people["coordinator"])
    response = client.htmx("POST", f"/units/{unit.id}/invitations", data={"email": "zly"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" not in html and 'id="unit-invitations"' in html
    assert 'value="zly"' in html


# --- accepting -----------------------------------------------------------------------------------

def test_a_new_person_creates_an_account_and_becomes_an_expert(app, client, login, people, unit, english):
    path = _invite(app, client, login, people, unit, "nowa@example.org")
    page = client.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Create your account" in html and "n•••@example.org" in html and 'name="consent"' in html
    response = client.post(path + "/join", data=JOIN)
    assert response.status_code == 303 and response.headers["Location"] == f"/units/{unit.id}"
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "nowa@example.org"))
        assert user.name == "Ewa Wiśniewska" and user.consented_at is not None
        user_id = user.id
    assert _member(app, unit, user_id) and _is_expert(app, "nowa@example.org")
    assert _invitation(app).status == "accepted" and _invitation(app).accepted_by_id == user_id
    assert "Ewa Wiśniewska" in client.get(f"/units/{unit.id}").get_data(as_text=True)  # logged in, sees members
    assert {"account.registered", "unit.expert_joined", "role.granted"} <= set(_verbs(app))


@pytest.mark.parametrize("changes, message", [
    ({"name": ""}, "Enter your name"),
    ({"password": "short", "password_confirm": "short"}, "at least 10"),
    ({"password_confirm": "something else entirely"}, "do not match"),
    ({"consent": ""}, "needs your consent"),
])
def test_a_bad_join_form_is_refused_with_422_and_the_name_kept(app, client, login, people, unit, english,
                                                                changes, message):
    path = _invite(app, client, login, people, unit, "nowa@example.org")
    response = client.post(path + "/join", data={**JOIN, **changes})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    if changes.get("name") != "":
        assert 'value="Ewa Wiśniewska"' in response.get_data(as_text=True)
    assert _invitation(app).status == "pending"
    htmx = client.htmx("POST", path + "/join", data={**JOIN, **changes})
    assert htmx.status_code == 422 and "<html" not in htmx.get_data(as_text=True)


def test_an_existing_account_logs_in_first_and_comes_back(app, client, login, people, unit, english):
    resident = people["resident"]
    path = _invite(app, client, login, people, unit, resident.email)
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"] == f"/login?next={path}"
    back = client.post(response.headers["Location"], data={"email": resident.email,
                                                           "password": "correct horse battery"})
    assert back.headers["Location"] == path
    html = client.get(path).get_data(as_text=True)
    assert "Accept and become an expert of ZZM" in html and "you are logged in as" not in html
    assert client.post(path + "/accept").status_code == 303
    assert _member(app, unit, resident.id) and _is_expert(app, resident.email)


def test_a_signed_in_person_with_another_address_may_accept_and_is_told(app, client, login, people, unit, english):
    path = _invite(app, client, login, people, unit, "sluzbowy@example.org")
    login(client, people["resident"])
    html = client.get(path).get_data(as_text=True)
    assert "you are logged in as mieszkaniec@example.org" in html and "s•••@example.org" in html
    assert client.post(path + "/accept").status_code == 303
    assert _member(app, unit, people["resident"].id)
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "unit.expert_joined"))
        assert event.data["other_address"] is True and event.actor_id == people["resident"].id


def test_an_expert_of_another_unit_joins_this_one_too(app, client, login, people, unit, make_unit, make_expert):
    other = make_unit()
    expert = make_expert(other)
    path = _invite(app, client, login, people, unit, expert.email)
    login(client, expert)
    assert client.post(path + "/accept").status_code == 303
    assert _member(app, unit, expert.id) and _member(app, other, expert.id)


def test_a_used_link_is_gone(app, client, login, people, unit, english):
    path = _invite(app, client, login, people, unit, people["resident"].email)
    login(client, people["resident"])
    assert client.post(path + "/accept").status_code == 303
    again = client.get(path)
    assert again.status_code == 410 and "already been accepted" in again.get_data(as_text=True)
    assert client.post(path + "/accept").status_code == 410
    client.post("/logout")
    assert client.post(path + "/join", data=JOIN).status_code == 410


def test_an_expired_link_is_gone(app, client, login, people, unit, english):
    path = _invite(app, client, login, people, unit, "nowa@example.org")
    with app.app_context():
        db.session.execute(update(UnitInvitation).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    response = client.get(path)
    assert response.status_code == 410 and "expired after 14 days" in response.get_data(as_text=True)
    assert client.post(path + "/join", data=JOIN).status_code == 410
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "nowa@example.org")) is None


def test_a_cancelled_link_is_gone(app, client, login, people, unit, english):
    path = _invite(app, client, login, people, unit, "nowa@example.org")
    invitation = _invitation(app)
    login(client, people["coordinator"])
    response = client.post(f"/units/{unit.id}/invitations/{invitation.id}/cancel")
    assert response.status_code == 303
    assert _invitation(app).status == "cancelled" and "unit.invitation_cancelled" in _verbs(app)
    client.post("/logout")
    gone = client.get(path)
    assert gone.status_code == 410 and "cancelled this invitation" in gone.get_data(as_text=True)
    login(client, people["resident"])
    assert client.post(path + "/accept").status_code == 410
    assert not _member(app, unit, people["resident"].id)


def test_a_made_up_link_is_404(client):
    assert client.get("/units/invitations/not-a-real-token").status_code == 404
    assert client.get("/units/invitations/" + "x" * 300).status_code == 404


def test_joining_with_an_address_that_now_has_an_account_sends_to_log_in(app, client, login, people, unit,
                                                                          make_user):
    path = _invite(app, client, login, people, unit, "nowa@example.org")
    make_user(email="nowa@example.org")
    response = client.post(path + "/join", data=JOIN)
    assert response.status_code == 303 and response.headers["Location"] == f"/login?next={path}"
    assert _invitation(app).status == "pending"


@pytest.mark.parametrize("role", ["resident", "ambassador", "expert"])
def test_only_coordinators_cancel_invitations(app, client, login, people, unit, role):
    _invite(app, client, login, people, unit, "nowa@example.org")
    invitation = _invitation(app)
    login(client, people[role])
    assert client.post(f"/units/{unit.id}/invitations/{invitation.id}/cancel").status_code == 403
    assert _invitation(app).status == "pending"


def test_cancelling_an_invitation_of_another_unit_is_404(app, client, login, people, unit, make_unit):
    _invite(app, client, login, people, unit, "nowa@example.org")
    other = make_unit()
    login(client, people["coordinator"])
    assert client.post(f"/units/{other.id}/invitations/{_invitation(app).id}/cancel").status_code == 404
