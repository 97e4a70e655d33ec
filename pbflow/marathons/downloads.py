"""The edition's submitted proposals: the coordinator's list and its downloads (CSV, JSON, Pabulib .pb).

Everything reads the submissions that stand (undone_at IS NULL) with the version that was entered into
the platform, in keyset order over (created_at, id) of the (edition_id, created_at, id) index. A page is
one query; a download reads batches of BATCH rows, two queries a batch (the rows, then the names of their
authors), so memory and the number of queries depend on the number of batches, never on the number of
rows held at once. Plain Python and SQL here: the view streams what the generators yield.
"""

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select

from pbflow.accounts.models import User
from pbflow.core import keyset
from pbflow.core.csvfile import BOM, csv_text, safe_cell
from pbflow.core.web.urls import database_id
from pbflow.editions.models import Area, District, DistrictBudget, Edition, Scope
from pbflow.extensions import db
from pbflow.marathons.models import OfficialOutcome, Outcome, Submission
from pbflow.past_results import pabulib
from pbflow.proposals.models import AuthorRole, ProposalAuthor, ProposalVersion

BATCH = 500
PAGE_SIZE = 25
CITYWIDE = "citywide"
COLUMNS = ("proposal_id", "platform_reference", "title", "scope", "district", "area", "total_cost_pln",
           "yearly_upkeep_pln", "version_submitted", "submitted_at_utc", "authors", "outcome", "outcome_reason")
_CURSOR = re.compile(r"^(\d{20})-(\d{1,18})$")


class BadFilter(ValueError):
    """A district that does not exist, or a page link that was typed or cut short."""


@dataclass(frozen=True)
class Choice:
    """Which submissions: all of the edition (kind None), the city-wide ones, or one district's."""

    kind: str | None = None
    district: District | None = None

    @property
    def slug(self):
        return self.district.slug if self.district else (CITYWIDE if self.kind == CITYWIDE else None)

    @property
    def arg(self):
        """The value of the district query argument that gives this choice back."""
        return str(self.district.id) if self.district else (CITYWIDE if self.kind == CITYWIDE else None)


def choose(text):
    """The choice a `district` query argument names: '' all, 'citywide', or a district id; BadFilter otherwise."""
    text = (text or "").strip()
    if not text:
        return Choice()
    if text == CITYWIDE:
        return Choice(CITYWIDE)
    number = database_id(text)
    district = db.session.get(District, number) if number is not None else None
    if district is None:
        raise BadFilter(text)
    return Choice("district", district)


def editions():
    return db.session.scalars(select(Edition).order_by(Edition.year.desc(), Edition.id.desc())).all()


def chosen_edition(all_editions, edition_id=None):
    by_id = {e.id: e for e in all_editions}
    if edition_id in by_id:
        return by_id[edition_id]
    return next((e for e in all_editions if e.is_current), all_editions[0] if all_editions else None)


# --- the rows --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    submission_id: int
    created_at: datetime
    proposal_id: int
    platform_reference: str
    version_number: int
    submitted_at: datetime
    title: str
    scope: str
    district: str | None
    area: str | None
    total_cost: int  # grosze
    yearly_upkeep: int  # grosze
    outcome: str | None
    outcome_reason: str
    authors: tuple = ()

    @property
    def cursor(self):
        return f"{self.created_at:%Y%m%d%H%M%S%f}-{self.submission_id}"

    @property
    def outcome_title(self):
        return Outcome(self.outcome).title if self.outcome else None


