"""Similar proposals of the same edition, so that experts can group them and authors can meet or merge.

Polish text is inflected ("plac zabaw", "placu zabaw", "placów zabaw"), so words are compared by a
light stem: folded to ASCII (ł→l, ż→z …), the fleeting e of "-ek" dropped (książek/książki), one
common case ending cut off, then the first STEM_LENGTH letters kept. Words that say nothing about
what a project is (prepositions, "ul.", "nowy", "bezpieczny", "remont" …) are dropped.

Where: live proposals (not withdrawn, merged or submitted) of the same edition; for a district
proposal those of the same district, and city-wide ones only when very close (CLOSE_THRESHOLD); for
a city-wide proposal only city-wide ones (a district idea is not a rival of a city-wide one).

Candidates come from the full-text index (FTS5 on SQLite, the GIN-indexed tsvector on PostgreSQL):
any stem of the title as a prefix in another proposal's title or summary, best ranked first, a
bounded number. Python then scores each: a weighted Dice coefficient over stems, where a word of the
title counts TITLE_WEIGHT times a word of the summary and the title's first two words a little more
(Polish titles usually start with what the project is: "Siłownia pod chmurką w Parku Solvay").
Matches under THRESHOLD are not shown.

Who sees what: `viewer` limits the list to proposals that person may open (coordinators: all;
others: public ones, drafts shared with the edition, their own, and, for experts, those routed to
their units); without a viewer only public proposals are listed.

Measured on 78 real names from Kraków's Pabulib files (tests/unit/test_similar_precision.py):
precision@3 0.91, recall@3 0.87. With 100,000 proposals in one edition (18 districts, 2 % city-wide)
on a busy 2-core machine: similar_to about 20 ms on SQLite and 50 ms on PostgreSQL, similar_among for
25 rows about 0.4 s and 0.7 s (one query either way). With scripts/bench's made-up titles, which share a
small vocabulary, one stem matched 14,000 of 100,000 proposals: ranking them all and stemming the 200
candidates afresh made the author's proposal page 295 ms on SQLite; FTS_CANDIDATES and the per-token
stems bring it to about 70 ms.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import (
    and_,
    bindparam,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    true,
    union_all,
)

from pbflow.editions.models import District
from pbflow.extensions import db
from pbflow.feedback import policy
from pbflow.feedback.models import Routing, RoutingStatus
from pbflow.past_results.importer import fold
from pbflow.proposals import hooks, search
from pbflow.proposals import policy as proposal_policy
from pbflow.proposals.models import DraftVisibility, Proposal, ProposalAuthor, ProposalStatus

_WORD = re.compile(r"\w+")
LIVE = tuple(s.value for s in ProposalStatus if s not in proposal_policy.FINAL)
STEM_LENGTH = 6
MIN_STEM = 4  # a cut never leaves fewer letters than this
MAX_QUERY_STEMS = 8
MAX_SHARED_WORDS = 6  # shown beside a match, the title's first
CANDIDATES = 200  # per proposal page
CANDIDATES_PER_ROW = 60  # per row of a list (similar_among)
CITYWIDE_SHARE = 0.25  # city-wide candidates for district rows: this share of theirs, each
MAX_SHARED_STEMS = 60  # stems of a page of rows in the shared city-wide search
TITLE_WEIGHT = 3.0
LEAD_BONUS = 0.5  # the first content word of a title counts this much more, the second half of it
THRESHOLD = 0.25
CLOSE_THRESHOLD = 0.6  # a city-wide proposal beside a district one (or the other way round)

# Any stem as a prefix in the title or summary; bm25 weighs the title most (as proposals.search does).
# Only the newest FTS_CANDIDATES matches are ranked: a common stem ("chodni", "oswiet") matches a
# seventh of 100,000 proposals, and ranking every match grew the proposal page with the table (150 ms
# there); newest first keeps the current edition's, which is where the candidates must come from.
FTS_CANDIDATES = 2000
FTS_QUERY = ("SELECT rowid AS id, bm25(proposals_fts, 10.0, 4.0, 1.0) AS rank "
             "FROM proposals_fts WHERE proposals_fts MATCH :match ORDER BY rowid DESC LIMIT 2000")  # FTS_CANDIDATES

# Endings of Polish nouns and adjectives, longest first; cut once, leaving at least MIN_STEM letters.
SUFFIXES = tuple(sorted((
    "owego", "owemu", "owych", "owymi", "owej", "owym", "owie", "iami", "ami", "ach", "ego", "emu",
    "ich", "ych", "imi", "ymi", "owa", "owe", "owi", "owy", "ow", "om", "em", "ej", "ie", "ia", "iu",
    "a", "e", "i", "o", "u", "y"), key=len, reverse=True))

# Folded words that say nothing about the kind of project; chosen on the labelled Pabulib names.
STOPWORDS = frozenset((
    "i", "w", "we", "na", "z", "ze", "do", "dla", "oraz", "przy", "ul", "ulica", "ulicy", "al", "os", "nr",
    "od", "po", "pod", "nad", "za", "o", "a", "lub", "to", "jest", "sie", "czy", "jak", "co", "ktore",
    "nie", "the", "and", "of", "for", "in", "etap", "ii", "iii", "iv", "cz", "czesc", "sp", "wraz",
    "budowa", "zakup", "projekt", "remont", "remonty", "realizacja", "modernizacja", "doposazenie",
    "nowy", "nowa", "nowe", "nowych", "nowego", "bezpieczny", "bezpieczna", "bezpieczne", "bezpiecznie",
    "dzielnica", "dzielnicy", "osiedle", "osiedlu", "osiedla", "krakow", "krakowa", "krakowie", "mieszkancow",
    "dzieci", "kazdej", "kazdego", "wszystkich"))


def stem(word):
    """A folded word's stem: 'placu' -> 'plac', 'chodnikow' -> 'chodni', 'ksiazek' -> 'ksiaz'."""
    if len(word) > MIN_STEM + 1 and word.endswith("ek"):  # the fleeting e: książek/książki, drzewek/drzewka
        word = word[:-2] + "k"
    if len(word) > MIN_STEM:
        for suffix in SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
                word = word[:-len(suffix)]
                break
    return word[:STEM_LENGTH]


