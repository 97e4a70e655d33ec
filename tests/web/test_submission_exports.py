"""The coordinator's list of submitted proposals and its downloads: CSV (opens in a spreadsheet), JSON, and a
Pabulib .pb file the past-results reader reads back; streamed in batches, a fixed number of queries a batch."""

import csv
import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import insert, select, update

from pbflow.accounts.models import User
from pbflow.core.database import utcnow
from pbflow.editions.models import District, DistrictBudget
from pbflow.extensions import db
from pbflow.marathons import downloads
from pbflow.marathons.models import OfficialOutcome, Submission
from pbflow.past_results import pabulib
from pbflow.proposals.models import Proposal, ProposalAuthor, ProposalStatus, ProposalVersion

TRICKY = 'Ławki, stoły i "zielona" altana\nprzy Żółkiewskiego'


def submit(app, proposal, reference, when=None, undone=False):
    """A standing (or undone) record of submission, as part S3 writes it; set-up only."""
    with app.app_context():
        db.session.execute(update(Proposal).where(Proposal.id == proposal.id)
                           .values(status=ProposalStatus.SUBMITTED.value, platform_reference=reference))
        submission = Submission(proposal_id=proposal.id, edition_id=proposal.edition_id, platform_reference=reference,
                                reference_key=reference.upper(), version_number=proposal.current_version,
                                submitted_at=when or utcnow(), undone_at=utcnow() if undone else None)
        db.session.add(submission)
        db.session.commit()
        return submission.id


def bulk_submitted(app, edition, author, count, district=None, start=1):
    """`count` submitted proposals written straight into the tables (big-data set-up only)."""
    with app.app_context():
        district_id = (district or db.session.scalars(select(District).order_by(District.number)).first()).id
        first = (db.session.scalar(select(db.func.max(Proposal.id))) or 0) + 1
        ids = range(first, first + count)
        now = utcnow()
        db.session.execute(insert(Proposal), [
            {"id": i, "edition_id": edition.id, "scope": "district", "district_id": district_id,
             "status": "submitted", "current_version": 1, "title": f"Projekt {n} – zieleń", "total_cost": 100_000_50,
             "yearly_upkeep": 1_000_00, "created_at": now, "updated_at": now, "status_changed_at": now}
            for n, i in enumerate(ids, start)])
        db.session.execute(insert(ProposalVersion), [
            {"proposal_id": i, "number": 1, "scope": "district", "district_id": district_id,
             "title": f"Projekt {n} – zieleń", "total_cost": 100_000_50, "yearly_upkeep": 1_000_00, "cost_lines": [],
             "created_at": now} for n, i in enumerate(ids, start)])
        db.session.execute(insert(ProposalAuthor), [
            {"proposal_id": i, "user_id": author.id, "role": "lead", "consent_at": now} for i in ids])
        db.session.execute(insert(Submission), [
            {"proposal_id": i, "edition_id": edition.id, "platform_reference": f"WPD.{n}.2026",
             "reference_key": f"WPD.{n}.2026", "version_number": 1, "submitted_at": now, "created_at": now,
             "readiness": {}, "undo_reason": ""} for n, i in enumerate(ids, start)])
        db.session.commit()
        return list(ids)


@pytest.fixture
def coordinator_client(app, people, login):
    client = app.test_client()
    login(client, people["coordinator"])
    return client


@pytest.fixture
def setting(app, people, make_user, make_edition, make_proposal, districts):
    """Two district proposals in the first district, one in the second, one city-wide; one record undone."""
    edition = make_edition(open_stage="marathons", criteria=True)
    lead = make_user("Zofia Łękawa-Żurek")
    co_author = make_user("Grzegorz Brzęczyszczykiewicz")
    gone = make_user("Konto Usunięte")
    first = make_proposal(edition, author=lead, title=TRICKY, district=districts[0], co_authors=[co_author, gone])
    second = make_proposal(edition, title="=HYPERLINK(\"http://zły.example\")", district=districts[0])
    other = make_proposal(edition, title="Chodnik na Dębnikach", district=districts[1])
    citywide = make_proposal(edition, title="Rowery miejskie", scope="citywide")
    withdrawn = make_proposal(edition, title="Cofnięty zapis", district=districts[0])
    moment = utcnow().replace(microsecond=0)
    submit(app, first, "WPD.0001.2026", moment - timedelta(hours=3))
    submit(app, second, "WPD.0002.2026", moment - timedelta(hours=2))
    submit(app, other, "WPD.0003.2026", moment - timedelta(hours=1))
    submit(app, citywide, "WPO.0004.2026", moment)
    submit(app, withdrawn, "WPD.0005.2026", moment, undone=True)
    with app.app_context():
        db.session.execute(update(User).where(User.id == gone.id).values(deleted_at=utcnow()))
        db.session.add(OfficialOutcome(proposal_id=other.id, outcome="verified_negative", reason="Teren prywatny; brak zgody"))
        db.session.execute(update(DistrictBudget).where(DistrictBudget.edition_id == edition.id,
                                                        DistrictBudget.district_id == districts[0].id)
                           .values(pool=2_415_205_50))
        db.session.commit()
    return {"edition": edition, "first": first, "second": second, "other": other, "citywide": citywide,
            "withdrawn": withdrawn, "districts": districts, "moment": moment}


