"""Lists of proposals: mine, the public list, the coordinators' list and an area's; a fixed number of queries each.

Every list is a SELECT of the columns a row shows (edition, district and area joined; plain rows, not ORM
objects, see ListedProposal; authors in one more query), filtered, optionally joined to the text search's (id, rank) subquery, sorted, and cut to a
page by its keys ("keyset" pages): the next page starts after the last row's sort key and id, carried in
an opaque but strictly checked cursor, so page 50 costs what page 1 costs and no OFFSET walks the rows
before it. Each sort is read from an index in its order (tests/web/test_list_query_plans.py checks the plans):

- changed: (updated_at, id), newest first: (edition_id, updated_at) and (is_public, edition_id, updated_at);
- title: (lower(title), id): (edition_id, lower(title));
- cost: (total_cost, id), highest first: (edition_id, total_cost);
- status: pathway order, then newest first: one (edition_id, status, updated_at) range per status, each cut
  to a page, merged (at most statuses × page size rows are sorted);
- relevance (when searching): (rank, id) over the full-text matches.

Walking an index in the list's order finds a page quickly only when many rows match: a combination that
matches little (a district and "city-wide", a rare status in one district) walked the whole edition to find
none, some 200 ms at 100,000 proposals on SQLite, whose planner has no statistics of the values to tell. A
list that counts its statuses anyway therefore knows how many rows match; on SQLite, when that is at most FEW,
it reads those rows by the filters' index and sorts them instead. PostgreSQL's planner reads its statistics
and already picks that index for such a combination; the detour made its query twice as slow there.

A search takes the newest search.LIST_MATCHES matches that pass the filters other than the status (found
newest first in the full-text index, each filter checked by primary key), then the status, and sorts only
those, in any order: ranking or sorting every match of a common word grew the page with the table. The
per-status counts count the same matches, so "Draft: 40" and the list of drafts agree. Page.more_matches
says when there were more.

The lists show no "N proposals found": counting every match would read them all on every page. The
coordinators' per-status counts stay (see status_counts); "My proposals" counts one person's authorships.
"""

import base64
import binascii
import json
import math
import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, bindparam, case, func, literal, or_, select, tuple_, union_all

from pbflow.accounts.models import User, shown_name
from pbflow.accounts.services import normalise_email
from pbflow.core.web.urls import DATABASE_ID_MAX
from pbflow.editions.models import Area, District, Edition, district_label
from pbflow.extensions import db
from pbflow.proposals import search
from pbflow.proposals import status_counts as status_counts_kept
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
STATUSES = tuple(ProposalStatus)
STATUS_ORDER = case({status.value: n for n, status in enumerate(STATUSES)}, value=Proposal.status)
DASHBOARD_LIMIT = 5
CURSOR_MAX = 2000  # characters: a title key of 300 letters, base64 of UTF-8 JSON, fits well within
_CURSOR = re.compile(r"^[A-Za-z0-9_-]+$")
BIGINT_MAX = 2**63 - 1
FEW = 1000  # rows a list sorts rather than finds by walking an index in its order (see the module's note)


class BadCursor(ValueError):
    """A page link that was typed, cut short or made up: the list answers 400 and offers its first page."""


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


@dataclass(frozen=True)
class Page:
    """One page of a list: its proposals, the next page's cursor (None on the last), and whether it is the first."""

    items: list
    next_cursor: str | None
    first: bool
    more_matches: bool = False  # a search found more than search.LIST_MATCHES: only the newest are listed


@dataclass(frozen=True, slots=True)
class ListedAuthor:
    role: str
    user_id: int
    name: str
    deleted: bool

    @property
    def display_name(self):
        return shown_name(self.name, self.deleted)


@dataclass(slots=True)
class ListedProposal:
    """What a row of a list shows, read as plain columns: building 25 ORM proposals with their edition,
    district, area and authors' accounts cost more than the rest of the page (issue 15)."""

    id: int
    title: str
    status: str
    is_public: bool
    updated_at: datetime
    total_cost: int
    edition_name: str
    district_id: int | None
    district_number: int | None
    district_name: str | None
    area_id: int | None
    area_name: str | None
    authors: list = field(default_factory=list)

    @property
    def state(self):
        return ProposalStatus(self.status)

    @property
    def district_label(self):
        return district_label(self.district_number, self.district_name) if self.district_id else None

    @property
    def author_names(self):
        """The authors' names as the row shows them, lead first."""
        return ", ".join(author.display_name for author in self.authors)

    def role_of(self, user_id):
        """"lead", "co_author" or None."""
        return next((author.role for author in self.authors if author.user_id == user_id), None)


