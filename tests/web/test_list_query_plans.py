"""The proposal lists read an index, never the whole table: every SELECT a list page runs (each sort, with
and without filters, the second page through its link, "My proposals", an area's list, a search) is run
again under SQLite's EXPLAIN QUERY PLAN, which must show no full scan of proposals or of their versions
("SCAN proposals", also "SCAN proposals USING INDEX …", which walks the whole index) and, where an index
can give the order, no "USE TEMP B-TREE FOR ORDER BY" (a sort of every row that matched).

Sorting in memory is accepted only where the rows sorted are bounded by something other than the table,
and each case below says which:
- a text search: the rows come from the full-text index's match, newest first, then by primary key, at
  most search.LIST_MATCHES of them; ordering them by rank (or by any other sort) needs a sort of those;
- "My proposals": the rows come from the person's authorships (proposal_authors by user_id), then by
  primary key; one person's proposals are few;
- sorting by status: one index range per status, each cut to a page, merged; the sort is of at most
  (number of statuses × page size) rows;
- a list whose status counts say its filters match at most queries_lists.FEW proposals: the rows come from
  the filters' index, by primary key, and are sorted.
The planner is left without ANALYZE statistics (its fixed guesses), as a fresh database has them.
"""

import html as html_module
import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from pbflow.core.database import utcnow
from pbflow.extensions import db
from pbflow.proposals import queries_lists
from pbflow.proposals.models import Proposal, ProposalAuthor, ProposalStatus

pytestmark = pytest.mark.usefixtures("english")
SQLITE_ONLY = "EXPLAIN QUERY PLAN is SQLite's"  # the reason sqlite_app (tests/conftest.py) gives on PostgreSQL

FULL_SCAN = re.compile(r"^SCAN (proposals|proposal_versions)(_\d+)?( |$)")
SORTED_IN_MEMORY = re.compile(r"USE TEMP B-TREE FOR (RIGHT PART OF |LAST \d+ TERMS OF )?ORDER BY")
READS_PROPOSALS = re.compile(r"\bFROM (proposals|proposal_versions)\b(?!_)|\bJOIN (proposals|proposal_versions)\b(?!_)")
SEEK = re.compile(r"^SEARCH proposals USING (COVERING )?INDEX \S+ \(.*[<>]\?\)$")
NEXT = re.compile(r'<a rel="next" href="([^"]+)"')
SEARCH, MINE, BY_STATUS, FEW = "search", "mine", "status", "few"


@pytest.fixture
def lists(sqlite_app, monkeypatch, make_edition, make_user, make_area, make_proposal, people, districts):
    """The lists below walk their indexes: every filter here matches few rows, which a list that counts would
    otherwise sort (queries_lists.FEW; test_a_list_that_matches_few_reads_the_filters_index)."""
    monkeypatch.setattr(queries_lists, "FEW", -1)
    return fill(sqlite_app, make_edition, make_user, make_area, make_proposal, people, districts)


def fill(app, make_edition, make_user, make_area, make_proposal, people, districts):
    """A few hundred proposals over two editions, 18 districts, two areas, every status; a third public."""
    app.config["PAGE_SIZE"] = 5  # so that nearly every case has a second page, reached through its cursor
    edition = make_edition(open_stage="meetings")
    older = make_edition(name="Wspólne Projekty 2025", current=False, open_stage=None)
    author = make_user("Autorka Wielu")
    areas = [make_area(districts[1], "Osiedle Kolorowe"), make_area(districts[2], "Osiedle Oficerskie")]
    make_proposal(edition, author=author, title="Plac zabaw z wersją", area=areas[0], district=districts[1])
    statuses = list(ProposalStatus)
    now = utcnow()
    with app.app_context():
        rows = []
        for n in range(360):
            citywide = n % 11 == 0
            rows.append(Proposal(
                edition_id=(older if n % 6 == 0 else edition).id, scope="citywide" if citywide else "district",
                district_id=None if citywide else districts[n % 18].id,
                area_id=areas[n % 2].id if n % 5 == 0 and n % 18 in (1, 2) else None,
                status=statuses[n % len(statuses)].value, title=f"{'Plac' if n % 3 else 'Park'} numer {n}",
                summary="Zieleń i ławki", description="Opis", total_cost=(n * 7919) % 100_000 * 100,
                is_public=n % 3 == 0, updated_at=now - timedelta(minutes=n), created_at=now - timedelta(days=1)))
        db.session.add_all(rows)
        db.session.flush()
        db.session.add_all(ProposalAuthor(proposal_id=row.id, user_id=author.id, role="lead")
                           for row in rows[::4])
        db.session.commit()
    return {"edition": edition, "older": older, "author": author, "areas": areas, "districts": districts,
            "coordinator": people["coordinator"]}


