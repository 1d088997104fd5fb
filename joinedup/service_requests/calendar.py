"""Working days and due dates. A working day is Monday to Friday and not a bank holiday
in England and Wales (GOV.UK's list, bundled in data/service_requests/)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.utils import timezone


def is_working_day(day: dt.date, holidays: Collection[dt.date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(day: dt.date, days: int, holidays: Collection[dt.date]) -> dt.date:
    """The date `days` working days after `day` (which need not be a working day itself).
    Zero means the same day."""
    current = day
    remaining = days
    while remaining > 0:
        current += dt.timedelta(days=1)
        if is_working_day(current, holidays):
            remaining -= 1
    return current


def due_at(start: dt.datetime, working_days: int, holidays: Collection[dt.date]) -> dt.datetime:
    """The end (23:59:59 local time) of the working day `working_days` after the day of
    `start`: a missed bin reported on Friday, with a target of one working day, is due by
    the end of Monday, or Tuesday when Monday is a bank holiday."""
    local = timezone.localtime(start)
    day = add_working_days(local.date(), working_days, holidays)
    end = dt.datetime.combine(day, dt.time(23, 59, 59))
    return timezone.make_aware(end, timezone.get_current_timezone())
