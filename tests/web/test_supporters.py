"""The support list: names with consent, scanned lists, who sees them, keyset pages, and forgetting them
after the edition."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pbflow.core import clock, uploads
from pbflow.core.files import StoredFile
from pbflow.core.models import AuditEvent
from pbflow.extensions import db
from pbflow.marathons.models import Supporter, SupportListScan
from pbflow.proposals.models import ProposalStatus
from tests.sample_files import PDF, ooxml, png

S = ProposalStatus


@pytest.fixture
def case(app, make_edition, make_proposal, make_user):
    edition = make_edition(open_stage="marathons", supporters_required=3)
    author, co_author = make_user("Zofia Dąbrowska"), make_user("Łukasz Wróbel")
    proposal = make_proposal(edition, author=author, co_authors=[co_author], status=S.REVISING)
    return edition, proposal, author, co_author


def names_of(app, proposal_id):
    with app.app_context():
        return db.session.scalars(select(Supporter.name).where(Supporter.proposal_id == proposal_id)
                                  .order_by(Supporter.id)).all()


def url(proposal, tail=""):
    return f"/proposals/{proposal.id}/supporters{tail}"


def test_authors_add_names_one_a_line_with_consent_and_two_people_may_share_a_name(app, client, login, case,
                                                                                   english):
    _edition, proposal, author, co_author = case
    login(client, co_author)
    response = client.post(url(proposal), data={"names": "Anna Nowak\n\n  Grzegorz   Brzęczyszczykiewicz \nAnna Nowak",
                                                 "consent": "y"})
    assert response.status_code == 303 and response.headers["Location"].endswith(url(proposal))
    assert names_of(app, proposal.id) == ["Anna Nowak", "Grzegorz Brzęczyszczykiewicz", "Anna Nowak"]
    html = client.get(url(proposal)).get_data(as_text=True)
    assert "Grzegorz Brzęczyszczykiewicz" in html and "3 of the 3 needed" in html
    assert 'data-label="Name"' in html
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.verb.like("supporters.%"))).all()
        assert [(e.verb, e.data) for e in events] == [("supporters.added", {"count": 3})]
        assert all("Nowak" not in str(e.data) for e in db.session.scalars(select(AuditEvent)))


@pytest.mark.parametrize("data, message", [
    ({"names": "Anna Nowak"}, "Confirm that every person on the list agreed"),
    ({"names": "   \n  ", "consent": "y"}, "Type at least one name."),
    ({"names": "A" * 121, "consent": "y"}, "at most 120 characters"),
    ({"names": "Jan <script>alert(1)</script>", "consent": "y"}, "leave out the signs &lt; and &gt;"),
    ({"names": "12345", "consent": "y"}, "a name has letters"),
    ({"names": "\n".join(f"Osoba {n}" for n in range(201)), "consent": "y"}, "at most 200 names at once"),
])
def test_bad_names_are_refused_with_the_input_kept(app, client, login, case, data, message, english):
    _edition, proposal, author, _co = case
    login(client, author)
    response = client.post(url(proposal), data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    first_line = data["names"].splitlines()[0] if data["names"].strip() else ""
    if first_line:
        assert first_line.replace("<", "&lt;").replace(">", "&gt;") in html
    assert names_of(app, proposal.id) == []


def test_an_htmx_form_with_a_mistake_gets_only_the_form(client, login, case, english):
    _edition, proposal, author, _co = case
    login(client, author)
    response = client.htmx("POST", url(proposal), data={"names": "Maria Zielińska"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" not in html and 'id="supporters-form"' in html
    assert "Maria Zielińska" in html and "data-focus-on-swap" in html


def test_only_authors_and_coordinators_see_the_names(app, client, login, people, case, make_marathon,
                                                     make_unit, make_expert, make_routing, english):
    edition, proposal, author, _co = case
    helper = people["ambassador"]
    make_marathon(edition, helpers=[helper])
    expert = make_expert(make_unit())
    make_routing(proposal, make_unit())
    for person, code in ((author, 200), (people["coordinator"], 200), (people["resident"], 403),
                         (expert, 403), (helper, 403), (people["expert"], 403)):
        login(client, person)
        assert client.get(url(proposal)).status_code == code, person.name
    login(client, people["coordinator"])  # the coordinator sees, the authors change
    assert client.post(url(proposal), data={"names": "Jan Nowak", "consent": "y"}).status_code == 403
    client.post("/logout")
    assert client.get(url(proposal)).status_code == 302


def test_the_readiness_page_shows_the_count_without_the_names(app, client, login, people, case, english):
    _edition, proposal, author, _co = case
    login(client, author)
    client.post(url(proposal), data={"names": "Bożena Wierzbicka", "consent": "y"})
    login(client, people["coordinator"])
    html = client.get(f"/proposals/{proposal.id}/readiness").get_data(as_text=True)
    assert "1 of the 3 needed" in html and "Bożena Wierzbicka" not in html


def test_authors_remove_a_name(app, client, login, case, english):
    _edition, proposal, author, _co = case
    login(client, author)
    client.post(url(proposal), data={"names": "Anna Nowak\nJan Kowalski", "consent": "y"})
    with app.app_context():
        first = db.session.scalar(select(Supporter.id).where(Supporter.name == "Anna Nowak"))
    assert client.post(url(proposal, f"/{first}/remove")).status_code == 303
    assert names_of(app, proposal.id) == ["Jan Kowalski"]
    assert client.post(url(proposal, f"/{first}/remove")).status_code == 409
    assert client.post(url(proposal, f"/{first}/remove"), csrf=False).status_code == 400


def test_a_closed_proposal_keeps_its_list_as_it_is(app, client, login, case):
    _edition, proposal, author, _co = case
    with app.app_context():
        from pbflow.proposals.models import Proposal

        db.session.get(Proposal, proposal.id).status = S.SUBMITTED.value
        db.session.commit()
    login(client, author)
    assert client.get(url(proposal)).status_code == 200
    assert client.post(url(proposal), data={"names": "Jan Nowak", "consent": "y"}).status_code == 403


def test_the_names_come_in_keyset_pages_with_the_same_queries_for_few_or_many(app, client, login, case,
                                                                             count_queries):
    _edition, proposal, author, _co = case
    login(client, author)
    client.post(url(proposal), data={"names": "Pierwsza Osoba", "consent": "y"})
    client.get(url(proposal))
    with count_queries() as few:
        assert client.get(url(proposal)).status_code == 200
    client.post(url(proposal), data={"names": "\n".join(f"Osoba Numer{n}" for n in range(120)), "consent": "y"})
    with count_queries() as many:
        html = client.get(url(proposal)).get_data(as_text=True)
    assert len(few) == len(many)
    assert "Osoba Numer48" in html and "Osoba Numer49" not in html and 'rel="next"' in html
    with app.app_context():
        last_shown = db.session.scalar(select(Supporter.id).where(Supporter.name == "Osoba Numer48"))
    second = client.get(url(proposal) + f"?after={last_shown}").get_data(as_text=True)
    assert "Osoba Numer49" in second and "Osoba Numer48" not in second
    assert client.get(url(proposal) + "?after=99999999999999").status_code == 200  # nonsense: the first page


# --- scanned lists ---------------------------------------------------------------------------------

def scan_data(content=PDF, name="lista.pdf", signatures="12", consent="y"):
    data = {"file": (io.BytesIO(content), name), "signatures": signatures}
    if consent:
        data["consent"] = consent
    return data


def test_authors_upload_a_scanned_list_that_counts_its_signatures(app, client, login, people, case, english):
    _edition, proposal, author, _co = case
    login(client, author)
    response = client.post(url(proposal, "/scans"), data=scan_data(png(), "lista-podpisów.png", "2"),
                           content_type="multipart/form-data")
    assert response.status_code == 303
    with app.app_context():
        scan = db.session.scalar(select(SupportListScan))
        assert scan.signatures == 2
    html = client.get(f"/proposals/{proposal.id}/readiness").get_data(as_text=True)
    assert "2 of the 3 needed" in html
    download = client.get(url(proposal, f"/scans/{scan.id}"))
    assert download.status_code == 200 and download.headers["Content-Type"] == "image/png"
    assert download.get_data() == png()
    download.close()
    login(client, people["resident"])
    assert client.get(url(proposal, f"/scans/{scan.id}")).status_code == 403


@pytest.mark.parametrize("data, message", [
    (scan_data(ooxml(), "lista.docx"), "Send the scan as a PDF, JPEG or PNG file."),
    (scan_data(b"just text", "lista.pdf"), "This kind of file cannot be uploaded"),
    (scan_data(consent=None), "Confirm that everyone who signed agreed"),
    (scan_data(signatures="0"), "Enter a number from 1 to 1000"),
    (scan_data(signatures="99999999999999999999"), "Enter a number from 1 to 1000"),
    (scan_data(signatures="dwanaście"), "Number of signatures"),
    ({"signatures": "3", "consent": "y"}, "Choose the file with the scanned list."),
])
def test_bad_scans_are_refused(app, client, login, case, data, message, english):
    _edition, proposal, author, _co = case
    login(client, author)
    response = client.post(url(proposal, "/scans"), data=data, content_type="multipart/form-data")
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SupportListScan)) == 0
        assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 0


def test_a_scan_too_large_is_refused(app, client, login, case, english):
    _edition, proposal, author, _co = case
    app.config["UPLOAD_MAX_BYTES"] = 1024
    login(client, author)
    response = client.post(url(proposal, "/scans"), data=scan_data(PDF + b"0" * 2048),
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "larger than" in response.get_data(as_text=True)


def test_deleting_a_scan_deletes_its_file(app, client, login, case):
    _edition, proposal, author, _co = case
    login(client, author)
    client.post(url(proposal, "/scans"), data=scan_data(), content_type="multipart/form-data")
    with app.app_context():
        scan = db.session.scalar(select(SupportListScan))
        path = uploads.path_of(db.session.get(StoredFile, scan.file_id))
    assert path.exists()
    assert client.post(url(proposal, f"/scans/{scan.id}/remove")).status_code == 303
    assert not path.exists()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 0


# --- forgetting after the edition ------------------------------------------------------------------

def test_forget_supporters_deletes_names_and_scans_of_ended_editions_only_and_is_safe_twice(
        app, client, login, runner, make_edition, make_proposal, make_user):
    old = make_edition(name="Wspólne Projekty 2025", current=False, open_stage="marathons")
    new = make_edition(open_stage="marathons")
    author = make_user()
    ended, running = make_proposal(old, author=author), make_proposal(new, author=author)
    login(client, author)
    for proposal in (ended, running):
        client.post(url(proposal), data={"names": "Anna Nowak\nJan Kowalski", "consent": "y"})
        client.post(url(proposal, "/scans"), data=scan_data(), content_type="multipart/form-data")
    with app.app_context():
        from pbflow.editions.models import Edition

        row = db.session.get(Edition, old.id)
        row.marathons_close = clock.today() - timedelta(days=3)
        row.submission_deadline = clock.today() - timedelta(days=1)
        db.session.commit()
        old_file = db.session.scalar(select(StoredFile).join(SupportListScan, SupportListScan.file_id == StoredFile.id)
                                     .where(SupportListScan.proposal_id == ended.id))
        old_path = uploads.path_of(old_file)
    assert old_path.exists()
    result = runner.invoke(args=["forget-supporters"])
    assert result.exit_code == 0 and "Deleted 2 supporters' names and 1 scanned lists." in result.output
    assert not old_path.exists()
    assert names_of(app, ended.id) == [] and names_of(app, running.id) == ["Anna Nowak", "Jan Kowalski"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SupportListScan)) == 1
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "supporters.forgotten"))
        assert event.object_id == old.id and event.data == {"names": 2, "scans": 1}
    again = runner.invoke(args=["forget-supporters"])
    assert again.exit_code == 0 and "Deleted 0 supporters' names and 0 scanned lists." in again.output


def test_an_edition_is_not_forgotten_on_its_last_day(app, runner, make_edition, make_proposal):
    edition = make_edition(open_stage="marathons")
    proposal = make_proposal(edition)
    with app.app_context():
        from pbflow.editions.models import Edition

        db.session.add(Supporter(proposal_id=proposal.id, name="Anna Nowak", consent=True))
        row = db.session.get(Edition, edition.id)
        row.marathons_close = row.submission_deadline = clock.today()
        db.session.commit()
    runner.invoke(args=["forget-supporters"])
    assert names_of(app, proposal.id) == ["Anna Nowak"]
