"""Full-text search over proposals that ignores Polish diacritics ("zielen" finds "zieleń").

SQLite: an FTS5 index with the unicode61 tokenizer's diacritics removal, kept
current by triggers; sqlite-utils sets both up. PostgreSQL: a GIN index over
an immutable tsvector function built on `unaccent`. Both are created after the
tables (create_all or the migration) and dropped with them.
"""

import re

from sqlalchemy import Double, column, func, literal_column, select, table, text

from pbflow.core.database import made_with_the_tables
from pbflow.extensions import db

COLUMNS = ("title", "summary", "description")
FTS_TABLE = "proposals_fts"
PG_INDEX = "ix_proposals_search"
PG_COLUMN = "search_vector"  # made by install(), not a mapped column: only PostgreSQL has it
TOKENIZER = "unicode61 remove_diacritics 2"
_WORD = re.compile(r"[^\W_]+", re.UNICODE)  # letters and digits: no FTS syntax, quotes or underscores
MAX_WORDS = 12
MAX_WORD = 40  # letters of a word kept: no Polish word is longer, and a pasted run of letters stays cheap
# unicode61 strips diacritics that Unicode decomposes (ą, ć, ę, ń, ó, ś, ź, ż) but not "ł", which
# has no decomposition; a typed "l" is therefore also tried as "ł", for up to this many l's a word.
MAX_L_VARIANTS = 4
# A list's search looks at this many matches of its filters, the newest: ranking (bm25, ts_rank) or sorting
# every match of a common word grew the page with the table (66 ms for "zielen" among 100,000 proposals,
# 47,000 matches). A search that finds more says so and asks for another word or filter (_list_results.html).
LIST_MATCHES = 1000
_FTS = table(FTS_TABLE, column("rowid"))
_UNRANKED = literal_column("0.0", Double)


def words(query):
    """The words of a query, lower-cased; punctuation and FTS syntax are dropped."""
    return [word.lower()[:MAX_WORD] for word in _WORD.findall(query or "")][:MAX_WORDS]


# --- setting up ------------------------------------------------------------------

def install(connection):
    """Create the search index for this database's dialect (idempotent)."""
    if connection.dialect.name == "sqlite":
        import sqlite_utils  # here, not at the top: a server process never installs the index (~4 MB with pluggy)

        raw = connection.connection.dbapi_connection
        sqlite_utils.Database(raw).table("proposals").enable_fts(
            list(COLUMNS), fts_version="FTS5", create_triggers=True, tokenize=TOKENIZER, replace=True)
    else:
        _install_postgresql(connection)


