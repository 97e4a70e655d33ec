"""Extension singletons, bound to the app in create_app()."""

from pathlib import Path

import click
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


def _include_in_migrations(name, _type, _parent_names):
    """Leave the full-text search objects to pbflow.proposals.search (FTS5 tables; a stored tsvector column
    and its GIN index)."""
    return not (name in ("ix_proposals_search", "search_vector", "proposals_fts")
                or (name or "").startswith("proposals_fts_"))


MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


class _MigrationsOnFirstUse:
    """app.extensions["migrate"] until something reads it (`flask db ...`, flask_migrate.upgrade()): then
    Flask-Migrate is bound for real. Alembic and mako are ~11 MB in every server process, which never migrates."""

    def __init__(self, app):
        self._app = app

    def __getattr__(self, name):
        from flask_migrate import Migrate

        Migrate(render_as_batch=True, compare_type=True, include_name=_include_in_migrations).init_app(
            self._app, db, directory=str(MIGRATIONS))  # replaces this entry and the `flask db` group below
        return getattr(self._app.extensions["migrate"], name)


class _MigrationCommands(click.Group):
    """`flask db`: Flask-Migrate's own group (its options and commands), imported when it is run."""

    def make_context(self, info_name, args, parent=None, **extra):
        from flask_migrate.cli import db as commands

        return commands.make_context(info_name, args, parent=parent, **extra)


def init_migrations(app):
    app.extensions["migrate"] = _MigrationsOnFirstUse(app)
    app.cli.add_command(_MigrationCommands("db", help="Perform database migrations (Flask-Migrate)."))


login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
