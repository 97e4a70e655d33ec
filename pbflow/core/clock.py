"""What day it is in Kraków. One place, so tests can move time."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

WARSAW = ZoneInfo("Europe/Warsaw")


def now_in_warsaw():
    return datetime.now(WARSAW)


def today():
    return now_in_warsaw().date()


def day_start_utc(day):
    """The naive UTC moment Kraków's `day` begins: periods counted in Kraków days compare with stored times."""
    from datetime import time

    return datetime.combine(day, time(), WARSAW).astimezone(UTC).replace(tzinfo=None)
