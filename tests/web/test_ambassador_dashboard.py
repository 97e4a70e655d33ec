"""An ambassador's home: their area, its followers, the training checklist and the materials."""

import pytest

from pbflow.ambassadors.models import AreaFollower, Material, TrainingItem, TrainingProgress
from pbflow.extensions import db
from tests.web.ambassador_helpers import text_of


@pytest.fixture
def edition(make_edition):
    return make_edition(open_stage="meetings")


@pytest.fixture
def ambassador(client, login, edition, make_ambassador, make_area, make_user, districts):
    user = make_user("Piotr Nowak", "piotr.nowak@example.org", locale="en")
    area = make_area(districts[13], "Osiedle Dywizjonu 303", "Bloki między aleją Jana Pawła II a Centralną.")
    make_ambassador(edition, area, user)
    login(client, user)
    return {"user": user, "area": area}


def add(app, *rows):
    """Insert the rows; their ids come back."""
    with app.app_context():
        db.session.add_all(rows)
        db.session.commit()
        return [getattr(row, "id", None) for row in rows]


@pytest.fixture(autouse=True)
def _in_english(english):
    """These tests read the English wording."""


def test_the_dashboard_shows_the_area_and_its_followers(app, client, ambassador, make_user):
    area = ambassador["area"]
    add(app, *(AreaFollower(area_id=area.id, user_id=make_user().id) for _ in range(3)))
    response = client.get("/ambassadors/dashboard")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Osiedle Dywizjonu 303" in html and "XIV Czyżyny" in html
    assert '<strong class="follower-count">3</strong>' in html
    assert "Bloki między aleją Jana Pawła II a Centralną." in html
    assert 'href="/results/benchmarks"' in html  # what similar projects cost, beside the district's past results


def test_the_dashboard_shows_the_training_checklist(app, client, edition, ambassador):
    first = TrainingItem(edition_id=edition.id, position=1, title="Przeczytaj regulamin budżetu")
    second = TrainingItem(edition_id=edition.id, position=2, title="Obejrzyj szkolenie o moderowaniu spotkań")
    first_id, second_id = add(app, first, second)
    add(app, TrainingProgress(item_id=first_id, user_id=ambassador["user"].id))
    html = client.get("/ambassadors/dashboard").get_data(as_text=True)
    assert "Przeczytaj regulamin budżetu" in html and "Obejrzyj szkolenie o moderowaniu spotkań" in html
    assert "1 of 2 items done" in text_of(html)
    assert f'hx-post="/training/items/{second_id}/done"' in html


def test_the_dashboard_shows_the_materials_of_the_edition_district_and_area(app, client, edition, ambassador,
                                                                             make_area, districts):
    area, other = ambassador["area"], make_area(districts[13], "Osiedle Avia")
    link = "https://www.krakow.pl/budzet"
    add(app,
        Material(edition_id=edition.id, kind="guide", title="Poradnik ambasadora", link_url=link),
        Material(edition_id=edition.id, kind="past_results", title="Wyniki BO 2022 w Czyżynach",
                 district_id=area.district_id, link_url=link),
        Material(edition_id=edition.id, kind="strategic_document", title="Plan zieleni dla osiedla",
                 district_id=area.district_id, area_id=area.id, link_url=link),
        Material(edition_id=edition.id, kind="guide", title="Tylko dla Avii", district_id=other.district_id,
                 area_id=other.id, link_url=link),
        Material(edition_id=edition.id, kind="guide", title="Tylko dla Nowej Huty", district_id=districts[17].id,
                 link_url=link))
    html = client.get("/ambassadors/dashboard").get_data(as_text=True)
    for title in ["Poradnik ambasadora", "Wyniki BO 2022 w Czyżynach", "Plan zieleni dla osiedla"]:
        assert title in html
    assert "Tylko dla Avii" not in html and "Tylko dla Nowej Huty" not in html


def test_a_coordinator_without_an_area_gets_an_explanation(client, login, people, edition):
    login(client, people["coordinator"])
    response = client.get("/ambassadors/dashboard")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'href="/ambassadors/applications/"' in html
    assert "Training checklist" not in html


def test_an_ambassador_of_an_earlier_edition_is_told_what_comes_here(client, login, people, edition):
    login(client, people["ambassador"])  # has the role, but no approved area in the current edition
    response = client.get("/ambassadors/dashboard")
    assert response.status_code == 200
    assert 'href="/ambassadors/my-application"' in response.get_data(as_text=True)


def test_without_an_edition(client, login, people, districts):
    login(client, people["ambassador"])
    html = client.get("/ambassadors/dashboard").get_data(as_text=True)
    assert "There is no participatory-budget edition running at the moment." in html


def test_residents_and_visitors_do_not_get_the_dashboard(app, client, login, people, edition):
    assert client.get("/ambassadors/dashboard").status_code == 302
    login(client, people["resident"])
    assert client.get("/ambassadors/dashboard").status_code == 403