def _rows_query(edition_id, choice):
    statement = (
        select(Submission.id, Submission.created_at, Submission.proposal_id, Submission.platform_reference,
               Submission.version_number, Submission.submitted_at, ProposalVersion.title, ProposalVersion.scope,
               District.name, Area.name, ProposalVersion.total_cost, ProposalVersion.yearly_upkeep,
               OfficialOutcome.outcome, OfficialOutcome.reason)
        .join(ProposalVersion, and_(ProposalVersion.proposal_id == Submission.proposal_id,
                                    ProposalVersion.number == Submission.version_number))
        .outerjoin(District, District.id == ProposalVersion.district_id)
        .outerjoin(Area, Area.id == ProposalVersion.area_id)
        .outerjoin(OfficialOutcome, OfficialOutcome.proposal_id == Submission.proposal_id)
        .where(Submission.undone_at.is_(None)))
    if edition_id is not None:
        statement = statement.where(Submission.edition_id == edition_id)
    if choice.kind == CITYWIDE:
        statement = statement.where(ProposalVersion.scope == Scope.CITYWIDE.value)
    elif choice.district is not None:
        statement = statement.where(ProposalVersion.scope == Scope.DISTRICT.value,
                                    ProposalVersion.district_id == choice.district.id)
    return statement


def _after(statement, after):
    if after is None:
        return statement
    return statement.where(keyset.after((Submission.created_at, Submission.id), after))


def _to_rows(found, authors=None):
    authors = authors or {}
    return [Row(*values[:13], values[13] or "", tuple(authors.get(values[2], ()))) for values in found]


def parse_cursor(text):
    if not text:
        return None
    match = _CURSOR.match(text.strip())
    if match is None:
        raise BadFilter(text)
    try:
        moment = datetime.strptime(match.group(1), "%Y%m%d%H%M%S%f")
    except ValueError as error:
        raise BadFilter(text) from error
    return moment, int(match.group(2))


@dataclass(frozen=True)
class Page:
    rows: list
    next_cursor: str | None


def page(edition_id, choice, cursor=None, size=PAGE_SIZE):
    """Oldest submission first: one page and the cursor of the next one (None on the last). One query."""
    statement = _after(_rows_query(edition_id, choice), parse_cursor(cursor))
    found = db.session.execute(statement.order_by(Submission.created_at, Submission.id).limit(size + 1)).all()
    rows = _to_rows(found[:size])
    return Page(rows, rows[-1].cursor if len(found) > size else None)


def row_of(proposal_id):
    """The list row of one proposal's standing submission, or None. One query."""
    found = db.session.execute(_rows_query(None, Choice()).where(Submission.proposal_id == proposal_id)).all()
    return _to_rows(found)[0] if found else None


def _authors_of(proposal_ids):
    """{proposal id: [names]}: every author (each one consented when named); deleted accounts left out."""
    if not proposal_ids:
        return {}
    found = db.session.execute(
        select(ProposalAuthor.proposal_id, User.name).join(User, User.id == ProposalAuthor.user_id)
        .where(ProposalAuthor.proposal_id.in_(proposal_ids), User.deleted_at.is_(None))
        .order_by(ProposalAuthor.proposal_id, ProposalAuthor.role != AuthorRole.LEAD.value,
                  ProposalAuthor.consent_at, User.id))
    names = {}
    for proposal_id, name in found:
        names.setdefault(proposal_id, []).append(name)
    return names


def rows(edition_id, choice, batch=None):
    """Every standing submission in the choice, read BATCH at a time (two queries a batch)."""
    size = batch or BATCH
    after = None
    while True:
        statement = _after(_rows_query(edition_id, choice), after)
        found = db.session.execute(statement.order_by(Submission.created_at, Submission.id).limit(size)).all()
        if not found:
            return
        authors = _authors_of([values[2] for values in found])
        yield from _to_rows(found, authors)
        if len(found) < size:
            return
        after = (found[-1][1], found[-1][0])


def count(edition_id, choice):
    """How many standing submissions the choice holds (the .pb META states it before the projects)."""
    statement = _rows_query(edition_id, choice).with_only_columns(func.count(Submission.id))
    return db.session.scalar(statement.order_by(None))


# --- formats ---------------------------------------------------------------------------------------

def zloty(grosze):
    """'1250.50': złoty with grosze after a decimal point, as spreadsheets and programs read numbers."""
    return f"{grosze // 100}.{grosze % 100:02d}"


