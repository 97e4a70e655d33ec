"""Authors and visibility of a proposal: invitations by e-mail, answering them, the lead, who sees the draft."""

from flask import Blueprint, abort, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pbflow.core.web.htmx import render, see_other
from pbflow.core.web.permissions import authorize, signed_in
from pbflow.core.web.urls import external_url
from pbflow.extensions import db
from pbflow.proposals import invitations, policy
from pbflow.proposals.forms import authors as forms
from pbflow.proposals.models import AuthorRole, DraftVisibility
from pbflow.proposals.services import NotAllowed, ProposalError
from pbflow.proposals.views.pages import load_for_change as _load

bp = Blueprint("proposal_authors", __name__, url_prefix="/proposals")


def _actor():
    return current_user._get_current_object()




def _may_see_page(proposal):
    return policy.is_author(current_user, proposal) or policy.is_coordinator(current_user)


def _page(proposal, status=200, invite_form=None, visibility_form=None, error=None):
    authorize(_may_see_page(proposal))
    if visibility_form is None:
        visibility_form = forms.VisibilityForm(formdata=None, draft_visibility=proposal.draft_visibility)
    authors = sorted(proposal.authors, key=lambda a: (a.role != AuthorRole.LEAD.value, a.consent_at, a.user_id))
    return render(
        "proposals/authors.html", "proposals/_invite_form.html", status=status,
        proposal=proposal, authors=authors, invitations=invitations.for_proposal(proposal),
        invite_form=invite_form or forms.InviteForm(formdata=None), visibility_form=visibility_form,
        error=error, policy=policy, is_expired=invitations.is_expired, masked=invitations.masked, expires_at=invitations.expires_at,
        max_pending=invitations.MAX_PENDING, valid_days=invitations.VALID_DAYS, no_publishing=invitations.NO_PUBLISHING,
        no_unpublishing=invitations.NO_UNPUBLISHING, final=policy.FINAL)


def _done(proposal, message):
    db.session.commit()
    flash(message, "success")
    return see_other(url_for(".authors", proposal_id=proposal.id))


def _refused(proposal, error):
    """A rule said no: 403 for who acts, 409 with the page and its message for the proposal's state."""
    db.session.rollback()
    if isinstance(error, NotAllowed):
        abort(403)
    return _page(_load(proposal.id), status=409, error=str(error))


@bp.route("/<int:proposal_id>/authors")
@signed_in
def authors(proposal_id):
    return _page(_load(proposal_id))


@bp.route("/<int:proposal_id>/authors", methods=["POST"])
@signed_in
def invite(proposal_id):
    proposal = _load(proposal_id, lock=True)
    authorize(policy.can_manage_authors(current_user, proposal))
    form = forms.InviteForm()
    if not form.validate_on_submit():
        return _page(proposal, status=422, invite_form=form)
    try:
        invitations.invite(_actor(), proposal, form.email.data,
                           lambda token: external_url(".invitation", token=token))
    except NotAllowed:
        abort(403)
    except ProposalError as error:
        db.session.rollback()
        form.email.errors = [str(error)]
        return _page(_load(proposal_id), status=422, invite_form=form)
    return _done(proposal, _("The invitation has been sent to %(email)s.", email=form.email.data))


@bp.route("/<int:proposal_id>/invitations/<int:invitation_id>/cancel", methods=["POST"])
@signed_in
def cancel(proposal_id, invitation_id):
    proposal = _load(proposal_id, lock=True)
    authorize(policy.can_manage_authors(current_user, proposal))
    invitation = invitations.by_id(proposal, invitation_id)
    if invitation is None:
        abort(404)
    try:
        invitations.cancel(_actor(), proposal, invitation)
    except ProposalError as error:
        return _refused(proposal, error)
    return _done(proposal, _("The invitation to %(email)s has been cancelled; its link no longer works.",
                             email=invitation.email))


@bp.route("/<int:proposal_id>/authors/<int:user_id>/remove", methods=["POST"])
@signed_in
def remove(proposal_id, user_id):
    proposal = _load(proposal_id, lock=True)
    leaving = user_id == current_user.id
    author = next((a for a in proposal.authors if a.user_id == user_id), None)
    name = author.user.display_name if author is not None else ""
    try:
        invitations.remove_author(_actor(), proposal, user_id)
    except ProposalError as error:
        return _refused(proposal, error)
    if leaving:
        db.session.commit()
        flash(_("You are no longer an author of “%(title)s”.", title=proposal.title), "success")
        target = (url_for("proposals.show", proposal_id=proposal.id) if policy.can_view(current_user, proposal)
                  else url_for("home.index"))
        return see_other(target)
    return _done(proposal, _("%(name)s is no longer a co-author.", name=name))


