"""Loading Pabulib files into past results: matched to pbflow's districts, idempotent, reporting what it did."""

import hashlib
import html
import io
import os
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from pathlib import Path

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.exc import DataError

from pbflow.core import audit
from pbflow.core.database import utcnow
from pbflow.editions.models import District
from pbflow.extensions import db
from pbflow.past_results import pabulib
from pbflow.past_results.models import PastProject, PastResult

KNOWN_COLUMNS = {"project_id", "cost", "name", "votes", "score", "selected", "category"}
PROJECT_ID_MAX = 60  # PastProject.project_id

# What a coordinator reads in the upload report, in their language: one message for each code of a
# pabulib.PabulibError or an ImportProblem (their English wording, for the command line, is in
# pabulib.MESSAGES and IMPORT_PROBLEMS).
MESSAGES = {
    "not_utf8": _l("the file is not UTF-8 text; save it again with the UTF-8 encoding"),
    "broken_quoting": _l("the quotation marks on this line do not pair up"),
    "missing_section": _l("the %(section)s section is missing"),
    "expected_section": _l("the %(section)s section should start here"),
    "no_header": _l("the %(section)s section has no header row"),
    "missing_column": _l("the %(section)s section has no %(column)s column"),
    "duplicate_column": _l("the %(section)s section names a column twice"),
    "meta_row_fields": _l("a META row must have two fields, key;value (is the PROJECTS line missing?)"),
    "row_fields": _l("the number of fields in this %(section)s row is %(count)s, but in the header it is %(expected)s"),
    "meta_header": _l("the META header must be key;value"),
    "meta_twice": _l("META names %(key)s twice"),
    "meta_missing": _l("META has no %(keys)s"),
    "vote_type": _l("META vote_type “%(value)s” is not one of %(choices)s"),
    "no_project_id": _l("a project has no project_id"),
    "project_twice": _l("project %(project)s appears twice"),
    "not_a_number": _l("the %(column)s of project %(project)s is not a number: “%(value)s”"),
    "negative": _l("the %(column)s of project %(project)s is negative"),
    "not_plain": _l("the %(column)s of project %(project)s must be a plain number such as 1250.50: “%(value)s”"),
    "out_of_range": _l("the %(column)s of project %(project)s is out of range (at most %(limit)s)"),
    "meta_not_a_number": _l("META %(key)s is not a number"),
    "meta_not_plain": _l("META %(key)s must be a plain number such as 1250.50: “%(value)s”"),
    "meta_out_of_range": _l("META %(key)s is out of range (from 0 to %(limit)s)"),
    "projects_count": _l("META says %(key)s is %(stated)s, but the number of projects in the file is %(count)s"),
    "votes_count": _l("META says %(key)s is %(stated)s, but the number of votes in the file is %(count)s"),
    "section_after_votes": _l("the %(section)s section comes after VOTES"),
    "unknown_project": _l("voter %(voter)s votes for an unknown project %(project)s"),
    "unknown_district": _l("district “%(name)s” is not one of pbflow's districts"),
    "no_year": _l("META instance “%(value)s” names no year"),
    "long_project_id": _l("project id %(project)s is longer than %(max)s characters"),
}
IMPORT_PROBLEMS = {
    "unknown_district": "district {name!r} is not one of pbflow's districts",
    "no_year": "META instance {value!r} names no year",
    "long_project_id": "project id {project} is longer than {max} characters",
}


def fold(text):
    """Lower-case ASCII letters and digits, single-spaced: 'Łagiewniki-Borek_Fałęcki' -> 'lagiewniki borek falecki'."""
    text = (text or "").replace("ł", "l").replace("Ł", "L")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.findall(r"[a-z0-9]+", text))


@dataclass
class Outcome:
    """What importing one file did: created, updated, unchanged or failed (with the reason)."""

    name: str
    status: str
    year: int | None = None
    district: str | None = None
    projects: int = 0
    votes: int = 0
    error: str | None = None


