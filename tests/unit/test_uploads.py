"""Uploads: the type comes from the content, the name must agree, the size is limited."""

import hashlib
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from pbflow.core import uploads
from pbflow.core.files import StoredFile
from pbflow.core.models import AuditEvent
from pbflow.extensions import db
from tests import sample_files as files

ACCEPTED = [
    ("plan.pdf", files.PDF, "application/pdf"),
    ("mapa.png", files.png(), "image/png"),
    ("zdjęcie.jpg", files.JPEG, "image/jpeg"),
    ("ZDJĘCIE.JPEG", files.JPEG, "image/jpeg"),
    ("ikona.gif", files.GIF, "image/gif"),
    ("foto.webp", files.WEBP, "image/webp"),
    ("wniosek.docx", files.docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("koszty.xlsx", files.xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("prezentacja.pptx", files.pptx(), "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ("wniosek.odt", files.odf("text"), "application/vnd.oasis.opendocument.text"),
    ("koszty.ods", files.odf("spreadsheet"), "application/vnd.oasis.opendocument.spreadsheet"),
    ("slajdy.odp", files.odf("presentation"), "application/vnd.oasis.opendocument.presentation"),
    ("stary.doc", files.ole2("WordDocument"), "application/msword"),
    ("stary.xls", files.ole2("Workbook"), "application/vnd.ms-excel"),
    ("stary.ppt", files.ole2("PowerPoint Document"), "application/vnd.ms-powerpoint"),
]

CANNOT_BE_UPLOADED = "This kind of file cannot be uploaded."


def uploads_on_disk(app):
    folder = Path(app.instance_path) / "uploads"
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.fixture
def en(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield
        db.session.rollback()


@pytest.mark.parametrize(("name", "data", "content_type"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_real_files_of_each_allowed_kind_are_recognised(en, name, data, content_type):
    _data, file_type = uploads.inspect_upload(files.upload(data, name))
    assert file_type.content_type == content_type


@pytest.mark.parametrize(("name", "data", "message"), [
    ("ulotka.pdf", files.EXE, CANNOT_BE_UPLOADED),
    ("program.exe", files.EXE, CANNOT_BE_UPLOADED),
    ("strona.pdf", files.HTML, CANNOT_BE_UPLOADED),
    ("strona.html", files.HTML, CANNOT_BE_UPLOADED),
    ("rysunek.svg", files.SVG, CANNOT_BE_UPLOADED),
    ("skrypt.pdf", b"#!/bin/sh\nrm -rf /\n", CANNOT_BE_UPLOADED),
    ("archiwum.docx", files._zip({"a.txt": "x"}), CANNOT_BE_UPLOADED),
    ("makra.docx", files.ooxml(extra={"word/vbaProject.bin": "x"}), CANNOT_BE_UPLOADED),
    ("instalator.doc", files.ole2("SummaryInformation"), CANNOT_BE_UPLOADED),
    ("uciety.docx", files.docx()[:len(files.docx()) // 2], CANNOT_BE_UPLOADED),
    ("uszkodzony.odt", files.damaged_odf(), CANNOT_BE_UPLOADED),
    ("mapa.pdf", files.png(), "but the file is a PNG file (.png)"),
    ("plan.png", files.PDF, "but the file is a PDF file (.pdf)"),
    ("wniosek.odt", files.docx(), "but the file is a Word file (.docx)"),
    ("plan", files.PDF, "The file's name ends in “.?”"),
    ("pusty.pdf", b"", "The file is empty."),
])
def test_anything_else_is_refused_with_a_reason(en, name, data, message):
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.inspect_upload(files.upload(data, name))
    assert message in str(refused.value)


def test_a_file_over_the_limit_is_refused_saying_the_limit_in_megabytes(app, en):
    app.config["UPLOAD_MAX_BYTES"] = 1024 * 1024
    data = files.PDF + b"0" * (1024 * 1024)
    with pytest.raises(uploads.UploadRefused, match=r"larger than 1 MB"):
        uploads.inspect_upload(files.upload(data, "duzy.pdf"))
    uploads.inspect_upload(files.upload(data[:1024 * 1024], "akurat.pdf"))  # exactly the limit is fine


def test_the_default_limit_is_10_mb_and_a_request_may_be_a_little_larger(app):
    assert app.config["UPLOAD_MAX_BYTES"] == 10 * 1024 * 1024
    assert app.config["MAX_CONTENT_LENGTH"] > app.config["UPLOAD_MAX_BYTES"]


def test_the_limit_is_said_in_polish_too(app):
    with app.test_request_context(headers={"Accept-Language": "pl"}):
        app.config["UPLOAD_MAX_BYTES"] = int(2.5 * 1024 * 1024)
        assert uploads.megabytes(app.config["UPLOAD_MAX_BYTES"]) == "2,5"


def test_a_saved_file_gets_a_random_name_its_hash_and_an_audit_event(app, en, people):
    data = files.PDF
    stored = uploads.save_upload(files.upload(data, "../../etc/Plan zagospodarowania – Dębniki.pdf"), people["coordinator"])
    db.session.commit()
    assert re.fullmatch(r"[0-9a-f]{32}", stored.stored_name)
    assert stored.original_name == "Plan zagospodarowania – Dębniki.pdf"
    assert stored.content_type == "application/pdf"  # detected, not the browser's say-so
    assert stored.size == len(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.uploaded_by_id == people["coordinator"].id
    on_disk = uploads_on_disk(app)
    assert [p.name for p in on_disk] == [stored.stored_name]
    assert on_disk[0].read_bytes() == data
    assert on_disk[0].parent == Path(app.instance_path) / "uploads"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "file.uploaded"))
    assert (event.actor_id, event.object_type, event.object_id) == (people["coordinator"].id, "stored_files", stored.id)
    assert event.data["sha256"] == stored.sha256


def test_a_refused_file_leaves_nothing_behind(app, en):
    with pytest.raises(uploads.UploadRefused):
        uploads.save_upload(files.upload(files.EXE, "ulotka.pdf"), None)
    db.session.flush()
    assert uploads_on_disk(app) == []
    assert db.session.scalars(select(StoredFile)).all() == []


@pytest.mark.parametrize(("sent", "kept"), [
    ("C:\\Users\\Jan\\Pulpit\\wniosek.pdf", "wniosek.pdf"),
    ("/home/jan/../../wniosek.pdf", "wniosek.pdf"),
    ("wnio\u202eskfdp.pdf", "wnioskfdp.pdf"),  # a right-to-left override would disguise the extension
    ("Żółta ścieżka.pdf", "Żółta ścieżka.pdf"),
])
def test_the_original_name_is_cleaned(sent, kept):
    assert uploads.clean_name(sent) == kept


def test_the_download_header_has_an_ascii_name_and_the_polish_one(app):
    stored = StoredFile(original_name="Ścieżka rowerowa \"nowa\".pdf", stored_name="0" * 32,
                        content_type="application/pdf", size=1, sha256="0" * 64)
    header = uploads.content_disposition(stored, "attachment")
    assert header.startswith('attachment; filename="Sciezka_rowerowa_nowa.pdf"; ')
    assert header.endswith("filename*=UTF-8''%C5%9Acie%C5%BCka%20rowerowa%20%22nowa%22.pdf")


def test_the_limit_can_be_set_from_the_environment(monkeypatch, tmp_path):
    from pbflow import config

    monkeypatch.setenv("PBFLOW_UPLOAD_MAX_MB", "25")
    settings = config.from_environment(tmp_path)
    assert settings["UPLOAD_MAX_BYTES"] == 25 * 1024 * 1024
    assert settings["MAX_CONTENT_LENGTH"] == 31 * 1024 * 1024