def status_tag_titles():
    """{status: (tag class, title)} in the current language, for a list's rows: one translation per status per page
    rather than one per row."""
    return {status.value: (status.css_class, str(status.title)) for status in ProposalStatus}


ROW_COLUMNS = (Proposal.id, Proposal.title, Proposal.status, Proposal.is_public, Proposal.updated_at,
               Proposal.total_cost, Edition.name, Proposal.district_id, District.number, District.name,
               Proposal.area_id, Area.name)


def _with_row_columns(query):
    return (query.join(Edition, Edition.id == Proposal.edition_id)
            .outerjoin(District, District.id == Proposal.district_id).outerjoin(Area, Area.id == Proposal.area_id))


# Built once: every list page runs it, and building a statement cost more than running it (issue 15).
_AUTHORS_OF = (select(ProposalAuthor.proposal_id, ProposalAuthor.role, ProposalAuthor.user_id, User.name,
                      User.deleted_at.is_not(None))
               .join(User, User.id == ProposalAuthor.user_id)
               .where(ProposalAuthor.proposal_id.in_(bindparam("ids", expanding=True)))
               .order_by(ProposalAuthor.consent_at, ProposalAuthor.user_id))


def _listed(rows):
    """ListedProposals from rows that start with ROW_COLUMNS, with their authors in one more query."""
    listed = [ListedProposal(*row[:len(ROW_COLUMNS)]) for row in rows]
    by_id = {proposal.id: proposal for proposal in listed}
    if by_id:
        for proposal_id, role, user_id, name, deleted in db.session.execute(_AUTHORS_OF, {"ids": list(by_id)}):
            by_id[proposal_id].authors.append(ListedAuthor(role, user_id, name, deleted))
    for proposal in listed:  # the lead first, then co-authors as they agreed: as the rows show them
        proposal.authors.sort(key=lambda author: author.role != "lead")
    return listed


def _where(query, filters, with_status=True):
    """The filters as WHERE clauses."""
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
    return query


def _found(filters, *columns, ranked=True):
    """The search's (id, rank, *columns, found) subquery: the newest LIST_MATCHES matches that pass every filter
    but the status, so that a list narrowed to one status shows what the per-status counts count; None without
    words to search. Ranked only when `ranked` (search.matches): the counts and the other orders need no rank."""
    return search.matches(filters.text, narrow=lambda newest: _where(newest, filters, False).add_columns(*columns),
                          ranked=ranked)


def _narrowed(query, filters, found):
    """The filters as WHERE clauses or, when searching (`found`), the join to the matches, which passed all
    but the status already, and the status."""
    if found is None:
        return _where(query, filters)
    query = query.join(found, found.c.id == Proposal.id)
    return query.where(Proposal.status == filters.status) if filters.status else query


# --- the sort keys and the cursor ------------------------------------------------------

def effective_sort(sort, searching):
    """"Best match" without words to match is "last change"."""
    return CHANGED if sort == RELEVANCE and not searching else sort


def _keys(sort, found):
    """[(expression, descending)] in order, the id last: what a page is sorted and cut by."""
    if sort == RELEVANCE:
        return [(found.c.rank, False), (Proposal.id, False)]
    if sort == TITLE:
        return [(func.lower(Proposal.title), False), (Proposal.id, False)]
    if sort == COST:
        return [(Proposal.total_cost, True), (Proposal.id, True)]
    if sort == STATUS:
        return [(STATUS_ORDER, False), (Proposal.updated_at, True), (Proposal.id, True)]
    return [(Proposal.updated_at, True), (Proposal.id, True)]


def _after(keys, values):
    """Rows after `values` in the keys' order: one row-value comparison when all keys go one way (an index
    range), else the lexicographic OR of comparisons."""
    if len({descending for _key, descending in keys}) == 1:
        row = tuple_(*(key for key, _d in keys))
        after = tuple_(*(literal(v, key.type) for (key, _d), v in zip(keys, values, strict=True)))
        first, descending = keys[0]
        # The first key's bound on its own too: SQLite seeks an expression index (lower(title)) only by it.
        if descending:
            return and_(first <= literal(values[0], first.type), row < after)
        return and_(first >= literal(values[0], first.type), row > after)
    clauses = []
    for n, (key, descending) in enumerate(keys):
        equal = [k == v for (k, _d), v in zip(keys[:n], values[:n], strict=True)]
        clauses.append(and_(*equal, key < values[n] if descending else key > values[n]))
    return or_(*clauses)


def _check_id(value):
    if type(value) is not int or not 0 < value <= DATABASE_ID_MAX:
        raise BadCursor(value)
    return value


