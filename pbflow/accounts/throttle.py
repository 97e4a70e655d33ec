"""Attempt counters kept in the database, so limits hold across workers and servers.

Flask-Limiter also guards these endpoints per address with its configured store
(memory by default, Redis when set); these counters are the ones that hold with
several gunicorn workers and several app servers whatever that store is.
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from pbflow.accounts.models import ThrottleHit
from pbflow.core.database import utcnow
from pbflow.extensions import db

KEEP_FOR = timedelta(days=1)


class Throttled(Exception):
    """Too many attempts for this address or account."""


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


def check(buckets, limit, window_seconds):
    if is_over_limit(buckets, limit, window_seconds):
        raise Throttled()


def count_attempt(*buckets):
    now = utcnow()
    db.session.execute(delete(ThrottleHit).where(ThrottleHit.bucket.in_(buckets), ThrottleHit.created_at < now - KEEP_FOR))
    db.session.add_all(ThrottleHit(bucket=bucket, created_at=now) for bucket in buckets)


def forget(email):
    """Remove the counters that name this address (used when an account is deleted).

    Buckets end with ":<address>"; match that suffix literally, so neither a longer
    address containing this one nor LIKE wildcards ("_" is common in addresses)
    reach another person's counters.
    """
    db.session.execute(delete(ThrottleHit).where(ThrottleHit.bucket.endswith(f":{email}", autoescape=True)))
