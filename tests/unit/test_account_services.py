"""Account services called directly: the rules, the audit trail and the counters."""

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select, update

from pbflow.accounts import services, throttle
from pbflow.accounts.models import Role, ThrottleHit, User
from pbflow.accounts.services import AccountError, EmailTaken, WrongPassword
from pbflow.core.database import utcnow
from pbflow.core.models import AuditEvent
from pbflow.extensions import db
from tests.conftest import PASSWORD

NEW_PASSWORD = "green tram to nowa huta"


@pytest.fixture(autouse=True)
def _context(ctx):
    with force_locale("en"):
        yield


def register(name="Jan Zieliński", email="jan@example.org", **kwargs):
    user = services.register(name, email, PASSWORD, **kwargs)
    db.session.flush()
    return user


def audit(verb=None, obj=None):
    query = select(AuditEvent).order_by(AuditEvent.id)
    if verb:
        query = query.where(AuditEvent.verb == verb)
    if obj is not None:
        query = query.where(AuditEvent.object_type == "users", AuditEvent.object_id == obj.id)
    return db.session.scalars(query).all()


def hits(bucket):
    return db.session.scalar(select(func.count()).select_from(ThrottleHit).where(ThrottleHit.bucket == bucket))


# --- register ------------------------------------------------------------------

def test_register_normalises_the_address_to_lower_case_and_trims_the_name():
    user = register("  Zażółć Gęślą ", "  Zazolc@Example.ORG ")

    assert user.email == "zazolc@example.org"
    assert user.name == "Zażółć Gęślą"
    assert user.password_hash and user.password_hash != PASSWORD
    assert user.consented_at is not None
    assert user.privacy_version == services.PRIVACY_NOTICE_VERSION
    assert user.login_token and user.get_id() == user.login_token
    assert user.role_names == set()


def test_register_writes_an_audit_event_by_the_new_person():
    user = register()

    [event] = audit("account.registered")
    assert (event.actor_id, event.object_type, event.object_id) == (user.id, "users", user.id)


def test_register_keeps_the_chosen_language():
    assert register(locale="en").locale == "en"


def test_an_address_is_taken_whatever_its_letter_case():
    register(email="a@example.org")

    with pytest.raises(EmailTaken) as error:
        register(email="A@Example.org")
    assert "already exists" in str(error.value)
    assert isinstance(error.value, AccountError)


def test_register_counts_attempts_per_address_and_stops_after_the_hourly_limit(app):
    for n in range(app.config["REGISTRATIONS_PER_HOUR"]):
        register(email=f"osoba{n}@example.org", ip="203.0.113.1")

    with pytest.raises(throttle.Throttled):
        register(email="one-more@example.org", ip="203.0.113.1")
    register(email="other-machine@example.org", ip="203.0.113.2")
    register(email="no-address@example.org")  # e.g. created from the command line


# --- authenticate --------------------------------------------------------------

def test_authenticate_returns_the_person_and_records_the_log_in():
    user = register()

    assert services.authenticate("JAN@example.org", PASSWORD, "10.0.0.1") is user
    assert user.last_login_at is not None
    assert [e.verb for e in audit(obj=user)] == ["account.registered", "account.logged_in"]


@pytest.mark.parametrize(("email", "password"), [
    ("jan@example.org", "wrong horse battery"),
    ("nikt@example.org", PASSWORD),
    ("", PASSWORD),
])
def test_a_failed_authentication_returns_none_and_is_counted_per_address_and_account(email, password):
    register()

    assert services.authenticate(email, password, "10.0.0.1") is None
    db.session.flush()
    assert hits("login-fail:ip:10.0.0.1") == 1
    assert hits(f"login-fail:account:{email}") == 1
    assert audit("account.logged_in") == []


def test_authentication_stops_after_ten_failures_in_a_minute(app):
    register()
    for _ in range(app.config["LOGIN_FAILURES_PER_MINUTE"]):
        services.authenticate("jan@example.org", "wrong horse battery", "10.0.0.1")

    with pytest.raises(throttle.Throttled):
        services.authenticate("jan@example.org", PASSWORD, "10.0.0.2")
    with pytest.raises(throttle.Throttled):
        services.authenticate("someone@example.org", PASSWORD, "10.0.0.1")


def test_a_deleted_person_cannot_authenticate():
    user = register()
    services.delete_account(user, PASSWORD)

    assert services.authenticate("jan@example.org", PASSWORD, "10.0.0.1") is None


# --- the throttle itself -------------------------------------------------------

