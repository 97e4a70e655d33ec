"""Each unit's inbox: routings of the edition, oldest first, overdue ones marked, filters by htmx or plain GET,
keyset pages and the same number of queries for 5 and 1,000 routings."""

from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from pbflow.core import clock
from pbflow.core.database import utcnow
from pbflow.extensions import db
from pbflow.feedback.models import Routing
from pbflow.proposals.models import Proposal


@pytest.fixture
def edition(make_edition):
    return make_edition(open_stage="workshops", criteria=True)


@pytest.fixture
def unit(make_unit):
    return make_unit()


@pytest.fixture
def expert(make_expert, unit):
    return make_expert(unit)


def bulk_routings(app, edition, unit, count, district_id=None, due_in_days=14, status="pending", title="Wniosek"):
    """Proposals in consultation routed to the unit, one second apart (set-up only: fast inserts)."""
    with app.app_context():
        if district_id is None:
            from pbflow.editions.models import District

            district_id = db.session.scalar(select(District.id).order_by(District.number))
        start = utcnow() - timedelta(days=30)
        ids = db.session.scalars(insert(Proposal).returning(Proposal.id, sort_by_parameter_order=True), [
            {"edition_id": edition.id, "scope": "district", "district_id": district_id,
             "status": "in_consultation", "current_version": 1, "title": f"{title} {n:04d}",
             "summary": "Krótkie streszczenie", "description": "Opis"} for n in range(count)]).all()
        db.session.execute(insert(Routing), [
            {"proposal_id": ids[n], "unit_id": unit.id, "edition_id": edition.id, "district_id": district_id,
             "status": status, "round": 1, "due_on": clock.today() + timedelta(days=due_in_days),
             "routed_at": start + timedelta(seconds=n)} for n in range(count)])
        db.session.commit()


def test_the_inbox_lists_oldest_first_and_marks_overdue_ones(client, login, expert, unit, edition, make_proposal,
                                                             make_routing, english):
    made = [make_routing(make_proposal(edition, title=title, status="in_consultation"), unit,
                         routed_days_ago=days_ago, due_in_days=due)
            for title, days_ago, due in (("Nowe ławki", 1, 10), ("Stare drzewa", 9, -3), ("Środkowy skwer", 5, 2))]
    login(client, expert)
    page = client.get(f"/units/{unit.id}/inbox").get_data(as_text=True)
    assert page.index("Stare drzewa") < page.index("Środkowy skwer") < page.index("Nowe ławki")
    assert "Overdue by 3 days" in page and page.count("routing-row-overdue") == 1
    assert "In consultation" in page
    assert f'href="/routings/{made[0].id}">Nowe ławki' in page  # the expert's workspace for the routing


def test_filters_work_with_and_without_htmx(app, client, login, expert, unit, edition, districts, english):
    bulk_routings(app, edition, unit, 2, district_id=districts[0].id, title="Pierwsza")
    bulk_routings(app, edition, unit, 2, district_id=districts[3].id, title="Czwarta")
    bulk_routings(app, edition, unit, 1, district_id=districts[3].id, title="Spóźniona", due_in_days=-1)
    bulk_routings(app, edition, unit, 1, district_id=districts[3].id, title="Gotowa", status="answered")
    login(client, expert)
    url = f"/units/{unit.id}/inbox?district={districts[3].id}"
    page = client.get(url).get_data(as_text=True)
    assert "<html" in page and "Czwarta 0001" in page and "Spóźniona" in page and "Pierwsza" not in page
    assert "Gotowa" not in page  # awaiting feedback by default
    fragment = client.htmx("GET", url + "&overdue=1").get_data(as_text=True)
    assert "<html" not in fragment and 'id="inbox-results"' in fragment
    assert "Spóźniona" in fragment and "Czwarta" not in fragment
    answered = client.get(f"/units/{unit.id}/inbox?status=answered").get_data(as_text=True)
    assert "Gotowa" in answered and "Czwarta" not in answered
    everything = client.get(f"/units/{unit.id}/inbox?status=all").get_data(as_text=True)
    assert "Gotowa" in everything and "Pierwsza" in everything
    bad = client.get(f"/units/{unit.id}/inbox?status=nonsense&district=abc")
    assert bad.status_code == 400 and "Choose from the list." in bad.get_data(as_text=True)


