"""Benchmark: response time and SQL statements per page, on a database with many users."""

import argparse
import statistics
import tempfile
import time

from sqlalchemy import event, insert
from werkzeug.security import generate_password_hash

from pbflow import create_app, demo
from pbflow.accounts.models import User, UserRole
from pbflow.config import normalise_database_url
from pbflow.extensions import db


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
    print(f"{label:<34} p50 {statistics.median(timings):7.1f} ms   p95 {p95:7.1f} ms   {len(statements):3d} queries")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    import os

    with tempfile.TemporaryDirectory() as folder:
        url = normalise_database_url(os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3")
        app = build_app(url, folder)
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
