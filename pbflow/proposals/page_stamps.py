"""The public proposal list's stamps (page_stamps), changed by triggers with every change the list shows.

The public list shows public proposals (title, status, cost, district, area, last change, searchable text), their
authors' names, and the editions, districts and areas its filters offer. Any insert, update or delete of those
rows changes the stamp in the same transaction, so core/web/page_store never serves the list as it was before a change
that has committed. Triggers, not application code, for the reason the status counts give: bulk loads, imports
and edition moves do not pass through the services. Changes to private drafts, and to the authors of private
drafts, leave the stamp alone: they are not on the public list, and during a marathon they are most changes.

On SQLite a search's order reads drafts too: bm25 weighs a word by how many proposals hold it, drafts included.
A second stamp, 'proposal_words', follows every proposal's searchable words (its title, summary and description
inserted, changed or deleted), and a search on SQLite is kept under both (proposals/views/lists.py). PostgreSQL
ranks a match by its own words alone and has no such stamp.

The stamp is a new random 63-bit number each time, not a counter: a database restored from a backup, a replica
promoted after losing its last commits, or a migration run down and up again cannot bring back a number that
app servers still keep pages under for other data.

On PostgreSQL the triggers are deferred to the commit and change the stamp once per transaction (a local setting
remembers it): the stamp's row is then locked only while a transaction commits, so two transactions never wait
for each other's proposals while one holds it, and a bulk load updates it once, not once per row; a TRUNCATE of
any of these tables changes it too. What fires no trigger bypasses it: `session_replication_role = replica`
(pg_restore --disable-triggers) and logical replication into this database; after such work restart the app
servers, which empties their stores, or call renew(). On SQLite, rebuilding the FTS5 index changes what a
search finds without a row changing: whoever rebuilds it calls renew() in the same transaction.
"""

from pbflow.core.database import made_with_the_tables
from pbflow.proposals import search

NAME = "public_proposals"
WORDS = "proposal_words"  # SQLite only
_RANDOM = {"sqlite": "random()", "postgresql": "floor(random() * 9.2e18)::bigint"}
_TABLES = ("proposals", "proposal_authors", "users", "editions", "districts", "areas")


def seed_sql(dialect, name=NAME):
    """A stamp's row: made with the tables, and again by anything that empties them (the tests' cleaning)."""
    return (f"INSERT INTO page_stamps (name, stamp) VALUES ('{name}', {_RANDOM[dialect]}) "  # noqa: S608 - constants
            "ON CONFLICT (name) DO NOTHING")


def _change_sql(dialect, name=NAME):
    return f"UPDATE page_stamps SET stamp = {_RANDOM[dialect]} WHERE name = '{name}';"  # noqa: S608 - constants


_PUBLIC = "EXISTS (SELECT 1 FROM proposals WHERE id = {row}.proposal_id AND is_public)"

# (table, event, condition on the row or None): the changes the public list shows.
CHANGES = (
    ("proposals", "INSERT", "NEW.is_public"),
    ("proposals", "UPDATE", "OLD.is_public OR NEW.is_public"),
    ("proposals", "DELETE", "OLD.is_public"),
    ("proposal_authors", "INSERT", _PUBLIC.format(row="NEW")),
    ("proposal_authors", "UPDATE", f"{_PUBLIC.format(row='OLD')} OR {_PUBLIC.format(row='NEW')}"),
    ("proposal_authors", "DELETE", _PUBLIC.format(row="OLD")),
    ("users", "UPDATE", "OLD.name IS NOT NEW.name OR OLD.deleted_at IS NOT NEW.deleted_at"),
    *((table, change, None) for table in ("editions", "districts", "areas") for change in ("INSERT", "UPDATE", "DELETE")),
)


