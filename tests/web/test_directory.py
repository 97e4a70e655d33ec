"""The public list of ambassadors by district and area, its search, and joining an area."""

import re

import pytest

from pbflow.accounts.models import User
from pbflow.ambassadors.models import ApplicationStatus
from pbflow.core.database import utcnow
from pbflow.extensions import db
from tests.web.ambassador_helpers import add_ambassadors, audit_verbs, follows, text_of


@pytest.fixture
def edition(make_edition):
    return make_edition()


def names(html):
    return re.findall(r'<strong class="ambassador-name">([^<]*)</strong>', html)


def area_headings(html):
    return re.findall(r"<h3>([^<]*)</h3>", html)


@pytest.fixture
def listed(edition, make_ambassador, make_area, make_user, districts):
    """Ambassadors in three areas of two districts, with Polish names and streets."""
    lakowe = make_area(districts[11], "Osiedle Łąkowe", "Ulice Żółkiewskiego i Wielicka, blisko Parku Duchackiego.")
    azory = make_area(districts[5], "Azory", "Bloki przy ulicy Jasnogórskiej.")
    kliny = make_area(districts[11], "Kliny Zacisze", "Domy jednorodzinne.")
    make_ambassador(edition, lakowe, make_user("Łucja Śliwa"))
    make_ambassador(edition, lakowe, make_user("Adam Bąk"))
    make_ambassador(edition, azory, make_user("Celina Żak"))
    make_ambassador(edition, kliny, make_user("Dorota Wąs"))
    return {"lakowe": lakowe, "azory": azory, "kliny": kliny}


# --- who is listed --------------------------------------------------------------------------