def _csv(response):
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


# --- CSV --------------------------------------------------------------------------------------------

def test_csv_opens_with_polish_letters_quoting_and_the_authors_who_may_be_named(coordinator_client, setting):
    edition, first = setting["edition"], setting["first"]
    response = coordinator_client.get(f"/marathons/submitted/{edition.id}.csv")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="pbflow-submitted-{edition.year}.csv"'
    lines = _csv(response)
    assert lines[0] == list(downloads.COLUMNS)
    by_id = {int(line[0]): dict(zip(lines[0], line, strict=True)) for line in lines[1:]}
    assert set(by_id) == {first.id, setting["second"].id, setting["other"].id, setting["citywide"].id}
    row = by_id[first.id]
    assert row["title"] == TRICKY
    assert row["platform_reference"] == "WPD.0001.2026"
    assert row["district"] == setting["districts"][0].name
    assert row["total_cost_pln"] == "142175.00"  # 4 × 25 000 zł + 120.5 × 350 zł
    assert row["yearly_upkeep_pln"] == "8000.00"
    assert row["version_submitted"] == "1"
    assert row["submitted_at_utc"] == (setting["moment"] - timedelta(hours=3)).isoformat() + "Z"
    assert row["authors"] == "Zofia Łękawa-Żurek; Grzegorz Brzęczyszczykiewicz"  # the deleted account is left out
    assert by_id[setting["second"].id]["title"].startswith("'=HYPERLINK")  # a spreadsheet does not run it
    assert by_id[setting["other"].id]["outcome"] == "verified_negative"
    assert by_id[setting["other"].id]["outcome_reason"] == "Teren prywatny; brak zgody"
    assert by_id[setting["citywide"].id]["scope"] == "citywide"
    assert [int(line[0]) for line in lines[1:]] == [first.id, setting["second"].id, setting["other"].id,
                                                    setting["citywide"].id]


def test_csv_by_district_and_city_wide(coordinator_client, setting):
    edition, districts = setting["edition"], setting["districts"]
    response = coordinator_client.get(f"/marathons/submitted/{edition.id}.csv?district={districts[0].id}")
    assert {int(line[0]) for line in _csv(response)[1:]} == {setting["first"].id, setting["second"].id}
    assert response.headers["Content-Disposition"].endswith(f'-{edition.year}-{districts[0].slug}.csv"')
    response = coordinator_client.get(f"/marathons/submitted/{edition.id}.csv?district=citywide")
    assert [int(line[0]) for line in _csv(response)[1:]] == [setting["citywide"].id]
    response = coordinator_client.get(f"/marathons/submitted/{edition.id}.csv?district={districts[5].id}")
    assert _csv(response)[1:] == []


# --- JSON -------------------------------------------------------------------------------------------

def test_json_is_an_array_of_objects(coordinator_client, setting):
    edition = setting["edition"]
    response = coordinator_client.get(f"/marathons/submitted/{edition.id}.json?district={setting['districts'][0].id}")
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "application/json"
    data = json.loads(response.get_data(as_text=True))
    assert [item["proposal_id"] for item in data] == [setting["first"].id, setting["second"].id]
    assert data[0]["title"] == TRICKY
    assert data[0]["authors"] == ["Zofia Łękawa-Żurek", "Grzegorz Brzęczyszczykiewicz"]
    assert data[0]["total_cost_pln"] == "142175.00" and data[0]["outcome"] is None
    assert set(data[0]) == set(downloads.COLUMNS)


