"""The business day (营业日): which date an operation belongs to.

A store's business day starts at its day-start time (营业日切换时间, default 04:00 local
time): a sale at 01:30 belongs to the date before. Once a date has been closed (日结), the
operations after the close go into the next date at once, even before that date's start,
so a store that closes at 21:00 still serves a late customer (dated into tomorrow).

A date can be closed only once the clock has reached it (its day-start time), so the
business date is at most one day ahead of the clock's and a closed date is never after the
clock's date: a clock whose date is before the last closed one has been set back.
"""

from __future__ import annotations

import datetime as dt
import json
import re

from app.domain.errors import ValidationError

DEFAULT_DAY_START = dt.time(4, 0)
SETTING_KEY = "business_day"  # the counter setting that holds {"day_start": "HH:MM"}
_HOUR_MINUTE = re.compile(r"(\d{1,2})(?:[:：](\d{2}))?")


def parse_day_start(value: object) -> dt.time:
    """The day-start time from an hour (0–23, "4") or HH:MM ("04:00", "4:30")."""
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    ok = isinstance(value, int | str) and not isinstance(value, bool)
    text = str(value).strip() if ok else ""
    found = _HOUR_MINUTE.fullmatch(text)
    if found is not None:
        hour, minute = int(found[1]), int(found[2] or 0)
        if hour <= 23 and minute <= 59:
            return dt.time(hour, minute)
    raise ValidationError("day_start_invalid", value=str(value))


def format_day_start(start: dt.time) -> str:
    return f"{start.hour:02d}:{start.minute:02d}"


def stored_day_start(raw: str | None) -> dt.time:
    """The day-start time kept in the counter's settings (JSON); the default when unset."""
    if not raw:
        return DEFAULT_DAY_START
    try:
        data = json.loads(raw)
        return parse_day_start(data["day_start"])
    except (ValueError, TypeError, KeyError, ValidationError):
        return DEFAULT_DAY_START


def clock_date(local: dt.datetime, start: dt.time) -> dt.date:
    """The business date the clock is in: the local date, less a day before ``start``."""
    return (local - dt.timedelta(hours=start.hour, minutes=start.minute)).date()


def business_date(clock_day: dt.date, last_closed: dt.date | None) -> dt.date:
    """The date an operation is dated into: the clock's, or the day after the last closed."""
    if last_closed is not None and clock_day <= last_closed:
        return last_closed + dt.timedelta(days=1)
    return clock_day