@dataclass
class Report:
    outcomes: list = field(default_factory=list)

    def count(self, status):
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def failed(self):
        return [outcome for outcome in self.outcomes if outcome.status == "failed"]


class ImportProblem(ValueError):
    """A file that reads but cannot be stored (e.g. its district is not one of pbflow's); like a
    PabulibError it has a `code` and `params`, and str(error) in English."""

    def __init__(self, code, **params):
        self.code, self.params, self.line = code, params, None
        super().__init__(IMPORT_PROBLEMS[code].format(**params))


def translated(error):
    """The reason a file was refused in the reader's language, with its line when known."""
    template = MESSAGES.get(getattr(error, "code", None))
    reason = str(template) % error.params if template is not None else str(error)
    line = getattr(error, "line", None)
    return _("line %(line)d: %(reason)s", line=line, reason=reason) if line else reason


def district_index():
    """Folded name and file-name spelling -> District."""
    index = {}
    for district in db.session.scalars(select(District)):
        index[fold(district.name)] = district
        index[fold(district.slug)] = district
    return index


def _district_from_name(name):
    """The district part of 'Poland_Krakow_2018_Pradnik_Bialy.pb', or None for the city-wide file."""
    match = re.match(r"^[A-Za-z]+_[A-Za-z]+_\d{4}_(.+)\.pb$", name or "")
    return match.group(1) if match else None


def match_district(meta, source_name, index):
    """The district a file is about, None for a city-wide file; ImportProblem if it names an unknown one."""
    named = meta.get("district", "").strip() or _district_from_name(source_name)
    if not named:
        return None
    district = index.get(fold(named))
    if district is None:
        raise ImportProblem("unknown_district", name=named)
    return district


