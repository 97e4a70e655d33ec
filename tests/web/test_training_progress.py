"""Ambassadors tick the checklist off; coordinators watch everyone's progress."""

import pytest

from pbflow.ambassadors.models import ApplicationStatus, TrainingItem, TrainingProgress
from pbflow.extensions import db
from tests.web.training_helpers import (
    add_ambassadors,
    add_items,
    events,
    ticked,
)


@pytest.fixture
def edition(make_edition):
    return make_edition()


@pytest.fixture
def coordinator(client, login, people):
    login(client, people["coordinator"])
    return people["coordinator"]


@pytest.fixture
def ambassador(app, client, login, edition, make_ambassador, make_user):
    user = make_user("Magdalena Wójcik", "magda@example.org")
    make_ambassador(edition, user=user)
    login(client, user)
    return user


# --- ambassadors tick items off ------------------------------------------------

def test_an_ambassador_sees_the_checklist_with_sanitised_markdown(app, client, ambassador, edition):
    with app.app_context():
        db.session.add(TrainingItem(edition_id=edition.id, position=1, title="Bezpieczeństwo",
                                    description="**Uwaga** <script>alert(1)</script> [link](javascript:alert(2))"))
        db.session.commit()
    html = client.get("/training/mine").get_data(as_text=True)
    assert "<strong>Uwaga</strong>" in html
    assert "<script>alert" not in html and "javascript:" not in html
    assert '<progress max="1" value="0"' in html


def test_ticking_without_javascript_returns_to_the_page(app, client, ambassador, edition):
    first, _second = add_items(app, edition, 2)
    response = client.post(f"/training/items/{first}/done", data={"next": "/training/mine"})
    assert response.status_code == 303 and response.headers["Location"] == "/training/mine"
    assert ticked(app, ambassador) == {first}
    assert [(e[0], e[1]) for e in events(app, "training_item.done")] == [(ambassador.id, first)]
    client.post(f"/training/items/{first}/done")  # again: nothing changes
    assert len(events(app, "training_item.done")) == 1
    html = client.get("/training/mine").get_data(as_text=True)
    assert 'value="1"' in html and f'action="/training/items/{first}/undone"' in html
    response = client.post(f"/training/items/{first}/undone", data={"next": "https://evil.example/"})
    assert response.headers["Location"] == "/training/mine"
    assert ticked(app, ambassador) == set()
    assert [e[1] for e in events(app, "training_item.undone")] == [first]


def test_ticking_with_htmx_replaces_the_item_and_the_summary(app, client, login, make_user, edition, make_ambassador):
    user = make_user(locale="en")
    make_ambassador(edition, user=user)
    login(client, user)
    first, _second = add_items(app, edition, 2)
    response = client.htmx("POST", f"/training/items/{first}/done", data={"next": "/ambassadors/dashboard"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith(f'<li id="training-item-{first}"')
    assert "Mark as not done" in html and 'name="next" value="/ambassadors/dashboard"' in html
    assert '<div id="training-summary" class="training-summary" hx-swap-oob="true">' in html
    assert "1 of 2 items done" in html


@pytest.mark.parametrize("who", ["resident", "expert", "coordinator", "unapproved ambassador", "other edition"])
def test_only_approved_ambassadors_of_the_edition_tick(app, client, login, people, edition, make_edition,
                                                       make_ambassador, make_user, who):
    item, = add_items(app, edition, 1)
    if who == "unapproved ambassador":
        user = people["ambassador"]  # has the role, but no approved area in this edition
    elif who == "other edition":
        user = make_user()
        make_ambassador(make_edition(name="Inna edycja", current=False), user=user)
    else:
        user = people[who]
    login(client, user)
    assert client.post(f"/training/items/{item}/done").status_code == 403
    assert ticked(app, user) == set()


def test_visitors_are_sent_to_log_in(client, edition, app):
    item, = add_items(app, edition, 1)
    response = client.post(f"/training/items/{item}/done")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_unknown_items_are_not_found(client, login, ambassador, people):
    assert client.post("/training/items/99999/done").status_code == 404
    login(client, people["coordinator"])
    assert client.get("/training/items/99999/edit").status_code == 404
    assert client.post("/training/items/99999/move/up").status_code == 404


def test_an_ambassador_without_an_approved_area_is_told_why(client, login, people, edition):
    login(client, people["ambassador"])
    response = client.get("/training/mine")
    assert response.status_code == 200
    assert "training-summary" not in response.get_data(as_text=True)


# --- progress --------------------------------------------------------------------

def test_the_coordinator_sees_each_ambassadors_progress(app, client, coordinator, edition, make_ambassador, make_user,
                                                        make_area):
    items = add_items(app, edition, 3)
    area = make_area(name="Ruczaj")
    user = make_user("Piotr Kowalski")
    make_ambassador(edition, area=area, user=user)
    make_ambassador(edition, area=area, status=ApplicationStatus.SUBMITTED)
    with app.app_context():
        db.session.add(TrainingProgress(item_id=items[0], user_id=user.id))
        db.session.commit()
    html = client.get("/training/progress").get_data(as_text=True)
    assert html.count("<tr>") == 2  # header + the one approved ambassador
    assert "Piotr Kowalski" in html and "Ruczaj" in html
    assert '<progress max="3" value="1"' in html


def test_progress_costs_the_same_queries_for_5_or_200_ambassadors(app, client, coordinator, edition, make_area,
                                                                  count_queries):
    items = add_items(app, edition, 3)
    area = make_area()
    add_ambassadors(app, edition, area, 5, done_items=items[:2])
    client.get("/training/progress")
    with count_queries() as few:
        html = client.get("/training/progress").get_data(as_text=True)
    assert html.count("<progress") == 5
    add_ambassadors(app, edition, area, 195, done_items=items[:1])
    with count_queries() as many:
        html = client.get("/training/progress").get_data(as_text=True)
    assert html.count("<progress") == 25
    assert len(few) == len(many), "\n".join(many)
