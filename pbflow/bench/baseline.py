"""The bare page that scripts/bench measures the proposal lists against.

A list page cannot be faster than the database work under it plus a template, so the benchmark serves
that alone: a Flask app with no extensions, plain DB-API (sqlite3 or psycopg), one connection kept per
thread, and the public list's first page: the current edition asked for (as pbflow does), one query for
the page's rows with the same columns (title, district, area, status, last change, total cost), one for
their authors, and a trivial template. pbflow's pages are read as multiples of it, on the same database
in the same run.
"""

import os
import sqlite3
import threading

from flask import Flask, request

PAGE_SIZE = 25
ROWS = (
    "SELECT p.id, p.title, p.status, p.is_public, p.updated_at, p.total_cost, d.number, d.name, a.name "
    "FROM proposals p LEFT JOIN districts d ON d.id = p.district_id LEFT JOIN areas a ON a.id = p.area_id "
    "WHERE p.is_public = ? AND p.edition_id = ? ORDER BY p.updated_at DESC, p.id DESC LIMIT ?")
AUTHORS = ("SELECT pa.proposal_id, pa.role, u.name FROM proposal_authors pa JOIN users u ON u.id = pa.user_id "
           "WHERE pa.proposal_id IN ({}) ORDER BY pa.proposal_id, pa.role DESC")
EDITION = "SELECT id FROM editions WHERE is_current = ? ORDER BY id DESC LIMIT 1"
TEMPLATE = """<!doctype html><html lang="pl"><head><meta charset="utf-8"><title>Projekty</title></head><body>
<main><h1>Projekty</h1><table><thead><tr><th>Projekt</th><th>Autorzy</th><th>Status</th><th>Zmiana</th>
<th>Koszt</th></tr></thead><tbody>
{% for row in rows %}<tr><td><a href="/proposals/{{ row[0] }}">{{ row[1] }}</a><br>{{ row[6] }} {{ row[7] }}
{% if row[8] %} · {{ row[8] }}{% endif %}</td><td>{{ authors.get(row[0], [])|join(", ") }}</td><td>{{ row[2] }}
</td><td>{{ row[4] }}</td><td>{{ row[5] }}</td></tr>
{% endfor %}</tbody></table>{% if more %}<a rel="next" href="?after={{ rows[-1][0] }}">Dalej</a>{% endif %}</main>
</body></html>"""


class Database:
    """One DB-API connection per thread, opened on first use: what a hand-written page would keep."""

    def __init__(self, url):
        self.url = url
        self.local = threading.local()
        self.postgresql = url.startswith("postgresql")

    def connection(self):
        connection = getattr(self.local, "connection", None)
        if connection is None:
            if self.postgresql:
                import psycopg

                connection = psycopg.connect(self.url.replace("postgresql+psycopg://", "postgresql://", 1),
                                             autocommit=True)
            else:
                connection = sqlite3.connect(self.url.removeprefix("sqlite:///"), check_same_thread=False)
            self.local.connection = connection
        return connection

    def rows(self, sql, parameters):
        if self.postgresql:
            sql = sql.replace("?", "%s")
        return self.connection().execute(sql, parameters).fetchall()


def create_app(database_url=None):
    """The bare list page over `database_url` (default: $BENCH_DATABASE_URL), for the test client or gunicorn."""
    database = Database(database_url or os.environ["BENCH_DATABASE_URL"])
    app = Flask(__name__)
    template = app.jinja_env.from_string(TEMPLATE)

    @app.get("/proposals/")
    def public_list():
        edition = database.rows(EDITION, (True,))[0][0]  # as pbflow's list asks for the current edition
        rows = database.rows(ROWS, (True, edition, PAGE_SIZE + 1))
        more = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
        authors = {}
        if rows:
            for proposal_id, _role, name in database.rows(AUTHORS.format(",".join("?" * len(rows))),
                                                          [row[0] for row in rows]):
                authors.setdefault(proposal_id, []).append(name)
        return template.render(rows=rows, authors=authors, more=more, query=request.args)

    @app.get("/healthz")
    def health():
        return "ok"

    return app
