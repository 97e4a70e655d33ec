"""Reads for proposal pages, each in a fixed number of queries whatever the data size."""

from functools import cache

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from pbflow.editions.models import Edition
from pbflow.extensions import db
from pbflow.proposals import rules
from pbflow.proposals.models import Proposal, ProposalAuthor, ProposalVersion


@cache
def _proposal_page_statement():
    """Built once, on first use (the options configure the mappers, which must all be imported by then): building
    it with its seven loader options was a quarter of the read (1.5 → 1.1 ms)."""
    return select(Proposal).where(Proposal.id == bindparam("proposal_id")).options(
        joinedload(Proposal.edition).selectinload(Edition.budgets),
        joinedload(Proposal.district), joinedload(Proposal.area),
        joinedload(Proposal.merged_into), joinedload(Proposal.origin_meeting),
        selectinload(Proposal.authors).joinedload(ProposalAuthor.user))


def proposal_page(proposal_id):
    """A proposal with its edition (and pools), district, area and authors, or None."""
    return db.session.scalar(_proposal_page_statement(), {"proposal_id": proposal_id})


def version(proposal, number=None):
    """One version with its author, district and area (the current one by default)."""
    return rules.remember_version(db.session.scalar(rules.version_query(proposal, number).options(
        joinedload(ProposalVersion.created_by), joinedload(ProposalVersion.district),
        joinedload(ProposalVersion.area))))