def _check_moment(value):
    if type(value) is not str or len(value) > 40:
        raise BadCursor(value)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise BadCursor(value) from error
    if moment.tzinfo is not None:
        raise BadCursor(value)
    return moment


def _check_title(value):
    if type(value) is not str or len(value) > 300:
        raise BadCursor(value)
    return value


def _check_cost(value):
    if type(value) is not int or not 0 <= value <= BIGINT_MAX:
        raise BadCursor(value)
    return value


def _check_rank(value):
    if type(value) not in (int, float) or not math.isfinite(value):
        raise BadCursor(value)
    return float(value)


def _check_status(value):
    if type(value) is not int or not 0 <= value < len(STATUSES):
        raise BadCursor(value)
    return value


CHECKS = {CHANGED: (_check_moment, _check_id), TITLE: (_check_title, _check_id), COST: (_check_cost, _check_id),
          STATUS: (_check_status, _check_moment, _check_id), RELEVANCE: (_check_rank, _check_id)}


def encode_cursor(sort, values):
    values = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    raw = json.dumps([sort, *values], ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _refuse_constant(name):
    raise BadCursor(name)  # NaN, Infinity


def parse_cursor(text, sort):
    """The sort key values after which the page starts; None for no cursor; BadCursor for anything that is
    not a cursor this sort made (another sort's, cut short, edited, or values no row could have)."""
    if not text:
        return None
    if len(text) > CURSOR_MAX or not _CURSOR.match(text):
        raise BadCursor(text)
    try:
        decoded = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode(),
                             parse_constant=_refuse_constant)
    except (binascii.Error, UnicodeDecodeError, ValueError, RecursionError) as error:
        raise BadCursor(text) from error
    checks = CHECKS.get(sort)
    if type(decoded) is not list or checks is None or len(decoded) != len(checks) + 1 or decoded[0] != sort:
        raise BadCursor(text)
    return tuple(check(value) for check, value in zip(checks, decoded[1:], strict=True))


# --- the lists -------------------------------------------------------------------------

def page(filters, cursor=None, size=25, matching=None):
    """One page of the list: the rows after the cursor in the chosen order. BadCursor for a damaged cursor.
    `matching`: how many proposals the filters match, when the caller has counted them (matching_count)."""
    sort = effective_sort(filters.sort, bool(search.words(filters.text)))
    found = _found(filters, ranked=sort == RELEVANCE)
    after = parse_cursor(cursor, sort)
    keys = _keys(sort, found)
    key_columns = [key.label(f"k{n}") for n, (key, _d) in enumerate(keys[:-1])]
    if sort == STATUS and found is None:
        rows = _by_status(filters, after, size)
    else:
        columns = select(*ROW_COLUMNS, *key_columns, *([found.c.found] if found is not None else []))
        if found is None and matching is not None and matching <= FEW and _plans_without_statistics():
            # Driven by the matching ids (found through the filters' index), then sorted: see the module's note.
            query = columns.where(Proposal.id.in_(_where(select(Proposal.id), filters).correlate(None)))
        else:
            query = _narrowed(columns, filters, found)
        if after is not None:
            query = query.where(_after(keys, after))
        query = query.order_by(*(key.desc() if descending else key for key, descending in keys))
        rows = db.session.execute(_with_row_columns(query).limit(size + 1)).all()
    next_cursor = None
    if len(rows) > size:
        last = rows[size - 1]
        next_cursor = encode_cursor(sort, [*last[len(ROW_COLUMNS):len(ROW_COLUMNS) + len(key_columns)], last[0]])
    more = found is not None and bool(rows) and rows[0][-1] > search.LIST_MATCHES
    return Page(_listed(rows[:size]), next_cursor, after is None, more)


def _by_status(filters, after, size):
    """Pathway order without a search: per status, an index range newest first cut to a page, merged."""
    members = []
    for n, status in enumerate(STATUSES):
        if (filters.status and status.value != filters.status) or (after is not None and n < after[0]):
            continue
        member = _where(select(Proposal.id, Proposal.updated_at, literal(n).label("ord")), filters)
        member = member.where(Proposal.status == status.value)
        if after is not None and n == after[0]:
            member = member.where(tuple_(Proposal.updated_at, Proposal.id) < tuple_(
                literal(after[1], Proposal.updated_at.type), literal(after[2], Proposal.id.type)))
        members.append(select(member.order_by(Proposal.updated_at.desc(), Proposal.id.desc())
                              .limit(size + 1).subquery()))
    if not members:
        return []
    merged = (union_all(*members) if len(members) > 1 else members[0]).subquery("by_status")
    query = (select(*ROW_COLUMNS, merged.c.ord, merged.c.updated_at).join(merged, merged.c.id == Proposal.id)
             .order_by(merged.c.ord, merged.c.updated_at.desc(), merged.c.id.desc()).limit(size + 1))
    return db.session.execute(_with_row_columns(query)).all()