def test_json_of_nothing_is_an_empty_array(coordinator_client, setting):
    response = coordinator_client.get(f"/marathons/submitted/{setting['edition'].id}.json"
                                      f"?district={setting['districts'][7].id}")
    assert json.loads(response.get_data(as_text=True)) == []


# --- Pabulib ----------------------------------------------------------------------------------------

def test_pabulib_file_of_a_district_reads_back(coordinator_client, setting):
    edition, district = setting["edition"], setting["districts"][0]
    response = coordinator_client.get(f"/marathons/submitted/{edition.id}.pb?district={district.id}")
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Content-Disposition"].endswith(f'-{edition.year}-{district.slug}.pb"')
    pb = pabulib.reads(response.get_data(as_text=True))
    assert pb.meta["country"] == "Poland" and pb.meta["unit"] == "Kraków"
    assert pb.meta["district"] == district.name
    assert pb.meta["instance"] == str(edition.year)
    assert pb.meta["num_projects"] == "2" and pb.meta["num_votes"] == "0"
    assert pb.meta["budget"] == "2415205.50"
    assert pb.meta["vote_type"] == "approval"
    assert pb.votes == []
    assert [(p.project_id, p.cost, p.name, p.fields["platform_reference"]) for p in pb.projects] == [
        (str(setting["first"].id), 142175, TRICKY, "WPD.0001.2026"),
        (str(setting["second"].id), 142175, '=HYPERLINK("http://zły.example")', "WPD.0002.2026")]


def test_pabulib_file_of_the_city_wide_pool(coordinator_client, setting):
    edition = setting["edition"]
    response = coordinator_client.get(f"/marathons/submitted/{edition.id}.pb?district=citywide")
    pb = pabulib.reads(response.get_data(as_text=True))
    assert pb.meta["budget"] == "10000000" and "district" not in pb.meta
    assert [p.name for p in pb.projects] == ["Rowery miejskie"]


def test_pabulib_needs_a_district_or_city_wide(coordinator_client, setting, english):
    response = coordinator_client.get(f"/marathons/submitted/{setting['edition'].id}.pb")
    assert response.status_code == 400
    assert "choose a district or “City-wide projects”" in response.get_data(as_text=True)


@pytest.mark.parametrize("extension", ["csv", "json", "pb"])
@pytest.mark.parametrize("district", ["999999", "abc", "-1", "²", "9" * 30])
def test_unknown_district_is_refused(coordinator_client, setting, english, extension, district):
    response = coordinator_client.get(f"/marathons/submitted/{setting['edition'].id}.{extension}?district={district}")
    assert response.status_code == 400
    assert "There is no such district" in response.get_data(as_text=True)


def test_unknown_edition_is_not_found(coordinator_client, setting):
    assert coordinator_client.get("/marathons/submitted/999999.csv").status_code == 404


@pytest.mark.parametrize("role", ["resident", "ambassador", "expert"])
@pytest.mark.parametrize("extension", ["csv", "json", "pb"])
def test_only_coordinators_download(app, people, login, setting, role, extension):
    client = app.test_client()
    login(client, people[role])
    response = client.get(f"/marathons/submitted/{setting['edition'].id}.{extension}?district=citywide")
    assert response.status_code == 403


@pytest.mark.parametrize("extension", ["csv", "json", "pb"])
def test_visitors_are_sent_to_log_in(client, setting, extension):
    response = client.get(f"/marathons/submitted/{setting['edition'].id}.{extension}")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


# --- streaming: constant queries per batch, 10,000 rows -----------------------------------------------

def _download_queries(app, count_queries, client, url):
    with count_queries() as statements:
        response = client.get(url)
        body = response.get_data()  # the generator runs while the body is read
    return len([s for s in statements if "audit_events" not in s]), body


