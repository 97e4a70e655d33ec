"""The database layer: SQLite tuned for concurrent writers, migrations matching the models."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import text

from pbflow.config import load_secret_key, normalise_database_url
from pbflow.core.database import engine_options
from pbflow.extensions import _include_in_migrations, db

SQLITE_ONLY = "SQLite settings"  # the reason sqlite_app (tests/conftest.py) gives on PostgreSQL


# SQLite cannot reflect expression indexes (users by lower-cased name); PostgreSQL checks them.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_migrations_build_exactly_the_schema_the_models_describe(app):
    with app.app_context():
        made_with_the_tables = _triggers_and_stamps()
        db.drop_all()
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"include_name": _include_in_migrations})
            differences = compare_metadata(context, db.metadata)
        assert differences == [], "run: flask --app app db migrate -m '...'"
        # Alembic does not compare triggers: those that keep counts, the search index and page stamps.
        assert _triggers_and_stamps() == made_with_the_tables


def _triggers_and_stamps():
    with db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            triggers = connection.exec_driver_sql("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
        else:
            triggers = connection.exec_driver_sql(
                "SELECT tgrelid::regclass::text, tgname FROM pg_trigger JOIN pg_class ON pg_class.oid = tgrelid "
                "WHERE NOT tgisinternal AND relnamespace = current_schema()::regnamespace")
        stamps = connection.exec_driver_sql("SELECT name FROM page_stamps").scalars()  # their numbers are random
        return sorted(triggers.all()), sorted(stamps)


def test_sqlite_runs_with_wal_foreign_keys_and_a_busy_timeout_and_postgresql_without_jit(app):
    with app.app_context(), db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":  # no JIT compiling for short queries (core/database.py)
            assert connection.exec_driver_sql("SHOW jit").scalar() == "off"
            return
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_writes_begin_immediate_and_page_views_do_not(sqlite_app, people):
    from sqlalchemy import event

    with sqlite_app.app_context():
        engine = db.engine
    begins = []

    def capture(_conn, _cursor, statement, *_args):
        if statement.startswith("BEGIN"):
            begins.append(statement)

    event.listen(engine, "before_cursor_execute", capture)
    try:
        client = sqlite_app.test_client()
        client.get("/")
        assert begins and set(begins) == {"BEGIN"}
        begins.clear()
        client.post("/login", data={"email": people["resident"].email, "password": "correct horse battery"})
        assert "BEGIN IMMEDIATE" in begins
    finally:
        event.remove(engine, "before_cursor_execute", capture)


def test_foreign_keys_are_enforced(app):
    from sqlalchemy.exc import IntegrityError

    from pbflow.accounts.models import UserRole

    with app.app_context():
        db.session.add(UserRole(user_id=999_999, role="expert"))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_connections_are_pinged_before_use_on_postgresql_only():
    """A PostgreSQL server may have dropped a pooled connection; a SQLite file has no server, so no SELECT 1."""
    assert engine_options("postgresql+psycopg://db/pbflow", {"pool_pre_ping": True}) == {"pool_pre_ping": True}
    assert engine_options("sqlite:////srv/pbflow.sqlite3", {"pool_pre_ping": True, "echo": False}) == {"echo": False}
    assert engine_options("sqlite://", None) == {}


def test_postgresql_urls_use_psycopg_3():
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"


def test_the_secret_key_is_generated_once_and_kept_private(tmp_path):
    first = load_secret_key(tmp_path)
    assert len(first) >= 40
    assert load_secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_configuration_comes_from_the_environment(monkeypatch, tmp_path):
    from pbflow import create_app

    monkeypatch.setenv("PBFLOW_INSTANCE_PATH", str(tmp_path / "inst"))
    monkeypatch.setenv("PBFLOW_HTTPS", "1")
    monkeypatch.setenv("PBFLOW_MAIL_SERVER", "smtp.example.org")
    monkeypatch.setenv("PBFLOW_RATELIMIT_STORAGE_URL", "memory://")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    app = create_app()
    assert app.instance_path == str(tmp_path / "inst")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'inst' / 'pbflow.sqlite3'}"
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["MAIL_BACKEND"] == "smtp"
    assert (tmp_path / "inst" / "secret_key").exists()
    with app.app_context():
        assert db.session.execute(text("SELECT 1")).scalar() == 1
        db.engine.dispose()


def test_a_server_process_loads_neither_the_migration_tooling_nor_calendar_or_index_libraries(tmp_path):
    """Alembic, mako, icalendar and sqlite-utils are ~18 MB in each gunicorn worker; they load when used."""
    code = ("import sys; from pbflow import create_app; "
            f"create_app({{'SECRET_KEY': 'x', 'INSTANCE_PATH': {str(tmp_path)!r}, "
            f"'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path}/served.sqlite3'}}); "
            "print(sorted(m for m in ('alembic', 'mako', 'icalendar', 'sqlite_utils') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_flask_db_runs_flask_migrates_commands_with_their_options(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite3", "PBFLOW_INSTANCE_PATH": str(tmp_path),
           "SECRET_KEY": "x"}
    flask = [sys.executable, "-m", "flask", "--app", "app", "db"]
    root = Path(__file__).resolve().parents[2]
    subprocess.run([*flask, "-d", "migrations", "upgrade"], cwd=root, env=env, capture_output=True, check=True)
    current = subprocess.run([*flask, "current"], cwd=root, env=env, capture_output=True, text=True, check=True)
    assert "(head)" in current.stdout
    assert "--directory" in subprocess.run([*flask, "--help"], cwd=root, env=env, capture_output=True, text=True,
                                           check=True).stdout
