"""Benchmark: response time and SQL statements per page, on a database with many users or proposals.

scripts/bench                       the accounts pages, on a database with --users users
scripts/bench --proposals 1000,20000,100000
                                    the proposal pages at each size (seed-bench), each against a bare
                                    Flask + DB-API page over the same rows (ratio), then the public list's
                                    throughput under gunicorn with --connections keep-alive connections
                                    against the bare page's, and RSS per worker; a summary at the end
scripts/bench --monitoring          the monitoring dashboard, on N proposals (default 100,000) with
                                    meetings, activities, feedback, submissions and indicators
"""

import argparse
import html
import os
import re
import statistics
import tempfile
import time
from contextlib import contextmanager

from sqlalchemy import event, insert, select
from werkzeug.security import generate_password_hash

from pbflow import create_app, demo
from pbflow.accounts.models import User, UserRole
from pbflow.bench import data as bench_data
from pbflow.bench import load as bench_load
from pbflow.bench import monitoring as bench_monitoring
from pbflow.config import normalise_database_url
from pbflow.editions import services as editions
from pbflow.editions.models import District
from pbflow.extensions import db
from pbflow.monitoring.models import Indicator
from pbflow.proposals.models import Proposal, ProposalAuthor

NEXT_PAGE = re.compile(r'<a rel="next" href="([^"]+)"')


def build_app(database_url, folder):
    app = create_app({
        "SECRET_KEY": "bench", "INSTANCE_PATH": folder, "MAIL_BACKEND": "memory",
        "SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_ENABLED": False, "THROTTLE_ENABLED": False,
        "RATELIMIT_ENABLED": False,
    })
    with app.app_context():
        db.drop_all()
        db.create_all()
        demo.seed()
    return app