def _statements(app):
    captured = []

    def before(_connection, _cursor, statement, parameters, _context, executemany):
        if not executemany and statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    return engine, before, captured


def plans(app, client, url):
    """[(statement, [plan line, …])] for every SELECT the page runs; the response, and its next page's link."""
    engine, before, captured = _statements(app)
    try:
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", before)
    assert response.status_code == 200, url
    found = []
    with app.app_context(), db.engine.connect() as connection:
        for statement, parameters in captured:
            rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            found.append((statement, parameters, [(row[1], row[3]) for row in rows]))
    link = NEXT.search(response.get_data(as_text=True))
    return found, response, html_module.unescape(link.group(1)) if link else None


def skips_rows(statement, parameters):
    """An OFFSET other than 0 (SQLAlchemy writes "LIMIT ? OFFSET ?" on SQLite for every LIMIT)."""
    return statement.rstrip().endswith("OFFSET ?") and parameters[-1] != 0


def _sort_accepted(accepted, parent):
    """A search's matches and one person's proposals may be sorted anywhere in the plan; by status, only the
    merge of the per-status pages (the outermost sort), never a sort inside one status's range."""
    return SEARCH in accepted or MINE in accepted or FEW in accepted or (BY_STATUS in accepted and parent == 0)


def problems(found, accepted=()):
    """Plan lines that read a whole table of proposals or versions, or sort one in memory unaccepted; an OFFSET
    (which reads and drops every row before the page)."""
    bad = []
    for statement, parameters, lines in found:
        if READS_PROPOSALS.search(statement) and skips_rows(statement, parameters):
            bad.append(f"OFFSET (rows skipped one by one)\n  in {statement}")
        for parent, line in lines:
            in_memory = (SORTED_IN_MEMORY.search(line) and READS_PROPOSALS.search(statement)
                         and not _sort_accepted(accepted, parent))
            if FULL_SCAN.match(line) or in_memory:
                bad.append(f"{line}\n  in {statement}")
    return bad


def check(app, client, url, accepted=(), pages=2):
    """The page and the next `pages - 1` pages through their links: no full scan, no unaccepted sort; a later
    page seeks its start in an index (a range "key<?" or "key>?"), unless its rows come from a search or
    one person's authorships or few matches, then by primary key."""
    visited = []
    for _ in range(pages):
        later = "after=" in url
        found, response, url = plans(app, client, url)
        visited.append(later)
        assert problems(found, accepted) == []
        if later and not {SEARCH, MINE, FEW} & set(accepted):
            assert any(SEEK.match(line) for _s, _p, lines in found for _parent, line in lines), found
        if url is None:
            break
    return visited


SORTS = ("relevance", "changed", "title", "cost", "status")


def accepted_for(query, mine=False):
    reasons = []
    if "q=" in query:
        reasons.append(SEARCH)
    if "sort=status" in query:
        reasons.append(BY_STATUS)
    if mine:
        reasons.append(MINE)
    return tuple(reasons)


@pytest.mark.parametrize("query", [f"sort={sort}" for sort in SORTS] + [
    "district={d1}", "district={d1}&sort=title", "status=ready", "status=ready&sort=cost", "edition={older}",
    "district={d1}&status=draft&sort=changed", "q=plac", "q=plac&sort=title", "q=%22NEAR%22+OR+*"])
def test_the_public_list_reads_indexes(lists, client, query):
    query = query.format(d1=lists["districts"][1].id, older=lists["older"].id)
    check(client.application, client, f"/proposals/?{query}", accepted_for(query))


