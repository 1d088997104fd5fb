"""Checking the answers to a service's questions (Open311 attributes), the same way for
the report form and for Open311 clients."""

from __future__ import annotations

import math
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from joinedup.service_requests.index import QuestionInfo, RequestTypeInfo
from joinedup.service_requests.models import Datatype

STRING_MAX = 255
TEXT_MAX = 4000
# Characters XML 1.0 cannot carry and PostgreSQL will not store (NUL); tab, newline and
# carriage return are allowed.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def has_control_characters(text: str) -> bool:
    return bool(CONTROL.search(text))


def field_name(code: str) -> str:
    return f"attribute[{code}]"


def _clean_one(question: QuestionInfo, value: Any) -> Any:
    name = field_name(question.code)
    if value is None:
        return None
    if question.datatype == Datatype.MULTI:
        values = value if isinstance(value, list) else [value]
        values = [str(v).strip() for v in values if str(v).strip()]
        if not values:
            return None
        unknown = [v for v in values if v not in question.keys]
        if unknown:
            raise ValidationError(
                {name: [_("%(value)s is not one of the choices.") % {"value": unknown[0][:50]}]}
            )
        return sorted(set(values), key=values.index)
    if isinstance(value, list):
        if len(value) > 1:
            raise ValidationError({name: [_("Give one answer only.")]})
        value = value[0] if value else ""
    text = str(value).strip()
    if not text:
        return None
    if has_control_characters(text):
        raise ValidationError({name: [_("The answer contains characters we cannot accept.")]})
    if question.datatype == Datatype.SINGLE:
        if text not in question.keys:
            raise ValidationError(
                {name: [_("%(value)s is not one of the choices.") % {"value": text[:50]}]}
            )
        return text
    if question.datatype == Datatype.NUMBER:
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if not math.isfinite(number) or abs(number) > 1e12:
            raise ValidationError({name: [_("Enter a number.")]})
        return int(number) if number.is_integer() else number
    if question.datatype == Datatype.DATETIME:
        try:
            # A date alone stays a date (Django's parse_datetime would make it midnight).
            moment = (
                parse_date(text)
                if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text)
                else parse_datetime(text)
            )
        except ValueError:
            moment = None
        if moment is None:
            raise ValidationError({name: [_("Enter a date, for example 2026-11-24.")]})
        return moment.isoformat()
    limit = TEXT_MAX if question.datatype == Datatype.TEXT else STRING_MAX
    if len(text) > limit:
        raise ValidationError(
            {name: [_("Answer in %(limit)s characters or fewer.") % {"limit": limit}]}
        )
    return text


def clean_answers(request_type: RequestTypeInfo, raw: dict[str, Any]) -> dict[str, Any]:
    """The answers as stored: each checked against its datatype and choices, required
    ones present. Answers to questions the service does not ask are left out (Open311
    clients such as FixMyStreet send their own, e.g. `fixmystreet_id`)."""
    errors: dict[str, list[str]] = {}
    answers: dict[str, Any] = {}
    for question in request_type.questions:
        try:
            value = _clean_one(question, raw.get(question.code))
        except ValidationError as exc:
            errors.update(exc.message_dict)
            continue
        if value is None:
            if question.required:
                errors[field_name(question.code)] = [
                    _("Answer this question: %(question)s") % {"question": question.description}
                ]
            continue
        answers[question.code] = value
    if errors:
        raise ValidationError(errors)
    return answers


def answer_labels(
    request_type: RequestTypeInfo, answers: dict[str, Any], language: str
) -> list[tuple[str, str]]:
    """(question, answer) pairs to show people, with choices by their names."""
    rows = []
    for question in request_type.questions:
        if question.code not in answers:
            continue
        value = answers[question.code]
        names = {v.key: v.localised(language) for v in question.values}
        if isinstance(value, list):
            shown = ", ".join(names.get(str(v), str(v)) for v in value)
        else:
            shown = names.get(str(value), str(value))
        rows.append((question.localised(language)[0], shown))
    return rows
