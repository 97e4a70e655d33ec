"""The coordinator keeps the training checklist: add, edit, move, remove, in place or not."""

import pytest
from sqlalchemy import select

from pbflow.accounts.models import Role
from pbflow.ambassadors.models import TrainingItem, TrainingProgress
from pbflow.core.files import StoredFile
from pbflow.extensions import db
from tests import sample_files as files
from tests.web.training_helpers import (
    add_items,
    events,
    manage_titles,
    ticked,
    titles,
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


# --- the coordinator's checklist ----------------------------------------------------

def test_a_coordinator_adds_a_point_with_a_link(app, client, coordinator, edition):
    response = client.post(f"/training/?edition={edition.id}", data={
        "title": "Poznaj zasady budżetu", "description": "Przeczytaj **regulamin**.", "link_url": "https://budzet.krakow.pl/"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/training/?edition={edition.id}"
    assert titles(app, edition) == ["Poznaj zasady budżetu"]
    (actor, _id, data), = events(app, "training_item.created")
    assert actor == coordinator.id and data["title"] == "Poznaj zasady budżetu"
    html = client.get("/training/").get_data(as_text=True)
    assert "<strong>regulamin</strong>" in html and 'href="https://budzet.krakow.pl/"' in html
    assert 'class="flash flash-success"' in html


def test_adding_with_htmx_returns_the_checklist_region_with_a_fresh_form(app, client, coordinator, edition):
    add_items(app, edition, 1)
    response = client.htmx("POST", f"/training/?edition={edition.id}", data={"title": "Spacer badawczy"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="training-manage">')
    assert manage_titles(html) == ["Punkt 001", "Spacer badawczy"]
    assert 'hx-swap-oob="innerHTML"' in html and "Spacer badawczy" in html
    assert 'value="Spacer badawczy"' not in html  # the form is empty again


@pytest.mark.parametrize(("data", "message"), [
    ({"title": ""}, "Enter a title."),
    ({"title": "x" * 201}, "Use at most 200 characters."),
    ({"title": "Ok", "description": "y" * 5001}, "Use at most 5000 characters."),
    ({"title": "Ok", "link_url": "javascript:alert(1)"}, "starts with https:// or http://"),
    ({"title": "Ok", "link_url": "budzet.krakow.pl"}, "starts with https:// or http://"),
])
def test_invalid_points_are_refused_with_the_input_kept(app, client, login, make_user, edition, data, message):
    login(client, make_user(roles=[Role.COORDINATOR], locale="en"))
    payload = {"description": "Mój opis", **data}
    response = client.post(f"/training/?edition={edition.id}", data=payload)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<html" in html and message in html
    assert (payload["description"][:50]) in html
    fragment = client.htmx("POST", f"/training/?edition={edition.id}", data=payload)
    assert fragment.status_code == 422
    assert "<html" not in fragment.get_data(as_text=True) and message in fragment.get_data(as_text=True)
    assert titles(app, edition) == []


def test_a_point_may_carry_a_file_that_ambassadors_download(app, client, coordinator, edition):
    response = client.post(f"/training/?edition={edition.id}", content_type="multipart/form-data", data={
        "title": "Prezentacja ze szkolenia", "upload": files.form_file(files.PDF, "Szkolenie – część 1.pdf")})
    assert response.status_code == 303
    with app.app_context():
        item = db.session.scalar(select(TrainingItem))
        assert item.file.original_name == "Szkolenie – część 1.pdf"
        file_id = item.file_id
    html = client.get("/training/").get_data(as_text=True)
    assert f'href="/files/{file_id}" hx-boost="false"' in html
    assert "(PDF, 1 kB)" in html
    assert [e[2]["file_id"] for e in events(app, "training_item.created")] == [file_id]
    assert len(events(app, "file.uploaded")) == 1


def test_an_exe_renamed_to_pdf_is_refused_and_nothing_is_stored(app, client, login, make_user, edition):
    login(client, make_user(roles=[Role.COORDINATOR], locale="en"))
    response = client.post(f"/training/?edition={edition.id}", content_type="multipart/form-data", data={
        "title": "Ulotka", "upload": files.form_file(files.EXE, "ulotka.pdf")})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This kind of file cannot be uploaded." in html
    assert 'value="Ulotka"' in html
    with app.app_context():
        assert db.session.scalars(select(StoredFile)).all() == []
    assert titles(app, edition) == []


def test_a_file_over_the_limit_is_refused(app, client, login, make_user, edition):
    app.config["UPLOAD_MAX_BYTES"] = 1024 * 1024
    login(client, make_user(roles=[Role.COORDINATOR], locale="en"))
    response = client.post(f"/training/?edition={edition.id}", **files.multipart(client, {
        "title": "Duży plik", "upload": files.upload(files.PDF + b" " * (1024 * 1024), "duzy.pdf")}))
    assert response.status_code == 422
    assert "The file is larger than 1 MB." in response.get_data(as_text=True)
    assert titles(app, edition) == []


def test_editing_a_point_records_what_changed(app, client, coordinator, edition):
    item_id, = add_items(app, edition, 1)
    form = client.get(f"/training/items/{item_id}/edit").get_data(as_text=True)
    assert 'value="Punkt 001"' in form
    assert 'name="remove_file"' not in form  # nothing to remove yet
    response = client.post(f"/training/items/{item_id}/edit", data={"title": "Punkt pierwszy", "description": "Opis **0**",
                                                                     "link_url": "https://example.org/a"})
    assert response.status_code == 303
    assert titles(app, edition) == ["Punkt pierwszy"]
    (_actor, object_id, data), = events(app, "training_item.updated")
    assert object_id == item_id and data["changed"] == ["link_url", "title"]


def test_a_file_can_be_replaced_and_removed_and_the_old_one_stays_stored(app, client, coordinator, edition):
    client.post(f"/training/?edition={edition.id}", content_type="multipart/form-data",
                data={"title": "Wzór", "upload": files.form_file(files.docx(), "wzor.docx")})
    with app.app_context():
        item = db.session.scalar(select(TrainingItem))
        item_id, first_file = item.id, item.file_id
    assert 'name="remove_file"' in client.get(f"/training/items/{item_id}/edit").get_data(as_text=True)
    client.post(f"/training/items/{item_id}/edit", content_type="multipart/form-data",
                data={"title": "Wzór", "upload": files.form_file(files.odf(), "wzor.odt")})
    with app.app_context():
        second_file = db.session.get(TrainingItem, item_id).file_id
        assert second_file != first_file and db.session.get(StoredFile, first_file) is not None
    client.post(f"/training/items/{item_id}/edit", data={"title": "Wzór", "remove_file": "y"})
    with app.app_context():
        assert db.session.get(TrainingItem, item_id).file_id is None
    assert [e[2]["previous_file_id"] for e in events(app, "training_item.updated")] == [first_file, second_file]


def test_deleting_a_point_removes_the_ticks_on_it(app, client, coordinator, edition, make_ambassador, make_user):
    first, second = add_items(app, edition, 2)
    user = make_user()
    make_ambassador(edition, user=user)
    with app.app_context():
        db.session.add_all([TrainingProgress(item_id=first, user_id=user.id), TrainingProgress(item_id=second, user_id=user.id)])
        db.session.commit()
    response = client.post(f"/training/items/{first}/delete")
    assert response.status_code == 303
    assert titles(app, edition) == ["Punkt 002"]
    assert ticked(app, user) == {second}
    assert [e[1] for e in events(app, "training_item.deleted")] == [first]


def test_deleting_with_htmx_returns_the_region(app, client, coordinator, edition):
    first, _second = add_items(app, edition, 2)
    response = client.htmx("POST", f"/training/items/{first}/delete", data={"page": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert manage_titles(html) == ["Punkt 002"]


def test_points_move_up_and_down(app, client, coordinator, edition):
    first, second, third = add_items(app, edition, 3)
    assert client.post(f"/training/items/{third}/move/up").status_code == 303
    assert titles(app, edition) == ["Punkt 001", "Punkt 003", "Punkt 002"]
    response = client.htmx("POST", f"/training/items/{first}/move/down")
    assert response.status_code == 200
    assert manage_titles(response.get_data(as_text=True)) == ["Punkt 003", "Punkt 001", "Punkt 002"]
    assert [(e[1], e[2]["direction"], e[2]["position"]) for e in events(app, "training_item.moved")] == [
        (third, "up", 2), (first, "down", 2)]
    client.post(f"/training/items/{third}/move/up")  # already first: nothing happens
    assert len(events(app, "training_item.moved")) == 2
    html = client.get("/training/").get_data(as_text=True)
    assert html.count("/move/up") == 2 * 2 and html.count("/move/down") == 2 * 2  # action and hx-post


def test_moving_across_pages_lands_on_the_page_that_shows_the_point(app, client, coordinator, edition):
    app.config["PAGE_SIZE"] = 2
    ids = add_items(app, edition, 3)
    response = client.post(f"/training/items/{ids[1]}/move/down")
    assert response.headers["Location"] == f"/training/?edition={edition.id}&page=2"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert manage_titles(page) == ["Punkt 002"]
    assert 'rel="prev"' in page


def test_another_edition_can_be_chosen_and_an_unknown_one_is_not_found(app, client, coordinator, edition, make_edition):
    old = make_edition(name="Wspólne Projekty 2025", current=False)
    add_items(app, old, 1, prefix="Stary")
    add_items(app, edition, 1, prefix="Nowy")
    assert manage_titles(client.get("/training/").get_data(as_text=True)) == ["Nowy 001"]
    html = client.get(f"/training/?edition={old.id}").get_data(as_text=True)
    assert manage_titles(html) == ["Stary 001"]
    assert '<select id="edition-picker" name="edition">' in html
    assert client.get("/training/?edition=99999").status_code == 404
    assert client.post("/training/?edition=99999", data={"title": "x"}).status_code == 404


def test_without_a_current_edition_the_page_says_so(client, coordinator):
    response = client.get("/training/")
    assert response.status_code == 200
    assert "training-item-form" not in response.get_data(as_text=True)


def test_the_checklist_costs_the_same_queries_for_5_or_200_points(app, client, coordinator, edition, count_queries):
    add_items(app, edition, 5)
    client.get("/training/")
    with count_queries() as few:
        assert client.get("/training/").status_code == 200
    add_items(app, edition, 195)
    with count_queries() as many:
        html = client.get("/training/?page=2").get_data(as_text=True)
    assert len(manage_titles(html)) == 25
    assert len(few) == len(many), "\n".join(many)


def test_deleting_the_last_point_of_a_page_shows_the_page_before(app, client, coordinator, edition):
    app.config["PAGE_SIZE"] = 2
    ids = add_items(app, edition, 3)
    response = client.post(f"/training/items/{ids[2]}/delete", data={"page": "2"})
    assert response.headers["Location"] == f"/training/?edition={edition.id}"


def test_adding_without_a_current_edition_is_not_found(client, coordinator):
    assert client.post("/training/", data={"title": "Nigdzie"}).status_code == 404


@pytest.mark.parametrize(("method", "url"), [
    ("GET", "/training/"), ("POST", "/training/"), ("GET", "/training/progress"), ("GET", "/training/items/{id}/edit"),
    ("POST", "/training/items/{id}/edit"), ("POST", "/training/items/{id}/delete"), ("POST", "/training/items/{id}/move/up"),
])
def test_residents_and_ambassadors_cannot_use_the_coordinator_pages(app, client, login, people, edition, method, url):
    item, = add_items(app, edition, 1)
    for who in ("resident", "ambassador"):
        login(client, people[who])
        url_ = url.format(id=item)
        response = client.get(url_) if method == "GET" else client.post(url_, data={"title": "Przejęte"})
        assert response.status_code == 403
    assert titles(app, edition) == ["Punkt 001"]


def test_editing_in_place_with_htmx(app, client, coordinator, edition):
    first, _second = add_items(app, edition, 2)
    form = client.htmx("GET", f"/training/items/{first}/edit")
    html = form.get_data(as_text=True)
    assert form.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith(f'<div id="edit-item-{first}" class="edit-item">')
    assert f'hx-post="/training/items/{first}/edit" hx-target="#edit-item-{first}"' in html
    invalid = client.htmx("POST", f"/training/items/{first}/edit", data={"title": "", "description": "Zostaje"})
    assert invalid.status_code == 422
    assert invalid.get_data(as_text=True).lstrip().startswith(f'<div id="edit-item-{first}"')
    assert "Zostaje" in invalid.get_data(as_text=True)
    saved = client.htmx("POST", f"/training/items/{first}/edit", data={"title": "Nowy tytuł"})
    assert saved.status_code == 200
    assert (saved.headers["HX-Retarget"], saved.headers["HX-Reswap"]) == ("#training-manage", "outerHTML")
    assert manage_titles(saved.get_data(as_text=True)) == ["Nowy tytuł", "Punkt 002"]
    assert f'<li id="item-{first}" class="card" tabindex="-1" data-focus-on-swap>' in saved.get_data(as_text=True)


def test_the_edit_page_without_javascript_is_a_plain_form(app, client, coordinator, edition):
    item_id, = add_items(app, edition, 1)
    html = client.get(f"/training/items/{item_id}/edit").get_data(as_text=True)
    assert "<html" in html and f'action="/training/items/{item_id}/edit"' in html
    assert "hx-post" not in html.split("<main", 1)[1]
    response = client.post(f"/training/items/{item_id}/edit", data={"title": "Punkt"})
    assert response.status_code == 303 and response.headers["Location"] == f"/training/?edition={edition.id}"
