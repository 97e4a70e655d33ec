"""Verifying units, their experts and the invitations that make someone an expert.

Coordinators create and edit units, invite people by e-mail and remove experts. An invitation
carries a random token only the e-mail holds: the database keeps its SHA-256 hash, so a leaked
database gives no working links. Accepting adds the membership and the expert role; removing
the last membership takes the role away again.
"""

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import joinedload

from pbflow.accounts import services as accounts
from pbflow.accounts import throttle
from pbflow.accounts.models import Role, User
from pbflow.core import audit
from pbflow.core.database import utcnow
from pbflow.core.mail import send_mail
from pbflow.extensions import db
from pbflow.feedback import policy
from pbflow.feedback.models import (
    UnitInvitation,
    UnitInvitationStatus,
    UnitMembership,
    VerifyingUnit,
)

PAGE_SIZE = 50
VALID_DAYS = 14
MAX_PENDING = 50  # open invitations per unit; the unit page lists them all
INVITATIONS_PER_HOUR = 30  # e-mails one coordinator may send; the config may change it
CODE_MAX = 40
EDITABLE = ("name", "short_name", "field", "responsibilities", "contact_email", "contact_phone")


class UnitError(Exception):
    """A rule about units was broken; `field` names the form field the message belongs to, if any."""

    status = 422

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


class NotAllowed(UnitError):
    status = 403


class InvitationGone(UnitError):
    """Accepted, cancelled or expired: the link no longer works (410)."""

    status = 410


@dataclass(frozen=True)
class UnitDetails:
    name: str
    short_name: str
    field: str
    responsibilities: str = ""
    contact_email: str | None = None
    contact_phone: str | None = None


# --- units -------------------------------------------------------------------------------

def name_key(name):
    """What makes two names the same: letter case (Polish letters too) and spacing do not count."""
    return " ".join(unicodedata.normalize("NFC", name or "").split()).casefold()


def slug_for(short_name):
    """ZZM → "zzm", "Zarząd Dróg" → "zarzad-drog": ASCII letters, digits and dashes."""
    text = (short_name or "").replace("ł", "l").replace("Ł", "L")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:CODE_MAX - 4] or "unit"


def _free_code(short_name):
    base = slug_for(short_name)
    taken = set(db.session.scalars(select(VerifyingUnit.code).where(VerifyingUnit.code.startswith(base))))
    code, n = base, 2
    while code in taken:
        code, n = f"{base}-{n}", n + 1
    return code


def _check_name_free(name, unit_id=None):
    """Units are few (tens), so their names are compared in Python, where casefold knows Polish letters."""
    key = name_key(name)
    for other_id, other_name in db.session.execute(select(VerifyingUnit.id, VerifyingUnit.name)):
        if other_id != unit_id and name_key(other_name) == key:
            raise UnitError(_("A unit called “%(name)s” already exists.", name=other_name), field="name")


def _tidy(details):
    return {
        "name": " ".join(details.name.split()),
        "short_name": " ".join(details.short_name.split()),
        "field": " ".join(details.field.split()),
        "responsibilities": (details.responsibilities or "").strip(),
        "contact_email": accounts.normalise_email(details.contact_email) or None,
        "contact_phone": " ".join((details.contact_phone or "").split()) or None,
    }


def create_unit(actor, details):
    if not policy.can_manage_units(actor):
        raise NotAllowed(_("Only coordinators manage verifying units."))
    values = _tidy(details)
    _check_name_free(values["name"])
    unit = VerifyingUnit(code=_free_code(values["short_name"]), **values)
    db.session.add(unit)
    db.session.flush()
    audit.record(actor, "unit.created", unit, code=unit.code)
    return unit


def update_unit(actor, unit, details):
    """Change what the coordinator typed; the code (in links and exports) stays. Returns the changed fields."""
    if not policy.can_manage_units(actor):
        raise NotAllowed(_("Only coordinators manage verifying units."))
    values = _tidy(details)
    _check_name_free(values["name"], unit.id)
    changed = [name for name in EDITABLE if getattr(unit, name) != values[name]]
    for name in changed:
        setattr(unit, name, values[name])
    if changed:
        audit.record(actor, "unit.updated", unit, fields=changed)
        db.session.flush()
    return changed


