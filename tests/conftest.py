"""Fixtures: an app on a database of its own per test, a CSRF-aware client, people in every role,
and a query counter.

The schema is built once per session (each xdist worker has its own). On SQLite each test gets a copy of that database's file;
on PostgreSQL (PBFLOW_TEST_DATABASE_URL) the session has a schema of its own whose tables are
emptied, and whose sequences start again, after every test; a test that changes the schema itself
(CREATE, ALTER, DROP: the migration check) gets it built anew afterwards."""

import os
import re
import shutil
import uuid
from contextlib import contextmanager

import pytest
from flask.testing import FlaskClient
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine

from pbflow import create_app
from pbflow.accounts import services as accounts
from pbflow.accounts.models import Role
from pbflow.extensions import db
from pbflow.proposals import page_stamps

POSTGRES_URL = os.environ.get("PBFLOW_TEST_DATABASE_URL")
PASSWORD = "correct horse battery"
CSRF_PATTERN = re.compile(r'name="csrf_token" value="([^"]+)"')
DDL = re.compile(r"\s*(CREATE|ALTER|DROP|COMMENT)\b", re.IGNORECASE)


class SharedTemplates(BytecodeCache):
    """Templates compiled once per session rather than once per test's app: the code is kept by
    template, source checksum and the settings that change what Jinja compiles."""

    def __init__(self):
        self.code = {}

    def get_bucket(self, environment, name, filename, source):
        autoescape = environment.autoescape(name) if callable(environment.autoescape) else environment.autoescape
        settings = (environment.block_start_string, environment.block_end_string, environment.variable_start_string,
                    environment.variable_end_string, environment.comment_start_string, environment.comment_end_string,
                    environment.line_statement_prefix, environment.line_comment_prefix, environment.trim_blocks,
                    environment.lstrip_blocks, environment.newline_sequence, environment.keep_trailing_newline,
                    tuple(sorted(environment.extensions)), getattr(environment, "newstyle_gettext", None),
                    environment.optimized, environment.is_async, autoescape)
        bucket = Bucket(environment, repr((name, filename, settings)), self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket):
        checksum, code = self.code.get(bucket.key, (None, None))
        if checksum == bucket.checksum:
            bucket.code = code

    def dump_bytecode(self, bucket):
        self.code[bucket.key] = (bucket.checksum, bucket.code)


TEMPLATES = SharedTemplates()


class Client(FlaskClient):
    """A test client that sends the CSRF token with every POST unless told not to."""

    _csrf = None

    def csrf_token(self):
        if self._csrf is None:
            page = self.get("/privacy").get_data(as_text=True)
            self._csrf = CSRF_PATTERN.search(page).group(1)
        return self._csrf

    def post(self, *args, csrf=True, **kwargs):
        if csrf:
            data = dict(kwargs.pop("data", None) or {})
            data.setdefault("csrf_token", self.csrf_token())
            kwargs["data"] = data
        return super().post(*args, **kwargs)

    def htmx(self, method, url, **kwargs):
        headers = {"HX-Request": "true", **kwargs.pop("headers", {})}
        if method.upper() == "GET":
            return self.get(url, headers=headers, **kwargs)
        headers.setdefault("X-CSRFToken", self.csrf_token())
        return super().post(url, headers=headers, **kwargs)


def _psycopg(url):
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def _config(instance, database_uri, engine_options=None):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "INSTANCE_PATH": str(instance),
        "MAIL_BACKEND": "memory",
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",  # still scrypt, cheaper for tests
        "SERVER_NAME": None,
        "BASE_URL": "http://localhost",
        "SQLALCHEMY_DATABASE_URI": database_uri,
    }
    if engine_options:
        config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options
    return config


def _create_tables(config):
    app = create_app(config)
    with app.app_context():
        db.create_all()
        db.session.remove()
        db.engine.dispose()


class _SchemaChanges:
    """Notes DDL sent through any engine: the shared PostgreSQL schema is then built anew."""

    seen = False

    @classmethod
    def listen(cls, _conn, _cursor, statement, *_args):
        if DDL.match(statement):
            cls.seen = True


event.listen(Engine, "before_cursor_execute", _SchemaChanges.listen)