def test_only_attempts_inside_the_window_count():
    for _ in range(3):
        throttle.count_attempt("test:bucket")
    db.session.flush()
    assert throttle.is_over_limit(["test:bucket"], 3, 60)

    db.session.execute(update(ThrottleHit).values(created_at=utcnow() - timedelta(seconds=61)))
    assert not throttle.is_over_limit(["test:bucket"], 3, 60)
    assert throttle.is_over_limit(["test:bucket"], 3, 3600)


def test_the_fullest_bucket_decides():
    throttle.count_attempt("a", "b")
    throttle.count_attempt("b")
    db.session.flush()

    assert throttle.is_over_limit(["a", "b"], 2, 60)
    assert not throttle.is_over_limit(["a", "c"], 2, 60)


def test_counting_clears_hits_older_than_a_day():
    db.session.add(ThrottleHit(bucket="old", created_at=utcnow() - timedelta(days=2)))
    db.session.flush()

    throttle.count_attempt("old")
    db.session.flush()

    assert hits("old") == 1


def test_the_throttle_can_be_switched_off(app, monkeypatch):
    monkeypatch.setitem(app.config, "THROTTLE_ENABLED", False)
    throttle.count_attempt("a")
    db.session.flush()

    assert not throttle.is_over_limit(["a"], 1, 60)


def test_forget_removes_exactly_the_counters_of_one_address():
    for bucket in ("login-fail:account:a_b@example.org", "reset:account:a_b@example.org",
                   "login-fail:account:axb@example.org", "login-fail:account:ja_b@example.org",
                   "login-fail:ip:10.0.0.1"):
        throttle.count_attempt(bucket)

    throttle.forget("a_b@example.org")

    assert sorted(db.session.scalars(select(ThrottleHit.bucket))) == [
        "login-fail:account:axb@example.org", "login-fail:account:ja_b@example.org", "login-fail:ip:10.0.0.1"]


# --- profile and password ------------------------------------------------------

def test_update_profile_records_what_changed_but_not_the_new_name():
    user = register()

    assert services.update_profile(user, " Jan Paweł ", "en") is True
    assert (user.name, user.locale) == ("Jan Paweł", "en")
    [event] = audit("account.profile_changed")
    assert event.data == {"name": True, "locale": "en"}


def test_update_profile_without_changes_writes_nothing():
    user = register(locale="pl")

    assert services.update_profile(user, "Jan Zieliński", "pl") is False
    assert audit("account.profile_changed") == []


def test_set_locale_is_audited_only_when_it_changes():
    user = register(locale="pl")

    services.set_locale(user, "pl")
    services.set_locale(user, "en")

    assert [e.data for e in audit("account.profile_changed")] == [{"locale": "en"}]


def test_change_password_needs_the_current_one_and_rotates_the_login_token():
    user = register()
    token = user.login_token

    with pytest.raises(WrongPassword):
        services.change_password(user, "wrong horse battery", NEW_PASSWORD)
    assert user.login_token == token
    services.change_password(user, PASSWORD, NEW_PASSWORD)

    assert user.login_token != token
    assert services.load_user_by_login_token(token) is None
    assert services.load_user_by_login_token(user.login_token) is user
    assert services.authenticate("jan@example.org", NEW_PASSWORD, "10.0.0.1") is user
    assert len(audit("account.password_changed")) == 1


# --- password reset ------------------------------------------------------------

def test_a_reset_token_leads_to_its_person_until_the_password_changes():
    user = register()
    token = services.make_reset_token(user)

    assert services.user_for_reset_token(token) is user
    services.reset_password(user, NEW_PASSWORD)

    assert services.user_for_reset_token(token) is None
    assert [e.verb for e in audit(obj=user)][-1] == "account.password_reset"


@pytest.mark.parametrize("token", ["", "nonsense", "eyJ1IjoxfQ"])
def test_a_malformed_reset_token_leads_nowhere(token):
    register()

    assert services.user_for_reset_token(token) is None


def test_a_reset_token_for_a_missing_person_leads_nowhere():
    user = register()
    token = services.make_reset_token(user)
    services.delete_account(user, PASSWORD)

    assert services.user_for_reset_token(token) is None


def test_request_password_reset_mails_a_link_and_says_nothing_for_unknown_addresses(app):
    from pbflow.core.mail import outbox

    user = register()

    assert services.request_password_reset("Jan@Example.org", "10.0.0.1", lambda t: f"https://x/{t}") is user
    assert services.request_password_reset("nikt@example.org", "10.0.0.1", lambda t: f"https://x/{t}") is None
    [mail] = outbox()
    assert mail.to == "jan@example.org"
    assert "https://x/" in mail.body
    [event] = audit("account.password_reset_requested")
    assert (event.actor_id, event.object_id) == (None, user.id)


# --- roles ---------------------------------------------------------------------

