"""Reading and writing Pabulib `.pb` files (pabulib.org); plain Python, no Flask.

A file has three sections, META, PROJECTS and VOTES, each a semicolon-separated
table with a header row, CSV quoting rules. Columns and META keys we do not
know are kept as they are, so a file written back reads back the same. The
VOTES section can hold hundreds of thousands of rows: `PbReader.votes()`
streams it, and `read(..., votes=False)` stops before it.
"""

import csv
import io
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

SECTIONS = ("META", "PROJECTS", "VOTES")
REQUIRED_META = ("description", "country", "unit", "instance", "num_projects", "num_votes", "budget",
                 "vote_type", "rule")
REQUIRED_PROJECT_COLUMNS = ("project_id", "cost")
REQUIRED_VOTE_COLUMNS = ("voter_id", "vote")
VOTE_TYPES = ("approval", "ordinal", "cumulative", "scoring", "choose-1")
NUMBER_COLUMNS = ("cost", "votes", "score", "latitude", "longitude")
DELIMITER = ";"
# Numbers stored as money or counts: plain decimals ("1250", "1250.50"; no exponent) within these bounds, so
# that no file can overflow grosze (BIGINT), votes (INTEGER) or scores (NUMERIC(14, 2)). Latitude and
# longitude only need to be numbers.
PLAIN_NUMBER = re.compile(r"[+-]?(\d{1,20}(\.\d{0,30})?|\.\d{1,30})")
LIMITS = {"cost": 10**12, "votes": 10**9, "score": 10**11, "budget": 10**12}

# The reason of each PabulibError, in English (the CLI's and the tests' wording); the web importer shows
# its own translations of the same codes (past_results.importer.MESSAGES).
MESSAGES = {
    "not_utf8": "the file is not UTF-8 text",
    "broken_quoting": "broken quoting ({detail})",
    "missing_section": "the {section} section is missing",
    "expected_section": "expected the {section} section here",
    "no_header": "the {section} section has no header row",
    "missing_column": "the {section} section has no {column} column",
    "duplicate_column": "the {section} section names a column twice",
    "meta_row_fields": "a META row has two fields, key;value (is the PROJECTS line missing?)",
    "row_fields": "this {section} row has {count} fields; the header has {expected}",
    "meta_header": "the META header must be key;value",
    "meta_twice": "META names {key} twice",
    "meta_missing": "META has no {keys}",
    "vote_type": "META vote_type {value!r} is not one of {choices}",
    "no_project_id": "a project has no project_id",
    "project_twice": "project {project} appears twice",
    "not_a_number": "the {column} of project {project} is not a number: {value!r}",
    "negative": "the {column} of project {project} is negative",
    "not_plain": "the {column} of project {project} must be a plain number such as 1250.50: {value!r}",
    "out_of_range": "the {column} of project {project} is out of range (at most {limit})",
    "meta_not_a_number": "META {key} is not a number",
    "meta_not_plain": "META {key} must be a plain number such as 1250.50: {value!r}",
    "meta_out_of_range": "META {key} is out of range (from 0 to {limit})",
    "projects_count": "META says {key} is {stated}, but the file has {count} projects",
    "votes_count": "META says {key} is {stated}, but the file has {count} votes",
    "section_after_votes": "the {section} section comes after VOTES",
    "unknown_project": "voter {voter} votes for an unknown project {project}",
}


class PabulibError(ValueError):
    """A malformed file: one message naming the file, the line and the reason.

    `code` names the reason (a key of MESSAGES) and `params` fill it in, so that a web page can show the
    reason in the reader's language; str(error) and `reason` are in English.
    """

    def __init__(self, code, line=None, source=None, **params):
        self.code, self.line, self.source, self.params = code, line, source, params
        self.reason = MESSAGES[code].format(**params) if code in MESSAGES else code
        where = ", ".join(part for part in (source, f"line {line}" if line else None) if part)
        super().__init__(f"{where}: {self.reason}" if where else self.reason)


def parse_number(text):
    """A Pabulib number (integer or decimal, '.' as the separator) as a Decimal, or None if it is not one."""
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        return None
    return value if value.is_finite() else None


@dataclass
class Project:
    """One PROJECTS row: every column as written, with typed views of the documented ones."""

    fields: dict

    @property
    def project_id(self):
        return self.fields["project_id"]

    @property
    def cost(self):
        return parse_number(self.fields["cost"])

    @property
    def name(self):
        return self.fields.get("name", "")

    def number(self, column):
        value = self.fields.get(column, "")
        return parse_number(value) if value.strip() else None

    @property
    def votes(self):
        value = self.number("votes")
        return int(value) if value is not None else None

    @property
    def score(self):
        return self.number("score")

    @property
    def selected(self):
        """True/False when the file says (1/0; larger numbers mark other funding), None when it does not."""
        value = self.fields.get("selected", "").strip()
        return None if value == "" else value not in ("0", "")

    @property
    def categories(self):
        return [c.strip() for c in self.fields.get("category", "").split(",") if c.strip()]


