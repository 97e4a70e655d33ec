"""Lists of proposals: mine, the public list, the coordinators' list and an area's; a fixed number of queries each.

Every list is a SELECT with what a row shows loaded up front (district and area joined, authors in one
selectinload), filtered, optionally joined to the text search's (id, rank) subquery, and sorted.
"""

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload, selectinload

from pbflow.accounts.services import normalise_email
from pbflow.editions.models import Edition
from pbflow.extensions import db
from pbflow.proposals import search
from pbflow.proposals.models import (
    InvitationStatus,
    Proposal,
    ProposalAuthor,
    ProposalInvitation,
    ProposalStatus,
)

RELEVANCE, CHANGED, TITLE, COST, STATUS = "relevance", "changed", "title", "cost", "status"
SORTS = (RELEVANCE, CHANGED, TITLE, COST, STATUS)
# Statuses in pathway order, so that "sort by status" follows the pathway rather than the alphabet.
STATUS_ORDER = case({status.value: n for n, status in enumerate(ProposalStatus)}, value=Proposal.status)
DASHBOARD_LIMIT = 5


@dataclass
class Filters:
    """What a list is narrowed to; None means "any"."""

    edition_id: int | None = None
    district_id: int | None = None
    area_id: int | None = None
    status: str | None = None
    scope: str | None = None
    text: str | None = None
    sort: str = RELEVANCE
    public_only: bool = False
    author_id: int | None = None


def _row_options(query):
    return query.options(
        joinedload(Proposal.edition), joinedload(Proposal.district), joinedload(Proposal.area),
        selectinload(Proposal.authors).joinedload(ProposalAuthor.user))


def _narrowed(query, filters, with_status=True):
    """The filters as WHERE clauses, and the search subquery (or None)."""
    if filters.public_only:
        query = query.where(Proposal.is_public.is_(True))
    if filters.author_id is not None:
        mine = select(ProposalAuthor.proposal_id).where(ProposalAuthor.user_id == filters.author_id)
        query = query.where(Proposal.id.in_(mine))
    if filters.edition_id:
        query = query.where(Proposal.edition_id == filters.edition_id)
    if filters.district_id:
        query = query.where(Proposal.district_id == filters.district_id)
    if filters.area_id:
        query = query.where(Proposal.area_id == filters.area_id)
    if filters.scope:
        query = query.where(Proposal.scope == filters.scope)
    if with_status and filters.status:
        query = query.where(Proposal.status == filters.status)
    found = search.matches(filters.text)
    if found is not None:
        query = query.join(found, found.c.id == Proposal.id)
    return query, found


def _ordered(query, sort, found):
    if sort == RELEVANCE and found is not None:
        return query.order_by(found.c.rank, Proposal.updated_at.desc(), Proposal.id.desc())
    if sort == TITLE:
        return query.order_by(func.lower(Proposal.title), Proposal.id)
    if sort == COST:
        return query.order_by(Proposal.total_cost.desc(), Proposal.id.desc())
    if sort == STATUS:
        return query.order_by(STATUS_ORDER, Proposal.updated_at.desc(), Proposal.id.desc())
    return query.order_by(Proposal.updated_at.desc(), Proposal.id.desc())  # last change, newest first


def proposals(filters):
    """The list's SELECT, ready for db.paginate."""
    query, found = _narrowed(select(Proposal), filters)
    return _row_options(_ordered(query, filters.sort, found))


def status_counts(filters):
    """{status: number} under every filter but the status itself, in one query."""
    query, _found = _narrowed(select(Proposal.status, func.count()).select_from(Proposal), filters, with_status=False)
    counts = dict.fromkeys(ProposalStatus, 0)
    counts.update({ProposalStatus(status): n for status, n in db.session.execute(query.group_by(Proposal.status))})
    return counts


def editions():
    """Every edition, newest first, for the edition filter."""
    return db.session.scalars(select(Edition).order_by(Edition.year.desc(), Edition.id.desc())).all()


# --- my invitations ------------------------------------------------------------------

INVITATION_LIMIT = 20


def pending_invitations(user):
    """Invitations waiting for this person's answer (by their e-mail), with the proposals, newest first."""
    if not user.email:
        return []
    return db.session.scalars(
        select(ProposalInvitation)
        .where(ProposalInvitation.email_key == normalise_email(user.email),
               ProposalInvitation.status == InvitationStatus.PENDING.value)
        .options(joinedload(ProposalInvitation.proposal), joinedload(ProposalInvitation.invited_by))
        .order_by(ProposalInvitation.created_at.desc(), ProposalInvitation.id.desc())
        .limit(INVITATION_LIMIT)).all()


# --- an area's proposals on the ambassador's dashboard --------------------------------

def newest_in_areas(edition, area_ids, limit=DASHBOARD_LIMIT):
    """({area_id: [the newest `limit` proposals]}, {area_id: how many in all}) in two queries, drafts included."""
    latest = {area_id: [] for area_id in area_ids}
    totals = dict.fromkeys(area_ids, 0)
    if edition is None or not area_ids:
        return latest, totals
    in_areas = (Proposal.edition_id == edition.id, Proposal.area_id.in_(area_ids))
    ranked = (select(Proposal.id, func.row_number().over(
        partition_by=Proposal.area_id, order_by=(Proposal.updated_at.desc(), Proposal.id.desc())).label("n"))
        .where(*in_areas).subquery("ranked"))
    rows = db.session.scalars(
        select(Proposal).join(ranked, ranked.c.id == Proposal.id).where(ranked.c.n <= limit)
        .order_by(Proposal.area_id, ranked.c.n))
    for proposal in rows:
        latest[proposal.area_id].append(proposal)
    totals.update(db.session.execute(
        select(Proposal.area_id, func.count()).where(*in_areas).group_by(Proposal.area_id)).all())
    return latest, totals