def test_keyset_pages_and_a_damaged_link(app, client, login, expert, unit, edition, english):
    bulk_routings(app, edition, unit, 30)
    login(client, expert)
    first = client.get(f"/units/{unit.id}/inbox").get_data(as_text=True)
    assert "Wniosek 0000" in first and "Wniosek 0024" in first and "Wniosek 0025" not in first
    next_link = first.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    second = client.get(next_link).get_data(as_text=True)
    assert "Wniosek 0025" in second and "Wniosek 0029" in second and "Wniosek 0024" not in second
    assert 'rel="next"' not in second
    damaged = client.get(f"/units/{unit.id}/inbox?after=2026-x")
    assert damaged.status_code == 400 and "This page link is damaged" in damaged.get_data(as_text=True)


def test_the_inbox_costs_the_same_for_5_and_1000_routings(app, client, login, expert, unit, edition,
                                                          count_queries):
    bulk_routings(app, edition, unit, 5)
    login(client, expert)
    client.get(f"/units/{unit.id}/inbox")
    with count_queries() as few:
        assert client.get(f"/units/{unit.id}/inbox").status_code == 200
    bulk_routings(app, edition, unit, 995)
    with count_queries() as many:
        page = client.get(f"/units/{unit.id}/inbox").get_data(as_text=True)
    assert 'rel="next"' in page
    assert len(few) == len(many)
    next_link = page.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    with count_queries() as later:
        assert client.get(next_link).status_code == 200
    assert len(later) == len(many)
    inbox_queries = [q for q in many + later if "FROM routings" in q]
    assert inbox_queries  # SQLite writes LIMIT ? OFFSET ? with offset 0; an offset of a page would be a literal
    assert not any((" OFFSET " in q and "LIMIT ? OFFSET ?" not in q) or "count(" in q.lower() for q in inbox_queries)


def test_only_the_units_experts_and_coordinators_open_the_inbox(client, login, people, unit, make_unit, make_expert,
                                                                 expert, edition):
    other = make_expert(make_unit())
    for person, status in ((other, 403), (people["resident"], 403), (people["ambassador"], 403),
                           (people["expert"], 403), (people["coordinator"], 200), (expert, 200)):
        login(client, person)
        assert client.get(f"/units/{unit.id}/inbox").status_code == status, person
        client.post("/logout")
    assert client.get(f"/units/{unit.id}/inbox").status_code == 302  # a visitor logs in first
    login(client, people["coordinator"])
    assert client.get("/units/999999/inbox").status_code == 404


def test_an_expert_of_one_unit_goes_straight_to_its_inbox(client, login, expert, unit, make_unit, make_expert,
                                                          edition, english):
    login(client, expert)
    home = client.get("/").get_data(as_text=True)
    assert 'href="/inbox"' in home
    response = client.get("/inbox")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/units/{unit.id}/inbox")
    second = make_unit(name="Zarząd Dróg Miasta Krakowa testowy")
    make_expert(second, user=expert)
    client.post("/logout")
    login(client, expert)
    page = client.get("/inbox").get_data(as_text=True)
    assert f'/units/{unit.id}/inbox' in page and f'/units/{second.id}/inbox' in page


def test_an_edition_selector_appears_when_there_are_several(app, client, login, expert, unit, make_edition,
                                                            edition, english):
    older = make_edition(name="Wspólne Projekty 2025", open_stage="workshops", current=False)
    bulk_routings(app, older, unit, 1, title="Dawny")
    bulk_routings(app, edition, unit, 1, title="Bieżący")
    login(client, expert)
    page = client.get(f"/units/{unit.id}/inbox").get_data(as_text=True)
    assert 'name="edition"' in page and "Bieżący" in page and "Dawny" not in page
    page = client.get(f"/units/{unit.id}/inbox?edition={older.id}").get_data(as_text=True)
    assert "Dawny" in page and "Bieżący" not in page
