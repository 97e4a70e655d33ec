"""Reads for proposal pages, each in a fixed number of queries whatever the data size."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from pbflow.editions.models import Edition
from pbflow.extensions import db
from pbflow.proposals import rules
from pbflow.proposals.models import Proposal, ProposalAuthor, ProposalVersion


def proposal_page(proposal_id):
    """A proposal with its edition (and pools), district, area and authors, or None."""
    return db.session.scalar(
        select(Proposal).where(Proposal.id == proposal_id).options(
            joinedload(Proposal.edition).selectinload(Edition.budgets),
            joinedload(Proposal.district), joinedload(Proposal.area),
            joinedload(Proposal.merged_into), joinedload(Proposal.origin_meeting),
            selectinload(Proposal.authors).joinedload(ProposalAuthor.user)))


def version(proposal, number=None):
    """One version with its author, district and area (the current one by default)."""
    return rules.remember_version(db.session.scalar(rules.version_query(proposal, number).options(
        joinedload(ProposalVersion.created_by), joinedload(ProposalVersion.district),
        joinedload(ProposalVersion.area))))
