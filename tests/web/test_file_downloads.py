"""Downloads are checked against what owns the file, and sent so that nothing in them can run."""

from pathlib import Path

import pytest
from sqlalchemy import select

from pbflow.ambassadors.models import ApplicationStatus, Material, MaterialKind, TrainingItem
from pbflow.core import uploads
from pbflow.core.files import StoredFile
from pbflow.extensions import db
from tests import sample_files as files


def store(app, data, name):
    with app.test_request_context():
        stored = uploads.save_upload(files.upload(data, name), None)
        db.session.commit()
        return stored.id


def attach_material(app, edition, file_id, district=None, area=None):
    with app.app_context():
        material = Material(edition_id=edition.id, kind=MaterialKind.PAST_RESULTS.value, title="Wyniki", file_id=file_id,
                            district_id=area.district_id if area else district.id if district else None,
                            area_id=area.id if area else None)
        db.session.add(material)
        db.session.commit()
        return material.id


def attach_training(app, edition, file_id):
    with app.app_context():
        item = TrainingItem(edition_id=edition.id, position=1, title="Szkolenie", file_id=file_id)
        db.session.add(item)
        db.session.commit()
        return item.id


def download(client, file_id):
    return client.get(f"/files/{file_id}", buffered=True)


@pytest.fixture
def edition(make_edition):
    return make_edition()


@pytest.fixture
def places(districts, make_area):
    """Ruczaj and Podwawelskie in Dębniki (VIII); Kazimierz in Stare Miasto (I)."""
    return {"ruczaj": make_area(districts[7], "Ruczaj"), "podwawelskie": make_area(districts[7], "Podwawelskie"),
            "kazimierz": make_area(districts[0], "Kazimierz")}


@pytest.fixture
def ambassadors(edition, places, make_ambassador, make_user):
    found = {}
    for key, area in places.items():
        user = make_user()
        make_ambassador(edition, area=area, user=user)
        found[key] = user
    return found


def test_a_coordinator_downloads_with_safe_headers(app, client, login, people, edition):
    file_id = store(app, files.PDF, "Wyniki głosowania – Dębniki.pdf")
    attach_material(app, edition, file_id)
    login(client, people["coordinator"])
    response = download(client, file_id)
    assert response.status_code == 200
    assert response.get_data() == files.PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"Wyniki_glosowania_Debniki.pdf\"; "
        "filename*=UTF-8''Wyniki%20g%C5%82osowania%20%E2%80%93%20D%C4%99bniki.pdf")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert "no-store" in response.headers["Cache-Control"]


def test_images_open_in_the_browser_and_keep_their_detected_type(app, client, login, people, edition):
    file_id = store(app, files.png(), "mapa.png")
    login(client, people["coordinator"])
    response = download(client, file_id)
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["Content-Disposition"].startswith('inline; filename="mapa.png"')


@pytest.mark.parametrize(("scope", "allowed"), [
    ("edition", {"ruczaj", "podwawelskie", "kazimierz"}),
    ("district", {"ruczaj", "podwawelskie"}),
    ("area", {"ruczaj"}),
])
def test_ambassadors_download_what_covers_their_area(app, client, login, edition, districts, places, ambassadors,
                                                      scope, allowed):
    file_id = store(app, files.PDF, "wyniki.pdf")
    attach_material(app, edition, file_id, district=districts[7] if scope == "district" else None,
                    area=places["ruczaj"] if scope == "area" else None)
    for key, user in ambassadors.items():
        login(client, user)
        assert download(client, file_id).status_code == (200 if key in allowed else 403), key


def test_a_training_file_is_for_the_editions_ambassadors(app, client, login, edition, make_edition, make_ambassador,
                                                        make_user, ambassadors, people):
    file_id = store(app, files.docx(), "szkolenie.docx")
    attach_training(app, edition, file_id)
    login(client, ambassadors["kazimierz"])
    assert download(client, file_id).status_code == 200
    other = make_user()
    make_ambassador(make_edition(name="Inna edycja", current=False), user=other)
    pending = make_user()
    make_ambassador(edition, user=pending, status=ApplicationStatus.SUBMITTED)
    for user in (other, pending, people["ambassador"], people["resident"], people["expert"]):
        login(client, user)
        assert download(client, file_id).status_code == 403


def test_residents_get_403_and_visitors_are_sent_to_log_in(app, client, login, people, edition):
    file_id = store(app, files.PDF, "wyniki.pdf")
    attach_material(app, edition, file_id)
    response = download(client, file_id)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=/files/")
    login(client, people["resident"])
    assert download(client, file_id).status_code == 403


def test_a_file_nothing_owns_is_for_coordinators_only(app, client, login, edition, ambassadors, people):
    file_id = store(app, files.PDF, "sierota.pdf")
    login(client, ambassadors["ruczaj"])
    assert download(client, file_id).status_code == 403
    login(client, people["coordinator"])
    assert download(client, file_id).status_code == 200


def test_unknown_or_missing_files_are_not_found(app, client, login, people):
    login(client, people["coordinator"])
    assert download(client, 99999).status_code == 404
    file_id = store(app, files.PDF, "zgubiony.pdf")
    with app.app_context():
        name = db.session.scalar(select(StoredFile.stored_name).where(StoredFile.id == file_id))
    (Path(app.instance_path) / "uploads" / name).unlink()
    assert download(client, file_id).status_code == 404


def test_ambassadors_see_download_links_that_are_not_boosted(app, client, login, edition, places, ambassadors):
    file_id = store(app, files.PDF, "wyniki.pdf")
    attach_material(app, edition, file_id, area=places["ruczaj"])
    attach_training(app, edition, store(app, files.PDF, "szkolenie.pdf"))
    login(client, ambassadors["ruczaj"])
    assert f'href="/files/{file_id}" hx-boost="false"' in client.get("/materials/mine").get_data(as_text=True)
    assert 'hx-boost="false">szkolenie.pdf</a>' in client.get("/training/mine").get_data(as_text=True)
