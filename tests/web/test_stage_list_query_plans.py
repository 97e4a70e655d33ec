"""The lists of Stages II–IV and of monitoring read an index, never a whole table: every SELECT a list page runs
(page 1 with and without its filters, then the next page through its own link, as the role that sees it) is run
again under SQLite's EXPLAIN QUERY PLAN, which must show

- no full scan of proposals or proposal_versions ("SCAN proposals", also "SCAN proposals USING INDEX …",
  which walks the whole index), whatever statement of the page it is in;
- no full scan of the list's own table(s), named per list below (meetings, routings, internal_notes, …);
- no OFFSET other than 0 (every page is a keyset page: a later page seeks its start in an index, a range
  "key>?" or "key<?", which is checked too);
- no "USE TEMP B-TREE FOR ORDER BY" (a sort of every matching row in memory) in a statement that reads the
  list's table or proposals, unless the case says why the rows sorted are few (see ACCEPTED below).

A full scan of a small lookup table is fine and not checked: districts (18), areas, editions, verifying units
(a few dozen city bodies; the units list itself is checked to read them in name order from the unique index
and seek its second page), the users joined to a row by primary key, the schema's own tables. The sort of such
a table (units by name in the board's counts, editions by year) is fine too.

A list may also name the index its every page must read by (`reads_by`: the proposals of one status by id), and
a list of a whole table (venues, units) may walk its index from the start on the first page (`walk`).

Not flagged, and accepted as an ordered read with a filter: the calendar filtered by district and the board
filtered by unit or district read the edition's index in order and skip the rows of other districts or units.

The planner is left without ANALYZE statistics (its fixed guesses), as a fresh database has them; the number of
rows is only what it takes to have a second page. The page sizes are the modules' own (several are bound as
default arguments, so a monkeypatched constant would not reach them), except the discussion's threads and the
downloads' batches, lowered; the rows are inserted in bulk.
"""

import html as html_module
import re
from datetime import timedelta

import pytest
from sqlalchemy import event, insert

from pbflow.accounts.models import Role
from pbflow.core import clock
from pbflow.core.database import utcnow
from pbflow.core.models import Notification
from pbflow.extensions import db
from pbflow.feedback.models import AnswerSnippet, InternalNote, Routing, VerifyingUnit
from pbflow.marathons.models import MarathonBooking, Supporter
from pbflow.meetings.models import Comment, Idea, Meeting, Venue
from pbflow.monitoring.models import Activity
from pbflow.proposals.models import Proposal
from pbflow.workshops.models import ConsultationSlot, Workshop
from tests.web.test_submission_exports import bulk_submitted

pytestmark = pytest.mark.usefixtures("english")
SQLITE_ONLY = "EXPLAIN QUERY PLAN is SQLite's"  # the reason sqlite_app (tests/conftest.py) gives on PostgreSQL

PROPOSAL_TABLES = ("proposals", "proposal_versions")
SORTED_IN_MEMORY = re.compile(r"USE TEMP B-TREE FOR (RIGHT PART OF |LAST \d+ TERMS OF )?ORDER BY")
REL_NEXT = r'<a rel="next" href="([^"]+)"'

# Sorts accepted in memory, each with why the rows sorted are bounded by something other than the table:
# a pattern of the statement -> the reason.
ACCEPTED = {
    "ideas": (r"FROM meeting_ideas\b.*ORDER BY meeting_ideas\.support_count DESC",
              "a discussion's ideas by support: at most IDEAS_MAX (200) per discussion, all shown on the page"),
    "search": (r"\bproposals_fts MATCH\b",
               "a text search (similar titles beside a row): the rows come from the full-text index's match"),
    "replies": (r"\.parent_id IN \(",
                "the replies of the threads on the page (a discussion's at most REPLIES_MAX (50) a thread)"),
    "slots": (r"FROM marathon_slots\s+WHERE marathon_slots\.marathon_id IN \(",
              "the times of the marathons on the page, loaded beside them"),
    "overdue": (r"routings\.due_on < \?",
                "overdue only: the pending routings past their due date, one range of the (edition_id, status, "
                "due_on) index; the sort is of that backlog, not of the table"),
    "desk": (r"FROM marathon_bookings\b.*ORDER BY marathon_bookings\.slot_id, proposals\.title",
             "the desk: the active bookings of one marathon, at most its seats, all shown on one page"),
}