@bp.route("/<int:proposal_id>/authors/<int:user_id>/lead", methods=["POST"])
@signed_in
def hand_over(proposal_id, user_id):
    proposal = _load(proposal_id, lock=True)
    author = next((a for a in proposal.authors if a.user_id == user_id), None)
    try:
        invitations.hand_over(_actor(), proposal, user_id)
    except ProposalError as error:
        return _refused(proposal, error)
    return _done(proposal, _("%(name)s is now the lead author; you remain a co-author.",
                             name=author.user.display_name))


@bp.route("/<int:proposal_id>/visibility", methods=["POST"])
@signed_in
def visibility(proposal_id):
    proposal = _load(proposal_id, lock=True)
    authorize(policy.can_set_visibility(current_user, proposal))
    form = forms.VisibilityForm()
    if not form.validate_on_submit():
        return _page(proposal, status=422, visibility_form=form)
    try:
        changed = invitations.set_visibility(_actor(), proposal, form.draft_visibility.data)
    except ProposalError as error:
        return _refused(proposal, error)
    if not changed:
        return _done(proposal, _("Nothing has changed."))
    return _done(proposal, _("Saved: %(choice)s.", choice=DraftVisibility(proposal.draft_visibility).title))


@bp.route("/<int:proposal_id>/publish", methods=["POST"])
@signed_in
def publish(proposal_id):
    proposal = _load(proposal_id, lock=True)
    try:
        invitations.publish(_actor(), proposal)
    except ProposalError as error:
        return _refused(proposal, error)
    return _done(proposal, _("The proposal is public: everyone can read it, also without an account."))


@bp.route("/<int:proposal_id>/unpublish", methods=["POST"])
@signed_in
def unpublish(proposal_id):
    proposal = _load(proposal_id, lock=True)
    try:
        invitations.unpublish(_actor(), proposal)
    except ProposalError as error:
        return _refused(proposal, error)
    return _done(proposal, _("The proposal is no longer public."))


# --- the invited person ----------------------------------------------------------------

def _invitation_page(invitation, status=200, error=None):
    return render("proposals/invitation.html", status=status, invitation=invitation, error=error,
                  http_status=status, expires_at=invitations.expires_at(invitation))


def _answerable(token, for_update=False):
    """The invitation and the reason it cannot be answered (a response), or (invitation, None)."""
    invitation = invitations.by_token(token, for_update=for_update)
    if invitation is None:
        abort(404)
    try:
        invitations.check_answerable(_actor(), invitation)
    except invitations.WrongAccount as error:
        return invitation, _invitation_page(invitation, status=403, error=str(error))
    except invitations.InvitationGone as error:
        return invitation, _invitation_page(invitation, status=410, error=str(error))
    return invitation, None


@bp.route("/invitations/<token>")
@signed_in  # the login page brings the invited person back here
def invitation(token):
    invitation, refusal = _answerable(token)
    return refusal or _invitation_page(invitation)


@bp.route("/invitations/<token>/accept", methods=["POST"])
@signed_in
def accept(token):
    invitation, refusal = _answerable(token, for_update=True)
    if refusal:
        db.session.rollback()
        return refusal
    try:
        proposal = invitations.accept(_actor(), invitation)
    except invitations.InvitationError as error:
        db.session.rollback()
        return _invitation_page(invitations.by_token(token), status=410, error=str(error))
    db.session.commit()
    flash(_("Welcome on board: you are now a co-author of “%(title)s” and can edit it.", title=proposal.title),
          "success")
    return see_other(url_for("proposals.show", proposal_id=proposal.id))


@bp.route("/invitations/<token>/decline", methods=["POST"])
@signed_in
def decline(token):
    invitation, refusal = _answerable(token, for_update=True)
    if refusal:
        db.session.rollback()
        return refusal
    try:
        invitations.decline(_actor(), invitation)
    except invitations.InvitationError as error:
        db.session.rollback()
        return _invitation_page(invitations.by_token(token), status=410, error=str(error))
    db.session.commit()
    flash(_("You have declined the invitation. The lead author will see it; you will not be named."), "success")
    return see_other(url_for("home.index"))
