"""Where an audited action came from, and the one function that records it.

The web middleware and management commands set the context; services call
`audit_record` inside their transaction, so an event exists exactly when the write does.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import models

from joinedup.core.models import AuditEvent, Organisation


@dataclass(frozen=True)
class AuditContext:
    source: str
    request_id: str = ""


_context: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar(
    "joinedup_audit_context", default=None
)


def current_context() -> AuditContext:
    return _context.get() or AuditContext(source="unknown")


@contextmanager
def audit_context(source: str, request_id: str | None = None) -> Iterator[AuditContext]:
    ctx = AuditContext(source=source[:200], request_id=request_id or uuid.uuid4().hex)
    token = _context.set(ctx)
    try:
        yield ctx
    finally:
        _context.reset(token)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The audited view of a row: named fields, foreign keys as ids."""
    data = {}
    for name in fields:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        data[name] = _jsonable(getattr(instance, attname))
    return data


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    organisation: Organisation | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    ctx = current_context()
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if is_user else None,
        actor_label=(actor.get_username() if is_user else (ctx.source or "system"))[:150],
        organisation=organisation,
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=str(object_id if object_id is not None else (obj.pk if obj is not None else "")),
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        source=ctx.source,
        request_id=ctx.request_id,
    )


def audit_read(
    *,
    actor,
    obj: models.Model,
    organisation: Organisation | None,
    purpose: str,
    shown: list[dict[str, Any]],
    action: str = "personal_data.read",
) -> AuditEvent:
    """Record a read of personal data: who (actor), for which organisation, whose data
    (obj), why (purpose) and on what basis each part was shown (`shown`: category, holding
    organisation, agreement reference or None for the reader's own records)."""
    return audit_record(
        actor=actor,
        action=action,
        obj=obj,
        organisation=organisation,
        after={"purpose": purpose, "shown": shown},
    )