def test_grant_role_is_idempotent_and_audited_once():
    coordinator = register("Anna Nowak", "anna@example.org")
    user = register()

    assert services.grant_role(coordinator, user, Role.AMBASSADOR) is True
    assert services.grant_role(coordinator, user, "ambassador") is False

    assert user.role_names == {Role.AMBASSADOR}
    assert user.roles[0].granted_by_id == coordinator.id
    [event] = audit("role.granted")
    assert (event.actor_id, event.object_id, event.data) == (coordinator.id, user.id, {"role": "ambassador"})


def test_revoke_role_is_idempotent_and_audited_once():
    coordinator = register("Anna Nowak", "anna@example.org")
    user = register()
    services.grant_role(coordinator, user, Role.EXPERT)

    assert services.revoke_role(coordinator, user, Role.EXPERT) is True
    assert services.revoke_role(coordinator, user, Role.EXPERT) is False

    assert user.role_names == set()
    [event] = audit("role.revoked")
    assert (event.actor_id, event.object_id, event.data) == (coordinator.id, user.id, {"role": "expert"})


def test_roles_persist():
    user = register()
    services.grant_role(None, user, Role.COORDINATOR)
    services.grant_role(None, user, Role.EXPERT)
    db.session.flush()
    db.session.expire_all()

    assert db.session.get(User, user.id).has_role(Role.EXPERT)
    assert db.session.get(User, user.id).role_names == {Role.COORDINATOR, Role.EXPERT}


def test_a_coordinator_cannot_revoke_their_own_coordinator_role():
    coordinator = register("Anna Nowak", "anna@example.org")
    services.grant_role(None, coordinator, Role.COORDINATOR)

    with pytest.raises(AccountError):
        services.revoke_role(coordinator, coordinator, Role.COORDINATOR)
    assert coordinator.has_role(Role.COORDINATOR)
    assert audit("role.revoked") == []


def test_a_coordinator_may_drop_other_roles_of_their_own_and_another_coordinator_may_demote_them():
    anna = register("Anna Nowak", "anna@example.org")
    ewa = register("Ewa Wiśniewska", "ewa@example.org")
    for person in (anna, ewa):
        services.grant_role(None, person, Role.COORDINATOR)
    services.grant_role(None, anna, Role.EXPERT)

    assert services.revoke_role(anna, anna, Role.EXPERT) is True
    assert services.revoke_role(ewa, anna, Role.COORDINATOR) is True
    assert anna.role_names == set()


def test_a_deleted_account_cannot_be_given_a_role():
    user = register()
    services.delete_account(user, PASSWORD)

    with pytest.raises(AccountError):
        services.grant_role(None, user, Role.AMBASSADOR)


def test_an_unknown_role_is_refused():
    user = register()

    with pytest.raises(ValueError, match="admin"):
        services.grant_role(None, user, "admin")


# --- search and deletion -------------------------------------------------------

def test_search_finds_by_name_or_address_in_any_letter_case_and_skips_deleted_people():
    jan = register("Jan Zieliński", "jan@example.org")
    anna = register("Anna Nowak", "anna.nowak@example.org")
    gone = register("Jan Nowy", "nowy@example.org")
    services.delete_account(gone, PASSWORD)

    assert db.session.scalars(services.search_users("JAN")).all() == [jan]
    assert db.session.scalars(services.search_users("nowak@")).all() == [anna]
    assert db.session.scalars(services.search_users()).all() == [anna, jan]


def test_delete_account_erases_personal_data_and_keeps_the_trail():
    user = register()
    services.grant_role(None, user, Role.AMBASSADOR)
    token = user.login_token

    with pytest.raises(WrongPassword):
        services.delete_account(user, "wrong horse battery")
    assert user.deleted_at is None
    services.delete_account(user, PASSWORD)

    assert (user.name, user.email, user.password_hash, user.locale) == ("", None, None, None)
    assert user.is_deleted and not user.is_active
    assert user.roles == []
    assert user.login_token != token
    assert user.display_name == "former participant"
    assert [e.verb for e in audit(obj=user)] == ["account.registered", "role.granted", "account.deleted"]
    db.session.flush()
    assert services.find_by_email("jan@example.org") is None
    assert services.load_user_by_login_token(user.login_token) is None


def test_the_export_covers_the_account_and_the_activity():
    user = register()
    services.grant_role(None, user, Role.EXPERT)
    db.session.flush()

    document = services.export_user_data(user)

    assert document["account"]["email"] == "jan@example.org"
    assert document["account"]["roles"] == ["expert"]
    assert [item["action"] for item in document["activity"]] == ["account.registered", "role.granted"]
    assert document["activity"][1]["by_you"] is False