class SQLiteDatabase:
    """A file with the schema, built once; every test runs on a copy of it."""

    def __init__(self, folder):
        self.template = folder / "template.sqlite3"
        _create_tables(_config(folder / "instance", f"sqlite:///{self.template}"))
        assert not os.path.exists(f"{self.template}-wal"), "the template's WAL was not checkpointed"

    def config(self, tmp_path):
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(self.template, path)
        return _config(tmp_path / "instance", f"sqlite:///{path}")

    def clean(self):
        pass

    def close(self):
        pass


# Run on the admin connection, whose search_path is the session's schema.
#
# After a test its rows are deleted, children before parents (RESTRICT'ed keys hold). TRUNCATE
# would give each table and index new, empty files, as a fresh schema has, but PostgreSQL writes
# each new index to disk at once (an fsync for each of the ~200): 0.2–2 s a test on a busy
# machine. The dead rows DELETE leaves change nothing a test sees while every table and index
# stays under 10 pages: a never-vacuumed table smaller than that is estimated as 10 pages
# whatever it holds, new rows still go after the old ones in the order they are inserted, and the
# sequences start again. Once something grows to 10 pages, the tables are truncated as a fresh
# schema's (and those referring to them, by CASCADE).
DELETE_ROWS = """DO $$
DECLARE table_name text;
BEGIN
    FOREACH table_name IN ARRAY {tables} LOOP
        IF pg_relation_size(quote_ident(table_name)::regclass) > 0 THEN
            EXECUTE 'DELETE FROM ' || quote_ident(table_name);
        END IF;
    END LOOP;
END $$"""
GROWN = ("SELECT EXISTS (SELECT FROM pg_class WHERE relnamespace = current_schema()::regnamespace "
         "AND relkind IN ('r', 'i') AND pg_relation_size(oid) >= 10 * current_setting('block_size')::int)")
TRUNCATE_USED_TABLES = """DO $$
DECLARE used text;
BEGIN
    SELECT string_agg(quote_ident(relname), ', ') INTO used FROM pg_class
    WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r' AND pg_relation_size(oid) > 0;
    IF used IS NOT NULL THEN
        EXECUTE 'TRUNCATE ' || used || ' RESTART IDENTITY CASCADE';
    END IF;
END $$"""
# Planner statistics would make later tests plan their queries unlike on a fresh schema.
NO_AUTOVACUUM = """DO $$
DECLARE table_name text;
BEGIN
    FOR table_name IN SELECT quote_ident(relname) FROM pg_class
                      WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r' LOOP
        EXECUTE 'ALTER TABLE ' || table_name || ' SET (autovacuum_enabled = false)';
    END LOOP;
END $$"""
SCHEMA_TABLES = "SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r'"
RESTART_SEQUENCES = ("SELECT setval((quote_ident(schemaname) || '.' || quote_ident(sequencename))::regclass, "
                     "start_value, false) FROM pg_sequences "
                     "WHERE schemaname = current_schema() AND last_value IS NOT NULL")


class PostgreSQLDatabase:
    """A schema of the session's own, built once and emptied after each test: the rows written are
    deleted (the tables truncated once one has grown) and every sequence used starts again from its
    first value, so ids, physical order and planner estimates are what a fresh schema gives."""

    def __init__(self, url, instance):
        self.schema = f"t_{uuid.uuid4().hex[:12]}"
        self.instance = instance
        self.url = _psycopg(url)
        self.admin = create_engine(self.url, connect_args={
            "options": f"-csearch_path={self.schema} -clock_timeout=30s"})
        self._build()

    def _engine_options(self):
        # Commits wait for no disk flush: a crash of the test server loses nothing a test needs.
        return {"connect_args": {"options": f"-csearch_path={self.schema} -csynchronous_commit=off"}}

    def _build(self):
        with self.admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{self.schema}"'))
        _create_tables(_config(self.instance, self.url, self._engine_options()))
        with self.admin.begin() as conn:
            conn.execute(text(NO_AUTOVACUUM))
            present = set(conn.execute(text(SCHEMA_TABLES)).scalars())
        # Children first; a table the models do not know (none today) goes first of all.
        known = [table.name for table in reversed(db.metadata.sorted_tables) if table.name in present]
        order = sorted(present - set(known)) + known
        self.delete_rows = DELETE_ROWS.replace(
            "{tables}", "ARRAY[" + ", ".join("'" + name.replace("'", "''") + "'" for name in order) + "]::text[]")
        _SchemaChanges.seen = False

    def _drop(self):
        with self.admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE'))

    def config(self, tmp_path):
        _SchemaChanges.seen = False
        return _config(tmp_path / "instance", self.url, self._engine_options())

    def clean(self):
        if _SchemaChanges.seen:
            self._drop()
            self._build()
            return
        with self.admin.begin() as conn:
            conn.execute(text("SET LOCAL synchronous_commit = off"))
            if conn.execute(text(GROWN)).scalar():
                conn.execute(text(TRUNCATE_USED_TABLES))
            else:
                conn.execute(text(self.delete_rows))
            conn.execute(text(RESTART_SEQUENCES))
            conn.execute(text(page_stamps.seed_sql("postgresql")))  # the stamp's row, as a fresh schema has it
        _SchemaChanges.seen = False

    def close(self):
        self._drop()
        self.admin.dispose()


