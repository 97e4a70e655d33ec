"""What the proposals part keeps about a person, for their data download (RODO art. 15 and 20).

The proposals they write stay after an account is deleted (signed "former participant"), so there
is no eraser here; pending invitations to their address are cancelled by the accounts part."""

from sqlalchemy import select

from pbflow.accounts.exports import exporter
from pbflow.extensions import db
from pbflow.proposals.models import Proposal, ProposalAuthor, ProposalInvitation


def _iso(value):
    return value.isoformat() + "Z" if value else None


@exporter("proposals")
def _proposals(user):
    rows = db.session.execute(
        select(Proposal.id, Proposal.title, Proposal.status, ProposalAuthor.role, ProposalAuthor.consent_at)
        .join(ProposalAuthor, ProposalAuthor.proposal_id == Proposal.id)
        .where(ProposalAuthor.user_id == user.id).order_by(Proposal.id))
    return [{"proposal_id": pid, "title": title, "status": status, "role": role, "named_as_author_since": _iso(added)}
            for pid, title, status, role, added in rows]


@exporter("co_author_invitations")
def _invitations(user):
    rows = db.session.execute(
        select(ProposalInvitation.proposal_id, ProposalInvitation.status, ProposalInvitation.created_at)
        .where(ProposalInvitation.user_id == user.id).order_by(ProposalInvitation.id))
    return [{"proposal_id": pid, "status": status, "invited_at": _iso(at)} for pid, status, at in rows]
