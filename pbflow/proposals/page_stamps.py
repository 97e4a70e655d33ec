"""The public proposal list's stamp (page_stamps 'public_proposals'), raised by triggers on every change it shows.

The public list shows public proposals (title, status, cost, district, area, last change, searchable text), their
authors' names, and the editions, districts and areas its filters offer. Any insert, update or delete of those
rows raises the stamp in the same transaction, so core/page_store never serves the list as it was before a change
that has committed. Triggers, not application code, for the reason the status counts give: bulk loads, imports
and edition moves do not pass through the services. Changes to private drafts, and to the authors of private
drafts, leave the stamp alone: they are not on the public list, and during a marathon they are most changes.

On PostgreSQL the triggers are deferred to the commit and raise the stamp once per transaction (a local setting
remembers it): the stamp's row is then locked only while a transaction commits, so two transactions never wait
for each other's proposals while one holds it, and a bulk load updates it once, not once per row.
"""

from sqlalchemy import event

from pbflow.extensions import db

NAME = "public_proposals"
# The stamp's row: made with the tables, and again by anything that empties them (the tests' cleaning).
SEED = f"INSERT INTO page_stamps (name, stamp) VALUES ('{NAME}', 0) ON CONFLICT (name) DO NOTHING"  # noqa: S608 - constants
_RAISE = f"UPDATE page_stamps SET stamp = stamp + 1 WHERE name = '{NAME}';"  # noqa: S608 - constants
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


def _trigger_name(table, change):
    return f"{NAME}_stamp_{table}_{change.lower()}"


POSTGRESQL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION pbflow_raise_{NAME}_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    proposal integer;
BEGIN
    IF current_setting('pbflow.{NAME}_stamp_raised', true) = 'yes' THEN
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = 'proposal_authors' THEN
        -- At the commit: a proposal made private in the same transaction raised the stamp by itself.
        proposal := CASE WHEN TG_OP = 'DELETE' THEN OLD.proposal_id ELSE NEW.proposal_id END;
        IF NOT EXISTS (SELECT 1 FROM proposals WHERE id = proposal AND is_public)
           AND NOT (TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM proposals WHERE id = OLD.proposal_id AND is_public)) THEN
            RETURN NULL;
        END IF;
    END IF;
    {_RAISE}
    PERFORM set_config('pbflow.{NAME}_stamp_raised', 'yes', true);
    RETURN NULL;
END $$"""  # noqa: S608 - constants


def _postgresql_condition(table, condition):
    if condition is None or table == "proposal_authors":  # a trigger's WHEN cannot hold a subquery
        return ""
    return " WHEN ({})".format(condition.replace(" IS NOT ", " IS DISTINCT FROM "))


def install(connection):
    """Create the stamp's row and its triggers (idempotent)."""
    uninstall(connection)
    connection.exec_driver_sql(SEED)
    if connection.dialect.name == "sqlite":
        for table, change, condition in CHANGES:
            when = f" WHEN {condition}" if condition else ""
            connection.exec_driver_sql(
                f"CREATE TRIGGER {_trigger_name(table, change)} AFTER {change} ON {table}{when} BEGIN {_RAISE} END")
        return
    connection.exec_driver_sql(POSTGRESQL_FUNCTION)
    for table, change, condition in CHANGES:
        connection.exec_driver_sql(
            f"CREATE CONSTRAINT TRIGGER {_trigger_name(table, change)} AFTER {change} ON {table} "
            f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW{_postgresql_condition(table, condition)} "
            f"EXECUTE FUNCTION pbflow_raise_{NAME}_stamp()")


def uninstall(connection):
    for table, change, _condition in CHANGES:
        on = f" ON {table}" if connection.dialect.name != "sqlite" else ""
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {_trigger_name(table, change)}{on}")
    if connection.dialect.name != "sqlite":
        connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS pbflow_raise_{NAME}_stamp()")


@event.listens_for(db.metadata, "after_create")
def _after_create(_metadata, connection, **_kw):
    install(connection)


@event.listens_for(db.metadata, "before_drop")
def _before_drop(_metadata, connection, **_kw):
    uninstall(connection)