def add_users(app, count):
    password_hash = generate_password_hash("bench password 2026")
    first_names = ["Anna", "Piotr", "Zofia", "Łukasz", "Małgorzata", "Grzegorz", "Żaneta", "Jędrzej"]
    last_names = ["Nowak", "Kowalski", "Wiśniewska", "Wójcik", "Kamińska", "Lewandowski", "Zieliński"]
    with app.app_context():
        rows = [{"name": f"{first_names[i % 8]} {last_names[i % 7]} {i}", "email": f"user{i}@example.org",
                 "password_hash": password_hash, "login_token": f"bench-{i}", "locale": "pl"} for i in range(count)]
        for start in range(0, count, 5000):
            db.session.execute(insert(User), rows[start:start + 5000])
        db.session.flush()
        ids = db.session.scalars(db.select(User.id).where(User.email.like("user%")).limit(count // 10)).all()
        db.session.execute(insert(UserRole), [{"user_id": i, "role": "ambassador"} for i in ids])
        db.session.commit()


def measure(app, client, label, url, requests):
    with app.app_context():
        engine = db.engine
    statements = []
    listener = lambda *_args: statements.append(1)  # noqa: E731
    timings = []
    if client.get(url).status_code == 404:  # a page another change has not added yet
        print(f"{label:<38} skipped: {url} answers 404 (not there yet)")
        return
    for _ in range(requests):
        statements.clear()
        event.listen(engine, "before_cursor_execute", listener)
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        event.remove(engine, "before_cursor_execute", listener)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    timings.sort()
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    print(f"{label:<38} p50 {statistics.median(timings):7.1f} ms   p95 {p95:7.1f} ms   {len(statements):3d} queries",
          flush=True)


def signed_in_client(app, email, password):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": password})
    if response.status_code != 303:
        raise SystemExit(f"could not sign in as {email}")
    return client


def pick_proposals(app):
    """A proposal in the middle of the data with several versions and its lead; a public one."""
    with app.app_context():
        count = db.session.scalar(select(db.func.count()).select_from(Proposal))
        row = db.session.execute(
            select(Proposal.id, Proposal.district_id, Proposal.current_version, User.email)
            .join(ProposalAuthor, (ProposalAuthor.proposal_id == Proposal.id) & (ProposalAuthor.role == "lead"))
            .join(User, User.id == ProposalAuthor.user_id)
            .where(Proposal.current_version >= 4, Proposal.scope == "district", User.email.like("bench.author%"))
            .order_by(Proposal.id).offset(count // 10)).first()
        public_id = db.session.scalar(select(Proposal.id).where(Proposal.is_public.is_(True))
                                      .order_by(Proposal.id).offset(count // 20))
        return row, public_id


def page_after(client, url, pages):
    """The URL of page `pages` + 1 of a list, reached by following its "Next page" links as a reader does."""
    for _ in range(pages):
        found = NEXT_PAGE.search(client.get(url).get_data(as_text=True))
        if found is None:
            raise SystemExit(f"{url} has no next page")
        url = html.unescape(found.group(1))
    return url


def list_pages(app, clients, picked):
    """(label, target ratio or None, who, url): the lists with the issue's targets, then single pages."""
    (proposal_id, district_id, versions, _lead_email), public_id = picked
    anonymous, coordinator = clients["visitor"], clients["coordinator"]
    return [
        ("public list", 2, "visitor", "/proposals/"),
        ("public list, page 10", 2, "visitor", page_after(anonymous, "/proposals/", 9)),
        ("my proposals (lead author)", 2, "author", "/proposals/mine"),
        ("public list, search 'zielen'", 3, "visitor", "/proposals/?q=zielen"),
        ("public list, search 'teznia solankowa'", 3, "visitor", "/proposals/?q=teznia+solankowa"),
        ("all proposals (coordinator)", 3, "coordinator", "/proposals/all"),
        ("all, page 10 (coordinator)", 3, "coordinator", page_after(coordinator, "/proposals/all", 9)),
        ("all: district + status + cost sort", 3, "coordinator",
         f"/proposals/all?district={district_id}&status=draft&scope=district&sort=cost"),
        ("all: search 'ławki' by relevance", 3, "coordinator", "/proposals/all?q=lawki&sort=relevance"),
        # A combination that matches (next to) nothing: walking the order's index would read the whole edition.
        ("all: district + city-wide (few match)", 3, "coordinator",
         f"/proposals/all?district={district_id}&scope=citywide"),
        ("public proposal page (visitor)", None, "visitor", f"/proposals/{public_id}"),
        ("proposal page (lead author)", None, "author", f"/proposals/{proposal_id}"),
        ("history", None, "author", f"/proposals/{proposal_id}/history"),
        ("compare the first and last versions", None, "author", f"/proposals/{proposal_id}/compare?a=1&b={versions}"),
        ("print summary", None, "author", f"/proposals/{proposal_id}/print"),
    ]


def queries_of(app, client, url):
    """SQL statements a repeated request of `url` sends, BEGIN included (in-process: gunicorn's workers cannot be
    listened to)."""
    with app.app_context():
        engine = db.engine
    client.get(url)  # as measured: a repeated request (a kept page is then read from the store)
    statements = []
    listener = lambda *_args: statements.append(1)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        status = client.get(url).status_code
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    if status != 200:
        raise SystemExit(f"{url} answered {status}")
    return len(statements)


@contextmanager
def page_store_off(app):
    """The in-process app as PAGE_STORE_SIZE=0 serves it (core/web/page_store reads this extension)."""
    saved = app.extensions.get("pbflow_page_store", False)
    app.extensions["pbflow_page_store"] = None
    try:
        yield
    finally:
        if saved is False:
            del app.extensions["pbflow_page_store"]
        else:
            app.extensions["pbflow_page_store"] = saved


def measure_http(label, browser, url, requests, queries=None, baseline=None, target=None):
    """Time `requests` GETs of `url` over one keep-alive connection to gunicorn, as a reader's browser does;
    print p50, p95, the queries sent and the ratio to the baseline's p50. Returns p50 in ms."""
    browser.request("GET", url)  # warm: the worker's first answer loads templates
    timings = []
    for _ in range(requests):
        status, _text, seconds = browser.request("GET", url)
        if status != 200:
            raise SystemExit(f"{url} answered {status}")
        timings.append(seconds * 1000)
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    sent = f"{queries:3d} queries" if queries is not None else "  plain SQL  "
    ratio = f"   {p50 / baseline:5.1f}× baseline" if baseline else ""
    goal = f" (target ≤ {target}×)" if target and baseline else ""
    print(f"{label:<40} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms   {sent}{ratio}{goal}", flush=True)
    return p50


def bench_proposals(app, url, folder, sizes, requests, connections, seconds):
    """Each size in turn (the database grows from one to the next): every page's p50 and p95 over HTTP from
    gunicorn and its ratio to the bare page over the same rows, then throughput under `connections`
    connections, and RSS per worker; a summary across the sizes at the end."""
    env = {"DATABASE_URL": url, "BENCH_DATABASE_URL": url, "PBFLOW_INSTANCE_PATH": folder, "SECRET_KEY": "bench"}
    figures = {}  # size -> {label: (p50, ratio, target)}
    seeded = 0
    for size in sizes:
        started = time.perf_counter()
        with app.app_context():
            bench_data.seed(size - seeded, echo=lambda _line: None)
        seeded = size
        settle(app)
        picked = pick_proposals(app)
        lead_email = picked[0][3]
        print(f"\n=== {size:,} proposals (seed-bench: {time.perf_counter() - started:.1f} s); {requests} requests "
              f"per page over one keep-alive connection to gunicorn ({bench_load.WORKERS} gthread workers)",
              flush=True)
        logins = {"visitor": None, "coordinator": ("koordynator@example.org", demo.DEMO_PASSWORD),
                  "author": (lead_email, bench_data.BENCH_PASSWORD)}
        clients = {who: signed_in_client(app, *login) if login else app.test_client() for who, login in logins.items()}
        pages = list_pages(app, clients, picked)
        with bench_load.Gunicorn(bench_load.BASELINE_TARGET, env, folder) as bare, \
                bench_load.Gunicorn(bench_load.PBFLOW_TARGET, env, folder) as served, \
                bench_load.Gunicorn(bench_load.PBFLOW_TARGET, {**env, "PBFLOW_PAGE_STORE_SIZE": "0"}, folder) as rendered:
            base = measure_http("bare page (baseline)", bench_load.Browser(bare.port), "/proposals/", requests)
            figures[size] = {"bare page (baseline)": (base, 1.0, None)}
            browsers = {who: bench_load.Browser(served.port).log_in(*login) if login else bench_load.Browser(served.port)
                        for who, login in logins.items()}
            without_store = bench_load.Browser(rendered.port)
            for label, target, who, page_url in pages:
                p50 = measure_http(label, browsers[who], page_url, requests,
                                   queries_of(app, clients[who], page_url), base, target)
                figures[size][label] = (p50, p50 / base, target)
                if who == "visitor" and (page_url == "/proposals/" or page_url.startswith("/proposals/?")):
                    # The public list is kept for visitors (core/web/page_store): what a change costs the next one.
                    label = f"{label}, rendered"
                    with page_store_off(app):
                        rendered_queries = queries_of(app, clients[who], page_url)
                    p50 = measure_http(label, without_store, page_url, requests, rendered_queries, base, target)
                    figures[size][label] = (p50, p50 / base, target)
            for browser in [*browsers.values(), without_store]:
                browser.close()
            load_line({"bare page": bare, "public list": served, "public list, rendered": rendered},
                      connections, seconds)
    summary(figures)


def load_line(servers, connections, seconds):
    """Answers per second of the bare page and the public list under `connections` connections at once,
    and each pbflow worker's resident memory after the run."""
    rates = {}
    for name, server in servers.items():
        result = bench_load.throughput(server.port, "/proposals/", connections, seconds)
        rates[name] = result.per_second
        rss = ", ".join(f"{rss:.0f} MB (PSS {pss:.0f})" for rss, pss in server.worker_memory_mb())
        print(f"{name + ', throughput':<40} {result.per_second:7.0f} req/s   median {result.median_ms:6.1f} ms   "
              f"{result.errors} errors ({connections} keep-alive connections, {seconds:.0f} s); "
              f"RSS per worker after: {rss}", flush=True)
    for name in rates:
        if name != "bare page":
            print(f"{'throughput, ' + name + ' / bare page':<40} {rates[name] / rates['bare page']:7.2f}× "
                  "(target ≥ 0.5×)", flush=True)


def summary(figures):
    """p50 and ratio to the baseline per size, and how much the largest size costs over the smallest."""
    sizes = list(figures)
    labels = list(dict.fromkeys(label for size in sizes for label in figures[size]))
    print("\n=== summary: p50 ms (× the bare page)" + (f"; flatness = p50 at {sizes[-1]:,} / p50 at {sizes[0]:,}"
                                                       if len(sizes) > 1 else ""))
    print(f"{'page':<40}" + "".join(f"{size:>17,}" for size in sizes)
          + ("   flatness (≤ 1.3)" if len(sizes) > 1 else "") + "   ratio target")
    for label in labels:
        cells = [figures[size].get(label) for size in sizes]
        line = "".join(f"{c[0]:8.2f} ({c[1]:4.1f}×)" if c else f"{'—':>17}" for c in cells)
        flat = f"   {cells[-1][0] / cells[0][0]:16.2f}" if len(sizes) > 1 and cells[0] and cells[-1] else ""
        target = next((c[2] for c in cells if c), None)
        print(f"{label:<40}{line}{flat}   {f'≤ {target}×' if target else ''}")


def settle(app):
    """What autovacuum does on a live PostgreSQL after a bulk load: without it the visibility map is
    empty, index-only scans read the heap, and the figures measure the load, not the pages."""
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE")


def bench_monitoring_pages(app, count, requests):
    started = time.perf_counter()
    with app.app_context():
        proposal_ids = bench_data.seed(count)
        edition = editions.current_edition()
        bench_monitoring.seed(edition, proposal_ids)
        edition_id = edition.id
        district_id = db.session.scalar(select(District.id).where(District.name == bench_monitoring.DISTRICT))
        indicators = db.session.scalar(select(db.func.count()).select_from(Indicator)
                                       .where(Indicator.edition_id == edition_id))
    settle(app)
    print(f"seed-bench --proposals {count} and the monitoring load: {time.perf_counter() - started:.1f} s", flush=True)
    anonymous = app.test_client()
    coordinator = signed_in_client(app, "koordynator@example.org", demo.DEMO_PASSWORD)
    print(f"{requests} requests per page; edition {edition_id} with {indicators} indicators")
    for label, client, url in [
        ("monitoring dashboard (coordinator)", coordinator, f"/monitoring/?edition={edition_id}"),
        ("monitoring district page (coordinator)", coordinator,
         f"/monitoring/?edition={edition_id}&district={district_id}"),
        ("monitoring dashboard (visitor)", anonymous, f"/monitoring/?edition={edition_id}"),
    ]:
        measure(app, client, label, url, requests)


def sizes(text):
    """"1000,20000,100000" (or "20k,100k"): the sizes in increasing order."""
    try:
        values = sorted({int(part.strip().lower().replace("k", "000").replace("_", "")) for part in text.split(",")})
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text}") from error
    if not values or values[0] < 1:
        raise argparse.ArgumentTypeError("sizes must be positive")
    return values


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=20_000, help="users for the accounts benchmark")
    parser.add_argument("--proposals", type=sizes, metavar="N[,N...]",
                        help="run the proposals benchmark at each of these sizes (e.g. 1000,20000,100000)")
    parser.add_argument("--connections", type=int, default=16, help="keep-alive connections for the throughput line")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each throughput run")
    parser.add_argument("--monitoring", action="store_true",
                        help="run the monitoring benchmark, on --proposals N proposals (default 100,000)")
    parser.add_argument("--requests", type=int,
                        help="requests per page (default: 50 accounts, 200 proposals, 50 monitoring)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        url = normalise_database_url(os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3")
        app = build_app(url, folder)
        if args.monitoring:
            print(f"database: {url.split('@')[-1]}")
            bench_monitoring_pages(app, (args.proposals or [100_000])[-1], args.requests or 50)
            with app.app_context():
                db.drop_all()
                db.engine.dispose()
            return
        if args.proposals:
            print(f"database: {url.split('@')[-1]}")
            bench_proposals(app, url, folder, args.proposals, args.requests or 200, args.connections, args.seconds)
            with app.app_context():
                db.drop_all()
                db.engine.dispose()
            return
        args.requests = args.requests or 50
        started = time.perf_counter()
        add_users(app, args.users)
        print(f"database: {url.split('@')[-1]}; {args.users} users inserted in {time.perf_counter() - started:.1f} s")
        client = app.test_client()
        client.post("/login", data={"email": "koordynator@example.org", "password": demo.DEMO_PASSWORD})
        measure(app, client, "home page", "/", args.requests)
        measure(app, client, "users list, page 1", "/users/", args.requests)
        measure(app, client, "users list, page 400", "/users/?page=400", args.requests)
        measure(app, client, "users search 'wiśniewska 1'", "/users/?q=wi%C5%9Bniewska+1", args.requests)
        measure(app, client, "health check", "/healthz", args.requests)
        with app.app_context():
            db.drop_all()
            db.engine.dispose()


if __name__ == "__main__":
    main()
