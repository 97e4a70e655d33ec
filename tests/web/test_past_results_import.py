"""A coordinator loads Kraków's real results 2018–2022; importing again changes nothing."""

import decimal
import io
import re
import shutil
import time

import pytest
from sqlalchemy import func, select

from pbflow.core.models import AuditEvent
from pbflow.extensions import db
from pbflow.past_results import importer, pabulib
from pbflow.past_results.models import PastProject, PastResult
from tests.conftest import PABULIB as SHARED


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.mark.parametrize("name, expected", [
    ("Pradnik_Bialy", "pradnik bialy"), ("Prądnik Biały", "pradnik bialy"),
    ("Lagiewniki-Borek_Falecki", "lagiewniki borek falecki"), ("Łagiewniki-Borek Fałęcki", "lagiewniki borek falecki"),
    ("  BIEŻANÓW-PROKOCIM ", "biezanow prokocim")])
def test_district_names_fold_to_one_spelling(name, expected):
    assert importer.fold(name) == expected


def test_the_whole_shared_folder_imports_with_counts_matching_meta(app, runner, districts):
    started = time.perf_counter()
    result = runner.invoke(args=["import-pabulib", str(SHARED)])
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    assert "95 files" in result.output and "95 created" in result.output and "0 failed" in result.output
    assert elapsed < 60
    with app.app_context():
        assert count(PastResult) == 95
        assert count(PastResult, PastResult.scope == "citywide") == 5
        assert db.session.scalar(select(func.count(func.distinct(PastResult.district_id)))) == 18
        for path in sorted(SHARED.glob("*.pb"))[:95:7]:
            meta = pabulib.read(path, votes=False).meta
            stored = db.session.scalar(select(PastResult).where(PastResult.source_name == path.name))
            assert stored.num_projects == int(meta["num_projects"]) == count(PastProject, PastProject.result_id == stored.id)
            assert stored.num_votes == int(meta["num_votes"])
            assert stored.meta == meta
        biały = db.session.scalar(select(PastResult).where(PastResult.source_name == "Poland_Krakow_2019_Pradnik_Bialy.pb"))
        assert biały.district_id == next(d.id for d in districts if d.name == "Prądnik Biały")
        assert count(PastProject, PastProject.name.contains("&quot;")) == 0  # entities in names decoded
        assert count(PastProject, PastProject.selected.is_(True)) > 100

    again = runner.invoke(args=["import-pabulib", str(SHARED)])
    assert "95 unchanged" in again.output, again.output
    with app.app_context():
        assert count(PastResult) == 95
        assert count(AuditEvent, AuditEvent.verb == "past_results.created") == 95
        assert count(AuditEvent, AuditEvent.verb.like("past_results.%")) == 95


def test_an_updated_file_updates_its_rows(app, runner, districts, tmp_path):
    original = SHARED / "Poland_Krakow_2018_Bienczyce.pb"
    copy = tmp_path / original.name
    shutil.copy(original, copy)
    assert runner.invoke(args=["import-pabulib", str(copy)]).exit_code == 0
    text = copy.read_text(encoding="utf-8").replace("6;80000;426;878;Lawendowe", "6;81234.5;426;878;Lawendowe")
    copy.write_text(text, encoding="utf-8")
    result = runner.invoke(args=["import-pabulib", str(copy)])
    assert "1 updated" in result.output
    with app.app_context():
        project = db.session.scalar(select(PastProject).where(PastProject.project_id == "6"))
        assert project.cost == 8_123_450 and project.district_id is not None
        assert count(PastProject) == 13 and count(PastResult) == 1


def test_an_unknown_district_is_reported_not_guessed(app, runner, districts, tmp_path):
    text = (SHARED / "Poland_Krakow_2018_Bienczyce.pb").read_text(encoding="utf-8")
    bad = tmp_path / "Poland_Krakow_2018_Nowa_Huta_Wschod.pb"
    bad.write_text(text.replace("district;Bieńczyce", "district;Nowa Huta Wschód"), encoding="utf-8")
    broken = tmp_path / "Poland_Krakow_2018_Broken.pb"
    broken.write_text(text.replace("num_projects;13", "num_projects;14"), encoding="utf-8")
    result = runner.invoke(args=["import-pabulib", str(tmp_path)])
    assert result.exit_code == 1
    assert "'Nowa Huta Wschód' is not one of pbflow's districts" in result.output
    assert "Poland_Krakow_2018_Broken.pb, line 9: META says num_projects is 14" in result.output
    with app.app_context():
        assert count(PastResult) == 0 and count(PastProject) == 0