def whole_zloty(grosze):
    """Rounded half up to whole złoty (Pabulib costs are whole amounts)."""
    return str((grosze + 50) // 100)


def _iso(moment):
    return moment.isoformat(timespec="seconds") + "Z"


def record(row):
    """A row as plain values, the keys of COLUMNS."""
    return {"proposal_id": row.proposal_id, "platform_reference": row.platform_reference, "title": row.title,
            "scope": row.scope, "district": row.district, "area": row.area,
            "total_cost_pln": zloty(row.total_cost), "yearly_upkeep_pln": zloty(row.yearly_upkeep),
            "version_submitted": row.version_number, "submitted_at_utc": _iso(row.submitted_at),
            "authors": "; ".join(row.authors), "outcome": row.outcome, "outcome_reason": row.outcome_reason}


def csv_chunks(found):
    """UTF-8 text with a byte-order mark (so spreadsheets read Polish letters), comma-separated, quoted as
    the csv module does; one chunk per batch of rows."""
    yield BOM + csv_text([COLUMNS])
    lines = []
    for row in found:
        data = record(row)
        lines.append([data["proposal_id"]] + [safe_cell(data[key]) for key in COLUMNS[1:]])
        if len(lines) >= BATCH:
            yield csv_text(lines)
            lines = []
    if lines:
        yield csv_text(lines)


def json_chunks(found):
    """A JSON array of objects (keys: COLUMNS, authors as a list), one chunk per row."""
    yield "["
    first = True
    for row in found:
        data = record(row)
        data["authors"] = list(row.authors)
        yield ("\n" if first else ",\n") + json.dumps(data, ensure_ascii=False)
        first = False
    yield "\n]\n"


def pool_of(edition, choice):
    """The pool the .pb file's budget states: the district's, or the city-wide one (grosze)."""
    if choice.district is not None:
        return db.session.scalar(select(DistrictBudget.pool).where(
            DistrictBudget.edition_id == edition.id, DistrictBudget.district_id == choice.district.id)) or 0
    return edition.citywide_pool or 0


PB_PROJECT_COLUMNS = ["project_id", "cost", "name", "platform_reference"]


def pabulib_meta(edition, choice, number, pool):
    """META of the file: one election (a district or the city-wide pool), no votes yet."""
    where = choice.district.name if choice.district else None
    meta = {"description": (f"District PB in Kraków, {where}" if where else "City-wide PB in Kraków")
            + f", submitted proposals ({edition.name})",
            "country": "Poland", "unit": "Kraków"}
    if where:
        meta.update({"district": where, "subunit": where})
    meta.update({"instance": str(edition.year), "num_projects": str(number), "num_votes": "0",
                 "budget": zloty(pool) if pool % 100 else str(pool // 100), "vote_type": "approval",
                 "rule": "greedy", "edition": edition.name, "language": "pl", "currency": "PLN"})
    return meta


def pabulib_chunks(meta, found):
    """The META and PROJECTS sections (no VOTES: num_votes is 0), written as pbflow.past_results.pabulib does."""
    head = io.StringIO(newline="")
    pabulib.write(pabulib.PbFile(meta, PB_PROJECT_COLUMNS, []), head)
    yield head.getvalue()
    buffer, waiting = io.StringIO(newline=""), 0
    writer = csv.writer(buffer, delimiter=pabulib.DELIMITER, quotechar='"', lineterminator="\n")
    for row in found:
        writer.writerow([row.proposal_id, whole_zloty(row.total_cost), row.title, row.platform_reference])
        waiting += 1
        if waiting >= BATCH:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            waiting = 0
    if waiting:
        yield buffer.getvalue()


def filename(edition, choice, extension):
    parts = ["pbflow-submitted", str(edition.year)] + ([choice.slug] if choice.slug else [])
    return "-".join(parts) + "." + extension