def _names(tables):
    return "|".join(re.escape(t) for t in tables)


class Rules:
    """What one list must not do: scan `tables` (and proposals, versions) or sort them in memory.

    `reads_by`: a plan line every page of the list must show (the index that gives its filter and order).
    `walk`: the list is of the whole table (venues, units): its first page may walk the table's index from
    its start, in order, up to LIMIT rows; a later page must still seek its start."""

    def __init__(self, tables, accepted=(), walk=False, reads_by=None):
        self.tables = tuple(tables)
        self.reads_by = re.compile(reads_by) if reads_by else None
        self.walk = re.compile(rf"^SCAN ({_names(self.tables)}) USING (COVERING )?INDEX ") if walk else None
        names = _names(PROPOSAL_TABLES + self.tables)
        self.full_scan = re.compile(rf"^SCAN ({names})(_\d+)?( |$)")
        self.reads = re.compile(rf"\b(FROM|JOIN) ({names})\b(?!_)")
        self.seek = re.compile(rf"^SEARCH ({_names(self.tables)})(_\d+)? USING (COVERING )?INDEX \S+ \(.*[<>]\?\)$")
        self.accepted = [re.compile(ACCEPTED[name][0], re.S) for name in accepted]

    def problems(self, found):
        bad = []
        for statement, parameters, lines in found:
            if statement.rstrip().endswith("OFFSET ?") and parameters[-1] != 0:
                bad.append(f"OFFSET {parameters[-1]} (rows skipped one by one)\n  in {_short(statement)}")
            sorted_ok = any(pattern.search(statement) for pattern in self.accepted)
            in_order = not any(SORTED_IN_MEMORY.search(line) for line in lines) and "LIMIT" in statement
            for line in lines:
                if self.walk and in_order and self.walk.match(line):
                    continue  # a list of the whole table: its first page reads the index from the start to LIMIT
                in_memory = SORTED_IN_MEMORY.search(line) and self.reads.search(statement) and not sorted_ok
                if self.full_scan.match(line) or in_memory:
                    bad.append(f"{line}\n  in {_short(statement)}")
        return bad

    def seeks(self, found):
        return any(self.seek.match(line) for _s, _p, lines in found for line in lines)


def _short(statement):
    """The statement without its columns, on one line, for the failure message."""
    return " ".join(re.sub(r"^\s*SELECT .*?\bFROM\b", "SELECT … FROM", statement, count=1, flags=re.S).split())


def plans(app, client, url):
    """[(statement, parameters, [plan line])] for every SELECT the page runs, and the page's HTML."""
    captured = []

    def before(_connection, _cursor, statement, parameters, _context, executemany):
        if not executemany and statement.lstrip().upper().startswith(("SELECT", "WITH")):
            captured.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        response = client.get(url)
        body = response.get_data(as_text=True)  # a streamed download runs its queries while it is read
    finally:
        event.remove(engine, "before_cursor_execute", before)
    assert response.status_code == 200, (url, body[:500])
    found = []
    with app.app_context(), db.engine.connect() as connection:
        for statement, parameters in captured:
            rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            found.append((statement, parameters, [row[3] for row in rows]))
    return found, body


def check(app, client, url, rules, next_link=REL_NEXT, pages=2):
    """The page and the next `pages - 1` through their links; {url: [problem]} for those with any, and the
    number of pages visited. A later page must seek its start in an index of the list's table."""
    found_problems, visited = {}, 0
    while url is not None and visited < pages:
        found, body = plans(app, client, url)
        bad = rules.problems(found)
        if rules.reads_by and not any(rules.reads_by.search(line) for _s, _p, lines in found for line in lines):
            bad.append(f"no plan line reads by {rules.reads_by.pattern}")
        if visited and not rules.seeks(found):
            bad.append("the later page does not seek its start in an index:\n  " + "\n  ".join(
                f"{lines} in {_short(statement)}" for statement, _p, lines in found if rules.reads.search(statement)))
        if bad:
            found_problems[url] = bad
        visited += 1
        link = re.search(next_link, body) if next_link else None
        url = html_module.unescape(link.group(1)) if link else None
    return found_problems, visited