def test_winners_by_the_greedy_rule_match_every_file_that_names_them():
    """Kraków 2018's files do not say which projects won; the rule, checked here on 2019–2022, does."""
    checked = 0
    for path in sorted(SHARED.glob("*.pb")):
        pb = pabulib.read(path, votes=False)
        if "selected" in pb.project_columns:
            stated = {p.project_id for p in pb.projects if p.selected}
            assert importer.greedy_winners(pb.projects, pabulib.parse_number(pb.meta["budget"])) == stated, path.name
            checked += 1
    assert checked == 76


def test_2018_outcomes_are_worked_out_and_marked_so(app, runner, districts):
    runner.invoke(args=["import-pabulib", str(SHARED / "Poland_Krakow_2018_Bienczyce.pb")])
    with app.app_context():
        result = db.session.scalar(select(PastResult))
        assert result.outcome_computed
        funded = db.session.scalars(select(PastProject.project_id).where(PastProject.selected.is_(True))).all()
        assert "6" in funded and count(PastProject, PastProject.selected.is_(None)) == 0


def _upload(client, *files):
    data = {"files": [(io.BytesIO(content), name) for name, content in files]}
    return client.post("/results/import", data=data, content_type="multipart/form-data")


def test_numbers_too_large_to_store_are_refused_with_their_line(app, client, districts, people, login, english):
    login(client, people["coordinator"])
    good = (SHARED / "Poland_Krakow_2020_Debniki.pb").read_bytes()
    line = next(n for n, row in enumerate(good.split(b"\n"), start=1) if row.startswith(b"31;470000;"))
    huge_cost = good.replace(b"\n31;470000;", b"\n31;1e999999;", 1)
    response = _upload(client, ("Poland_Krakow_2020_Debniki_a.pb", huge_cost),
                       ("Poland_Krakow_2020_Debniki.pb", good))
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "1 new, 0 updated, 0 unchanged, 1 refused." in html
    assert f"line {line}: the cost of project 31 must be a plain number such as 1250.50: “1e999999”" in html
    with app.app_context():
        assert count(PastResult) == 1


def test_a_value_the_checks_let_through_fails_its_file_only(app, client, districts, people, login, english,
                                                          monkeypatch):
    """The last resort: an arithmetic or database error while storing one file is that file's refusal."""
    login(client, people["coordinator"])
    good = (SHARED / "Poland_Krakow_2020_Debniki.pb").read_bytes()
    real_grosze = importer._grosze

    def overflowing(value):
        if value == 1234567:
            raise decimal.InvalidOperation([decimal.InvalidOperation])
        return real_grosze(value)

    monkeypatch.setattr(importer, "_grosze", overflowing)
    bad = good.replace(b"budget;", b"budget;1234567\nold_budget;", 1)
    response = _upload(client, ("Poland_Krakow_2020_Debniki.pb", bad),
                       ("Poland_Krakow_2021_Debniki.pb", (SHARED / "Poland_Krakow_2021_Debniki.pb").read_bytes()))
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "1 new, 0 updated, 0 unchanged, 1 refused." in html
    assert "A number in the file is too large or cannot be stored." in html
    with app.app_context():
        assert db.session.scalars(select(PastResult.year)).all() == [2021]


def test_the_polish_upload_report_explains_a_refusal_in_polish(client, districts, people, login):
    """Coordinators read the report in Polish: the reason comes from the catalogue, not pabulib's English."""
    login(client, people["coordinator"])
    good = (SHARED / "Poland_Krakow_2020_Debniki.pb").read_bytes()
    html = _upload(client, ("Poland_Krakow_2020_Debniki.pb", good.replace(b"num_projects;24", b"num_projects;99"))
                   ).get_data(as_text=True)
    assert "num_projects" in html and "99" in html and "24" in html
    assert "META says" not in html and not re.search(r"\bline \d+:", html)  # translated, "line 9:" included