def words_and_stems(text_):
    """[(word, stem)] of the words that carry meaning, in order, each stem once; words lower-cased."""
    found, seen = [], set()
    for token in _WORD.findall(text_ or ""):
        for root in _token_stems(token):
            if root not in seen:
                seen.add(root)
                found.append((token.lower(), root))
    return found


@lru_cache(maxsize=16384)
def _token_stems(token):
    """The stems of one token's meaningful words. Kept per token: a proposal page scores 200 candidates'
    titles and summaries, which share most of their words, and folding and stemming each again was most
    of the page's time."""
    return tuple(stem(word) for word in fold(token).split()
                 if not (len(word) < 3 or word in STOPWORDS or word.isdigit()))


def weights(title, summary=""):
    """{stem: weight}: title words weigh TITLE_WEIGHT (the first two a little more), summary words 1."""
    weighted = {}
    for _word, root in words_and_stems(summary):
        weighted[root] = 1.0
    for position, (_word, root) in enumerate(words_and_stems(title)):
        bonus = LEAD_BONUS if position == 0 else LEAD_BONUS / 2 if position == 1 else 0.0
        weighted[root] = TITLE_WEIGHT * (1.0 + bonus)
    return weighted


def score(one, other):
    """Weighted Dice coefficient of two {stem: weight}: 0 (nothing shared) to 1 (the same words)."""
    total = sum(one.values()) + sum(other.values())
    if not total:
        return 0.0
    shared = sum(min(one[s], other[s]) for s in one.keys() & other.keys())
    return 2 * shared / total


@dataclass(frozen=True)
class Match:
    proposal_id: int
    title: str
    district_label: str | None  # None: a city-wide proposal
    status: ProposalStatus
    score: float
    shared: tuple  # the other proposal's words that matched, lower-cased ("chodników", "zabaw")


