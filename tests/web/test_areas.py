"""Districts and their areas: anyone reads them; ambassadors and coordinators mark out areas."""

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from pbflow.accounts.models import Role
from pbflow.core.models import AuditEvent
from pbflow.editions.models import Area
from pbflow.editions.services import area_name_key
from pbflow.extensions import db


def audit_events(app, verb):
    with app.app_context():
        return [(e.actor_id, e.object_id, e.data) for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.verb == verb).order_by(AuditEvent.id))]


def area_names(app, district_id):
    with app.app_context():
        return db.session.scalars(select(Area.name).where(Area.district_id == district_id).order_by(Area.name_key)).all()


def add_areas(app, district, count, prefix="Blok"):
    with app.app_context():
        offset = db.session.scalar(select(func.count()).select_from(Area))
        names = [f"{prefix} {offset + n:03d}" for n in range(count)]
        db.session.add_all(Area(district_id=district.id, name=name, name_key=area_name_key(name),
                                description="Kilka ulic") for name in names)
        db.session.commit()


def listed(html):
    return re.findall(r'<li id="area-\d+">\s*<strong>([^<]*)</strong>', html)


@pytest.fixture
def podgorze(districts):
    return next(d for d in districts if d.name == "Podgórze")


@pytest.fixture
def english(client):
    """A visitor whose browser asks for English."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


# --- the districts -------------------------------------------------------------------

def test_anyone_sees_the_18_districts_with_their_area_counts(client, districts, make_area, podgorze):
    make_area(podgorze, "Zabłocie")
    make_area(podgorze, "Płaszów")
    html = client.get("/districts/").get_data(as_text=True)
    rows = re.findall(r'<a href="/districts/(\d+)">([^<]+)</a></td>\s*<td class="number" data-label="[^"]+">(\d+)</td>', html)
    assert len(rows) == 18
    assert rows[0][1] == "I Stare Miasto" and rows[-1][1] == "XVIII Nowa Huta"
    assert (str(podgorze.id), "XIII Podgórze", "2") in rows
    assert {count for _id, name, count in rows if name != "XIII Podgórze"} == {"0"}


def test_the_district_list_costs_the_same_however_many_areas(app, client, districts, podgorze, count_queries):
    add_areas(app, podgorze, 2)
    client.get("/districts/")
    with count_queries() as few:
        client.get("/districts/")
    for district in districts:
        add_areas(app, district, 10)
    with count_queries() as many:
        client.get("/districts/")
    assert len(few) == len(many) == 1, "\n".join(many)  # visitors: one query for the districts and counts


def test_the_districts_are_in_the_navigation(english, districts):
    assert '<a href="/districts/">Districts and areas</a>' in english.get("/").get_data(as_text=True)


# --- one district's areas --------------------------------------------------------------

def test_a_district_page_lists_its_areas_by_name(client, make_area, podgorze, districts):
    make_area(podgorze, "Zabłocie", "Zabłocie i bulwary nad Wisłą.")
    make_area(podgorze, "Płaszów")
    make_area(districts[0], "Kazimierz")
    response = client.get(f"/districts/{podgorze.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert listed(html) == ["Płaszów", "Zabłocie"]
    assert "Zabłocie i bulwary nad Wisłą." in html
    assert 'id="area-form"' not in html  # visitors only read


def test_an_unknown_district_is_not_found(client, districts):
    assert client.get("/districts/999999").status_code == 404


def test_areas_are_paginated_and_the_search_kept_in_the_links(app, client, podgorze):
    app.config["PAGE_SIZE"] = 10
    add_areas(app, podgorze, 23)
    first = client.get(f"/districts/{podgorze.id}").get_data(as_text=True)
    assert len(listed(first)) == 10
    assert f'rel="next" href="/districts/{podgorze.id}?page=2"' in first
    last = client.get(f"/districts/{podgorze.id}?page=3").get_data(as_text=True)
    assert len(listed(last)) == 3 and 'rel="next"' not in last
    searched = client.get(f"/districts/{podgorze.id}?q=blok").get_data(as_text=True)
    assert "page=2" in searched and "q=blok" in searched


@pytest.mark.parametrize("query, expected", [
    ("złota", ["Osiedle Złota Jesień"]),
    ("ZŁOTA JESIEŃ", ["Osiedle Złota Jesień"]),
    ("osiedle", ["Osiedle Wiosenne", "Osiedle Złota Jesień"]),
    ("osiedle szkoły", ["Osiedle Wiosenne"]),   # every word, in the name or the description
    ("przy", ["Osiedle Wiosenne", "Osiedle Złota Jesień"]),
    ("Kurdwanów", []),
])
def test_areas_are_found_by_words(client, make_area, podgorze, query, expected):
    make_area(podgorze, "Osiedle Złota Jesień", "bloki przy parku")
    make_area(podgorze, "Osiedle Wiosenne", "domy przy szkole i okolice szkoły")
    make_area(podgorze, "Zabłocie", "bulwary")
    html = client.get(f"/districts/{podgorze.id}", query_string={"q": query}).get_data(as_text=True)
    assert listed(html) == expected


def test_a_search_that_finds_nothing_says_so(english, make_area, podgorze):
    make_area(podgorze, "Zabłocie")
    html = english.get(f"/districts/{podgorze.id}?q=Kurdwanów").get_data(as_text=True)
    assert "No area matches your search." in html and "0 areas" in html


def test_an_htmx_search_returns_only_the_results(client, make_area, podgorze):
    make_area(podgorze, "Zabłocie")
    response = client.htmx("GET", f"/districts/{podgorze.id}?q=zab")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html and html.lstrip().startswith('<div id="area-results">')
    assert listed(html) == ["Zabłocie"]


def test_a_too_long_search_is_refused_with_the_reason(english, podgorze):
    response = english.get(f"/districts/{podgorze.id}", query_string={"q": "ż" * 101})
    assert response.status_code == 422
    assert "Use at most 100 characters." in response.get_data(as_text=True)
    fragment = english.htmx("GET", f"/districts/{podgorze.id}?q=" + "x" * 101)
    assert fragment.status_code == 422 and 'role="alert"' in fragment.get_data(as_text=True)


def test_the_district_page_costs_the_same_for_5_or_200_areas(app, client, login, people, podgorze, count_queries):
    login(client, people["coordinator"])  # the heaviest page: edit links and the form
    add_areas(app, podgorze, 5)
    client.get(f"/districts/{podgorze.id}")
    with count_queries() as few:
        assert client.get(f"/districts/{podgorze.id}").status_code == 200
    add_areas(app, podgorze, 195)
    with count_queries() as many:
        html = client.get(f"/districts/{podgorze.id}").get_data(as_text=True)
    assert len(listed(html)) == 25
    assert len(few) == len(many), "\n".join(many)


# --- adding areas ------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["ambassador", "coordinator"])
def test_ambassadors_and_coordinators_add_an_area(app, client, login, people, podgorze, who):
    login(client, people[who])
    page = client.get(f"/districts/{podgorze.id}").get_data(as_text=True)
    assert 'id="area-form"' in page
    response = client.post(f"/districts/{podgorze.id}/areas",
                           data={"name": "  Osiedle   Złota Jesień ", "description": "Bloki przy ul. Wielickiej."})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/districts/{podgorze.id}"
    assert area_names(app, podgorze.id) == ["Osiedle Złota Jesień"]
    (actor, area_id, data), = audit_events(app, "area.created")
    assert actor == people[who].id and data == {"name": "Osiedle Złota Jesień", "district": "Podgórze"}
    html = client.get(f"/districts/{podgorze.id}").get_data(as_text=True)
    assert "flash-success" in html and listed(html) == ["Osiedle Złota Jesień"]


@pytest.mark.parametrize("name", ["osiedle złota  jesień", "OSIEDLE ZŁOTA JESIEŃ", " Osiedle Złota Jesień "])
def test_a_second_area_with_the_same_name_in_other_letters_is_refused(app, client, login, make_user, make_area,
                                                                        podgorze, name):
    make_area(podgorze, "Osiedle Złota Jesień")
    login(client, make_user("Kate Brown", "kate@example.org", roles=[Role.AMBASSADOR], locale="en"))
    response = client.post(f"/districts/{podgorze.id}/areas", data={"name": name, "description": "Nowy opis"})
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "The district Podgórze already has an area called Osiedle Złota Jesień." in html
    assert 'id="name-error"' in html and "Nowy opis</textarea>" in html
    assert area_names(app, podgorze.id) == ["Osiedle Złota Jesień"]


def test_the_same_name_in_another_district_is_fine(app, client, login, people, make_area, podgorze, districts):
    make_area(podgorze, "Osiedle Złota Jesień")
    login(client, people["coordinator"])
    assert client.post(f"/districts/{districts[0].id}/areas", data={"name": "osiedle złota jesień"}).status_code == 303


@pytest.mark.parametrize("name", ["", "   ", "O" * 121])
def test_an_area_needs_a_short_name(app, client, login, people, podgorze, name):
    login(client, people["ambassador"])
    response = client.post(f"/districts/{podgorze.id}/areas", data={"name": name, "description": "opis"})
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert area_names(app, podgorze.id) == []


def test_an_htmx_duplicate_gets_the_form_back_in_place(client, login, people, make_area, podgorze):
    make_area(podgorze, "Zabłocie")
    login(client, people["ambassador"])
    response = client.htmx("POST", f"/districts/{podgorze.id}/areas", data={"name": "ZABŁOCIE"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<html" not in html and html.lstrip().startswith('<form id="area-form"')
    assert 'value="ZABŁOCIE"' in html


def test_a_script_in_a_description_is_shown_as_text(client, login, people, podgorze):
    login(client, people["ambassador"])
    client.post(f"/districts/{podgorze.id}/areas",
                data={"name": "Osiedle <b>Test</b>", "description": "<script>alert('x')</script> bloki"})
    html = client.get(f"/districts/{podgorze.id}").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; bloki" in html
    assert "Osiedle &lt;b&gt;Test&lt;/b&gt;" in html


@pytest.mark.parametrize("who", ["resident", "expert"])
def test_residents_and_experts_cannot_add_areas(app, client, login, people, podgorze, who):
    login(client, people[who])
    assert 'id="area-form"' not in client.get(f"/districts/{podgorze.id}").get_data(as_text=True)
    assert client.post(f"/districts/{podgorze.id}/areas", data={"name": "Zabłocie"}).status_code == 403
    assert area_names(app, podgorze.id) == []


def test_a_visitor_adding_an_area_is_sent_to_log_in(app, client, podgorze):
    response = client.post(f"/districts/{podgorze.id}/areas", data={"name": "Zabłocie"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert area_names(app, podgorze.id) == []


# --- editing areas -------------------------------------------------------------------------

def test_a_coordinator_renames_an_area_and_it_is_recorded(app, client, login, people, make_area, podgorze):
    area = make_area(podgorze, "Zablocie", "bulwary")
    login(client, people["coordinator"])
    page = client.get(f"/districts/{podgorze.id}").get_data(as_text=True)
    assert f'href="/areas/{area.id}/edit"' in page
    form = client.get(f"/areas/{area.id}/edit").get_data(as_text=True)
    assert 'value="Zablocie"' in form and "bulwary</textarea>" in form
    response = client.post(f"/areas/{area.id}/edit", data={"name": "Zabłocie", "description": "Bulwary nad Wisłą"})
    assert response.status_code == 303 and response.headers["Location"] == f"/districts/{podgorze.id}"
    assert area_names(app, podgorze.id) == ["Zabłocie"]
    assert audit_events(app, "area.updated") == [
        (people["coordinator"].id, area.id, {"name": ["Zablocie", "Zabłocie"], "description": True})]


def test_an_area_cannot_be_renamed_onto_another(app, client, login, make_user, make_area, podgorze):
    make_area(podgorze, "Zabłocie")
    area = make_area(podgorze, "Płaszów")
    login(client, make_user("Kate Brown", "kate@example.org", roles=[Role.COORDINATOR], locale="en"))
    response = client.post(f"/areas/{area.id}/edit", data={"name": "zabłocie", "description": ""})
    assert response.status_code == 422
    assert "already has an area called" in response.get_data(as_text=True)
    htmx = client.htmx("POST", f"/areas/{area.id}/edit", data={"name": "zabłocie"})
    assert htmx.status_code == 422 and htmx.get_data(as_text=True).lstrip().startswith('<form id="area-edit-form"')
    assert area_names(app, podgorze.id) == ["Płaszów", "Zabłocie"]
    assert audit_events(app, "area.updated") == []


@pytest.mark.parametrize("who", ["resident", "ambassador", "expert"])
def test_only_coordinators_edit_areas(app, client, login, people, make_area, podgorze, who):
    area = make_area(podgorze, "Zabłocie")
    login(client, people[who])
    assert f'href="/areas/{area.id}/edit"' not in client.get(f"/districts/{podgorze.id}").get_data(as_text=True)
    assert client.get(f"/areas/{area.id}/edit").status_code == 403
    assert client.post(f"/areas/{area.id}/edit", data={"name": "Inna nazwa"}).status_code == 403
    assert area_names(app, podgorze.id) == ["Zabłocie"]


def test_editing_an_unknown_area_is_not_found(client, login, people, districts):
    login(client, people["coordinator"])
    assert client.get("/areas/999999/edit").status_code == 404
