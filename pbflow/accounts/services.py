"""Account rules. Services change state and write audit events; views commit."""

import hashlib

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from pbflow.accounts import throttle
from pbflow.accounts.models import Role, User, UserRole, new_login_token
from pbflow.accounts.passwords import hash_password, verify_password
from pbflow.core import audit
from pbflow.core.database import utcnow
from pbflow.core.mail import send_mail
from pbflow.extensions import db

PRIVACY_NOTICE_VERSION = "2026-11"
RESET_SALT = "pbflow-password-reset"


class AccountError(Exception):
    """A rule about accounts was broken; the message is shown to the user."""


class EmailTaken(AccountError):
    pass


class WrongPassword(AccountError):
    pass


def normalise_email(email):
    return (email or "").strip().lower()


# Flask-Login's user loader runs on every signed-in request: its statement is built once, and the roles (which
# the navigation and the access rules read on every page) come in the same query rather than a second one.
_BY_LOGIN_TOKEN = (select(User).options(joinedload(User.roles))
                   .where(User.login_token == bindparam("token"), User.deleted_at.is_(None)))


def load_user_by_login_token(token):
    return db.session.scalars(_BY_LOGIN_TOKEN, {"token": token}).unique().one_or_none()


def find_by_email(email):
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def register(name, email, password, locale=None, ip=None):
    email = normalise_email(email)
    if ip:
        throttle.check([f"register:ip:{ip}"], current_app.config["REGISTRATIONS_PER_HOUR"], 3600)
        throttle.count_attempt(f"register:ip:{ip}")
    if find_by_email(email) is not None:
        raise EmailTaken(_("An account with this e-mail address already exists. Log in or reset your password."))
    user = User(name=name.strip(), email=email, password_hash=hash_password(password), locale=locale,
                consented_at=utcnow(), privacy_version=PRIVACY_NOTICE_VERSION)
    db.session.add(user)
    db.session.flush()
    audit.record(user, "account.registered", user)
    return user


def authenticate(email, password, ip):
    """The user for these credentials, or None; raises Throttled past the failure limit."""
    email = normalise_email(email)
    buckets = [f"login-fail:ip:{ip}", f"login-fail:account:{email}"]
    throttle.check(buckets, current_app.config["LOGIN_FAILURES_PER_MINUTE"], 60)
    user = find_by_email(email)
    # Always check a hash, so an unknown address takes as long as a wrong password.
    password_ok = verify_password(user.password_hash if user else None, password)
    if user is None or user.is_deleted or not password_ok:
        throttle.count_attempt(*buckets)
        return None
    user.last_login_at = utcnow()
    audit.record(user, "account.logged_in", user)
    return user


def update_profile(user, name, locale):
    changes = {}
    if name.strip() != user.name:
        changes["name"] = True
        user.name = name.strip()
    if locale != user.locale:
        changes["locale"] = locale
        user.locale = locale
    if changes:
        audit.record(user, "account.profile_changed", user, **changes)
    return bool(changes)


def set_locale(user, locale):
    if user.locale != locale:
        user.locale = locale
        audit.record(user, "account.profile_changed", user, locale=locale)


def _set_password(user, password):
    user.password_hash = hash_password(password)
    user.login_token = new_login_token()  # every other session is signed out


def _confirm_own_password(user, password, message):
    """A signed-in person retyping their password: wrong guesses count like failed log-ins,
    so a stolen session cannot be used to guess the password without limit."""
    bucket = f"login-fail:account:{user.email}"
    throttle.check([bucket], current_app.config["LOGIN_FAILURES_PER_MINUTE"], 60)
    if not verify_password(user.password_hash, password):
        throttle.count_attempt(bucket)
        raise WrongPassword(message)


def change_password(user, current_password, new_password):
    _confirm_own_password(user, current_password, _("The current password is not correct."))
    _set_password(user, new_password)
    audit.record(user, "account.password_changed", user)


# --- password reset -------------------------------------------------------

def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _fingerprint(user):
    """Changes with the password, so a token works once."""
    return hashlib.sha256(f"{user.password_hash}:{user.login_token}".encode()).hexdigest()[:20]


def make_reset_token(user):
    return _serializer().dumps({"u": user.id, "f": _fingerprint(user)})


def user_for_reset_token(token):
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except (SignatureExpired, BadSignature):
        return None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or user.is_deleted or data.get("f") != _fingerprint(user):
        return None
    return user


def request_password_reset(email, ip, reset_url_for):
    """Mail a reset link if the address is registered; say nothing either way."""
    email = normalise_email(email)
    buckets = [f"reset:ip:{ip}", f"reset:account:{email}"]
    throttle.check(buckets, current_app.config["RESETS_PER_HOUR"], 3600)
    throttle.count_attempt(*buckets)
    user = find_by_email(email)
    if user is None or user.is_deleted:
        return None
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = render_template("accounts/mail/reset_password.txt", user=user,
                               url=reset_url_for(make_reset_token(user)),
                               minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60)
        send_mail(user.email, _("Reset your pbflow password"), body)
    audit.record(None, "account.password_reset_requested", user)
    return user


def reset_password(user, new_password):
    _set_password(user, new_password)
    audit.record(user, "account.password_reset", user)


# --- roles ----------------------------------------------------------------

def grant_role(actor, user, role):
    role = Role(role)
    if user.is_deleted:
        raise AccountError(_("This account has been deleted."))
    if user.has_role(role):
        return False
    user.roles.append(UserRole(role=role.value, granted_by_id=getattr(actor, "id", None)))
    audit.record(actor, "role.granted", user, role=role.value)
    return True


def revoke_role(actor, user, role):
    role = Role(role)
    if role is Role.COORDINATOR and actor is not None and actor.id == user.id:
        raise AccountError(_("You cannot take the coordinator role from yourself. Ask another coordinator."))
    grant = next((r for r in user.roles if r.role == role.value), None)
    if grant is None:
        return False
    user.roles.remove(grant)
    audit.record(actor, "role.revoked", user, role=role.value)
    return True


def search_users(text=None):
    query = (select(User).options(selectinload(User.roles)).where(User.deleted_at.is_(None))
             .order_by(func.lower(User.name), User.id))
    if text:
        needle = text.strip().lower()
        query = query.where(or_(func.lower(User.name).contains(needle, autoescape=True),
                                User.email.contains(needle, autoescape=True)))
    return query


# --- the user's own data (RODO) -------------------------------------------

def erase_personal_data(user):
    """Run every domain's eraser (see pbflow.accounts.exports.eraser)."""
    from pbflow.accounts.exports import ERASERS

    for erase in ERASERS:
        erase(user)


def export_user_data(user):
    from pbflow.accounts.exports import collect

    return collect(user)


def delete_account(user, password):
    """Erase personal data; what the person wrote stays, signed 'former participant'."""
    _confirm_own_password(user, password, _("The password is not correct."))
    email = user.email
    user.name = ""
    user.email = None
    user.password_hash = None
    user.locale = None
    user.login_token = new_login_token()
    user.deleted_at = utcnow()
    user.roles.clear()
    throttle.forget(email)
    erase_personal_data(user)
    audit.record(user, "account.deleted", user)