def page(after_id=None, size=PAGE_SIZE):
    """Units by name, a keyset page: (rows, id of the last row when there are more, or None)."""
    query = select(VerifyingUnit)
    if after_id is not None:
        last_name = db.session.scalar(select(VerifyingUnit.name).where(VerifyingUnit.id == after_id))
        if last_name is not None:
            query = query.where(VerifyingUnit.name > last_name)
    rows = db.session.scalars(query.order_by(VerifyingUnit.name).limit(size + 1)).all()
    return rows[:size], (rows[size - 1].id if len(rows) > size else None)


def get_unit(unit_id, for_update=False):
    query = select(VerifyingUnit).where(VerifyingUnit.id == unit_id)
    if for_update:
        query = query.with_for_update()
    return db.session.scalar(query)


def members(unit):
    """The unit's experts by name, with their accounts (one query)."""
    return db.session.scalars(
        select(UnitMembership).join(User, User.id == UnitMembership.user_id)
        .where(UnitMembership.unit_id == unit.id)
        .options(joinedload(UnitMembership.user))
        .order_by(func.lower(User.name), User.id)).all()


def membership(unit, user_id):
    return db.session.scalar(select(UnitMembership).where(
        UnitMembership.unit_id == unit.id, UnitMembership.user_id == user_id).options(
        joinedload(UnitMembership.user)))


def remove_expert(actor, unit, user):
    """Take a person off the unit; with no unit left they are no longer an expert. Returns whether the role went."""
    if not policy.can_manage_units(actor):
        raise NotAllowed(_("Only coordinators remove experts."))
    removed = membership(unit, user.id)
    if removed is None:
        raise UnitError(_("%(name)s is not an expert of this unit.", name=user.display_name))
    db.session.delete(removed)
    db.session.flush()
    still_member = db.session.scalar(select(exists().where(UnitMembership.user_id == user.id)))
    revoked = False if still_member else accounts.revoke_role(actor, user, Role.EXPERT)
    audit.record(actor, "unit.expert_removed", unit, user_id=user.id, role_revoked=revoked)
    db.session.flush()
    return revoked


# --- invitations ---------------------------------------------------------------------------

def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def masked(email):
    """j•••@example.org: enough to recognise one's own address, not to read someone else's."""
    name, _at, domain = (email or "").partition("@")
    return f"{name[:1]}•••@{domain}" if domain else "•••"


def is_expired(invitation):
    return utcnow() > invitation.expires_at


def pending_invitations(unit):
    """Invitations still waiting for an answer, newest first (at most MAX_PENDING exist)."""
    return db.session.scalars(
        select(UnitInvitation).where(UnitInvitation.unit_id == unit.id,
                                     UnitInvitation.status == UnitInvitationStatus.PENDING.value)
        .order_by(UnitInvitation.created_at.desc(), UnitInvitation.id.desc()).limit(MAX_PENDING)).all()


def by_token(token, for_update=False):
    if not token or len(token) > 200:
        return None
    query = select(UnitInvitation).where(UnitInvitation.token_hash == hash_token(token))
    if for_update:
        query = query.with_for_update(of=UnitInvitation)
    return db.session.scalar(query)


def invitation_by_id(unit, invitation_id):
    return db.session.scalar(select(UnitInvitation).where(
        UnitInvitation.id == invitation_id, UnitInvitation.unit_id == unit.id).with_for_update(of=UnitInvitation))


def invite(actor, unit, email, link_for):
    """E-mail `email` a link that makes its holder an expert of `unit`; `link_for(token)` makes the link."""
    if not policy.can_manage_units(actor):
        raise NotAllowed(_("Only coordinators invite experts."))
    key = accounts.normalise_email(email)
    if db.session.scalar(select(exists().where(UnitMembership.unit_id == unit.id, UnitMembership.user_id == User.id,
                                               User.email == key))):
        raise UnitError(_("%(email)s is already an expert of this unit.", email=key), field="email")
    waiting = db.session.scalars(select(UnitInvitation).where(
        UnitInvitation.unit_id == unit.id, UnitInvitation.email == key,
        UnitInvitation.status == UnitInvitationStatus.PENDING.value)).all()
    if any(not is_expired(w) for w in waiting):
        raise UnitError(_("%(email)s has already been invited and has not answered yet.", email=key), field="email")
    for expired in waiting:  # make way for a fresh link
        _close(actor, expired, UnitInvitationStatus.CANCELLED, expired=True)
    if len(pending_invitations(unit)) >= MAX_PENDING:
        raise UnitError(_("This unit already has %(count)d invitations waiting. Cancel some before inviting more "
                          "people.", count=MAX_PENDING), field="email")
    _count_invitation(actor)
    token = secrets.token_urlsafe(32)
    now = utcnow()
    invitation = UnitInvitation(unit_id=unit.id, email=key, token_hash=hash_token(token),
                                status=UnitInvitationStatus.PENDING.value, invited_by_id=actor.id,
                                created_at=now, expires_at=now + timedelta(days=VALID_DAYS))
    db.session.add(invitation)
    db.session.flush()
    audit.record(actor, "unit.expert_invited", unit, invitation_id=invitation.id)
    _send_invitation(actor, unit, invitation, link_for(token))
    return invitation