def test_visitors_see_the_ambassadors_by_district_and_area(client, listed):
    response = client.get("/ambassadors/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.findall(r"<h2>([^<]*)</h2>", html) == ["VI Bronowice", "XII Bieżanów-Prokocim"]
    assert area_headings(html) == ["Azory", "Kliny Zacisze", "Osiedle Łąkowe"]
    assert names(html) == ["Celina Żak", "Dorota Wąs", "Adam Bąk", "Łucja Śliwa"]
    assert "Log in to join this area" in html
    assert f'href="/login?next=/areas/{listed["azory"].id}/join"' in html


@pytest.fixture(autouse=True)
def _in_english(english):
    """These tests read the English wording."""


def test_only_approved_consenting_ambassadors_of_the_current_edition(app, client, edition, make_ambassador, make_area,
                                                                     make_user, make_edition, listed):
    area = listed["azory"]
    for status in [ApplicationStatus.SUBMITTED, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN]:
        make_ambassador(edition, area, make_user(f"Status {status.value}"), status=status)
    shy = make_ambassador(edition, area, make_user("Nieśmiała Osoba"))
    gone = make_ambassador(edition, area, make_user("Usunięte Konto"))
    old = make_edition("Wspólne Projekty 2025", open_stage=None, current=False)
    make_ambassador(old, area, make_user("Zeszłoroczna Ambasadorka"))
    with app.app_context():
        from pbflow.ambassadors.models import AmbassadorApplication

        db.session.get(AmbassadorApplication, shy.id).publish_consent = False
        db.session.get(User, gone.user_id).deleted_at = utcnow()
        db.session.commit()
    html = client.get("/ambassadors/").get_data(as_text=True)
    assert names(html) == ["Celina Żak", "Dorota Wąs", "Adam Bąk", "Łucja Śliwa"]


def test_without_an_edition_the_page_says_so(client, districts):
    html = client.get("/ambassadors/").get_data(as_text=True)
    assert "There is no participatory-budget edition running at the moment." in html


def test_before_anyone_is_approved_the_page_says_so(client, edition):
    response = client.get("/ambassadors/")
    assert response.status_code == 200
    assert "No ambassadors have been approved yet." in response.get_data(as_text=True)


# --- filters ---------------------------------------------------------------------------------

def test_filtering_by_district(client, listed, districts):
    html = client.get(f"/ambassadors/?district={districts[5].id}").get_data(as_text=True)
    assert names(html) == ["Celina Żak"]


@pytest.mark.parametrize("words", ["łąkowe", "ŁĄKOWE", "Łąkowe", "lakowe", "żółkiewskiego", "ZOLKIEWSKIEGO",
                                   "wielicka łąkowe", "  PARKU   duchackiego "])
def test_searching_by_street_or_estate_words_with_polish_letters(client, listed, words):
    response = client.get("/ambassadors/", query_string={"q": words})
    assert response.status_code == 200
    assert area_headings(response.get_data(as_text=True)) == ["Osiedle Łąkowe"]


def test_search_words_all_have_to_match_and_combine_with_the_district(client, listed, districts):
    assert area_headings(client.get("/ambassadors/?q=łąkowe azory").get_data(as_text=True)) == []
    html = client.get("/ambassadors/", query_string={"q": "bieżanów", "district": districts[11].id}).get_data(as_text=True)
    assert area_headings(html) == ["Kliny Zacisze", "Osiedle Łąkowe"]
    html = client.get("/ambassadors/", query_string={"q": "łąkowe", "district": districts[5].id}).get_data(as_text=True)
    assert area_headings(html) == [] and "No ambassador matches" in html


def test_an_htmx_search_returns_only_the_results(client, listed):
    response = client.htmx("GET", "/ambassadors/?q=azory")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<div id="directory-results">')
    assert names(html) == ["Celina Żak"]


@pytest.mark.parametrize("query", ["district=abc", "district=999", "q=" + "ż" * 101])
def test_a_search_that_makes_no_sense_is_refused(client, edition, query):
    response = client.get(f"/ambassadors/?{query}")
    assert response.status_code == 422 and "<html" in response.get_data(as_text=True)
    htmx = client.htmx("GET", f"/ambassadors/?{query}")
    assert htmx.status_code == 422 and 'role="alert"' in htmx.get_data(as_text=True)


def test_the_directory_is_paginated_and_keeps_the_filters(app, client, edition, districts):
    app.config["PAGE_SIZE"] = 4
    add_ambassadors(app, edition, districts[:2], 10)
    first = client.get("/ambassadors/?q=osiedle").get_data(as_text=True)
    assert len(names(first)) == 4 and "page=2" in first and "q=osiedle" in first
    third = client.get("/ambassadors/?q=osiedle&page=3").get_data(as_text=True)
    assert len(names(third)) == 2


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_directory_costs_the_same_queries_for_5_or_200_ambassadors(app, client, edition, districts, people, login,
                                                                       count_queries, signed_in):
    if signed_in:
        login(client, people["resident"])
    add_ambassadors(app, edition, districts, 5)
    client.get("/ambassadors/?q=osiedle")
    with count_queries() as few:
        html = client.get("/ambassadors/?q=osiedle").get_data(as_text=True)
    assert len(names(html)) == 5
    add_ambassadors(app, edition, districts, 195, prefix="Drugi")
    with count_queries() as many:
        html = client.get("/ambassadors/?q=osiedle").get_data(as_text=True)
    assert len(names(html)) == 25
    assert len(few) == len(many)


# --- joining an area --------------------------------------------------------------------------

def test_a_resident_joins_and_leaves_an_area_without_javascript(app, client, login, people, listed):
    resident, area = people["resident"], listed["azory"]
    login(client, resident)
    response = client.post(f"/areas/{area.id}/join", data={"next": "/ambassadors/?q=azory"})
    assert response.status_code == 303 and response.headers["Location"] == f"/ambassadors/?q=azory#area-{area.id}"
    assert follows(app, resident, area)
    html = client.get("/ambassadors/?q=azory").get_data(as_text=True)
    assert "You have joined this area." in html and f'action="/areas/{area.id}/leave"' in html
    # Joining sends no news of meetings, so no page says it does: the area's meetings are a link away.
    assert "You have joined the area Azory. Its meetings are in the meetings calendar: sign up there." in html
    assert "We will tell you" not in html and "you will be told" not in html and "you will hear" not in html
    assert f'href="/meetings/?district={area.district_id}&amp;area={area.id}"' in html

    response = client.post(f"/areas/{area.id}/leave")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/ambassadors/?district={area.district_id}#area-{area.id}"
    assert not follows(app, resident, area)
    assert audit_verbs(app, "areas", area.id)[-2:] == ["area.joined", "area.left"]


def test_joining_with_htmx_toggles_the_button_in_place(app, client, login, people, listed):
    login(client, people["resident"])
    area = listed["kliny"]
    response = client.htmx("POST", f"/areas/{area.id}/join")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith(f'<div class="follow" id="follow-{area.id}"')
    assert f'hx-post="/areas/{area.id}/leave"' in html and 'hx-swap-oob="innerHTML"' in html
    assert client.htmx("POST", f"/areas/{area.id}/join").status_code == 200  # twice is harmless
    html = client.htmx("POST", f"/areas/{area.id}/leave").get_data(as_text=True)
    assert f'hx-post="/areas/{area.id}/join"' in html
    assert not follows(app, people["resident"], area)


def test_visitors_are_sent_to_log_in_and_come_back_to_the_area(client, people, listed):
    area = listed["azory"]
    response = client.post(f"/areas/{area.id}/join")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert not follows(client.application, people["resident"], area)
    link = f"/login?next=/areas/{area.id}/join"  # what the directory offers visitors
    assert f'href="{link}"' in client.get("/ambassadors/").get_data(as_text=True)
    response = client.post(link,
                           data={"email": people["resident"].email, "password": "correct horse battery"})
    assert response.headers["Location"] == f"/areas/{area.id}/join"
    back = client.get(response.headers["Location"])
    assert back.status_code == 303
    assert back.headers["Location"] == f"/ambassadors/?district={area.district_id}#area-{area.id}"


def test_joining_an_area_that_does_not_exist(client, login, people, edition):
    login(client, people["resident"])
    assert client.post("/areas/999999/join").status_code == 404


def test_the_page_reads_well_for_a_resident(client, login, people, listed):
    login(client, people["resident"])
    text = text_of(client.get("/ambassadors/").get_data(as_text=True))
    assert "Join this area" in text and "Log in to join" not in text