# --- candidates --------------------------------------------------------------------

def _text_match(stems, key):
    """SQLite: a subquery (id, rank) of proposals with any stem as a word prefix in title or summary.
    PostgreSQL: (condition, rank) on the proposals row itself (its stored tsvector, GIN-indexed)."""
    if db.session.get_bind().dialect.name == "sqlite":
        terms = " OR ".join(search._sqlite_term(s) for s in stems)  # "ł" variants for the unicode61 index
        fts = text(FTS_QUERY).bindparams(bindparam("match", "{title summary} : (" + terms + ")", unique=True))
        found = fts.columns(id=db.Integer, rank=db.Float).subquery(f"found_{key}")
        return found, found.c.id == Proposal.id, found.c.rank
    tsquery = func.to_tsquery(literal_column("'simple'::regconfig"),
                              " | ".join(f"{s}:*AB" for s in stems))  # stems are ASCII letters and digits
    vector = literal_column(f"proposals.{search.PG_COLUMN}")
    return None, vector.op("@@")(tsquery), -func.ts_rank(vector, tsquery)


def _visible_to(viewer):
    """A condition on Proposal: what this person may see (policy.can_view, less the area ambassador's view).

    None as viewer: public proposals only."""
    if proposal_policy.is_coordinator(viewer):
        return true()
    if not proposal_policy.signed_in(viewer):
        return Proposal.is_public.is_(True)
    rules = [Proposal.is_public.is_(True), Proposal.draft_visibility == DraftVisibility.EDITION.value,
             exists().where(ProposalAuthor.proposal_id == Proposal.id, ProposalAuthor.user_id == viewer.id)]
    units = policy.unit_ids_of(viewer) if proposal_policy.is_expert(viewer) else ()
    if units:
        rules.append(exists().where(Routing.proposal_id == Proposal.id, Routing.unit_id.in_(sorted(units)),
                                    Routing.status != RoutingStatus.CANCELLED.value))
    return or_(*rules)


CITYWIDE = Proposal.scope == "citywide"


def _is_sqlite():
    return db.session.get_bind().dialect.name == "sqlite"


def _part(for_id, edition_id, stems, key, place, limit, visible, exclude=None):
    """select (for_id, id, title, summary, status, scope, district_id): live proposals of the edition in
    `place` with any of the stems, best ranked first, at most `limit`."""
    found, matching, rank = _text_match(stems, key)
    query = select(literal(for_id).label("for_id"), Proposal.id, Proposal.title, Proposal.summary,
                   Proposal.status, Proposal.scope, Proposal.district_id)
    query = query.where(matching) if found is None else query.join(found, matching)
    if exclude is not None:
        query = query.where(Proposal.id != exclude)
    inner = (query.where(Proposal.edition_id == edition_id, Proposal.status.in_(LIVE), place, visible)
             .order_by(rank, Proposal.id).limit(limit)).subquery(f"c_{key}")
    return select(*inner.c).select_from(inner)


def _parts(proposals, per_row, visible):
    """The candidate searches for these proposals, to run as one UNION ALL.

    Each proposal gets a search of its own place: its district, or the city-wide proposals. A district
    proposal may also see very close city-wide ones: on SQLite its own search covers both (the
    full-text index drives the query there), on PostgreSQL one shared search an edition looks for
    city-wide proposals with any stem of the rows (for_id: minus the edition's id), so a page of rows costs one more search,
    not one more per row, and each district search uses the (edition, district) index."""
    parts, shared = [], {}
    for n, proposal in enumerate(proposals):
        stems = [root for _word, root in words_and_stems(proposal.title)][:MAX_QUERY_STEMS]
        if proposal.status not in LIVE or not stems:
            continue
        if proposal.scope == "citywide":
            place = CITYWIDE
        else:
            place = and_(Proposal.scope == "district", Proposal.district_id == proposal.district_id)
            if _is_sqlite():
                place = or_(place, CITYWIDE)
            else:
                shared.setdefault(proposal.edition_id, []).extend(stems)
        parts.append(_part(proposal.id, proposal.edition_id, stems, f"q{n}", place, per_row, visible,
                           exclude=proposal.id))
    for n, (edition_id, stems) in enumerate(shared.items()):
        stems = list(dict.fromkeys(stems))[:MAX_SHARED_STEMS]
        limit = min(CANDIDATES, max(1, int(per_row * CITYWIDE_SHARE * len(proposals))))
        parts.append(_part(-edition_id, edition_id, stems, f"cw{n}", CITYWIDE, limit, visible))
    return parts