def _count_invitation(actor):
    """Every invitation is an e-mail sent in our name: a coordinator may send only so many an hour."""
    limit = current_app.config.get("UNIT_INVITATIONS_PER_HOUR", INVITATIONS_PER_HOUR)
    bucket = f"unit-invite:user:{actor.id}"
    try:
        throttle.check([bucket], limit, 3600)
    except throttle.Throttled:
        raise UnitError(_("You have sent %(count)d invitations in the last hour. Wait an hour before inviting "
                          "more people.", count=limit), field="email") from None
    throttle.count_attempt(bucket)


def _send_invitation(actor, unit, invitation, link):
    """In the invited person's language when they have an account, else in Polish (the default)."""
    invitee = accounts.find_by_email(invitation.email)
    locale = ((invitee.locale if invitee is not None and not invitee.is_deleted else None)
              or current_app.config["BABEL_DEFAULT_LOCALE"])
    with force_locale(locale):
        body = render_template("feedback/units/mail/invitation.txt", inviter=actor, unit=unit, invitee=invitee,
                               url=link, days=VALID_DAYS)
        send_mail(invitation.email, _("You are invited to give expert feedback for %(unit)s", unit=unit.name), body)


def _close(actor, invitation, status, user=None, **data):
    """Move a pending invitation on; the WHERE on status makes a second answer match nothing."""
    result = db.session.execute(
        update(UnitInvitation)
        .where(UnitInvitation.id == invitation.id, UnitInvitation.status == UnitInvitationStatus.PENDING.value)
        .values(status=status.value, answered_at=utcnow(), accepted_by_id=getattr(user, "id", None))
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise InvitationGone(_("This invitation has already been accepted or cancelled."))
    db.session.expire(invitation, ["status", "answered_at", "accepted_by_id"])
    verb = {UnitInvitationStatus.CANCELLED: "unit.invitation_cancelled",
            UnitInvitationStatus.ACCEPTED: "unit.expert_joined"}[status]
    extra = {"user_id": user.id} if user is not None else {}
    audit.record(actor, verb, invitation.unit, invitation_id=invitation.id, **extra, **data)


def cancel_invitation(actor, invitation):
    if not policy.can_manage_units(actor):
        raise NotAllowed(_("Only coordinators cancel invitations."))
    _close(actor, invitation, UnitInvitationStatus.CANCELLED)
    db.session.flush()


def check_open(invitation):
    """Raise InvitationGone unless the link can still be used."""
    state = UnitInvitationStatus(invitation.status)
    if state is UnitInvitationStatus.ACCEPTED:
        raise InvitationGone(_("This invitation has already been accepted. Its link works only once."))
    if state is UnitInvitationStatus.CANCELLED:
        raise InvitationGone(_("A coordinator has cancelled this invitation."))
    if is_expired(invitation):
        raise InvitationGone(_("This invitation expired after %(days)d days. Ask the coordinator to invite you "
                               "again.", days=VALID_DAYS))


def accept(user, invitation):
    """The holder of the link joins the unit as an expert (whatever address their account has)."""
    check_open(invitation)
    _close(user, invitation, UnitInvitationStatus.ACCEPTED, user=user,
           other_address=user.email != invitation.email)
    if db.session.get(UnitMembership, (invitation.unit_id, user.id)) is None:
        db.session.add(UnitMembership(unit_id=invitation.unit_id, user_id=user.id))
    accounts.grant_role(user, user, Role.EXPERT)
    db.session.flush()
    return invitation.unit


def register_and_accept(invitation, name, password, locale=None, ip=None):
    """A new account for the invited address, made an expert at once. Raises accounts.EmailTaken, Throttled."""
    check_open(invitation)
    user = accounts.register(name, invitation.email, password, locale=locale, ip=ip)
    accept(user, invitation)
    return user
