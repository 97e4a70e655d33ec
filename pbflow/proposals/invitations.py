"""Co-author invitations: the lead invites by e-mail; the invited person accepts or declines."""

from sqlalchemy import func, select

from pbflow.extensions import db
from pbflow.proposals.models import InvitationStatus, ProposalInvitation


def pending_count(proposal):
    return db.session.scalar(select(func.count()).where(
        ProposalInvitation.proposal_id == proposal.id,
        ProposalInvitation.status == InvitationStatus.PENDING.value))
