"""Similar proposals of the same edition, so that experts can group them and authors can meet or merge.

Polish text is inflected ("plac zabaw", "placu zabaw", "placów zabaw"), so words are compared by a
light stem: folded to ASCII (ł→l, ż→z …), common case endings cut off, then the first STEM_LENGTH
letters kept. Words that say nothing about what a project is (prepositions, "ul.", "nowy",
"bezpieczny" …) are dropped.

Candidates come from the full-text index (FTS5 on SQLite, the tsvector on PostgreSQL): any stem of the
title as a prefix in another proposal's title or summary, in the same district (a district proposal
also looks at city-wide ones), at most CANDIDATES of them, best ranked first. Python then scores each
candidate: a weighted Dice coefficient over stems, where a word of the title counts TITLE_WEIGHT times
a word of the summary and the title's first words count a little more (Polish titles usually start
with what the project is: "Siłownia pod chmurką w Parku Solvay"). Matches under THRESHOLD are not
shown; a city-wide proposal is shown beside a district one only from CLOSE_THRESHOLD up.

Measured on 78 real names from Kraków's Pabulib files (tests/unit/test_similar_precision.py, the
figures are in its docstring).
"""

import re
from dataclasses import dataclass

from sqlalchemy import (
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
TITLE_WEIGHT = 3.0
LEAD_BONUS = 0.5  # the first content word of a title counts this much more, the second half of it
THRESHOLD = 0.25
CLOSE_THRESHOLD = 0.6  # a city-wide proposal beside a district one (or the other way round)

# Any stem as a prefix in the title or summary; bm25 weighs the title most (as proposals.search does).
FTS_QUERY = ("SELECT rowid AS id, bm25(proposals_fts, 10.0, 4.0, 1.0) AS rank "
             "FROM proposals_fts WHERE proposals_fts MATCH :match")

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
        for word in fold(token).split():
            if len(word) < 3 or word in STOPWORDS or word.isdigit():
                continue
            root = stem(word)
            if root not in seen:
                seen.add(root)
                found.append((token.lower(), root))
    return found


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
    """A subquery (id, rank) of proposals with any stem as a word prefix in title or summary."""
    if db.session.get_bind().dialect.name == "sqlite":
        terms = " OR ".join(search._sqlite_term(s) for s in stems)  # "ł" variants for the unicode61 index
        fts = text(FTS_QUERY).bindparams(bindparam("match", "{title summary} : (" + terms + ")", unique=True))
        return fts.columns(id=db.Integer, rank=db.Float).subquery(f"found_{key}")
    tsquery = func.to_tsquery(literal_column("'simple'::regconfig"),
                              " | ".join(f"{s}:*AB" for s in stems))  # stems are ASCII letters and digits
    vector = literal_column(f"proposals.{search.PG_COLUMN}")
    return (select(Proposal.id.label("id"), (-func.ts_rank(vector, tsquery)).label("rank"))
            .where(vector.op("@@")(tsquery)).subquery(f"found_{key}"))


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


def _place(proposal):
    """Where candidates may be: the same district and the city-wide ones, or only city-wide ones."""
    if proposal.district_id is None:
        return Proposal.scope == "citywide"
    return or_(Proposal.district_id == proposal.district_id, Proposal.scope == "citywide")


def _candidates(proposal, stems, key, limit, visible):
    found = _text_match(stems, key)
    inner = (select(literal(proposal.id).label("for_id"), Proposal.id, Proposal.title, Proposal.summary,
                    Proposal.status, Proposal.district_id)
             .join(found, found.c.id == Proposal.id)
             .where(Proposal.edition_id == proposal.edition_id, Proposal.id != proposal.id,
                    Proposal.status.in_(LIVE), _place(proposal), visible)
             .order_by(found.c.rank, Proposal.id).limit(limit)).subquery(f"c_{key}")
    return select(*inner.c).select_from(inner)


def _matches(proposal, rows, limit):
    """Score the candidate rows for one proposal; the best `limit` above the thresholds."""
    mine = weights(proposal.title, proposal.summary)
    found = []
    for row in rows:
        theirs = weights(row.title, row.summary)
        value = score(mine, theirs)
        same_place = row.district_id == proposal.district_id
        if value < (THRESHOLD if same_place else CLOSE_THRESHOLD):
            continue
        shared = mine.keys() & theirs.keys()
        words = tuple(word for word, root in words_and_stems(f"{row.title} {row.summary}")
                      if root in shared)[:MAX_SHARED_WORDS]
        found.append(Match(row.id, row.title, row.district_label, ProposalStatus(row.status),
                           round(value, 3), words))
    found.sort(key=lambda m: (-m.score, m.proposal_id))
    return found[:limit]


def _run(proposals, limit, per_row, viewer):
    """{id: [Match]} for these proposals in one query (a UNION ALL of one candidate search each)."""
    result = {p.id: [] for p in proposals}
    visible = _visible_to(viewer)
    parts = []
    for n, proposal in enumerate(proposals):
        if proposal.status not in LIVE:
            continue
        stems = [root for _word, root in words_and_stems(proposal.title)][:MAX_QUERY_STEMS]
        if stems:
            parts.append(_candidates(proposal, stems, f"q{n}", per_row, visible))
    if not parts:
        return result
    union = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery("candidates")
    rows = db.session.execute(
        select(*union.c, District).outerjoin(District, District.id == union.c.district_id)).all()
    by_proposal = {}
    for row in rows:
        label = row.District.label if row.District is not None else None
        by_proposal.setdefault(row.for_id, []).append(_Row(row.id, row.title, row.summary or "", row.status,
                                                           row.district_id, label))
    for proposal in proposals:
        result[proposal.id] = _matches(proposal, by_proposal.get(proposal.id, ()), limit)
    return result


@dataclass(frozen=True)
class _Row:
    id: int
    title: str
    summary: str
    status: str
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

