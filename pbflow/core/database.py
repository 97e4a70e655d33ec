"""Engine tuning: SQLite as a serious embedded database, PostgreSQL via psycopg 3."""

from datetime import UTC, datetime

from flask import has_request_context, request
from sqlalchemy import event

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SQLITE_BUSY_TIMEOUT_MS = 10_000


def utcnow():
    """Naive UTC: stored the same way on SQLite and PostgreSQL, shown in Europe/Warsaw."""
    return datetime.now(UTC).replace(tzinfo=None)


def engine_options(database_uri, options):
    """The engine options for this database: SQLite connections are not pinged when taken from the pool (the
    "SELECT 1" pool_pre_ping sends on every request finds a dropped server connection; a file has no server)."""
    options = dict(options or {})
    if database_uri.startswith("sqlite"):
        options.pop("pool_pre_ping", None)
    return options


def configure_engine(engine):
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    elif engine.dialect.name == "postgresql":
        _configure_postgresql(engine)


def _configure_postgresql(engine):
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # No JIT compilation: it pays off for long analytic queries, and pbflow's are short. With 100,000
        # proposals the similar-proposals query's plan crossed jit_above_cost and spent 29 ms of its 193 ms
        # compiling. Once per pooled connection, outside any transaction.
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        dbapi_connection.autocommit = autocommit


def _configure_sqlite(engine):
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Take transaction control away from pysqlite so we can say BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # Writers take the lock up front and wait (busy timeout) instead of failing
        # with "database is locked" when a read transaction tries to upgrade.
        if has_request_context() and request.method in READ_ONLY_METHODS:
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def made_with_the_tables(install, uninstall):
    """Run install(connection) after create_all and uninstall(connection) before drop_all: what the models cannot
    declare (triggers, the search index) is then made and dropped with the tables; migrations call them too."""
    from pbflow.extensions import db

    event.listen(db.metadata, "after_create", lambda _metadata, connection, **_kw: install(connection))
    event.listen(db.metadata, "before_drop", lambda _metadata, connection, **_kw: uninstall(connection))