def _grosze(value):
    return int((Decimal(value) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _date(value):
    try:
        return datetime.strptime(value.strip(), "%d.%m.%Y").date()
    except (ValueError, AttributeError):
        return None


def _year(meta):
    match = re.search(r"\d{4}", meta.get("instance", ""))
    if not match:
        raise ImportProblem("no_year", value=meta.get("instance"))
    return int(match.group())


def import_stream(stream, name, actor=None, index=None):
    """Import one file from a binary stream; returns an Outcome. The caller commits."""
    data = stream.read()
    digest = hashlib.sha256(data).hexdigest()
    with pabulib.PbReader(io.BytesIO(data), name=name) as reader:
        meta = reader.meta
        num_votes = int(pabulib.parse_number(meta["num_votes"]) or 0)
        if reader.has_votes:  # checks every ballot against the projects and the stated count
            num_votes = sum(1 for _vote in reader.votes())
        projects = reader.projects
    for project in projects:
        if len(project.project_id.strip()) > PROJECT_ID_MAX:
            raise ImportProblem("long_project_id", project=project.project_id.strip()[:PROJECT_ID_MAX] + "…",
                                max=PROJECT_ID_MAX)
    district = match_district(meta, name, index if index is not None else district_index())
    year = _year(meta)
    scope = "district" if district else "citywide"
    key = f"{year}:{scope}" + (f":{district.id}" if district else "")
    outcome = Outcome(name, "unchanged", year, district.name if district else None, len(projects), num_votes)
    result = db.session.scalar(select(PastResult).where(PastResult.key == key))
    if result is not None and result.source_hash == digest:
        return outcome
    outcome.status = "created" if result is None else "updated"
    if result is None:
        result = PastResult(key=key, year=year, scope=scope, district_id=district.id if district else None)
        db.session.add(result)
    result.source_name, result.source_hash = name, digest
    result.budget = _grosze(pabulib.parse_number(meta["budget"]) or 0)
    result.num_projects, result.num_votes = len(projects), num_votes
    result.vote_type, result.rule = meta["vote_type"].strip(), meta.get("rule", "").strip()[:60]
    result.date_begin, result.date_end = _date(meta.get("date_begin")), _date(meta.get("date_end"))
    result.meta, result.updated_at = dict(meta), utcnow()
    winners = None
    if "selected" not in reader.project_columns and result.rule == "greedy":
        winners = greedy_winners(projects, pabulib.parse_number(meta["budget"]) or 0)
    result.outcome_computed = winners is not None
    db.session.flush()
    _store_projects(result, projects, winners)
    audit.record(actor, f"past_results.{outcome.status}", result, file=name, projects=len(projects))
    return outcome


def greedy_winners(projects, budget):
    """Project ids funded under Pabulib's greedy rule: by score (or votes), each that still fits the pool.

    Used for files without a `selected` column (Kraków 2018); it reproduces every file that has one.
    """
    remaining, winners = budget, set()
    ranked = sorted(projects, key=lambda p: -(p.score if p.score is not None else (p.votes or 0)))
    for project in ranked:
        if project.cost <= remaining:
            winners.add(project.project_id)
            remaining -= project.cost
    return winners


def _store_projects(result, projects, winners=None):
    """Replace the result's projects by the file's (an updated file may drop, add or change any)."""
    db.session.execute(delete(PastProject).where(PastProject.result_id == result.id))
    rows = []
    for project in projects:
        name = html.unescape(project.name.strip())  # a few Kraków names carry &quot;
        rows.append({
            "result_id": result.id, "year": result.year, "scope": result.scope, "district_id": result.district_id,
            "project_id": project.project_id.strip(), "name": name, "name_key": fold(name),
            "cost": _grosze(project.cost), "votes": project.votes,
            "score": project.score,
            "selected": project.selected if winners is None else project.project_id in winners,
            "categories": ",".join(project.categories)[:500],
            "extra": {k: v for k, v in project.fields.items() if k not in KNOWN_COLUMNS},
        })
    if rows:
        db.session.execute(PastProject.__table__.insert(), rows)


def pb_files(paths):
    """Every .pb file named, or inside a named folder, in a stable order."""
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.pb") if p.is_file()))
        else:
            found.append(path)
    return found


def _import_one(name, read, actor, index, explain):
    """One file in its own transaction: stored, or a failed Outcome saying why; never an exception."""
    try:
        with read() as stream:
            outcome = import_stream(stream, name, actor, index)
        db.session.commit()
        return outcome
    except (pabulib.PabulibError, ImportProblem, OSError, ArithmeticError, DataError) as error:
        # ArithmeticError and DataError are a last resort: a value the reader's checks let through.
        db.session.rollback()
        return Outcome(name, "failed", error=explain(error))


def _in_english(error):
    if isinstance(error, (ArithmeticError, DataError)):
        return f"a value in the file cannot be stored ({type(error).__name__})"
    return str(error)


def _for_people(error):
    if isinstance(error, (ArithmeticError, DataError)):
        return _("A number in the file is too large or cannot be stored. Check the costs, votes and scores in it.")
    return translated(error)


def import_paths(paths, actor=None, on_file=None):
    """Import files and folders (the command line); a bad file is reported and the rest go on."""
    report, index = Report(), district_index()
    for path in pb_files(paths):
        outcome = _import_one(os.path.basename(path), partial(open, path, "rb"), actor, index, _in_english)
        report.outcomes.append(outcome)
        if on_file:
            on_file(outcome)
    return report


def import_uploads(files, actor):
    """Import uploaded files (werkzeug FileStorage), like import_paths, with the reasons in the reader's language."""
    from pbflow.core.uploads import clean_name, max_bytes, megabytes

    report, index = Report(), district_index()
    for upload in files:
        name = clean_name(upload.filename)
        data = upload.stream.read(max_bytes() + 1)
        if not name.lower().endswith(".pb"):
            outcome = Outcome(name, "failed", error=_("This is not a Pabulib file: its name must end in .pb."))
        elif len(data) > max_bytes():
            outcome = Outcome(name, "failed", error=_("The file is larger than %(limit)s MB.",
                                                      limit=megabytes(max_bytes())))
        else:
            outcome = _import_one(name, lambda data=data: io.BytesIO(data), actor, index, _for_people)
        report.outcomes.append(outcome)
    return report


def has_results():
    return db.session.scalar(select(PastResult.id).limit(1)) is not None