# The changes that move bm25's weights on SQLite: any proposal's searchable words (the FTS5 index's columns).
WORDS_CHANGES = (
    ("proposals", "INSERT", None),
    ("proposals", "UPDATE", " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in search.COLUMNS)),
    ("proposals", "DELETE", None),
)


def renew(connection, *names):
    """New numbers for these stamps now, in the caller's transaction: for work that changes what the pages show
    without firing a trigger (rebuilding the search index, see bench/data.py)."""
    for name in names:
        connection.exec_driver_sql(_change_sql(connection.dialect.name, name))


def _trigger_name(table, change, name=NAME):
    return f"{name}_stamp_{table}_{change.lower()}"


POSTGRESQL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION pbflow_change_{NAME}_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    proposal integer;
BEGIN
    IF current_setting('pbflow.{NAME}_stamp_changed', true) = 'yes' THEN
        RETURN NULL;
    END IF;
    IF TG_LEVEL = 'ROW' AND TG_TABLE_NAME = 'proposal_authors' THEN
        -- At the commit: a proposal made private in the same transaction changed the stamp by itself.
        proposal := CASE WHEN TG_OP = 'DELETE' THEN OLD.proposal_id ELSE NEW.proposal_id END;
        IF NOT EXISTS (SELECT 1 FROM proposals WHERE id = proposal AND is_public)
           AND NOT (TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM proposals WHERE id = OLD.proposal_id AND is_public)) THEN
            RETURN NULL;
        END IF;
    END IF;
    {_change_sql("postgresql")}
    PERFORM set_config('pbflow.{NAME}_stamp_changed', 'yes', true);
    RETURN NULL;
END $$"""  # noqa: S608 - constants


def _postgresql_condition(table, condition):
    if condition is None or table == "proposal_authors":  # a trigger's WHEN cannot hold a subquery
        return ""
    return " WHEN ({})".format(condition.replace(" IS NOT ", " IS DISTINCT FROM "))


def install(connection):
    """Create the stamps' rows and their triggers (idempotent)."""
    install_public_list(connection)
    install_words(connection)


def uninstall(connection):
    uninstall_words(connection)
    uninstall_public_list(connection)


def install_public_list(connection):
    """The 'public_proposals' stamp's row and triggers (idempotent)."""
    uninstall_public_list(connection)
    dialect = connection.dialect.name
    connection.exec_driver_sql(seed_sql(dialect))
    if dialect == "sqlite":
        _install_sqlite(connection, NAME, CHANGES)
        return
    connection.exec_driver_sql(POSTGRESQL_FUNCTION)
    for table, change, condition in CHANGES:
        connection.exec_driver_sql(
            f"CREATE CONSTRAINT TRIGGER {_trigger_name(table, change)} AFTER {change} ON {table} "
            f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW{_postgresql_condition(table, condition)} "
            f"EXECUTE FUNCTION pbflow_change_{NAME}_stamp()")
    for table in _TABLES:
        connection.exec_driver_sql(f"CREATE TRIGGER {_trigger_name(table, 'TRUNCATE')} AFTER TRUNCATE ON {table} "
                                   f"FOR EACH STATEMENT EXECUTE FUNCTION pbflow_change_{NAME}_stamp()")


def _install_sqlite(connection, name, changes):
    for table, change, condition in changes:
        when = f" WHEN {condition}" if condition else ""
        connection.exec_driver_sql(f"CREATE TRIGGER {_trigger_name(table, change, name)} AFTER {change} ON {table}"
                                   f"{when} BEGIN {_change_sql('sqlite', name)} END")


def install_words(connection):
    """The 'proposal_words' stamp's row and triggers, on SQLite (idempotent; nothing on PostgreSQL)."""
    uninstall_words(connection)
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(seed_sql("sqlite", WORDS))
        _install_sqlite(connection, WORDS, WORDS_CHANGES)


def uninstall_words(connection):
    if connection.dialect.name == "sqlite":
        for table, change, _condition in WORDS_CHANGES:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {_trigger_name(table, change, WORDS)}")


def uninstall_public_list(connection):
    dialect = connection.dialect.name
    changes = [(table, change) for table, change, _condition in CHANGES]
    if dialect != "sqlite":
        changes += [(table, "TRUNCATE") for table in _TABLES]
    for table, change in changes:
        on = f" ON {table}" if dialect != "sqlite" else ""
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {_trigger_name(table, change)}{on}")
    if dialect != "sqlite":
        connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS pbflow_change_{NAME}_stamp()")


made_with_the_tables(install, uninstall)
