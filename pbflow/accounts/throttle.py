"""Attempt counters kept in the database, so limits hold across workers and servers.

Flask-Limiter also guards these endpoints per address with its configured store
(memory by default, Redis when set); these counters are the ones that hold with
several gunicorn workers and several app servers whatever that store is.
"""

import ipaddress
import math
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select, text

from pbflow.accounts.models import ThrottleHit
from pbflow.core.database import utcnow
from pbflow.extensions import db

KEEP_FOR = timedelta(days=1)


class Throttled(Exception):
    """Too many attempts for this address or account; `retry_after` says in how many seconds one counts again."""

    def __init__(self, retry_after):
        super().__init__(retry_after)
        self.retry_after = retry_after


def is_over_limit(buckets, limit, window_seconds):
    if not current_app.config["THROTTLE_ENABLED"]:
        return False
    since = utcnow() - timedelta(seconds=window_seconds)
    count = db.session.scalar(
        select(func.count()).select_from(ThrottleHit)
        .where(ThrottleHit.bucket.in_(list(buckets)), ThrottleHit.created_at >= since)
        .group_by(ThrottleHit.bucket).order_by(func.count().desc()).limit(1)
    )
    return (count or 0) >= limit


def address_bucket(ip):
    """IPv6 clients get a whole /64 each (one home or phone), or they could rotate addresses."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip or "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _serialise(buckets):
    """Count and record atomically. SQLite's BEGIN IMMEDIATE already serialises writers;
    on PostgreSQL concurrent requests would all read a count under the limit, so take a
    transaction-scoped advisory lock per bucket (sorted, so two requests never deadlock)."""
    if db.session.get_bind().dialect.name == "postgresql":
        for bucket in sorted(set(buckets)):
            db.session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:bucket, 0))"), {"bucket": bucket})


def check(buckets, limit, window_seconds):
    """Raise Throttled when any bucket is at its limit; holds the buckets until the commit."""
    if not current_app.config["THROTTLE_ENABLED"]:
        return
    _serialise(buckets)
    if is_over_limit(buckets, limit, window_seconds):
        raise Throttled(retry_after(buckets, limit, window_seconds))


def retry_after(buckets, limit, window_seconds):
    """Seconds until every bucket is under its limit again: the window slides, so that is when enough of
    the oldest attempts in it have aged out (at least one second)."""
    now = utcnow()
    window = timedelta(seconds=window_seconds)
    wait = 1
    for bucket in set(buckets):
        times = db.session.scalars(select(ThrottleHit.created_at).where(
            ThrottleHit.bucket == bucket, ThrottleHit.created_at >= now - window).order_by(ThrottleHit.created_at)).all()
        if len(times) >= limit:
            wait = max(wait, math.ceil((times[len(times) - limit] + window - now).total_seconds()))
    return wait


def count_attempt(*buckets):
    now = utcnow()
    # Forget everyone's attempts older than a day, as the privacy notice promises.
    db.session.execute(delete(ThrottleHit).where(ThrottleHit.created_at < now - KEEP_FOR))
    db.session.add_all(ThrottleHit(bucket=bucket, created_at=now) for bucket in buckets)


def forget(email):
    """Remove the counters that name this address (used when an account is deleted).

    Buckets end with ":<address>"; match that suffix literally, so neither a longer
    address containing this one nor LIKE wildcards ("_" is common in addresses)
    reach another person's counters.
    """
    db.session.execute(delete(ThrottleHit).where(ThrottleHit.bucket.endswith(f":{email}", autoescape=True)))