@dataclass
class Vote:
    """One VOTES row; `ballot` lists project ids in the order written (the preference order for ordinal votes)."""

    fields: dict

    @property
    def voter_id(self):
        return self.fields["voter_id"]

    @property
    def ballot(self):
        return split_list(self.fields["vote"])


@dataclass
class PbFile:
    meta: dict = field(default_factory=dict)
    project_columns: list = field(default_factory=list)
    projects: list = field(default_factory=list)
    vote_columns: list = field(default_factory=list)
    votes: list | None = None

    def __eq__(self, other):
        return isinstance(other, PbFile) and (
            self.meta, self.project_columns, [p.fields for p in self.projects], self.vote_columns,
            None if self.votes is None else [v.fields for v in self.votes],
        ) == (
            other.meta, other.project_columns, [p.fields for p in other.projects], other.vote_columns,
            None if other.votes is None else [v.fields for v in other.votes])


def split_list(value):
    return [part.strip() for part in (value or "").split(",") if part.strip()]


# --- reading ---------------------------------------------------------------------

class _Lines:
    """Physical lines of a stream, decoded one by one so a non-UTF-8 byte is reported with its line."""

    def __init__(self, stream, source):
        self.stream, self.source, self.count = stream, source, 0
        self.binary = not isinstance(stream, io.TextIOBase)

    def __iter__(self):
        return self

    def __next__(self):
        line = self.stream.readline()
        if not line:
            raise StopIteration
        self.count += 1
        if self.binary:
            try:
                line = line.decode("utf-8-sig" if self.count == 1 else "utf-8")
            except UnicodeDecodeError as error:
                raise PabulibError("not_utf8", self.count, self.source) from error
        return line


