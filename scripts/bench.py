"""Benchmark: response time and SQL statements per page, on a database with many users or proposals.

scripts/bench                       the accounts pages, on a database with --users users
scripts/bench --proposals 10000     the proposal pages, on a database with N proposals (seed-bench)
scripts/bench --monitoring          the monitoring dashboard, on N proposals (default 100,000) with
                                    meetings, activities, feedback, submissions and indicators
"""

import argparse
import os
import statistics
import tempfile
import time

from sqlalchemy import event, insert, select
from werkzeug.security import generate_password_hash

from pbflow import create_app, demo
from pbflow.accounts.models import User, UserRole
from pbflow.config import normalise_database_url
from pbflow.editions import services as editions
from pbflow.editions.models import District
from pbflow.extensions import db
from pbflow.monitoring.models import Indicator
from pbflow.proposals import bench_data, bench_monitoring
from pbflow.proposals.models import Proposal, ProposalAuthor


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


def bench_proposals(app, count, requests):
    started = time.perf_counter()
    with app.app_context():
        bench_data.seed(count)
    settle(app)
    print(f"seed-bench --proposals {count}: {time.perf_counter() - started:.1f} s", flush=True)
    (proposal_id, district_id, versions, lead_email), public_id = pick_proposals(app)
    anonymous = app.test_client()
    coordinator = signed_in_client(app, "koordynator@example.org", demo.DEMO_PASSWORD)
    author = signed_in_client(app, lead_email, bench_data.BENCH_PASSWORD)
    print(f"{requests} requests per page; proposal {proposal_id} ({versions} versions) as its lead, {lead_email}")
    for label, client, url in [
        ("public list", anonymous, "/proposals/"),
        ("public list, page 20", anonymous, "/proposals/?page=20"),
        ("public list, search 'zielen'", anonymous, "/proposals/?q=zielen"),
        ("public list, search 'teznia solankowa'", anonymous, "/proposals/?q=teznia+solankowa"),
        ("public proposal page (anonymous)", anonymous, f"/proposals/{public_id}"),
        ("all proposals (coordinator)", coordinator, "/proposals/all"),
        ("all: district + status + cost sort", coordinator,
         f"/proposals/all?district={district_id}&status=draft&scope=district&sort=cost"),
        ("all: search 'ławki' by relevance", coordinator, "/proposals/all?q=lawki&sort=relevance"),
        ("my proposals (lead author)", author, "/proposals/mine"),
        ("proposal page (lead author)", author, f"/proposals/{proposal_id}"),
        ("history", author, f"/proposals/{proposal_id}/history"),
        (f"compare versions 1 and {versions}", author, f"/proposals/{proposal_id}/compare?a=1&b={versions}"),
        ("print summary", author, f"/proposals/{proposal_id}/print"),
    ]:
        measure(app, client, label, url, requests)


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


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=20_000, help="users for the accounts benchmark")
    parser.add_argument("--proposals", type=int, help="run the proposals benchmark with this many proposals")
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
            bench_monitoring_pages(app, args.proposals or 100_000, args.requests or 50)
            with app.app_context():
                db.drop_all()
                db.engine.dispose()
            return
        if args.proposals:
            print(f"database: {url.split('@')[-1]}")
            bench_proposals(app, args.proposals, args.requests or 200)
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
