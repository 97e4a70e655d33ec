"""What day it is in Kraków. One place, so tests can move time."""

from datetime import datetime
from zoneinfo import ZoneInfo

WARSAW = ZoneInfo("Europe/Warsaw")


def now_in_warsaw():
    return datetime.now(WARSAW)


def today():
    return now_in_warsaw().date()
