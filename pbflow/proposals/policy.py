"""Who may see and change a proposal. The one place these questions are answered."""

from sqlalchemy import select

from pbflow.accounts.models import Role
from pbflow.ambassadors.policy import is_ambassador_of
from pbflow.extensions import db
from pbflow.proposals import hooks
from pbflow.proposals.models import AuthorRole, DraftVisibility, ProposalAuthor, ProposalStatus

FINAL = frozenset({ProposalStatus.SUBMITTED, ProposalStatus.WITHDRAWN, ProposalStatus.MERGED})
# Content can change while drafting and revising; a feedback_received proposal moves to
# revising on its first save. Experts review a fixed text, and a ready one is reopened first.
EDITABLE = frozenset({ProposalStatus.DRAFT, ProposalStatus.FEEDBACK_RECEIVED, ProposalStatus.REVISING})


def signed_in(user):
    return user is not None and user.is_authenticated and not getattr(user, "is_deleted", False)


def is_coordinator(user):
    return signed_in(user) and user.has_role(Role.COORDINATOR)


def is_expert(user):
    return signed_in(user) and user.has_role(Role.EXPERT)


def author_role(user, proposal):
    """"lead", "co_author" or None; uses proposal.authors when loaded, else one query."""
    if not signed_in(user):
        return None
    if "authors" in proposal.__dict__:
        return next((a.role for a in proposal.authors if a.user_id == user.id), None)
    return db.session.scalar(select(ProposalAuthor.role).where(
        ProposalAuthor.proposal_id == proposal.id, ProposalAuthor.user_id == user.id))


def is_author(user, proposal):
    return author_role(user, proposal) is not None


def is_lead(user, proposal):
    return author_role(user, proposal) == AuthorRole.LEAD.value


def is_area_ambassador(user, proposal):
    return (signed_in(user) and proposal.area_id is not None
            and is_ambassador_of(user, proposal.area_id, proposal.edition_id))


def can_start(user):
    return signed_in(user)


def can_view(user, proposal):
    if proposal.is_public:
        return True
    if not signed_in(user):
        return False
    if is_coordinator(user) or is_author(user, proposal):
        return True
    if hooks.may_view(user, proposal):
        return True  # e.g. experts of a unit the proposal was routed to (Stage III registers it)
    if proposal.draft_visibility == DraftVisibility.EDITION.value:
        return True
    return is_area_ambassador(user, proposal)


def can_edit(user, proposal, check_state=True):
    """Authors edit; the area's ambassador helps edit drafts; coordinators may correct."""
    if check_state and proposal.state not in EDITABLE:
        return False
    if is_author(user, proposal) or is_coordinator(user):
        return True
    return proposal.state is ProposalStatus.DRAFT and is_area_ambassador(user, proposal)


def can_manage_authors(user, proposal):
    """The lead invites and removes co-authors and hands over the lead."""
    return proposal.state not in FINAL and is_lead(user, proposal)


def can_withdraw(user, proposal):
    return is_lead(user, proposal)


def can_set_visibility(user, proposal):
    return is_lead(user, proposal)


def can_merge(user, proposal):
    return is_coordinator(user)


def can_see_all(user):
    return is_coordinator(user)