def _install_postgresql(connection):
    connection.execute(text("CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public"))
    schema = connection.execute(text(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'unaccent'")).scalar_one()
    unaccent = f'"{schema}".unaccent(\'"{schema}".unaccent\'::regdictionary, $1)'
    # unaccent() is only STABLE; a wrapper naming its dictionary may be IMMUTABLE and so indexed.
    connection.execute(text(
        f"CREATE OR REPLACE FUNCTION pbflow_unaccent(text) RETURNS text "
        f"LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ SELECT {unaccent} $$"))
    connection.execute(text(
        "CREATE OR REPLACE FUNCTION pbflow_proposal_tsv(title text, summary text, description text) "
        "RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT "
        "setweight(to_tsvector('simple'::regconfig, pbflow_unaccent(coalesce(title, ''))), 'A') || "
        "setweight(to_tsvector('simple'::regconfig, pbflow_unaccent(coalesce(summary, ''))), 'B') || "
        "setweight(to_tsvector('simple'::regconfig, pbflow_unaccent(coalesce(description, ''))), 'C') $$"))
    # A stored vector: ranking reads it instead of unaccenting every matching proposal's text again.
    connection.execute(text(
        f"ALTER TABLE proposals ADD COLUMN IF NOT EXISTS {PG_COLUMN} tsvector "
        "GENERATED ALWAYS AS (pbflow_proposal_tsv(title, summary, description)) STORED"))
    connection.execute(text(f"DROP INDEX IF EXISTS {PG_INDEX}"))  # an expression index in early versions
    connection.execute(text(f"CREATE INDEX {PG_INDEX} ON proposals USING gin ({PG_COLUMN})"))


def uninstall(connection):
    if connection.dialect.name == "sqlite":
        for trigger in ("proposals_ai", "proposals_ad", "proposals_au"):
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    else:
        connection.execute(text(f"DROP INDEX IF EXISTS {PG_INDEX}"))
        connection.execute(text(f"ALTER TABLE IF EXISTS proposals DROP COLUMN IF EXISTS {PG_COLUMN}"))
        connection.execute(text("DROP FUNCTION IF EXISTS pbflow_proposal_tsv(text, text, text)"))
        connection.execute(text("DROP FUNCTION IF EXISTS pbflow_unaccent(text)"))


made_with_the_tables(install, uninstall)


# --- searching -------------------------------------------------------------------

def _l_variants(term):
    variants = [""]
    seen_l = 0
    for char in term:
        if char == "l" and seen_l < MAX_L_VARIANTS:
            seen_l += 1
            variants = [v + c for v in variants for c in ("l", "ł")]
        else:
            variants = [v + char for v in variants]
    return variants


def _sqlite_term(term):
    variants = ['"' + v.replace('"', "") + '"*' for v in _l_variants(term)]
    return variants[0] if len(variants) == 1 else "(" + " OR ".join(variants) + ")"


def ranks_against_every_proposal():
    """Whether a match's rank depends on other proposals too: SQLite's bm25 weighs a word by how many proposals
    hold it, drafts included; PostgreSQL's ts_rank reads the match alone."""
    return db.session.get_bind().dialect.name == "sqlite"


def matches(query, narrow=None, limit=None, ranked=True):
    """A subquery of (id, rank, found): the newest `limit` (default LIST_MATCHES) proposals matching every word
    as a prefix that `narrow` lets through (a function adding a list's filters to a SELECT over proposals; none:
    every proposal), ranked (lower rank is better); `found` is `limit` + 1 when there were more. The cost grows with `limit`
    and with how many of the newest matches the filters turn away (a district's: about 17 of 18), not with
    how many proposals contain the words once enough of them pass.

    Without `ranked` every rank is 0: counting the matches by status, or listing them in another order, needs no
    rank, and ranking a thousand matches was two thirds of such a query (bm25 at 100,000 proposals: 9.4 → 3.4 ms).

    None when the query has no words, so callers can skip the filter.
    """
    terms = words(query)
    if not terms:
        return None
    from pbflow.proposals.models import Proposal

    limit = LIST_MATCHES if limit is None else limit
    if db.session.get_bind().dialect.name == "sqlite":
        # Every word quoted (no FTS syntax from users) and matched as a prefix: "zielen" finds "zieleni".
        match = " AND ".join(_sqlite_term(term) for term in terms)
        # The index's matches newest first (ORDER BY rowid DESC is served by FTS5 itself), each checked
        # against the filters by primary key, until `limit` + 1 have passed; bm25 only for those.
        index = literal_column(FTS_TABLE)
        rank = func.bm25(index, 10.0, 4.0, 1.0) if ranked else _UNRANKED
        newest = (select(Proposal.id.label("id"), rank.label("rank"))
                  .select_from(_FTS).join(Proposal, Proposal.id == _FTS.c.rowid)
                  .where(index.op("MATCH")(match)).order_by(_FTS.c.rowid.desc()))
        return _counted(narrow(newest) if narrow else newest, limit)
    tsquery = func.to_tsquery(literal_column("'simple'::regconfig"),
                              func.pbflow_unaccent(" & ".join(f"{term}:*" for term in terms)))
    vector = literal_column(f"proposals.{PG_COLUMN}")
    # As double precision: a real comes back rounded to its shortest text, which then no longer equals itself
    # when a list's next page starts after it (queries_lists' cursors).
    rank = (-func.ts_rank(vector, tsquery)).cast(Double) if ranked else _UNRANKED
    newest = (select(Proposal.id.label("id"), rank.label("rank")).where(vector.op("@@")(tsquery))
              .order_by(Proposal.id.desc()))
    return _counted(narrow(newest) if narrow else newest, limit)


def _counted(newest, limit):
    """The first `limit` rows of `newest` (with any columns `narrow` added), each with how many there were
    up to `limit` + 1 (a window over those rows only, never over all the matches)."""
    taken = newest.limit(limit + 1).subquery("newest")
    numbered = select(*taken.c, func.count().over().label("found"),
                      func.row_number().over(order_by=taken.c.id.desc()).label("n")).subquery("numbered")
    return (select(*(c for c in numbered.c if c.key != "n")).where(numbered.c.n <= limit)).subquery("search")
