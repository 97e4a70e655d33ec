"""What the unit inbox, the coordinator's board and the proposal page list about routings.

Lists are keyset pages over (routed_at, id), read from the (unit_id, status|district_id, routed_at,
id) and (edition_id, status, routed_at, id) indexes of Routing; a page costs the same whatever the
page number and however many routings there are, and nothing counts a whole table per request
except the board's one grouped count per unit of one edition.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, exists, func, select

from pbflow.core import clock, keyset
from pbflow.editions.models import District, Edition
from pbflow.extensions import db
from pbflow.feedback import policy
from pbflow.feedback.models import Routing, RoutingStatus, VerifyingUnit
from pbflow.feedback.routing import ROUTABLE
from pbflow.proposals import hooks
from pbflow.proposals.models import Proposal, ProposalStatus

PAGE_SIZE = 25
AWAITING_PAGE = 25
AWAITING, ANSWERED, CANCELLED, ALL = "awaiting", "answered", "cancelled", "all"
STATUS_OF = {AWAITING: (RoutingStatus.PENDING.value,), ANSWERED: (RoutingStatus.ANSWERED.value,),
             CANCELLED: (RoutingStatus.CANCELLED.value,),
             ALL: (RoutingStatus.PENDING.value, RoutingStatus.ANSWERED.value)}
_CURSOR = re.compile(r"^(\d{20})-(\d{1,18})$")


class BadCursor(ValueError):
    """A page link that was typed or cut short."""


@dataclass(frozen=True)
class Filters:
    edition_id: int
    unit_id: int | None = None
    district_id: int | None = None
    status: str = AWAITING
    overdue: bool = False


@dataclass(frozen=True)
class Row:
    """One routing with what a list row shows."""

    routing: Routing
    proposal_id: int
    title: str
    proposal_status: str
    district: District | None
    unit_name: str

    @property
    def days_overdue(self):
        if self.routing.status != RoutingStatus.PENDING.value:
            return 0
        return max(0, (clock.today() - self.routing.due_on).days)

    @property
    def proposal_state(self):
        return ProposalStatus(self.proposal_status)


@dataclass(frozen=True)
class Page:
    rows: list
    next_cursor: str | None


def cursor_of(routing):
    return f"{routing.routed_at:%Y%m%d%H%M%S%f}-{routing.id}"


def parse_cursor(text):
    if not text:
        return None
    match = _CURSOR.match(text.strip())
    if match is None:
        raise BadCursor(text)
    try:
        moment = datetime.strptime(match.group(1), "%Y%m%d%H%M%S%f")
    except ValueError as error:
        raise BadCursor(text) from error
    return moment, int(match.group(2))


def _query(filters, after, status):
    """One status's routings in (routed_at, id) order: a range of the (unit_id, status|district_id, routed_at,
    id) or (edition_id, status, routed_at, id) index, read from the cursor on."""
    statement = (select(Routing, Proposal.title, Proposal.status, District, VerifyingUnit.name)
                 .join(Proposal, Proposal.id == Routing.proposal_id)
                 .join(VerifyingUnit, VerifyingUnit.id == Routing.unit_id)
                 .outerjoin(District, District.id == Routing.district_id)
                 .where(Routing.edition_id == filters.edition_id, Routing.status == status))
    if filters.unit_id is not None:
        statement = statement.where(Routing.unit_id == filters.unit_id)
    if filters.district_id is not None:
        statement = statement.where(Routing.district_id == filters.district_id)
    if filters.overdue:
        statement = statement.where(Routing.due_on < clock.today())
    if after is not None:
        statement = statement.where(keyset.after((Routing.routed_at, Routing.id), after))
    return statement.order_by(Routing.routed_at, Routing.id)


def page(filters, cursor=None, size=PAGE_SIZE):
    """Oldest first: one page of routings and the cursor of the next page (None on the last).

    One query a status (two for "all"): an index gives each status's order, not that of two statuses
    together, so each is read to a page and the pages are merged here (at most 2 × (size + 1) rows)."""
    after = parse_cursor(cursor)
    statuses = [status for status in STATUS_OF.get(filters.status, STATUS_OF[AWAITING])
                if not filters.overdue or status == RoutingStatus.PENDING.value]  # overdue: only what awaits
    found = []
    for status in statuses:
        found.extend(db.session.execute(_query(filters, after, status).limit(size + 1)).all())
    if len(statuses) > 1:
        found.sort(key=lambda row: (row[0].routed_at, row[0].id))
    rows = [Row(routing, routing.proposal_id, title, status, district, unit_name)
            for routing, title, status, district, unit_name in found[:size]]
    return Page(rows, cursor_of(rows[-1].routing) if len(found) > size else None)


def similar_titles(rows, viewer, limit=3):
    """{proposal_id: [match]} from the similar-proposals finder (only what `viewer` may see)."""
    try:
        from pbflow.feedback.similar import similar_among
    except ImportError:
        return {}
    proposals = [row.proposal_id for row in rows]
    if not proposals:
        return {}
    found = db.session.scalars(select(Proposal).where(Proposal.id.in_(proposals))).all()
    return similar_among(found, limit=limit, viewer=viewer)


# --- editions and units ---------------------------------------------------------------

def editions():
    return db.session.scalars(select(Edition).order_by(Edition.year.desc(), Edition.id.desc())).all()


def chosen_edition(all_editions, edition_id=None):
    by_id = {e.id: e for e in all_editions}
    if edition_id in by_id:
        return by_id[edition_id]
    return next((e for e in all_editions if e.is_current), all_editions[0] if all_editions else None)


def units_of(user):
    ids = policy.unit_ids_of(user)
    if not ids:
        return []
    return db.session.scalars(select(VerifyingUnit).where(VerifyingUnit.id.in_(ids))
                              .order_by(VerifyingUnit.name)).all()


# --- the board ---------------------------------------------------------------------------

@dataclass(frozen=True)
class UnitCounts:
    unit: VerifyingUnit
    awaiting: int
    overdue: int
    answered: int


def unit_counts(edition_id):
    """Per unit of the city: routings awaiting feedback, overdue, answered (one grouped query)."""
    pending = Routing.status == RoutingStatus.PENDING.value
    counts = (select(Routing.unit_id,
                     func.sum(case((pending, 1), else_=0)).label("awaiting"),
                     func.sum(case((and_(pending, Routing.due_on < clock.today()), 1), else_=0)).label("overdue"),
                     func.sum(case((Routing.status == RoutingStatus.ANSWERED.value, 1), else_=0)).label("answered"))
              .where(Routing.edition_id == edition_id).group_by(Routing.unit_id).subquery())
    rows = db.session.execute(
        select(VerifyingUnit, counts.c.awaiting, counts.c.overdue, counts.c.answered)
        .outerjoin(counts, counts.c.unit_id == VerifyingUnit.id).order_by(VerifyingUnit.name)).all()
    return [UnitCounts(unit, int(a or 0), int(o or 0), int(n or 0)) for unit, a, o, n in rows]


def awaiting_routing(edition_id, after_id=None, size=AWAITING_PAGE):
    """Proposals in consultation that no unit is (still) routed to, oldest first, a keyset page by id."""
    live = exists().where(Routing.proposal_id == Proposal.id, Routing.status != RoutingStatus.CANCELLED.value)
    statement = (select(Proposal.id, Proposal.title, Proposal.status_changed_at, District)
                 .outerjoin(District, District.id == Proposal.district_id)
                 .where(Proposal.edition_id == edition_id,
                        Proposal.status == ProposalStatus.IN_CONSULTATION.value, ~live))
    if after_id is not None:
        statement = statement.where(Proposal.id > after_id)
    found = db.session.execute(statement.order_by(Proposal.id).limit(size + 1)).all()
    return found[:size], (found[size - 1].id if len(found) > size else None)


# --- the proposal page ---------------------------------------------------------------------

@hooks.page_section("routing", "feedback/routing/_section.html", order=10)
def routing_section(user, proposal):
    """"Sent to: unit (due date, status)" for whoever sees the proposal; two queries at most."""
    coordinator = policy.can_route(user)
    if proposal.state is ProposalStatus.DRAFT and not coordinator:
        return None
    rows = db.session.execute(
        select(Routing, VerifyingUnit.name).join(VerifyingUnit, VerifyingUnit.id == Routing.unit_id)
        .where(Routing.proposal_id == proposal.id).order_by(VerifyingUnit.name)).all()
    shown = [(routing, name) for routing, name in rows
             if routing.status != RoutingStatus.CANCELLED.value or coordinator]
    may_route = coordinator and proposal.state in ROUTABLE
    if not shown and not may_route:
        return None
    return {"routings": shown, "may_route": may_route, "today": clock.today(), "proposal": proposal}