@pytest.fixture(scope="session")
def _database(tmp_path_factory):
    folder = tmp_path_factory.mktemp("database")
    database = PostgreSQLDatabase(POSTGRES_URL, folder / "instance") if POSTGRES_URL else SQLiteDatabase(folder)
    yield database
    database.close()


@pytest.fixture
def app(tmp_path, _database):
    app = create_app(_database.config(tmp_path))
    app.test_client_class = Client
    app.jinja_env.bytecode_cache = TEMPLATES
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    _database.clean()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def ctx(app):
    """An application context for tests that call services directly."""
    with app.test_request_context():
        yield
        db.session.rollback()


@pytest.fixture
def make_user(app):
    counter = iter(range(1, 100_000))

    def factory(name=None, email=None, roles=(), password=PASSWORD, locale="pl"):
        n = next(counter)
        with app.app_context():
            user = accounts.register(name or f"Mieszkaniec {n}", email or f"person{n}@example.org", password, locale=locale)
            for role in roles:
                accounts.grant_role(None, user, role)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user
    return factory


@pytest.fixture
def people(make_user):
    """One person per role, as the pathway has them."""
    return {
        "resident": make_user("Jan Zieliński", "mieszkaniec@example.org"),
        "ambassador": make_user("Piotr Kowalski", "ambasador@example.org", roles=[Role.AMBASSADOR]),
        "expert": make_user("Ewa Wiśniewska", "ekspert@example.org", roles=[Role.EXPERT]),
        "coordinator": make_user("Anna Nowak", "koordynator@example.org", roles=[Role.COORDINATOR]),
    }


def log_in(client, user_or_email, password=PASSWORD):
    email = getattr(user_or_email, "email", user_or_email)
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return response


@pytest.fixture
def login():
    return log_in