@pytest.mark.parametrize("query", [f"sort={sort}" for sort in SORTS] + [
    "district={d1}", "district={d1}&sort=cost", "area={a0}", "area={a0}&sort=title", "status=submitted",
    "status=submitted&sort=title", "scope=citywide", "scope=district&sort=cost", "edition={older}&sort=title",
    "district={d1}&status=draft", "q=numer", "q=numer&sort=changed", "q=park&sort=status"])
def test_the_coordinator_list_reads_indexes(lists, client, login, query):
    login(client, lists["coordinator"])
    query = query.format(d1=lists["districts"][1].id, a0=lists["areas"][0].id, older=lists["older"].id)
    check(client.application, client, f"/proposals/all?{query}", accepted_for(query))


@pytest.mark.parametrize("query", [f"sort={sort}" for sort in SORTS] + ["status=draft", "q=plac"])
def test_an_area_list_reads_indexes(lists, client, login, query):
    login(client, lists["coordinator"])
    check(client.application, client, f"/proposals/area/{lists['areas'][0].id}?{query}", accepted_for(query))


def test_my_proposals_read_my_authorships(lists, client, login):
    login(client, lists["author"])
    assert check(client.application, client, "/proposals/mine", accepted_for("", mine=True), pages=3) == [
        False, True, True]


def test_most_cases_reach_a_second_page(lists, client, login):
    """The checks above follow "Next page": the lists are long enough for it."""
    login(client, lists["coordinator"])
    for sort in SORTS:
        for url in (f"/proposals/all?sort={sort}", f"/proposals/?sort={sort}"):
            assert check(client.application, client, url, accepted_for(url)) == [False, True]


def test_the_check_sees_a_full_scan_and_an_in_memory_sort(lists, client):
    """The test's own test: a query by a column no index has is caught."""
    with client.application.app_context(), db.engine.connect() as connection:
        statement = "SELECT id FROM proposals WHERE yearly_upkeep > ? ORDER BY title"
        lines = [(row[1], row[3]) for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, (0,))]
    assert len(problems([(statement, (0,), lines)])) == 2


@pytest.mark.parametrize("query", ["district={d1}&scope=citywide", "district={d1}&status=merged&sort=cost",
                                   "district={d1}&sort=title", "scope=citywide&status=ready", "area={a0}&sort=changed"])
def test_a_list_that_matches_few_reads_the_filters_index(lists, client, login, monkeypatch, query):
    """Walking (edition_id, updated_at) to find the proposals of a district that are also city-wide (none)
    read the whole edition; with the counts saying how few match, the page is read through the filters'
    index by primary key, and those rows alone are sorted."""
    monkeypatch.setattr(queries_lists, "FEW", 1000)
    login(client, lists["coordinator"])
    query = query.format(d1=lists["districts"][1].id, a0=lists["areas"][0].id)
    url = f"/proposals/all?{query}"
    assert check(client.application, client, url, (FEW,))
    found, _response, _next = plans(client.application, client, url)
    page_plan = [lines for statement, _p, lines in found if "LIMIT" in statement and "IN (SELECT" in statement]
    assert len(page_plan) == 1, [statement for statement, _p, _l in found]
    assert page_plan[0][0][1] == "SEARCH proposals USING INTEGER PRIMARY KEY (rowid=?)", page_plan
    assert not any("ix_proposals_edition_updated" in line or "ix_proposals_edition_cost" in line
                   or "ix_proposals_edition_title" in line for _parent, line in page_plan[0]), page_plan


def test_a_district_s_status_counts_are_read_from_its_index_alone(lists, client, login):
    login(client, lists["coordinator"])
    found, _response, _next = plans(client.application, client,
                                    f"/proposals/all?district={lists['districts'][1].id}&scope=district")
    counts = [lines for statement, _p, lines in found if "count(*)" in statement and "GROUP BY" in statement]
    assert counts == [[(0, "SEARCH proposals USING COVERING INDEX ix_proposals_district_counts "
                           "(edition_id=? AND district_id=?)")]]
