"""Co-authors and visibility: the lead invites by e-mail; the invited person accepts or declines.

An invitation carries a random token that only the e-mail holds: the database keeps its
SHA-256 hash, so a leaked database gives no working links. Accepting is the invited
person's consent to be named as a co-author; only then does a ProposalAuthor exist.
There is one lead at all times (a partial unique index holds it): handing over demotes
the old lead before promoting the new one, in one transaction. The lead also chooses
who sees the draft and publishes or unpublishes the proposal.
"""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from pbflow.accounts import services as accounts
from pbflow.accounts import throttle
from pbflow.core import audit
from pbflow.core.database import utcnow
from pbflow.core.mail import send_mail
from pbflow.extensions import db
from pbflow.proposals import policy
from pbflow.proposals.models import (
    AuthorRole,
    DraftVisibility,
    InvitationStatus,
    ProposalAuthor,
    ProposalInvitation,
    ProposalStatus,
)
from pbflow.proposals.rules import NotAllowed, ProposalError, pending_invitations

MAX_PENDING = 20  # open invitations per proposal: enough for a neighbourhood, too few for spam
VALID_DAYS = 30
INVITATIONS_PER_HOUR = 20  # e-mails one person may send; the config may lower or raise it
LIST_LIMIT = 50  # invitations shown on the authors page (pending ones are at most MAX_PENDING)
# Once on the official platform a proposal stays public; a merged one is kept as its survivor's history.
NO_PUBLISHING = frozenset({ProposalStatus.WITHDRAWN, ProposalStatus.MERGED})
NO_UNPUBLISHING = frozenset({ProposalStatus.SUBMITTED, ProposalStatus.MERGED})


class InvitationError(ProposalError):
    """The invitation cannot be sent or answered; the message says why."""


class InvitationGone(InvitationError):
    """Cancelled, answered already, expired, or the proposal is closed: 410."""


class WrongAccount(InvitationError):
    """Signed in with another address than the one invited: 403."""


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def pending_count(proposal):
    return pending_invitations(proposal)


def expires_at(invitation):
    return invitation.created_at + timedelta(days=VALID_DAYS)


def is_expired(invitation):
    return utcnow() > expires_at(invitation)


def masked(email):
    """j•••@example.org: enough to recognise one's own address, not to read someone else's."""
    name, _at, domain = (email or "").partition("@")
    return f"{name[:1]}•••@{domain}" if domain else "•••"


# --- reading -------------------------------------------------------------------------

def for_proposal(proposal):
    """The invitations not turned into authors (pending first, then the latest answers), one query."""
    pending_first = (ProposalInvitation.status != InvitationStatus.PENDING.value)
    return db.session.scalars(
        select(ProposalInvitation)
        .where(ProposalInvitation.proposal_id == proposal.id,
               ProposalInvitation.status != InvitationStatus.ACCEPTED.value)
        .options(joinedload(ProposalInvitation.invited_by))
        .order_by(pending_first, ProposalInvitation.created_at.desc(), ProposalInvitation.id.desc())
        .limit(LIST_LIMIT)).all()


def by_token(token, for_update=False):
    """The invitation this link names, with its proposal and who sent it, or None."""
    if not token or len(token) > 200:
        return None
    query = (select(ProposalInvitation).where(ProposalInvitation.token_hash == hash_token(token))
             .options(joinedload(ProposalInvitation.proposal), joinedload(ProposalInvitation.invited_by)))
    if for_update:
        query = query.with_for_update(of=ProposalInvitation)
    return db.session.scalar(query)


def by_id(proposal, invitation_id):
    return db.session.scalar(select(ProposalInvitation).where(
        ProposalInvitation.id == invitation_id, ProposalInvitation.proposal_id == proposal.id).with_for_update())


# --- inviting --------------------------------------------------------------------------

