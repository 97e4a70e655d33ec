"""Per-edition status counts kept by triggers on proposals (the proposal_status_counts table).

Triggers, not application code, because proposals also change outside the state machine's services: bulk
loads (demo and bench data, imports) and edition moves. Every insert, delete and change of status or edition
adds or takes one in the same transaction, so a count is never staler than the rows it counts. On PostgreSQL
an update touches its two counter rows in a fixed order, so that two opposite status changes at once wait for
each other instead of deadlocking. Created after the tables (create_all or the migration), dropped with them.
"""

from sqlalchemy import select

from pbflow.core.database import made_with_the_tables
from pbflow.extensions import db
from pbflow.proposals.models import ProposalStatusCount

_SQLITE_ADD = ("INSERT INTO proposal_status_counts (edition_id, status, proposals) "
               "VALUES (NEW.edition_id, NEW.status, 1) "
               "ON CONFLICT (edition_id, status) DO UPDATE SET proposals = proposals + 1;")
_SQLITE_TAKE = ("UPDATE proposal_status_counts SET proposals = proposals - 1 "
                "WHERE edition_id = OLD.edition_id AND status = OLD.status;")
SQLITE_TRIGGERS = {
    "proposal_status_counts_insert": f"AFTER INSERT ON proposals BEGIN {_SQLITE_ADD} END",
    "proposal_status_counts_delete": f"AFTER DELETE ON proposals BEGIN {_SQLITE_TAKE} END",
    "proposal_status_counts_update": (
        "AFTER UPDATE OF status, edition_id ON proposals "
        "WHEN OLD.status IS NOT NEW.status OR OLD.edition_id IS NOT NEW.edition_id "
        f"BEGIN {_SQLITE_TAKE} {_SQLITE_ADD} END"),
}

POSTGRESQL_FUNCTION = """
CREATE OR REPLACE FUNCTION pbflow_proposal_status_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND ROW(NEW.edition_id, NEW.status) < ROW(OLD.edition_id, OLD.status) THEN
        INSERT INTO proposal_status_counts (edition_id, status, proposals) VALUES (NEW.edition_id, NEW.status, 1)
        ON CONFLICT (edition_id, status) DO UPDATE SET proposals = proposal_status_counts.proposals + 1;
        UPDATE proposal_status_counts SET proposals = proposals - 1 WHERE edition_id = OLD.edition_id AND status = OLD.status;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE proposal_status_counts SET proposals = proposals - 1 WHERE edition_id = OLD.edition_id AND status = OLD.status;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO proposal_status_counts (edition_id, status, proposals) VALUES (NEW.edition_id, NEW.status, 1)
        ON CONFLICT (edition_id, status) DO UPDATE SET proposals = proposal_status_counts.proposals + 1;
    END IF;
    RETURN NULL;
END $$"""
POSTGRESQL_TRIGGERS = {
    "proposal_status_counts_insert_delete": "AFTER INSERT OR DELETE ON proposals FOR EACH ROW",
    "proposal_status_counts_update": (
        "AFTER UPDATE OF status, edition_id ON proposals "
        "FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status "
        "OR OLD.edition_id IS DISTINCT FROM NEW.edition_id)"),
}
RECOUNT = ("INSERT INTO proposal_status_counts (edition_id, status, proposals) "
           "SELECT edition_id, status, count(*) FROM proposals GROUP BY edition_id, status")


def install(connection):
    """Create the triggers (idempotent)."""
    uninstall(connection)
    if connection.dialect.name == "sqlite":
        for name, body in SQLITE_TRIGGERS.items():
            connection.exec_driver_sql(f"CREATE TRIGGER {name} {body}")
    else:
        connection.exec_driver_sql(POSTGRESQL_FUNCTION)
        for name, when in POSTGRESQL_TRIGGERS.items():
            connection.exec_driver_sql(f"CREATE TRIGGER {name} {when} EXECUTE FUNCTION pbflow_proposal_status_counts()")


def recount(connection):
    """Count the proposals already there afresh (the migration that adds the table)."""
    connection.exec_driver_sql("DELETE FROM proposal_status_counts")
    connection.exec_driver_sql(RECOUNT)


def uninstall(connection):
    if connection.dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for name in POSTGRESQL_TRIGGERS:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON proposals")
        connection.exec_driver_sql("DROP FUNCTION IF EXISTS pbflow_proposal_status_counts()")


def of_edition(edition_id):
    """{status value: number} of one edition's proposals, from the kept counts (one primary-key range)."""
    rows = db.session.execute(select(ProposalStatusCount.status, ProposalStatusCount.proposals)
                              .where(ProposalStatusCount.edition_id == edition_id))
    return {status: n for status, n in rows if n}


made_with_the_tables(install, uninstall)
