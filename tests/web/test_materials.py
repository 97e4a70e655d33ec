"""Materials: coordinators add them for the edition, a district or an area; ambassadors see theirs."""

import re

import pytest
from sqlalchemy import select

from pbflow.accounts.models import Role
from pbflow.ambassadors import materials
from pbflow.ambassadors.models import Material, MaterialKind
from pbflow.core.files import StoredFile
from pbflow.core.models import AuditEvent
from pbflow.editions.models import Edition
from pbflow.extensions import db
from tests import sample_files as files


def add_material(app, edition, title, kind=MaterialKind.GUIDE, district=None, area=None, link="https://example.org/"):
    with app.app_context():
        material = Material(edition_id=edition.id, kind=kind.value, title=title, link_url=link,
                            district_id=(area.district_id if area else district.id if district else None),
                            area_id=area.id if area else None)
        db.session.add(material)
        db.session.commit()
        return material.id


def add_many(app, edition, count, districts):
    with app.app_context():
        kinds = list(MaterialKind)
        db.session.add_all(Material(edition_id=edition.id, kind=kinds[n % 4].value, title=f"Materiał {n:03d}",
                                    link_url="https://example.org/", district_id=districts[n % 3].id if n % 2 else None)
                           for n in range(count))
        db.session.commit()


def stored(app, material_id):
    with app.app_context():
        material = db.session.get(Material, material_id)
        if material is not None:
            db.session.expunge(material)
        return material


def events(app, verb):
    with app.app_context():
        return [(e.object_id, e.data) for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.verb == verb).order_by(AuditEvent.id))]


def result_titles(html):
    return re.findall(r"<tr>\s*<td>([^<]*)</td>", html)


@pytest.fixture
def edition(make_edition):
    return make_edition()


@pytest.fixture
def coordinator(client, login, make_user):
    user = make_user("Kate Brown", "kate@example.org", roles=[Role.COORDINATOR], locale="en")
    login(client, user)
    return user


# --- materials_for -------------------------------------------------------------------

def test_an_ambassador_gets_the_editions_the_districts_and_the_areas_materials(app, edition, districts, make_area,
                                                                               make_edition):
    area, neighbour = make_area(districts[7], "Ruczaj"), make_area(districts[7], "Osiedle Podwawelskie")
    elsewhere = make_area(districts[0], "Kazimierz")
    add_material(app, edition, "Regulamin")
    add_material(app, edition, "Wyniki Dębnik", MaterialKind.PAST_RESULTS, district=districts[7])
    add_material(app, edition, "Mapa Ruczaju", area=area)
    add_material(app, edition, "Mapa Podwawelskiego", area=neighbour)
    add_material(app, edition, "Wyniki Starego Miasta", district=districts[0])
    add_material(app, edition, "Kazimierz", area=elsewhere)
    add_material(app, make_edition(name="Stara edycja", current=False), "Zeszłoroczny regulamin")
    with app.test_request_context():
        found = materials.materials_for(db.session.get(Edition, edition.id), districts[7].id, area.id)
        assert sorted(m.title for m in found) == ["Mapa Ruczaju", "Regulamin", "Wyniki Dębnik"]
        without_area = materials.materials_for(db.session.get(Edition, edition.id), districts[7].id, None)
        assert sorted(m.title for m in without_area) == ["Regulamin", "Wyniki Dębnik"]


def test_my_materials_are_grouped_by_kind_and_markdown_is_sanitised(app, client, login, edition, districts, make_area,
                                                                    make_ambassador, make_user):
    area = make_area(districts[7], "Ruczaj")
    user = make_user(locale="en")
    make_ambassador(edition, area=area, user=user)
    guide = add_material(app, edition, "Poradnik ambasadora")
    add_material(app, edition, "Wyniki Dębnik", MaterialKind.PAST_RESULTS, district=districts[7])
    add_material(app, edition, "Wyniki Starego Miasta", MaterialKind.PAST_RESULTS, district=districts[0])
    with app.app_context():
        db.session.get(Material, guide).description = "**Ważne** <script>alert(1)</script>"
        db.session.commit()
    login(client, user)
    html = client.get("/materials/mine").get_data(as_text=True)
    assert "Wyniki Dębnik" in html and "Poradnik ambasadora" in html
    assert "Wyniki Starego Miasta" not in html
    assert html.index("<h3>Past results</h3>") < html.index("<h3>Guide</h3>")  # MaterialKind's order
    assert "District VIII Dębniki" in html and "Whole edition" in html
    assert "<strong>Ważne</strong>" in html and "<script>alert" not in html


# --- the coordinator adds, edits and removes -------------------------------------------