def invite(actor, proposal, email, link_for):
    """Invite `email` to co-author; `link_for(token)` makes the absolute link for the e-mail.

    `proposal.authors` must be loaded with their users. Returns the invitation.
    """
    if not policy.can_manage_authors(actor, proposal):
        raise NotAllowed(_("Only the lead author can invite co-authors."))
    key = accounts.normalise_email(email)
    if any(a.user is not None and a.user.email == key for a in proposal.authors):
        raise InvitationError(_("%(email)s is already an author of this proposal.", email=key))
    waiting = db.session.scalar(select(ProposalInvitation).where(
        ProposalInvitation.proposal_id == proposal.id, ProposalInvitation.email_key == key,
        ProposalInvitation.status == InvitationStatus.PENDING.value))
    if waiting is not None and not is_expired(waiting):
        raise InvitationError(_("%(email)s has already been invited and has not answered yet.", email=key))
    if waiting is not None:  # an expired link: make way for a fresh one
        _close(actor, proposal, waiting, InvitationStatus.CANCELLED, expired=True)
    if pending_count(proposal) >= MAX_PENDING:
        raise InvitationError(_("This proposal already has %(count)d invitations waiting for an answer. "
                                "Cancel some of them before inviting more people.", count=MAX_PENDING))
    _count_invitation(actor)
    token = secrets.token_urlsafe(32)
    invitation = ProposalInvitation(proposal_id=proposal.id, email=email.strip(), email_key=key,
                                    token_hash=hash_token(token), status=InvitationStatus.PENDING.value,
                                    invited_by_id=actor.id, created_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(invitation)
    except IntegrityError:  # the same address invited by a parallel request a moment ago
        raise InvitationError(_("%(email)s has already been invited and has not answered yet.",
                                email=key)) from None
    audit.record(actor, "proposal.author_invited", proposal, invitation_id=invitation.id)
    _send_invitation(actor, proposal, invitation, link_for(token))
    return invitation


def _count_invitation(actor):
    """Every invitation is an e-mail sent in our name: a person may send only so many an hour (database
    throttle, so the limit holds across workers), whichever proposals they lead."""
    limit = current_app.config.get("INVITATIONS_PER_HOUR", INVITATIONS_PER_HOUR)
    bucket = f"invite:user:{actor.id}"
    try:
        throttle.check([bucket], limit, 3600)
    except throttle.Throttled:
        raise InvitationError(_("You have sent %(count)d invitations in the last hour. Wait an hour before "
                                "inviting more people.", count=limit)) from None
    throttle.count_attempt(bucket)


def _send_invitation(actor, proposal, invitation, link):
    invitee = accounts.find_by_email(invitation.email_key)
    locale = ((invitee.locale if invitee is not None and not invitee.is_deleted else None)
              or actor.locale or current_app.config["BABEL_DEFAULT_LOCALE"])
    with force_locale(locale):
        body = render_template("proposals/mail/invitation.txt", inviter=actor, proposal=proposal,
                               invitee=invitee, url=link, days=VALID_DAYS)
        send_mail(invitation.email, _("%(name)s invites you to co-author a participatory-budget proposal",
                                      name=actor.name), body)


def cancel(actor, proposal, invitation):
    if not policy.can_manage_authors(actor, proposal):
        raise NotAllowed(_("Only the lead author can cancel invitations."))
    if invitation.state is not InvitationStatus.PENDING:
        raise InvitationGone(_("This invitation is no longer waiting for an answer (%(status)s).",
                               status=invitation.state.title))
    _close(actor, proposal, invitation, InvitationStatus.CANCELLED)


def _close(actor, proposal, invitation, status, user=None, **data):
    """Move a pending invitation on; the WHERE on status makes a second answer match nothing."""
    result = db.session.execute(
        update(ProposalInvitation)
        .where(ProposalInvitation.id == invitation.id,
               ProposalInvitation.status == InvitationStatus.PENDING.value)
        .values(status=status.value, responded_at=utcnow(), user_id=getattr(user, "id", None))
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise InvitationGone(_("This invitation has already been answered or cancelled."))
    db.session.expire(invitation, ["status", "responded_at", "user_id"])
    verb = {InvitationStatus.CANCELLED: "proposal.invitation_cancelled",
            InvitationStatus.DECLINED: "proposal.invitation_declined",
            InvitationStatus.ACCEPTED: "proposal.author_joined"}[status]
    extra = {"user_id": user.id} if user is not None else {}
    audit.record(actor, verb, proposal, invitation_id=invitation.id, **extra, **data)


# --- answering -----------------------------------------------------------------------

def check_answerable(user, invitation):
    """Raise WrongAccount or InvitationGone unless `user` may answer this invitation now."""
    if not policy.signed_in(user) or user.email != invitation.email_key:
        raise WrongAccount(_("This invitation was sent to %(email)s. Log in with the account of that address "
                             "to answer it, or ask the lead author to invite the address you use here.",
                             email=masked(invitation.email_key)))
    if invitation.state is not InvitationStatus.PENDING:
        raise InvitationGone({
            InvitationStatus.ACCEPTED: _("This invitation has already been accepted."),
            InvitationStatus.DECLINED: _("This invitation has already been declined."),
            InvitationStatus.CANCELLED: _("The lead author has cancelled this invitation."),
        }[invitation.state])
    if is_expired(invitation):
        raise InvitationGone(_("This invitation expired after %(days)d days. Ask the lead author to invite you again.",
                               days=VALID_DAYS))
    if invitation.proposal.state in policy.FINAL:
        raise InvitationGone(_("This proposal is closed (%(status)s) and takes no new co-authors.",
                               status=invitation.proposal.state.title))


def accept(user, invitation):
    """The invited person agrees to be named as a co-author (their consent) and can edit from now on."""
    check_answerable(user, invitation)
    proposal = invitation.proposal
    _close(user, proposal, invitation, InvitationStatus.ACCEPTED, user=user)
    if policy.author_role(user, proposal) is None:
        db.session.add(ProposalAuthor(proposal_id=proposal.id, user_id=user.id,
                                      role=AuthorRole.CO_AUTHOR.value, consent_at=utcnow()))
    db.session.flush()
    return proposal


def decline(user, invitation):
    check_answerable(user, invitation)
    _close(user, invitation.proposal, invitation, InvitationStatus.DECLINED, user=user)
    db.session.flush()


# --- authors ---------------------------------------------------------------------------

def _author(proposal, user_id):
    author = next((a for a in proposal.authors if a.user_id == user_id), None)
    if author is None:
        raise ProposalError(_("This person is not an author of the proposal."))
    return author


def remove_author(actor, proposal, user_id):
    """The lead removes a co-author, or a co-author leaves; the lead hands over before leaving."""
    leaving = policy.signed_in(actor) and actor.id == user_id
    if not leaving and not policy.can_manage_authors(actor, proposal):
        raise NotAllowed(_("Only the lead author can remove co-authors."))
    if leaving and not policy.is_author(actor, proposal):
        raise NotAllowed(_("You are not an author of this proposal."))
    author = _author(proposal, user_id)
    if author.is_lead:
        raise ProposalError(_("The lead author cannot leave the proposal. Hand over the lead to a co-author first."))
    if leaving and proposal.state is ProposalStatus.SUBMITTED:
        raise ProposalError(_("The proposal has been submitted with its authors, so they cannot change any more."))
    proposal.authors.remove(author)
    audit.record(actor, "proposal.author_removed", proposal, user_id=user_id, left=leaving)
    db.session.flush()


def hand_over(actor, proposal, user_id):
    """Make a co-author the lead; the old lead stays as a co-author. One lead at every moment."""
    if not policy.can_manage_authors(actor, proposal):
        raise NotAllowed(_("Only the lead author can hand over the lead."))
    new_lead = _author(proposal, user_id)
    if new_lead.is_lead:
        raise ProposalError(_("This person is already the lead author."))
    old_lead = _author(proposal, actor.id)
    # Demote first and flush: the partial unique index allows no moment with two leads.
    old_lead.role = AuthorRole.CO_AUTHOR.value
    db.session.flush()
    new_lead.role = AuthorRole.LEAD.value
    db.session.flush()
    audit.record(actor, "proposal.lead_handed_over", proposal, from_user_id=actor.id, to_user_id=user_id)
    db.session.flush()


# --- visibility ----------------------------------------------------------------------

def set_visibility(actor, proposal, visibility):
    """Who sees the draft before it is public. Returns False when nothing changed."""
    if not policy.can_set_visibility(actor, proposal):
        raise NotAllowed(_("Only the lead author decides who sees the proposal."))
    if proposal.state in policy.FINAL:
        raise ProposalError(_("The proposal is closed (%(status)s); its visibility stays as it is.",
                              status=proposal.state.title))
    visibility = DraftVisibility(visibility)
    if proposal.draft_visibility == visibility.value:
        return False
    previous, proposal.draft_visibility = proposal.draft_visibility, visibility.value
    audit.record(actor, "proposal.visibility_changed", proposal, **{"from": previous, "to": visibility.value})
    db.session.flush()
    return True


def publish(actor, proposal):
    """Everyone, signed in or not, can read the proposal from now on."""
    if not policy.can_set_visibility(actor, proposal):
        raise NotAllowed(_("Only the lead author can publish the proposal."))
    if proposal.state in NO_PUBLISHING:
        raise ProposalError(_("A proposal that is “%(status)s” cannot be published.", status=proposal.state.title))
    if proposal.is_public:
        return False
    proposal.is_public, proposal.published_at = True, utcnow()
    audit.record(actor, "proposal.published", proposal, version=proposal.current_version)
    db.session.flush()
    return True


def unpublish(actor, proposal):
    """Back to the draft visibility; not once the proposal is on the official platform."""
    if not policy.can_set_visibility(actor, proposal):
        raise NotAllowed(_("Only the lead author can unpublish the proposal."))
    if proposal.state in NO_UNPUBLISHING:
        raise ProposalError(_("A proposal that is “%(status)s” stays public.", status=proposal.state.title))
    if not proposal.is_public:
        return False
    proposal.is_public, proposal.published_at = False, None
    audit.record(actor, "proposal.unpublished", proposal)
    db.session.flush()
    return True