@pytest.mark.parametrize("extension", ["csv", "json", "pb"])
def test_queries_depend_on_batches_not_rows(app, count_queries, coordinator_client, people, make_edition,
                                            districts, monkeypatch, extension):
    small = make_edition(name="Mała edycja", open_stage="marathons")
    big = make_edition(name="Duża edycja", open_stage="marathons")
    bulk_submitted(app, small, people["resident"], 10)
    bulk_submitted(app, big, people["resident"], 1000, start=100)
    monkeypatch.setattr(downloads, "BATCH", 2000)
    few, _ = _download_queries(app, count_queries, coordinator_client, f"/marathons/submitted/{small.id}.{extension}?district={districts[0].id}")
    many, body = _download_queries(app, count_queries, coordinator_client, f"/marathons/submitted/{big.id}.{extension}?district={districts[0].id}")
    assert few == many
    assert "Projekt 1099 – zieleń".encode() in body
    monkeypatch.setattr(downloads, "BATCH", 300)
    batched, _ = _download_queries(app, count_queries, coordinator_client, f"/marathons/submitted/{big.id}.{extension}?district={districts[0].id}")
    assert batched == many + 2 * 3  # four batches (300, 300, 300, 100) instead of one: two queries each


def test_ten_thousand_rows_are_streamed(app, coordinator_client, people, make_edition, districts):
    edition = make_edition(open_stage="marathons")
    bulk_submitted(app, edition, people["resident"], 10_000)
    response = coordinator_client.get(f"/marathons/submitted/{edition.id}.csv")
    assert response.is_streamed
    chunks = list(response.response)
    assert len(chunks) > 10_000 // downloads.BATCH  # written a batch at a time, never as one string
    lines = list(csv.reader(io.StringIO("".join(c.decode() if isinstance(c, bytes) else c for c in chunks)
                                        .lstrip("\ufeff"), newline="")))
    assert len(lines) == 10_001
    response = coordinator_client.get(f"/marathons/submitted/{edition.id}.pb?district={districts[0].id}")
    pb = pabulib.reads(response.get_data(as_text=True))
    assert len(pb.projects) == 10_000 and pb.meta["num_projects"] == "10000"


# --- the list page ---------------------------------------------------------------------------------

def test_list_shows_standing_submissions_with_downloads(coordinator_client, setting, english):
    page = coordinator_client.get("/marathons/submitted").get_data(as_text=True)
    assert "WPD.0001.2026" in page and "WPO.0004.2026" in page
    assert "WPD.0005.2026" not in page  # undone
    assert "Verified negatively" in page
    assert f"/marathons/submitted/{setting['edition'].id}.csv" in page
    assert f"/marathons/submitted/{setting['edition'].id}.pb" not in page  # a .pb needs a district or city-wide
    assert "Choose a district or “City-wide projects” above" in page
    assert 'data-label="Reference"' in page
    page = coordinator_client.get(f"/marathons/submitted?district={setting['districts'][0].id}").get_data(as_text=True)
    assert "WPD.0001.2026" in page and "WPD.0003.2026" not in page
    assert f"/marathons/submitted/{setting['edition'].id}.pb?district={setting['districts'][0].id}" in page


def test_list_fragment_for_htmx(coordinator_client, setting):
    response = coordinator_client.htmx("GET", "/marathons/submitted?district=citywide")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and 'id="submitted-results"' in body
    assert "WPO.0004.2026" in body and "WPD.0001.2026" not in body


@pytest.mark.parametrize("query", ["district=999999", "district=abc", "edition=999999", "after=nonsense",
                                   "after=99999999999999999999-1"])
def test_list_refuses_bad_filters(coordinator_client, setting, query):
    assert coordinator_client.get(f"/marathons/submitted?{query}").status_code == 400


def test_list_pages_by_keyset_with_the_same_queries(app, count_queries, coordinator_client, people, make_edition,
                                                    english):
    edition = make_edition(open_stage="marathons")
    bulk_submitted(app, edition, people["resident"], 3)
    with count_queries() as few:
        assert coordinator_client.get("/marathons/submitted").status_code == 200
    bulk_submitted(app, edition, people["resident"], 80, start=10)
    with count_queries() as many:
        page = coordinator_client.get("/marathons/submitted").get_data(as_text=True)
    assert len(few) == len(many)
    assert 'rel="next"' in page
    seen, url = [], "/marathons/submitted"
    while url:
        body = coordinator_client.get(url).get_data(as_text=True)
        seen += [part.split("<")[0] for part in body.split('<td data-label="Reference">')[1:]]
        marker = 'rel="next" href="'
        url = body.split(marker)[1].split('"')[0].replace("&amp;", "&") if marker in body else None
    assert len(seen) == 83 and len(set(seen)) == 83


def test_list_without_edition(coordinator_client):
    assert coordinator_client.get("/marathons/submitted").status_code == 200