def _same_place(proposal, row):
    return row.scope == proposal.scope and (row.scope == "citywide" or row.district_id == proposal.district_id)


def _matches(proposal, rows, limit):
    """Score the candidate rows for one proposal; the best `limit` above the thresholds."""
    mine = weights(proposal.title, proposal.summary)
    found, seen = [], {proposal.id}
    for row in rows:
        if row.id in seen:
            continue
        seen.add(row.id)
        theirs = weights(row.title, row.summary)
        value = score(mine, theirs)
        if value < (THRESHOLD if _same_place(proposal, row) else CLOSE_THRESHOLD):
            continue
        shared = mine.keys() & theirs.keys()
        words = tuple(word for word, root in words_and_stems(f"{row.title} {row.summary}")
                      if root in shared)[:MAX_SHARED_WORDS]
        found.append(Match(row.id, row.title, row.district_label, ProposalStatus(row.status),
                           round(value, 3), words))
    found.sort(key=lambda m: (-m.score, m.proposal_id))
    return found[:limit]


def _run(proposals, limit, per_row, viewer):
    """{id: [Match]} for these proposals in one query (a UNION ALL of the candidate searches)."""
    result = {p.id: [] for p in proposals}
    parts = _parts(proposals, per_row, _visible_to(viewer))
    if not parts:
        return result
    union = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery("candidates")
    rows = db.session.execute(
        select(*union.c, District).outerjoin(District, District.id == union.c.district_id)).all()
    by_proposal = {}
    for row in rows:
        label = row.District.label if row.District is not None and row.scope == "district" else None
        by_proposal.setdefault(row.for_id, []).append(_Row(row.id, row.title, row.summary or "", row.status,
                                                           row.scope, row.district_id, label))
    for proposal in proposals:
        own = by_proposal.get(proposal.id, [])
        if proposal.scope == "district":  # and the edition's shared city-wide search on PostgreSQL
            own = own + by_proposal.get(-proposal.edition_id, [])
        result[proposal.id] = _matches(proposal, own, limit)
    return result


@dataclass(frozen=True)
class _Row:
    id: int
    title: str
    summary: str
    status: str
    scope: str
    district_id: int | None
    district_label: str | None


def similar_to(proposal, limit=5, viewer=None):
    """Live proposals of the same edition that look like this one, most similar first (one query).

    `viewer`: only what this person may see is listed; None lists only public proposals."""
    return _run([proposal], limit, CANDIDATES, viewer)[proposal.id]


def similar_among(proposals, limit=3, viewer=None):
    """{proposal id: [Match]} for a page of rows (the unit inbox, the coordinator board): one query in all.

    Each proposal needs id, edition_id, district_id, status, title and summary loaded. `viewer` as in
    similar_to: pass the signed-in person, or only public proposals are listed."""
    proposals = list(proposals)
    return _run(proposals, limit, CANDIDATES_PER_ROW, viewer)


# --- the proposal page -------------------------------------------------------------

@hooks.page_section("similar", "feedback/_similar_section.html", order=30)
def similar_section(user, proposal):
    """Similar proposals for coordinators, routed experts and the proposal's authors (live proposals only)."""
    if proposal.state in proposal_policy.FINAL or not policy.can_see_similar(user, proposal):
        return None
    matches = similar_to(proposal, viewer=user)
    if not matches:
        return None
    return {"matches": matches, "proposal": proposal,
            "can_merge": proposal_policy.can_merge(user, proposal),
            "is_author": proposal_policy.is_author(user, proposal)}