def test_a_coordinator_adds_a_link_for_the_whole_edition(app, client, coordinator, edition):
    assert client.get("/materials/new").status_code == 200
    response = client.post(f"/materials/new?edition={edition.id}", data={
        "kind": "guide", "title": "Regulamin", "scope": "edition", "link_url": "https://budzet.krakow.pl/"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/materials/?edition={edition.id}"
    (object_id, data), = events(app, "material.created")
    material = stored(app, object_id)
    assert (material.title, material.district_id, material.area_id, material.created_by_id) == (
        "Regulamin", None, None, coordinator.id)
    assert data["scope"] == "edition"


def test_an_area_brings_its_district(app, client, coordinator, edition, districts, make_area):
    area = make_area(districts[7], "Ruczaj")
    client.post("/materials/new", data={"kind": "strategic_document", "title": "Plan", "scope": f"area-{area.id}",
                                        "link_url": "https://example.org/plan"})
    (object_id, _data), = events(app, "material.created")
    material = stored(app, object_id)
    assert (material.district_id, material.area_id) == (districts[7].id, area.id)


def test_a_material_with_a_document(app, client, coordinator, edition):
    response = client.post("/materials/new", content_type="multipart/form-data", data={
        "kind": "template", "title": "Wzór wniosku", "scope": "edition", "upload": files.form_file(files.docx(), "wzór.docx")})
    assert response.status_code == 303
    (object_id, _data), = events(app, "material.created")
    with app.app_context():
        material = db.session.get(Material, object_id)
        assert material.file.original_name == "wzór.docx" and material.link_url is None
        assert material.file.type_label == "Word"


@pytest.mark.parametrize(("data", "upload", "message"), [
    ({"title": "Nic"}, None, "Give a link, a file, or both."),
    ({"title": ""}, None, "Enter a title."),
    ({"title": "Zły link", "link_url": "file:///etc/passwd"}, None, "starts with https:// or http://"),
    ({"title": "Zły zakres", "scope": "district-99999", "link_url": "https://example.org/"}, None, "Not a valid choice"),
    ({"title": "Zły zakres", "scope": "district-²", "link_url": "https://example.org/"}, None, "Not a valid choice"),
    ({"title": "Zły zakres", "scope": "area-99999999999999999999", "link_url": "https://example.org/"}, None,
     "Not a valid choice"),
    ({"title": "Zły rodzaj", "kind": "virus", "link_url": "https://example.org/"}, None, "Not a valid choice"),
    ({"title": "Program"}, (files.EXE, "ulotka.pdf"), "This kind of file cannot be uploaded."),
    ({"title": "Strona"}, (files.HTML, "wyniki.pdf"), "This kind of file cannot be uploaded."),
    ({"title": "Obrazek"}, (files.png(), "wyniki.pdf"), "but the file is a PNG file (.png)"),
])
def test_invalid_materials_are_refused_with_422_and_nothing_is_stored(app, client, coordinator, edition, data, upload,
                                                                      message):
    payload = {"kind": "guide", "scope": "edition", "description": "Opis zostaje", **data}
    if upload:
        payload["upload"] = files.form_file(*upload)
    response = client.post("/materials/new", data=payload, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html and "Opis zostaje" in html
    with app.app_context():
        assert db.session.scalars(select(Material)).all() == []
        assert db.session.scalars(select(StoredFile)).all() == []


def test_a_file_over_the_limit_is_refused(app, client, coordinator, edition):
    app.config["UPLOAD_MAX_BYTES"] = 1024 * 1024
    response = client.post("/materials/new", **files.multipart(client, {
        "kind": "guide", "title": "Skan", "scope": "edition",
        "upload": files.upload(files.PDF + b"0" * (1024 * 1024), "skan.pdf")}))
    assert response.status_code == 422
    assert "The file is larger than 1 MB." in response.get_data(as_text=True)


def test_editing_changes_kind_and_place_and_records_it(app, client, coordinator, edition, districts):
    material_id = add_material(app, edition, "Regulamin")
    form = client.get(f"/materials/{material_id}/edit").get_data(as_text=True)
    assert 'value="Regulamin"' in form and '<option selected value="edition">' in form
    response = client.post(f"/materials/{material_id}/edit", data={
        "kind": "past_results", "title": "Wyniki", "scope": f"district-{districts[2].id}", "link_url": "https://example.org/"})
    assert response.status_code == 303
    material = stored(app, material_id)
    assert (material.kind, material.title, material.district_id) == ("past_results", "Wyniki", districts[2].id)
    (_id, data), = events(app, "material.updated")
    assert data["changed"] == ["district_id", "kind", "title"]


def test_a_file_cannot_be_removed_when_nothing_else_is_left(app, client, coordinator, edition):
    client.post("/materials/new", content_type="multipart/form-data", data={
        "kind": "guide", "title": "Poradnik", "scope": "edition", "upload": files.form_file(files.PDF, "poradnik.pdf")})
    (material_id, _data), = events(app, "material.created")
    response = client.post(f"/materials/{material_id}/edit", data={
        "kind": "guide", "title": "Poradnik", "scope": "edition", "remove_file": "y"})
    assert response.status_code == 422 and "Give a link, a file, or both." in response.get_data(as_text=True)
    response = client.post(f"/materials/{material_id}/edit", data={
        "kind": "guide", "title": "Poradnik", "scope": "edition", "remove_file": "y", "link_url": "https://example.org/"})
    assert response.status_code == 303
    assert stored(app, material_id).file_id is None


def test_removing_a_material_keeps_its_file_for_the_audit_trail(app, client, coordinator, edition):
    client.post("/materials/new", content_type="multipart/form-data", data={
        "kind": "guide", "title": "Poradnik", "scope": "edition", "upload": files.form_file(files.PDF, "poradnik.pdf")})
    (material_id, created), = events(app, "material.created")
    response = client.post(f"/materials/{material_id}/delete", data={"next": "/materials/?kind=guide"})
    assert response.status_code == 303 and response.headers["Location"] == "/materials/?kind=guide"
    assert stored(app, material_id) is None
    (_id, deleted), = events(app, "material.deleted")
    assert deleted["file_id"] == created["file_id"]
    with app.app_context():
        assert db.session.get(StoredFile, created["file_id"]) is not None
    download = client.get(f"/files/{created['file_id']}", buffered=True)
    assert download.status_code == 200 and download.get_data() == files.PDF  # coordinators still reach it


# --- the coordinator's list --------------------------------------------------------

def test_the_list_filters_by_kind_and_place(app, client, coordinator, edition, districts, make_area):
    area = make_area(districts[7], "Ruczaj")
    add_material(app, edition, "Regulamin")
    add_material(app, edition, "Wyniki Dębnik", MaterialKind.PAST_RESULTS, district=districts[7])
    add_material(app, edition, "Mapa Ruczaju", MaterialKind.PAST_RESULTS, area=area)
    add_material(app, edition, "Wyniki Starego Miasta", MaterialKind.PAST_RESULTS, district=districts[0])
    assert result_titles(client.get("/materials/").get_data(as_text=True)) == [
        "Regulamin", "Mapa Ruczaju", "Wyniki Dębnik", "Wyniki Starego Miasta"]  # kind, then title
    html = client.get(f"/materials/?kind=past_results&place={districts[7].id}").get_data(as_text=True)
    assert result_titles(html) == ["Mapa Ruczaju", "Wyniki Dębnik"]
    assert result_titles(client.get("/materials/?place=edition").get_data(as_text=True)) == ["Regulamin"]
    fragment = client.htmx("GET", "/materials/?kind=guide")
    assert fragment.status_code == 200
    assert fragment.get_data(as_text=True).lstrip().startswith('<div id="material-results">')
    assert client.get("/materials/?kind=nonsense").status_code == 422


def test_the_list_is_paginated_keeping_the_filter(app, client, coordinator, edition, districts):
    app.config["PAGE_SIZE"] = 2
    add_many(app, edition, 16, districts)  # 4 guides: two pages
    html = client.get("/materials/?kind=guide").get_data(as_text=True)
    assert len(result_titles(html)) == 2
    assert f'rel="next" href="/materials/?page=2&amp;edition={edition.id}&amp;kind=guide"' in html


def test_the_list_costs_the_same_queries_for_5_or_200_materials(app, client, coordinator, edition, districts,
                                                                count_queries):
    add_many(app, edition, 5, districts)
    client.get("/materials/")
    with count_queries() as few:
        assert len(result_titles(client.get("/materials/").get_data(as_text=True))) == 5
    add_many(app, edition, 195, districts)
    with count_queries() as many:
        assert len(result_titles(client.get("/materials/").get_data(as_text=True))) == 25
    assert len(few) == len(many), "\n".join(many)


def test_my_materials_cost_the_same_queries_for_5_or_200(app, client, login, edition, districts, make_area,
                                                        make_ambassador, make_user, count_queries):
    user = make_user()
    make_ambassador(edition, area=make_area(districts[1]), user=user)
    login(client, user)
    add_many(app, edition, 5, districts)
    client.get("/materials/mine")
    with count_queries() as few:
        client.get("/materials/mine")
    add_many(app, edition, 195, districts)
    with count_queries() as many:
        client.get("/materials/mine")
    assert len(few) == len(many), "\n".join(many)


@pytest.mark.parametrize(("method", "url"), [
    ("GET", "/materials/"), ("GET", "/materials/new"), ("POST", "/materials/new"), ("GET", "/materials/{id}/edit"),
    ("POST", "/materials/{id}/edit"), ("POST", "/materials/{id}/delete"),
])
def test_residents_and_ambassadors_cannot_use_the_coordinator_pages(app, client, login, people, edition, method, url):
    material_id = add_material(app, edition, "Regulamin")
    for who in ("resident", "ambassador", "expert"):
        login(client, people[who])
        target = url.format(id=material_id)
        response = client.get(target) if method == "GET" else client.post(target, data={
            "kind": "guide", "title": "Przejęte", "scope": "edition", "link_url": "https://evil.example/"})
        assert response.status_code == 403
    assert stored(app, material_id).title == "Regulamin"


def test_unknown_materials_are_not_found(client, coordinator):
    assert client.get("/materials/99999/edit").status_code == 404
    assert client.post("/materials/99999/delete").status_code == 404
    assert client.get("/materials/?edition=99999").status_code == 404