def check_all(app, client, urls, rules, next_link=REL_NEXT, pages=2):
    """Every url (page 1 and its next page); fails with every problem found, and when a list had no second
    page (the check would then not have seen the keyset read)."""
    problems, single = {}, []
    for url in urls:
        found, visited = check(app, client, url, rules, next_link, pages)
        problems.update(found)
        if visited < pages:
            single.append(url)
    assert problems == {}, "\n\n".join(f"{url}:\n" + "\n".join(bad) for url, bad in problems.items())
    assert single == [], "these lists had no next page"


# --- set-up ---------------------------------------------------------------------------------------------------

def _proposals(app, edition, count, status, district_id, title="Wniosek"):
    with app.app_context():
        ids = db.session.scalars(insert(Proposal).returning(Proposal.id, sort_by_parameter_order=True), [
            {"edition_id": edition.id, "scope": "district", "district_id": district_id, "status": status,
             "current_version": 1, "title": f"{title} {n:04d}", "summary": "Krótkie streszczenie",
             "description": "Opis"} for n in range(count)]).all()
        db.session.commit()
        return ids


def _insert(app, model, rows):
    with app.app_context():
        db.session.execute(insert(model), rows)
        db.session.commit()


# --- Stage II: meetings ---------------------------------------------------------------------------------------

@pytest.fixture
def meetings(sqlite_app, make_edition, make_area, make_ambassador, districts):
    """Upcoming and past meetings of two areas in two districts, in person and online (a few over a page)."""
    from pbflow.meetings import calendar

    edition = make_edition(open_stage="meetings")
    areas = [make_area(districts[1], "Osiedle Kolorowe"), make_area(districts[2], "Osiedle Oficerskie")]
    organiser = make_ambassador(edition, area=areas[0])
    now = utcnow().replace(second=0, microsecond=0)
    rows = []
    for n in range(8 * calendar.PAGE_SIZE):
        area = areas[n % 2]
        starts = now + timedelta(hours=5 + n) if n % 3 else now - timedelta(days=2, hours=n)
        rows.append({"edition_id": edition.id, "area_id": area.id, "district_id": area.district_id,
                     "organiser_id": organiser.user_id, "title": f"Spotkanie {n}",
                     "format": "online" if n % 4 == 0 else "in_person", "starts_at": starts,
                     "ends_at": starts + timedelta(hours=2), "capacity": 20})
    _insert(sqlite_app, Meeting, rows)
    return {"edition": edition, "areas": areas, "districts": districts}


def test_the_meeting_calendar_reads_indexes(meetings, client):
    """/meetings/ (public), each filter and "past"; table: meetings."""
    d1, a0 = meetings["districts"][1].id, meetings["areas"][0].id
    queries = ["", "when=past", f"district={d1}", f"district={d1}&when=past", f"area={a0}", f"area={a0}&when=past",
               "format=online", "format=in_person&when=past", f"district={d1}&format=in_person"]
    check_all(client.application, client, [f"/meetings/?{q}" for q in queries], Rules(["meetings"]))


def test_the_meeting_feed_reads_indexes(meetings, client):
    """/meetings/calendar.ics (public, one bounded read of the calendar's query); table: meetings."""
    d1 = meetings["districts"][1].id
    for url in ("/meetings/calendar.ics", f"/meetings/calendar.ics?district={d1}&format=online"):
        assert Rules(["meetings"]).problems(plans(client.application, client, url)[0]) == []


def test_the_venues_read_their_index(sqlite_app, client, login, people, districts):
    """/meetings/venues (coordinators, ambassadors), by name; table: venues."""
    from pbflow.meetings.views.schedule import VENUES_PAGE

    _insert(sqlite_app, Venue, [{"name": f"Dom Kultury {n:03d}", "name_key": f"dom kultury {n:03d}",
                                 "address": f"ul. Długa {n}", "district_id": districts[n % 18].id}
                                for n in range(VENUES_PAGE + 5)])
    login(client, people["coordinator"])
    check_all(sqlite_app, client, ["/meetings/venues"], Rules(["venues"], walk=True))


