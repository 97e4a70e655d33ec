"""What past results say about a district: years, projects, the share of the pool won, and cost benchmarks."""

from dataclasses import dataclass
from statistics import median

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import joinedload

from pbflow.extensions import db
from pbflow.past_results.importer import fold
from pbflow.past_results.models import PastProject, PastResult

# Words that say nothing about what a project is.
STOPWORDS = frozenset((
    "i", "w", "we", "na", "z", "ze", "do", "dla", "oraz", "przy", "ul", "nr", "od", "po", "pod", "nad", "za",
    "o", "a", "lub", "to", "jest", "sie", "czy", "jak", "co", "ktore", "the", "and", "of", "for", "in",
    "etap", "ii", "iii", "iv", "budowa", "zakup", "projekt", "remont", "realizacja"))
MAX_STEMS = 6
BENCHMARK_CANDIDATES = 300
MIN_WHOLE_MATCHES = 3


@dataclass
class YearSummary:
    result: PastResult
    projects: int
    funded: int
    funded_cost: int
    total_cost: int

    @property
    def not_funded(self):
        return self.projects - self.funded

    @property
    def share_won(self):
        """Share of the pool taken by funded projects, 0–1 (None without a pool)."""
        return self.funded_cost / self.result.budget if self.result.budget else None


def _scope_filter(model, district_id):
    if district_id is None:
        return model.scope == "citywide"
    return model.district_id == district_id


def year_summaries(district_id):
    """One row per imported year, newest first: pool, projects, funded, and the share of the pool won."""
    funded = PastProject.selected.is_(True)
    rows = db.session.execute(
        select(PastResult,
               func.count(PastProject.id),
               func.coalesce(func.sum(case((funded, 1), else_=0)), 0),
               func.coalesce(func.sum(case((funded, PastProject.cost), else_=0)), 0),
               func.coalesce(func.sum(PastProject.cost), 0))
        .outerjoin(PastProject, PastProject.result_id == PastResult.id)
        .where(_scope_filter(PastResult, district_id))
        .group_by(PastResult.id).order_by(PastResult.year.desc())).all()
    return [YearSummary(result, int(n), int(won), int(won_cost), int(cost)) for result, n, won, won_cost, cost in rows]


def stems(text):
    """Word stems that survive Polish inflection well enough: 'placu zabaw' -> ['plac', 'zaba']."""
    found = []
    for word in fold(text).split():
        if len(word) < 3 or word in STOPWORDS or word.isdigit():
            continue
        stem = word[:max(4, len(word) - 2)] if len(word) > 4 else word
        if stem not in found:
            found.append(stem)
    return found[:MAX_STEMS]


def _matches_stem(stem):
    # name_key is single-spaced folded words: a stem must start a word.
    return (" " + PastProject.name_key).like(f"% {stem}%")


def projects_query(district_id, year=None, words=None):
    """The district's (or the city-wide) past projects, newest year first, funded first, most votes first."""
    query = (select(PastProject).where(_scope_filter(PastProject, district_id))
             .order_by(PastProject.year.desc(), PastProject.selected.desc().nulls_last(),
                       PastProject.votes.desc().nulls_last(), PastProject.id))
    if year:
        query = query.where(PastProject.year == year)
    found = stems(words or "")
    for stem in found:
        query = query.where(_matches_stem(stem))
    if words and not found:  # only short or common words: match them as typed
        query = query.where(PastProject.name_key.contains(fold(words)))
    return query


@dataclass
class Benchmarks:
    projects: list  # PastProject, best first
    matched: int
    funded: int
    median_cost: int | None
    stems: list

    @property
    def funded_share(self):
        return self.funded / self.matched if self.matched else None


def benchmarks(title, district_id=None, limit=8):
    """Past projects named like `title`: same district first, then the city; with how such things fared."""
    words = stems(title)
    if not words:
        return Benchmarks([], 0, 0, None, [])
    candidates = db.session.scalars(
        select(PastProject).where(or_(*(_matches_stem(stem) for stem in words)))
        .options(joinedload(PastProject.district))  # the list names each project's district
        .order_by(PastProject.year.desc()).limit(BENCHMARK_CANDIDATES)).all()

    def hits(project):
        padded = " " + project.name_key
        return sum(1 for stem in words if f" {stem}" in padded)

    scored = [(hits(p), p) for p in candidates]
    # Projects with every word when there are a few of them, else those with at least half the words.
    whole = sum(1 for n, _p in scored if n == len(words))
    needed = len(words) if whole >= MIN_WHOLE_MATCHES else max(1, (len(words) + 1) // 2)
    similar = [(n, p) for n, p in scored if n >= needed]
    similar.sort(key=lambda item: (-item[0], item[1].district_id != district_id or district_id is None,
                                   -(item[1].year), -(item[1].votes or 0)))
    projects = [p for _n, p in similar]
    funded = sum(1 for p in projects if p.selected)
    costs = [p.cost for p in projects]
    return Benchmarks(projects[:limit], len(projects), funded, int(median(costs)) if costs else None, words)


def totals_by_district():
    """{district_id or None: (years, projects, funded)} for the overview, in one query."""
    funded = func.coalesce(func.sum(case((PastProject.selected.is_(True), 1), else_=0)), 0)
    rows = db.session.execute(
        select(PastProject.district_id, func.count(func.distinct(PastProject.year)), func.count(), funded)
        .group_by(PastProject.district_id)).all()
    return {district_id: (int(years), int(n), int(won)) for district_id, years, n, won in rows}


def years_available(district_id):
    return db.session.scalars(select(PastResult.year).where(_scope_filter(PastResult, district_id))
                              .order_by(PastResult.year.desc())).all()

