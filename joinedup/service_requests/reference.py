"""Loading the reference data of service requests from the bundled files: the request
types with their questions (data/service_requests/request-types.yaml) and GOV.UK's bank
holidays (data/service_requests/bank-holidays.json). Both loads are idempotent."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import transaction

from joinedup.catalogue.models import Service
from joinedup.core.audit import audit_record
from joinedup.service_requests.models import BankHoliday, Datatype, Question, RequestType

DATA = Path(settings.BASE_DIR) / "data" / "service_requests"
REQUEST_TYPES_FILE = DATA / "request-types.yaml"
BANK_HOLIDAYS_FILE = DATA / "bank-holidays.json"


class ReferenceFileError(Exception):
    """A problem with a reference file, said in one line."""


@dataclass
class LoadResult:
    request_types: int = 0
    questions: int = 0
    bank_holidays: int = 0


def _question_values(entry: dict[str, Any], where: str) -> list[dict[str, str]]:
    values = []
    for value in entry.get("values") or []:
        if not isinstance(value, dict) or not {"key", "name"} <= set(value):
            raise ReferenceFileError(f"{where}: each value needs a key and a name")
        values.append(
            {
                "key": str(value["key"]),
                "name": str(value["name"]),
                "name_cy": str(value.get("name_cy", "")),
            }
        )
    return values


@transaction.atomic
def request_types_load(*, actor, path: Path = REQUEST_TYPES_FILE) -> LoadResult:
    """Create or update every request type in the file and replace its questions."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ReferenceFileError(f"{path.name}: cannot read ({exc})") from None
    result = LoadResult()
    for entry in (data or {}).get("request_types") or []:
        code = entry.get("service")
        service = Service.objects.filter(code=code).first()
        if service is None:
            raise ReferenceFileError(
                f"{path.name}: no catalogue service {code!r} (run catalogue_load)"
            )
        request_type, _ = RequestType.objects.update_or_create(
            service=service,
            defaults={
                "group": entry["group"],
                "group_cy": entry.get("group_cy", ""),
                "description": entry.get("description", ""),
                "description_cy": entry.get("description_cy", ""),
                "working_days": int(entry.get("working_days", 5)),
                "anonymous_allowed": bool(entry.get("anonymous", False)),
                "duplicate_radius_m": int(entry.get("duplicate_radius_m", 50)),
                "active": bool(entry.get("active", True)),
            },
        )
        wanted = []
        for order, q in enumerate(entry.get("questions") or [], start=1):
            where = f"{path.name}: {code}.{q.get('code')}"
            if q.get("datatype") not in Datatype.values:
                raise ReferenceFileError(f"{where}: unknown datatype {q.get('datatype')!r}")
            values = _question_values(q, where)
            if q["datatype"] in (Datatype.SINGLE, Datatype.MULTI) and not values:
                raise ReferenceFileError(f"{where}: a list question needs values")
            wanted.append(
                Question(
                    request_type=request_type,
                    code=q["code"],
                    order=order,
                    datatype=q["datatype"],
                    required=bool(q.get("required", False)),
                    description=q["description"],
                    description_cy=q.get("description_cy", ""),
                    datatype_description=q.get("datatype_description", ""),
                    datatype_description_cy=q.get("datatype_description_cy", ""),
                    values=values,
                )
            )
        current = [
            (
                q.code,
                q.order,
                q.datatype,
                q.required,
                q.description,
                q.description_cy,
                q.datatype_description,
                q.datatype_description_cy,
                q.values,
            )
            for q in request_type.questions.order_by("order")
        ]
        new = [
            (
                q.code,
                q.order,
                q.datatype,
                q.required,
                q.description,
                q.description_cy,
                q.datatype_description,
                q.datatype_description_cy,
                q.values,
            )
            for q in wanted
        ]
        if current != new:
            request_type.questions.all().delete()
            Question.objects.bulk_create(wanted)
            request_type.save(update_fields=["updated_at"])
        result.request_types += 1
        result.questions += len(wanted)
    audit_record(
        actor=actor,
        action="service_requests.request_types_load",
        object_type="service_requests.requesttype",
        object_id=path.name,
        after={"request_types": result.request_types, "questions": result.questions},
    )
    return result


@transaction.atomic
def bank_holidays_load(*, actor, path: Path = BANK_HOLIDAYS_FILE) -> int:
    """Add the bank holidays in GOV.UK's bank-holidays.json format that are not held yet
    (every division); returns how many were added."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReferenceFileError(f"{path.name}: cannot read ({exc})") from None
    existing = set(BankHoliday.objects.values_list("division", "date"))
    new = []
    for division, block in data.items():
        for event in block.get("events", []):
            day = dt.date.fromisoformat(event["date"])
            if (division, day) not in existing:
                new.append(BankHoliday(division=division, date=day, title=event["title"][:100]))
                existing.add((division, day))
    BankHoliday.objects.bulk_create(new)
    if new:
        audit_record(
            actor=actor,
            action="service_requests.bank_holidays_load",
            object_type="service_requests.bankholiday",
            object_id=path.name,
            after={"added": len(new)},
        )
    return len(new)