def test_a_discussion_reads_its_threads_by_index(sqlite_app, client, make_edition, make_meeting, make_user,
                                                 monkeypatch):
    """/meetings/<id> (public) and its earlier threads /meetings/<id>/discussion?before=…; tables:
    meeting_comments, meeting_ideas (another meeting's discussion beside it)."""
    from pbflow.meetings import discussion

    monkeypatch.setattr(discussion, "THREADS_PER_PAGE", 5)
    edition = make_edition(open_stage="meetings")
    online = [make_meeting(edition, title=f"Dyskusja {n}", fmt="online", starts_in=timedelta(hours=-1), hours=48)
              for n in range(2)]
    author = make_user("Pisząca Dużo")
    with sqlite_app.app_context():
        for meeting in online:
            db.session.execute(insert(Idea), [{"meeting_id": meeting.id, "title": f"Pomysł {n}",
                                               "description": "", "created_by_id": author.id} for n in range(4)])
            roots = db.session.scalars(insert(Comment).returning(Comment.id, sort_by_parameter_order=True), [
                {"meeting_id": meeting.id, "author_id": author.id, "body": f"Wątek {n}"} for n in range(13)]).all()
            db.session.execute(insert(Comment), [{"meeting_id": meeting.id, "author_id": author.id, "parent_id": root,
                                                  "body": "Odpowiedź"} for root in roots for _ in range(2)])
        db.session.commit()
    check_all(sqlite_app, client, [f"/meetings/{online[0].id}"], Rules(["meeting_comments", "meeting_ideas"],
              accepted=("ideas", "replies")), next_link=r'href="(/meetings/\d+/discussion\?before=\d+)"', pages=3)


# --- Stage III: routings, feedback, units, workshops, consultations ---------------------------------------------