_AUTHORED_COUNT = select(func.count()).select_from(ProposalAuthor).where(ProposalAuthor.user_id == bindparam("user"))


def authored_count(user_id):
    """How many proposals a person (co-)authors: their rows of proposal_authors, by its user_id index."""
    return db.session.scalar(_AUTHORED_COUNT, {"user": user_id})


def _plans_without_statistics():
    return db.session.get_bind().dialect.name == "sqlite"


def matching_count(counts, filters):
    """How many proposals the list's filters match, from its status counts; None when they cannot say (a
    search counts only its newest matches)."""
    if counts is None or filters.text:
        return None
    return counts.get(ProposalStatus(filters.status), 0) if filters.status else sum(counts.values())


class StatusCounts(dict):
    """{status: number}, and whether a search counted only its newest matches (more_matches)."""

    more_matches = False


def status_counts(filters):
    """{status: number} under every filter but the status itself.

    A whole edition's counts are read from the counts its triggers keep (status_counts.py): one edition can
    hold any number of proposals. Narrower lists (a district, an area, a scope) count their rows in one
    grouped query (a district's from its index alone, ix_proposals_district_counts), a search its newest
    search.LIST_MATCHES matches (which carry their status): they grow with what they show, not with the table.
    """
    counts = StatusCounts.fromkeys(ProposalStatus, 0)
    if filters.edition_id and not (filters.district_id or filters.area_id or filters.scope or filters.text
                                   or filters.public_only or filters.author_id is not None):
        kept = status_counts_kept.of_edition(filters.edition_id)
        counts.update({ProposalStatus(status): n for status, n in kept.items()})
        return counts
    found = _found(filters, Proposal.status, ranked=False)
    if found is None:
        query = _where(select(Proposal.status, func.count(), literal(0)), filters, False).group_by(Proposal.status)
    else:  # the matches carry their status: no join back to proposals
        query = select(found.c.status, func.count(), func.max(found.c.found)).group_by(found.c.status)
    for status, n, found_count in db.session.execute(query):
        counts[ProposalStatus(status)] = n
        counts.more_matches = counts.more_matches or found_count > search.LIST_MATCHES
    return counts


_EDITIONS = select(Edition.id, Edition.name, Edition.is_current).order_by(Edition.year.desc(), Edition.id.desc())


def editions():
    """Every edition's (id, name, is_current), newest first, for the edition filter: rows, as the filter's other
    choices (editions.services.district_options)."""
    return db.session.execute(_EDITIONS).all()


# --- my invitations ------------------------------------------------------------------

INVITATION_LIMIT = 20


@dataclass(frozen=True, slots=True)
class PendingInvitation:
    """An invitation as "My proposals" lists it, read as plain columns like the rows below it."""

    proposal_id: int
    title: str
    is_public: bool
    draft_visibility: str
    created_at: datetime
    inviter_name: str | None  # None: the inviting account is gone
    inviter_deleted: bool

    @property
    def inviter(self):
        """The inviter's name as every page shows it; None when there is no account to name."""
        if self.inviter_name is None:
            return None
        return shown_name(self.inviter_name, self.inviter_deleted)


_PENDING_INVITATIONS = (
    select(ProposalInvitation.proposal_id, Proposal.title, Proposal.is_public, Proposal.draft_visibility,
           ProposalInvitation.created_at, User.name, User.deleted_at.is_not(None))
    .join(Proposal, Proposal.id == ProposalInvitation.proposal_id)
    .outerjoin(User, User.id == ProposalInvitation.invited_by_id)
    .where(ProposalInvitation.email_key == bindparam("email_key"),
           ProposalInvitation.status == InvitationStatus.PENDING.value)
    .order_by(ProposalInvitation.created_at.desc(), ProposalInvitation.id.desc())
    .limit(bindparam("limit")))


def pending_invitations(user):
    """Invitations waiting for this person's answer (by their e-mail), with their proposals, newest first. The
    statement is built once (_AUTHORS_OF says why)."""
    if not user.email:
        return []
    rows = db.session.execute(_PENDING_INVITATIONS, {"email_key": normalise_email(user.email),
                                                     "limit": INVITATION_LIMIT})
    return [PendingInvitation(*row) for row in rows]


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