@contextmanager
def counting_queries(app):
    statements = []

    def before(_conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")):
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


@pytest.fixture
def count_queries(app):
    return lambda: counting_queries(app)


# --- Stage I: editions, areas, ambassadors -----------------------------------

@pytest.fixture
def districts(app):
    """Kraków's 18 districts and the city's verifying units, as the demo data has them."""
    from pbflow import demo
    from pbflow.editions.models import District

    with app.app_context():
        demo.seed_districts()
        demo.seed_units()
        db.session.commit()
        found = db.session.scalars(db.select(District).order_by(District.number)).all()
        for district in found:
            db.session.expunge(district)
        return found


@pytest.fixture
def make_edition(app, districts):
    """An edition whose stage is open today; `open_stage` picks which ("recruitment" by default)."""
    from datetime import timedelta

    from pbflow.core import clock
    from pbflow.editions.models import DistrictBudget, Edition

    def factory(name="Wspólne Projekty 2026", open_stage="recruitment", current=True, pool=1_000_000_00,
                criteria=False, **overrides):
        """`criteria=True` gives the edition the default feedback criteria, as a new edition has them."""
        stages = ["recruitment", "meetings", "workshops", "marathons"]
        start = clock.today() - timedelta(days=10 + 30 * stages.index(open_stage)) if open_stage else clock.today() + timedelta(days=5)
        dates = {}
        for i, stage in enumerate(stages):
            opens, closes = start + timedelta(days=30 * i), start + timedelta(days=30 * i + 29)
            dates[f"{stage}_opens" if stage == "recruitment" else f"{stage}_open"] = opens
            dates[f"{stage}_closes" if stage == "recruitment" else f"{stage}_close"] = closes
        dates["submission_deadline"] = start + timedelta(days=125)
        values = {"name": name, "year": dates["meetings_open"].year, "is_current": current,
                  "citywide_pool": 10_000_000_00, **dates, **overrides}
        with app.app_context():
            if current:
                db.session.execute(db.update(Edition).values(is_current=False))
            edition = Edition(**values)
            edition.budgets = [DistrictBudget(district_id=d.id, pool=pool) for d in districts]
            if criteria:
                _add_default_criteria(edition)
            db.session.add(edition)
            db.session.commit()
            db.session.refresh(edition)
            db.session.expunge(edition)
            return edition
    return factory


def _add_default_criteria(edition):
    from pbflow.editions.models import FeedbackCriterion
    from pbflow.editions.services_admin import DEFAULT_CRITERIA

    edition.criteria = [FeedbackCriterion(position=n, title=title, description=description)
                        for n, (title, description) in enumerate(DEFAULT_CRITERIA, 1)]


@pytest.fixture
def make_area(app, districts):
    from pbflow.editions import services as editions

    def factory(district=None, name=None, description="Bloki przy parku"):
        with app.app_context():
            district = db.session.merge(district or districts[0])
            area = editions.create_area(None, district, name or f"Osiedle {uuid.uuid4().hex[:6]}", description)
            db.session.commit()
            db.session.refresh(area)
            db.session.expunge(area)
            return area
    return factory


@pytest.fixture
def make_ambassador(app, make_user, make_area):
    """A resident whose application for an area was approved: the area's ambassador in that edition."""
    from pbflow.ambassadors.models import AmbassadorApplication, ApplicationStatus
    from pbflow.core.database import utcnow

    def factory(edition, area=None, user=None, status=ApplicationStatus.APPROVED):
        area = area or make_area()
        user = user or make_user()
        with app.app_context():
            application = AmbassadorApplication(
                edition_id=edition.id, user_id=user.id, district_id=area.district_id, area_id=area.id,
                motivation="Chcę, żeby na osiedlu było więcej zieleni.", area_knowledge="Mieszkam tu od 20 lat.",
                publish_consent=True, status=status.value,
                decided_at=utcnow() if status != ApplicationStatus.SUBMITTED else None)
            db.session.add(application)
            if status == ApplicationStatus.APPROVED:
                accounts.grant_role(None, db.session.merge(user), Role.AMBASSADOR)
            db.session.commit()
            db.session.refresh(application)
            db.session.expunge(application)
            return application
    return factory


@pytest.fixture
def english(app):
    """Serve every request in English, for tests that read the English wording
    (the Polish wording is checked as a whole by tests/unit/test_catalogues.py)."""
    app.extensions["babel"].locale_selector = lambda: "en"


# --- Proposals ------------------------------------------------------------------

DESCRIPTION = ("Na skwerze przy ulicy Zielonej brakuje miejsca do zabawy dla małych dzieci. "
               "Proponujemy plac zabaw z bezpieczną nawierzchnią, ławkami i drzewami dającymi cień.")


@pytest.fixture
def make_proposal(app, make_user, districts):
    """A proposal started through the service (version 1, lead author); `status` puts it further along
    the pathway directly, as test set-up only (the application moves it through transitions.py)."""
    from decimal import Decimal

    from pbflow.proposals import costs
    from pbflow.proposals import services as proposals
    from pbflow.proposals.models import Proposal

    def factory(edition, author=None, title="Plac zabaw przy Zielonej", district=None, scope="district",
                area=None, status=None, co_authors=(), lines=None, **content):
        author = author or make_user()
        with app.app_context():
            district_id = None if scope == "citywide" else (district or districts[0]).id
            values = {
                "summary": "Bezpieczny plac zabaw dla najmłodszych z ławkami, zielenią i cieniem, "
                           "otwarty dla wszystkich mieszkańców osiedla.",
                "description": DESCRIPTION, "location": "Skwer przy ul. Zielonej 5",
                "beneficiaries": "Dzieci do lat 10 i ich opiekunowie",
                "cost_lines": [costs.CostLine(*line) for line in (lines if lines is not None else [
                    ("Urządzenia zabawowe", Decimal("4"), 25_000_00), ("Nawierzchnia bezpieczna", Decimal("120.5"), 350_00)])],
                "yearly_upkeep": 8_000_00, **content}
            proposal = proposals.start_draft(
                db.session.merge(author), db.session.merge(edition),
                proposals.Content(scope=scope, district_id=district_id, area_id=area.id if area else None,
                                  title=title, **values))
            for person in co_authors:
                proposals.add_author(proposal, person)
            if status is not None:
                proposal.status = getattr(status, "value", status)
            db.session.commit()
            proposal = db.session.get(Proposal, proposal.id)
            db.session.expunge(proposal)
            return proposal
    return factory


# Kraków's real results 2018–2022 (Pabulib): ../shared/data/pabulib beside the checkout, as CI lays it out,
# or PBFLOW_PABULIB_DIR. Tests that read them fail with this message rather than skip when it is missing.
def _pabulib_folder():
    from pbflow.demo import pabulib_folder

    return pabulib_folder()


PABULIB = _pabulib_folder()
PABULIB_MISSING = (f"Kraków's Pabulib files are not at {PABULIB}: put shared/ beside the checkout "
                   "or set PBFLOW_PABULIB_DIR")


# --- Stage II: residents' meetings ------------------------------------------------

@pytest.fixture
def make_meeting(app, make_ambassador):
    """A planned meeting of an area, organised by its ambassador (made for the area when not given).

    `starts_in` is a timedelta from now; the meeting lasts `hours`. Set-up only: the application
    schedules meetings through pbflow/meetings/services.py."""
    from datetime import timedelta

    from pbflow.core.database import utcnow
    from pbflow.editions.models import Area
    from pbflow.meetings.models import Meeting

    def factory(edition, ambassador=None, area=None, title="Spotkanie mieszkańców osiedla", fmt="in_person",
                starts_in=timedelta(days=3), hours=2, capacity=20, **values):
        if ambassador is None:
            ambassador = make_ambassador(edition, area=area)
        with app.app_context():
            area_id = area.id if area is not None else ambassador.area_id
            district_id = db.session.get(Area, area_id).district_id
            starts = (utcnow() + starts_in).replace(second=0, microsecond=0)
            meeting = Meeting(edition_id=edition.id, area_id=area_id, district_id=district_id,
                              organiser_id=ambassador.user_id, title=title, format=fmt, starts_at=starts,
                              ends_at=starts + timedelta(hours=hours), capacity=capacity,
                              agenda="1. Powitanie\n2. Potrzeby osiedla\n3. Pomysły", **values)
            db.session.add(meeting)
            db.session.commit()
            db.session.refresh(meeting)
            db.session.expunge(meeting)
            return meeting
    return factory


# --- Stage III: verifying units, routings, feedback ---------------------------------

@pytest.fixture
def make_unit(app):
    """A verifying unit; set-up only (coordinators manage units through pbflow/feedback/units.py)."""
    from pbflow.feedback.models import VerifyingUnit

    counter = iter(range(1, 10_000))

    def factory(name=None, short_name=None, field="Zieleń miejska",
                responsibilities="parki, skwery, drzewa, zieleń, trawniki, ogrody"):
        n = next(counter)
        with app.app_context():
            unit = VerifyingUnit(code=f"unit-{n}", name=name or f"Zarząd Zieleni Miejskiej {n}",
                                 short_name=short_name or f"ZZM{n}", field=field, responsibilities=responsibilities,
                                 contact_email=f"jednostka{n}@example.org")
            db.session.add(unit)
            db.session.commit()
            db.session.refresh(unit)
            db.session.expunge(unit)
            return unit
    return factory


@pytest.fixture
def make_expert(app, make_user):
    """An expert of a unit (a new person unless `user` is given)."""
    from pbflow.feedback.models import UnitMembership

    def factory(unit, user=None, **values):
        user = user or make_user(roles=[Role.EXPERT], **values)
        with app.app_context():
            accounts.grant_role(None, db.session.merge(user), Role.EXPERT)
            db.session.add(UnitMembership(unit_id=unit.id, user_id=user.id))
            db.session.commit()
        return user
    return factory


@pytest.fixture
def make_routing(app):
    """A proposal routed to a unit, due in `due_in_days`; set-up only (the application routes through
    pbflow/feedback/routing.py). The proposal's status is not touched."""
    from datetime import timedelta

    from pbflow.core import clock
    from pbflow.core.database import utcnow
    from pbflow.feedback.models import Routing
    from pbflow.proposals.models import Proposal

    def factory(proposal, unit, due_in_days=14, routed_days_ago=0, **values):
        with app.app_context():
            row = db.session.get(Proposal, proposal.id)
            routing = Routing(proposal_id=row.id, unit_id=unit.id, edition_id=row.edition_id,
                              district_id=row.district_id, due_on=clock.today() + timedelta(days=due_in_days),
                              routed_at=utcnow() - timedelta(days=routed_days_ago), **values)
            db.session.add(routing)
            db.session.commit()
            db.session.refresh(routing)
            db.session.expunge(routing)
            return routing
    return factory


@pytest.fixture
def make_feedback(app):
    """Feedback of a routing's unit on the proposal's current version, one point per edition criterion.

    `results` maps criterion positions (0-based) to a result; the rest "meets". Published unless told
    otherwise; the routing is marked answered when published. Set-up only: the application writes
    feedback through pbflow/feedback/reviews.py."""
    from pbflow.core.database import utcnow
    from pbflow.editions.models import Edition, FeedbackCriterion
    from pbflow.feedback.models import AnswerStatus, Feedback, FeedbackPoint, Routing
    from pbflow.proposals.models import Proposal

    def factory(routing, author=None, results=None, verdict="needs_changes", published=True, round=None,
                suggestions="Proszę doprecyzować lokalizację.", **values):
        results = results or {}
        with app.app_context():
            routing_row = db.session.get(Routing, routing.id)
            proposal = db.session.get(Proposal, routing_row.proposal_id)
            edition = db.session.get(Edition, proposal.edition_id)
            if not edition.criteria:
                _add_default_criteria(edition)
                db.session.flush()
            criteria = db.session.scalars(db.select(FeedbackCriterion).where(
                FeedbackCriterion.edition_id == proposal.edition_id).order_by(FeedbackCriterion.position)).all()
            feedback = Feedback(
                routing_id=routing_row.id, proposal_id=proposal.id, unit_id=routing_row.unit_id,
                round=round or routing_row.round, version_number=proposal.current_version,
                author_id=getattr(author, "id", None), status="published" if published else "draft",
                verdict=verdict, cost_assessment=values.pop("cost_assessment", "realistic"),
                suggestions=suggestions, published_at=utcnow() if published else None, **values)
            for i, criterion in enumerate(criteria):
                result = results.get(i, "meets")
                needs = result in ("needs_change", "does_not_meet")
                feedback.points.append(FeedbackPoint(
                    proposal_id=proposal.id, criterion_id=criterion.id, position=i, criterion_title=criterion.title,
                    result=result, correctable=True if needs else None, note="Uwaga eksperta." if needs else "",
                    answer_status=(AnswerStatus.OPEN if needs and published else AnswerStatus.NONE).value))
            db.session.add(feedback)
            if published:
                routing_row.status = "answered"
                routing_row.answered_at = utcnow()
            db.session.commit()
            db.session.refresh(feedback)
            db.session.expunge(feedback)
            return feedback
    return factory


# --- Stage IV: submission marathons --------------------------------------------------

@pytest.fixture
def make_marathon(app):
    """A planned marathon of the edition with slots [(starts_in timedelta, minutes, seats)] and helpers;
    set-up only (coordinators create marathons through pbflow/marathons/marathons.py)."""
    from datetime import timedelta

    from pbflow.core.database import utcnow
    from pbflow.marathons.models import Marathon, MarathonHelper, MarathonSlot

    def factory(edition, title="Maraton składania wniosków", slots=((timedelta(days=2), 60, 4),), helpers=(),
                place="Urząd Miasta Krakowa, pl. Wszystkich Świętych 3-4", online_url=None):
        with app.app_context():
            first = (utcnow() + slots[0][0]).replace(second=0, microsecond=0) if slots else utcnow()
            marathon = Marathon(edition_id=edition.id, title=title, day=first.date(), place=place,
                                online_url=online_url)
            for starts_in, minutes, seats in slots:
                marathon.slots.append(MarathonSlot(
                    starts_at=(utcnow() + starts_in).replace(second=0, microsecond=0), minutes=minutes, seats=seats))
            db.session.add(marathon)
            db.session.flush()
            for person in helpers:
                db.session.add(MarathonHelper(marathon_id=marathon.id, user_id=person.id))
            db.session.commit()
            marathon = db.session.scalar(db.select(Marathon).where(Marathon.id == marathon.id)
                                         .options(db.selectinload(Marathon.slots)))
            db.session.expunge_all()
            return marathon
    return factory


@pytest.fixture
def sqlite_app(app, request):
    """The app, on SQLite only: for tests of what only SQLite has (its pragmas, EXPLAIN QUERY PLAN's text).
    A module says why in SQLITE_ONLY, the reason the PostgreSQL run prints for the skip."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip(getattr(request.module, "SQLITE_ONLY", "SQLite only"))
    return app