@pytest.fixture
def routed(sqlite_app, make_edition, make_unit, make_expert, districts):
    """Two units; routings of one edition in every status over two districts, some overdue; proposals in
    consultation that no unit is asked about yet."""
    from pbflow.feedback import inbox

    edition = make_edition(open_stage="workshops", criteria=True)
    units = [make_unit(name="Zieleń testowa"), make_unit(name="Drogi testowe")]
    expert = make_expert(units[0])
    count = 24 * (inbox.PAGE_SIZE + 2)  # every (unit, district, status, overdue) has more than a page
    statuses = ("pending", "answered", "cancelled")
    start = utcnow() - timedelta(days=30)
    with sqlite_app.app_context():
        ids = db.session.scalars(insert(Proposal).returning(Proposal.id, sort_by_parameter_order=True), [
            {"edition_id": edition.id, "scope": "district", "district_id": districts[n // 2 % 2].id,
             "status": "in_consultation", "current_version": 1, "title": f"Wniosek {n:04d}",
             "summary": "Krótkie", "description": "Opis"} for n in range(count + inbox.AWAITING_PAGE + 3)]).all()
        routings = []
        for n, proposal_id in enumerate(ids[:count]):
            routings.append({"proposal_id": proposal_id, "unit_id": units[n % 2].id, "edition_id": edition.id,
                             "district_id": districts[n // 2 % 2].id, "status": statuses[n // 4 % 3], "round": 1,
                             "due_on": clock.today() + timedelta(days=-3 if n // 12 % 2 else 14),
                             "routed_at": start + timedelta(seconds=n)})
        db.session.execute(insert(Routing), routings)
        db.session.commit()
    return {"edition": edition, "units": units, "expert": expert, "districts": districts,
            "proposal_ids": ids}


ROUTING_RULES = Rules(["routings"], accepted=("search", "overdue"))
# The proposals of one status by id (the unrouted list, the walk-ins), not the edition's read and filtered.
BY_STATUS_AND_ID = r"^SEARCH proposals USING INDEX \S+ \(edition_id=\? AND status=\?( AND (row)?id>\?)?\)"


def test_a_units_inbox_reads_indexes(routed, client, login):
    """/units/<id>/inbox (the unit's experts), each status, a district, overdue; table: routings."""
    login(client, routed["expert"])
    unit, d0 = routed["units"][0].id, routed["districts"][0].id
    queries = ["", "status=answered", "status=all", f"district={d0}", f"district={d0}&status=answered",
               "overdue=1", f"district={d0}&overdue=1", f"edition={routed['edition'].id}&status=all"]
    check_all(client.application, client, [f"/units/{unit}/inbox?{q}" for q in queries], ROUTING_RULES)


def test_the_routing_board_reads_indexes(routed, client, login, people):
    """/routing/board (coordinators): every routing of the edition, each filter; tables: routings (and the
    proposals joined to them). The per-unit counts are one grouped read of the edition's routings in the
    (edition_id, status, due_on) index."""
    login(client, people["coordinator"])
    unit, d1 = routed["units"][1].id, routed["districts"][1].id
    queries = ["", "status=answered", "status=cancelled", "status=all", f"unit={unit}", f"unit={unit}&status=all",
               f"district={d1}", f"district={d1}&status=answered", "overdue=1", f"unit={unit}&overdue=1"]
    check_all(client.application, client, [f"/routing/board?{q}" for q in queries], ROUTING_RULES)


def test_the_unrouted_list_reads_indexes(routed, client, login, people):
    """/routing/board?after_proposal=… (coordinators): proposals in consultation no unit is asked about;
    tables: proposals, routings."""
    login(client, people["coordinator"])
    check_all(client.application, client, ["/routing/board"],
              Rules(["proposals", "routings"], accepted=("search",), reads_by=BY_STATUS_AND_ID), next_link=r'href="([^"]*after_proposal=[^"]+)"')


def test_the_notes_threads_read_indexes(sqlite_app, client, login, make_edition, make_proposal, make_unit,
                                        make_expert, make_routing):
    """/routings/<id> (the unit's experts) and its earlier notes ?notes_before=…; table: internal_notes (notes
    of another unit on the same proposal, and of another proposal, beside them)."""
    from pbflow.feedback import notes

    edition = make_edition(open_stage="workshops", criteria=True)
    proposals = [make_proposal(edition, title=f"Wniosek {n}", status="in_consultation") for n in range(2)]
    units = [make_unit(), make_unit()]
    expert = make_expert(units[0])
    routing = make_routing(proposals[0], units[0])
    with sqlite_app.app_context():
        for proposal in proposals:
            for unit in units:
                roots = db.session.scalars(insert(InternalNote).returning(
                    InternalNote.id, sort_by_parameter_order=True), [
                    {"proposal_id": proposal.id, "unit_id": unit.id, "author_id": expert.id, "body": f"Notatka {n}"}
                    for n in range(notes.THREADS_PER_PAGE + 5)]).all()
                db.session.execute(insert(InternalNote), [
                    {"proposal_id": proposal.id, "unit_id": unit.id, "author_id": expert.id, "parent_id": root,
                     "body": "Odpowiedź"} for root in roots for _ in range(2)])
        db.session.commit()
    login(client, expert)
    check_all(sqlite_app, client, [f"/routings/{routing.id}"], Rules(["internal_notes"], accepted=("replies",)),
              next_link=r'href="([^"]*notes_before=[^"#]+)')


def test_the_snippets_read_their_index(sqlite_app, client, login, make_unit, make_expert):
    """/units/<id>/snippets (the unit's experts), by title; table: answer_snippets (another unit's beside)."""
    from pbflow.feedback import snippets

    units = [make_unit(), make_unit()]
    expert = make_expert(units[0])
    _insert(sqlite_app, AnswerSnippet, [
        {"unit_id": unit.id, "title": f"Odpowiedź {n:03d}", "title_key": f"odpowiedź {n:03d}", "body": "Treść"}
        for unit in units for n in range(snippets.PAGE_SIZE + 5)])
    login(client, expert)
    check_all(sqlite_app, client, [f"/units/{units[0].id}/snippets"], Rules(["answer_snippets"]))


def test_the_units_list_reads_its_index(sqlite_app, client):
    """/units/ (public), by name; table: verifying_units, read in the order of its unique index on name."""
    from pbflow.feedback import units

    _insert(sqlite_app, VerifyingUnit, [
        {"code": f"u{n}", "name": f"Jednostka {n:03d}", "short_name": f"J{n}", "field": "Zieleń"}
        for n in range(units.PAGE_SIZE + 5)])
    check_all(sqlite_app, client, ["/units/"], Rules(["verifying_units"], walk=True))


def test_the_workshops_read_their_index(sqlite_app, client, make_edition):
    """/workshops/ (public), upcoming and past; table: workshops (another edition's beside)."""
    from pbflow.workshops import workshops

    editions = [make_edition(open_stage="workshops"), make_edition(name="Inna", current=False)]
    now = utcnow().replace(second=0, microsecond=0)
    _insert(sqlite_app, Workshop, [
        {"edition_id": edition.id, "theme": f"Warsztat {n}", "starts_at": now + timedelta(hours=n - 30),
         "ends_at": now + timedelta(hours=n - 29), "place": "Urząd", "capacity": 20}
        for edition in editions for n in range(2 * workshops.PAGE_SIZE + 30)])
    check_all(sqlite_app, client, ["/workshops/", "/workshops/?when=past"], Rules(["workshops"]))


def test_the_consultation_times_read_indexes(sqlite_app, client, make_edition, make_unit, make_expert):
    """/consultations/ (public), all units and one; table: consultation_slots (cancelled and past ones beside)."""
    from pbflow.workshops import consultations

    edition = make_edition(open_stage="workshops")
    units = [make_unit(), make_unit()]
    experts = [make_expert(unit) for unit in units]
    now = utcnow().replace(second=0, microsecond=0)
    _insert(sqlite_app, ConsultationSlot, [
        {"edition_id": edition.id, "unit_id": units[n % 2].id, "expert_id": experts[n % 2].id,
         "starts_at": now + timedelta(hours=n - 10), "ends_at": now + timedelta(hours=n - 9), "place": "Pokój 1",
         "status": "cancelled" if n % 7 == 0 else "open"} for n in range(3 * consultations.PAGE_SIZE + 20)])
    check_all(sqlite_app, client, ["/consultations/", f"/consultations/?unit={units[1].id}"],
              Rules(["consultation_slots"]))


# --- Stage IV: marathons, the desk, supporters, submissions ------------------------------------------------------

def test_the_marathons_read_their_index(sqlite_app, client, make_edition, make_marathon):
    """/marathons/ (public), from today on; tables: marathons, marathon_slots (past ones beside)."""
    from pbflow.marathons import listing

    edition = make_edition(open_stage="marathons")
    for n in range(listing.PAGE_SIZE + 3):
        make_marathon(edition, title=f"Maraton {n}", slots=[(timedelta(days=n - 2, hours=1), 60, 4)] * 2)
    check_all(sqlite_app, client, ["/marathons/"], Rules(["marathons", "marathon_slots"], accepted=("slots",)))


def test_the_helper_desk_reads_indexes(sqlite_app, client, login, make_user, make_edition, make_proposal,
                                       make_marathon, districts):
    """/marathons/<id>/desk and its walk-in search ?q=…&after=… (the marathon's helpers); tables:
    marathon_bookings, marathon_slots, and the proposals a walk-in is searched among."""
    from pbflow.marathons import desk
    from tests.web.desk_helpers import build_world

    edition, marathon, helper, make_ready = build_world(sqlite_app, make_user, make_edition, make_proposal,
                                                        make_marathon)
    for n in range(3):
        make_ready(title=f"Zarezerwowany {n}")
    ready = _proposals(sqlite_app, edition, desk.SEARCH_PAGE + 5, "ready", districts[0].id, title="Ławki")
    _proposals(sqlite_app, edition, 30, "draft", districts[0].id, title="Ławki szkic")
    with sqlite_app.app_context():
        db.session.execute(insert(MarathonBooking), [
            {"slot_id": marathon.slots[0].id, "marathon_id": marathon.id, "proposal_id": p} for p in ready[-3:]])
        db.session.commit()
    login(client, helper)
    rules = Rules(["marathon_bookings", "marathon_slots", "proposals"], accepted=("desk",), reads_by=BY_STATUS_AND_ID)
    assert Rules(rules.tables, accepted=("desk",)).problems(plans(sqlite_app, client, f"/marathons/{marathon.id}/desk")[0]) == []
    check_all(sqlite_app, client, [f"/marathons/{marathon.id}/desk/walk-ins?q=awki",
                                   f"/marathons/{marathon.id}/desk/walk-ins?q=awki+00"], rules,
              next_link=r'href="([^"]*/desk/walk-ins\?[^"]*after=[^"]+)"')


def test_the_supporters_read_their_index(sqlite_app, client, login, make_edition, make_proposal, make_user):
    """/proposals/<id>/supporters (the authors, coordinators); table: supporters (another proposal's beside)."""
    from pbflow.marathons import supporters

    edition = make_edition(open_stage="marathons")
    author = make_user("Autorka")
    proposals = [make_proposal(edition, author=author, title=f"Wniosek {n}", status="ready") for n in range(2)]
    _insert(sqlite_app, Supporter, [{"proposal_id": p.id, "name": f"Mieszkaniec {n}", "consent": True}
                                    for p in proposals for n in range(supporters.PAGE_SIZE + 5)])
    login(client, author)
    check_all(sqlite_app, client, [f"/proposals/{proposals[0].id}/supporters"], Rules(["supporters"]))


@pytest.fixture
def submitted(sqlite_app, make_edition, make_user, districts):
    from pbflow.marathons import downloads

    edition = make_edition(open_stage="marathons", criteria=True)
    older = make_edition(name="Wspólne Projekty 2025", current=False)
    author = make_user("Autor Wielu")
    for n, district in enumerate((districts[0], districts[1], districts[0])):
        bulk_submitted(sqlite_app, edition, author, downloads.PAGE_SIZE + 3, district=district,
                       start=1 + n * 100)
    bulk_submitted(sqlite_app, older, author, downloads.PAGE_SIZE + 3, start=1000)
    return {"edition": edition, "older": older, "districts": districts}


SUBMISSION_RULES = Rules(["submissions"])


def test_the_submitted_list_reads_indexes(submitted, client, login, people):
    """/marathons/submitted (coordinators), all, one district, another edition; tables: submissions and the
    versions joined to them."""
    login(client, people["coordinator"])
    d0 = submitted["districts"][0].id
    queries = ["", f"district={d0}", f"edition={submitted['older'].id}", f"edition={submitted['edition'].id}"]
    check_all(client.application, client, [f"/marathons/submitted?{q}" for q in queries], SUBMISSION_RULES)


def test_the_downloads_read_indexes(submitted, client, login, people, monkeypatch):
    """/marathons/submitted/<edition>.csv|.json|.pb (coordinators), in batches (BATCH lowered so that there
    are several); tables: submissions and versions; every batch after the first seeks its start."""
    from pbflow.marathons import downloads

    monkeypatch.setattr(downloads, "BATCH", 10)
    login(client, people["coordinator"])
    edition, d0 = submitted["edition"].id, submitted["districts"][0].id
    for url in (f"/marathons/submitted/{edition}.csv", f"/marathons/submitted/{edition}.json?district={d0}",
                f"/marathons/submitted/{edition}.pb?district={d0}"):
        found, _body = plans(client.application, client, url)
        assert SUBMISSION_RULES.problems(found) == [], url
        assert SUBMISSION_RULES.seeks(found), url


# --- monitoring, notifications -------------------------------------------------------------------------------------

def test_the_activities_read_their_index(sqlite_app, client, login, make_edition, make_user):
    """/monitoring/activities (coordinators, partner staff), newest first; table: monitoring_activities."""
    from pbflow.monitoring import listing

    editions = [make_edition(open_stage="marathons"), make_edition(name="Inna", current=False)]
    _insert(sqlite_app, Activity, [
        {"edition_id": edition.id, "kind": "training", "title": f"Szkolenie {n}",
         "held_on": clock.today() - timedelta(days=n // 3), "minutes": 60, "participants": 5}
        for edition in editions for n in range(listing.PAGE_SIZE + 5)])
    login(client, make_user("Partnerka", roles=[Role.PARTNER]))
    check_all(sqlite_app, client, ["/monitoring/activities", f"/monitoring/activities?edition={editions[1].id}"],
              Rules(["monitoring_activities"]))


def test_the_notifications_read_their_index(sqlite_app, client, login, people):
    """/notifications/ (everyone signed in), newest first; table: notifications (another person's beside)."""
    from pbflow.core import notifications

    _insert(sqlite_app, Notification, [
        {"user_id": person.id, "kind": "test_note", "data": {"title": f"Plac {n}"}, "url": "/"}
        for person in (people["resident"], people["expert"]) for n in range(notifications.PAGE_SIZE + 5)])
    login(client, people["resident"])
    check_all(sqlite_app, client, ["/notifications/"], Rules(["notifications"]), pages=2)


# --- the check itself --------------------------------------------------------------------------------------------

def test_the_check_sees_a_full_scan_an_in_memory_sort_and_an_offset(sqlite_app):
    """The test's own test: a read by a column no index has, sorted by another, is caught; so is an OFFSET."""
    rules = Rules(["routings"])
    statement = "SELECT id FROM routings WHERE round > ? ORDER BY due_on LIMIT ? OFFSET ?"
    with sqlite_app.app_context(), db.engine.connect() as connection:
        lines = [row[3] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, (0, 5, 10))]
    assert len(rules.problems([(statement, (0, 5, 10), lines)])) == 3
    assert not rules.seeks([(statement, (0, 5, 10), lines)])
