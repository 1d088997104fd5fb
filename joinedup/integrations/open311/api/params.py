"""Reading Open311 parameters: dates, lists, attributes, and the errors of the spec.

GeoReport v2 rules followed here: an empty parameter is treated as absent; dates are W3C
(ISO 8601) with a time zone; `attribute[code]` carries an answer and
`attribute[code][]` one of several answers to a multivaluelist question."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from joinedup.service_requests.questions import has_control_characters

ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]{1,50})\](\[\])?$")
MAX_IDS = 1000


class Open311Error(Exception):
    """An error to answer with the spec's envelope."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def bad(description: str) -> Open311Error:
    return Open311Error(400, description)


def present(data, name: str) -> str:
    """A parameter's value, '' when absent or empty; refuses values no system should
    send (control characters, which XML cannot carry and PostgreSQL will not store)."""
    value = data.get(name, "")
    if not isinstance(value, str):
        value = str(value)
    value = value.strip()
    if has_control_characters(value):
        raise bad(f"{name} contains characters that are not allowed.")
    return value


def number(data, name: str, low: float, high: float) -> float | None:
    text = present(data, name)
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise bad(f"{name} must be a number.") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise bad(f"{name} must be a number between {low:g} and {high:g}.")
    return value


def w3c_datetime(data, name: str) -> dt.datetime | None:
    """A W3C date-time; a date alone means the start of that day, and one without a time
    zone is taken as UK time."""
    text = present(data, name)
    if not text:
        return None
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            if day is not None:
                moment = dt.datetime.combine(day, dt.time())
    except ValueError:
        moment = None
    if moment is None or not (1900 <= moment.year <= 2999):
        raise bad(f"{name} must be a W3C date and time, for example 2026-11-26T09:30:00Z.")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_current_timezone())
    return moment


def w3c(moment: dt.datetime | None, tz: dt.tzinfo | None = None) -> str:
    """A date-time as GeoReport v2 writes it: UK local time with its offset. Pass the
    time zone when formatting many, to look it up once."""
    if moment is None:
        return ""
    return moment.astimezone(tz or timezone.get_current_timezone()).isoformat(timespec="seconds")


def comma_list(data, name: str, *, limit: int = 100) -> list[str]:
    text = present(data, name)
    if not text:
        return []
    items = [item.strip() for item in text.split(",") if item.strip()]
    if len(items) > limit:
        raise bad(f"{name} lists more than {limit} values.")
    return items


def id_list(data, name: str) -> list[int]:
    ids = []
    for item in comma_list(data, name, limit=MAX_IDS):
        if not (item.isascii() and item.isdigit()) or len(item) > 12:
            raise bad(f"{name} must be a comma-separated list of request ids (numbers).")
        ids.append(int(item))
    return ids


def attributes(data) -> dict[str, Any]:
    """`attribute[code]=v` → {code: v}; `attribute[code][]=a&attribute[code][]=b` →
    {code: [a, b]}."""
    answers: dict[str, Any] = {}
    for key in data:
        match = ATTRIBUTE.match(key)
        if not match:
            continue
        code, many = match.group(1), bool(match.group(2))
        values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
        values = [str(v) for v in values]
        for value in values:
            if has_control_characters(value):
                raise bad(f"{key} contains characters that are not allowed.")
        if many:
            answers.setdefault(code, [])
            if isinstance(answers[code], list):
                answers[code].extend(values)
        else:
            answers[code] = values if len(values) > 1 else values[0]
    return answers