class PbReader:
    """Reads META and PROJECTS on opening; VOTES only when `votes()` is iterated, one row at a time.

    Use as a context manager when given a path, so the file is closed.
    """

    def __init__(self, source, name=None):
        self._owns = isinstance(source, (str, os.PathLike))
        if self._owns:
            self.name = name or os.path.basename(os.fspath(source))
            stream = open(source, "rb")  # noqa: SIM115 - closed by close()
        else:
            self.name = name or getattr(source, "name", None)
            stream = source
        self._stream = stream
        self._lines = _Lines(stream, self.name)
        self._rows = csv.reader(self._lines, delimiter=DELIMITER, quotechar='"', strict=True)
        self._votes_read = False
        self.meta, self.project_columns, self.projects, self.vote_columns = {}, [], [], []
        self._meta_lines = {}
        self.has_votes = False
        try:
            self._read_head()
        except Exception:
            self.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        self.close()

    def close(self):
        if self._owns:
            self._stream.close()

    def error(self, code, line=None, **params):
        return PabulibError(code, line if line is not None else self._lines.count, self.name, **params)

    def _next_row(self):
        try:
            return next(self._rows)
        except StopIteration:
            return None
        except csv.Error as error:
            raise self.error("broken_quoting", detail=str(error)) from error

    @staticmethod
    def _section_of(row):
        return row[0].strip() if len(row) == 1 and row[0].strip() in SECTIONS else None

    def _expect_section(self, name, row):
        if row is None:
            raise self.error("missing_section", section=name)
        if self._section_of(row) != name:
            raise self.error("expected_section", section=name)

    def _header(self, section, required):
        row = self._next_row()
        if row is None or self._section_of(row):
            raise self.error("no_header", section=section)
        columns = [column.strip() for column in row]
        for column in required:
            if column not in columns:
                raise self.error("missing_column", section=section, column=column)
        if len(set(columns)) != len(columns):
            raise self.error("duplicate_column", section=section)
        return columns

    def _table(self, section, columns):
        """Rows of a section until the next section line (returned second) or the end."""
        rows = []
        while True:
            row = self._next_row()
            if row is None or self._section_of(row):
                return rows, row
            if row == [] or row == [""]:
                continue
            if len(row) != len(columns):
                if section == "META":
                    raise self.error("meta_row_fields")
                raise self.error("row_fields", section=section, count=len(row), expected=len(columns))
            rows.append((self._lines.count, dict(zip(columns, row, strict=True))))

    def _read_head(self):
        row = self._next_row()
        while row is not None and row in ([], [""]):
            row = self._next_row()
        self._expect_section("META", row)
        header = self._header("META", ())
        if header[:2] != ["key", "value"]:
            raise self.error("meta_header")
        rows, row = self._table("META", header)
        for line, values in rows:
            key = values["key"].strip()
            if key in self.meta:
                raise self.error("meta_twice", line, key=key)
            self.meta[key] = values["value"]
            self._meta_lines[key] = line
        missing = [key for key in REQUIRED_META if key not in self.meta]
        if missing:
            raise self.error("meta_missing", keys=", ".join(missing))
        if self.meta["vote_type"].strip() not in VOTE_TYPES:
            raise self.error("vote_type", self._meta_lines["vote_type"], value=self.meta["vote_type"],
                             choices=", ".join(VOTE_TYPES))
        self._check_budget()
        self._expect_section("PROJECTS", row)
        self.project_columns = self._header("PROJECTS", REQUIRED_PROJECT_COLUMNS)
        rows, row = self._table("PROJECTS", self.project_columns)
        seen = set()
        for line, values in rows:
            project = Project(values)
            self._check_project(project, line, seen)
            self.projects.append(project)
        if row is not None:
            self._expect_section("VOTES", row)
            self.vote_columns = self._header("VOTES", REQUIRED_VOTE_COLUMNS)
            self.has_votes = True
        elif self.meta.get("num_votes", "0").strip() not in ("0", ""):
            raise self.error("missing_section", section="VOTES")
        self._check_count("num_projects", len(self.projects), "projects_count")

    def _check_budget(self):
        value, line = self.meta["budget"], self._meta_lines["budget"]
        if parse_number(value) is None:
            raise self.error("meta_not_a_number", line, key="budget")
        if not PLAIN_NUMBER.fullmatch(value.strip()):
            raise self.error("meta_not_plain", line, key="budget", value=value)
        if not 0 <= parse_number(value) <= LIMITS["budget"]:
            raise self.error("meta_out_of_range", line, key="budget", limit=LIMITS["budget"])

    def _check_project(self, project, line, seen):
        project_id = project.project_id.strip()
        if not project_id:
            raise self.error("no_project_id", line)
        if project_id in seen:
            raise self.error("project_twice", line, project=project_id)
        seen.add(project_id)
        for column in NUMBER_COLUMNS:
            value = project.fields.get(column)
            if value is None or (column != "cost" and not value.strip()):
                continue
            number = parse_number(value)
            if number is None:
                raise self.error("not_a_number", line, column=column, project=project_id, value=value)
            if column not in LIMITS:
                continue
            if number < 0 and column != "score":
                raise self.error("negative", line, column=column, project=project_id)
            if not PLAIN_NUMBER.fullmatch(value.strip()):
                raise self.error("not_plain", line, column=column, project=project_id, value=value)
            if abs(number) > LIMITS[column]:
                raise self.error("out_of_range", line, column=column, project=project_id, limit=LIMITS[column])

    def _check_count(self, key, count, code):
        stated, line = parse_number(self.meta.get(key, "")), self._meta_lines.get(key)
        if stated is None:
            raise self.error("meta_not_a_number", line, key=key)
        if stated != count:
            raise self.error(code, line, key=key, stated=stated, count=count)

    def votes(self):
        """Yield each Vote, checking that it names only known projects; once per reader."""
        if self._votes_read:
            raise RuntimeError("the votes of a PbReader can be read once")
        self._votes_read = True
        if not self.has_votes:
            self._check_count("num_votes", 0, "votes_count")
            return
        known = {project.project_id.strip() for project in self.projects}
        count = 0
        while True:
            row = self._next_row()
            if row is None:
                break
            if row == [] or row == [""]:
                continue
            if self._section_of(row):
                raise self.error("section_after_votes", section=row[0].strip())
            if len(row) != len(self.vote_columns):
                raise self.error("row_fields", section="VOTES", count=len(row), expected=len(self.vote_columns))
            vote = Vote(dict(zip(self.vote_columns, row, strict=True)))
            for project_id in vote.ballot:
                if project_id not in known:
                    raise self.error("unknown_project", voter=vote.voter_id, project=project_id)
            count += 1
            yield vote
        self._check_count("num_votes", count, "votes_count")


def read(source, votes=True, name=None):
    """The whole file as a PbFile; with votes=False the VOTES section is not read at all."""
    with PbReader(source, name=name) as reader:
        pb = PbFile(dict(reader.meta), list(reader.project_columns), list(reader.projects), list(reader.vote_columns))
        if votes:
            pb.votes = list(reader.votes())
        return pb


def reads(text, votes=True, name="<text>"):
    return read(io.StringIO(text, newline=""), votes=votes, name=name)


# --- writing ---------------------------------------------------------------------

def write(pb, stream):
    """Write a PbFile to a text stream; `read` gives back an equal PbFile."""
    writer = csv.writer(stream, delimiter=DELIMITER, quotechar='"', lineterminator="\n")
    stream.write("META\n")
    writer.writerow(["key", "value"])
    for key, value in pb.meta.items():
        writer.writerow([key, value])
    stream.write("PROJECTS\n")
    writer.writerow(pb.project_columns)
    for project in pb.projects:
        writer.writerow([project.fields.get(column, "") for column in pb.project_columns])
    if pb.vote_columns:
        stream.write("VOTES\n")
        writer.writerow(pb.vote_columns)
        for vote in pb.votes or []:
            writer.writerow([vote.fields.get(column, "") for column in pb.vote_columns])


def writes(pb):
    buffer = io.StringIO(newline="")
    write(pb, buffer)
    return buffer.getvalue()
