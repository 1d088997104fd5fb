"""Messages in the shared citizen record: the `messages` category's provider (see
crm.registry and docs/crm.md). Registered in this app's `ready()`; the CRM never imports
this module.

A message counts as sent to a person when it went to
- an address they have verified: their resident account's email, or any email address
  or phone number on their record marked verified; or
- an address the sending organisation itself holds for them (a contact point that
  organisation recorded): its officers decided that address is the person's.
An address one organisation typed on the record does not pull in other organisations'
messages to it, so a mistyped address cannot show a stranger's messages to the person.

Only messages of the organisations the CRM passes in are included (`None` among them:
messages about the resident's account, which no organisation sent).

Links in a message's text are shown and exported as "[link removed]": some are sign-in,
email verification or password reset links, which are credentials, not the person's
data, and must not reach a subject access response or a screen someone else sees.

Erasure and retention (two years) blank who it went to and what it said but keep the row
(organisation, kind, template, status, dates) for delivery statistics."""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections import defaultdict
from collections.abc import Sequence
from functools import reduce
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import CharField, F, IntegerField, Q, QuerySet, Value
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from joinedup.crm.models import ContactKind, ContactPoint
from joinedup.crm.registry import (
    ErasureOutcome,
    LinkedRecord,
    OrganisationIds,
    organisation_filter,
)
from joinedup.integrations.govuk_notify.models import (
    MessageKind,
    MessageStatus,
    NotifyMessage,
    recipient_key,
)

CATEGORY = "messages"
# The category's name (seeded by migration 0003), marked for translation where
# residents see it.
CATEGORY_NAME = gettext_lazy("Messages sent")
ERASED = "(erased)"
LINK = re.compile(r"https?://\S+", re.IGNORECASE)
LINK_REMOVED = "[link removed]"


def without_links(text: str, replacement: str = LINK_REMOVED) -> str:
    return LINK.sub(replacement, text or "")


def _resident_status(status: str) -> str:
    if status == MessageStatus.DELIVERED:
        return _("Delivered")
    if status in (MessageStatus.QUEUED, MessageStatus.SENDING):
        return _("Sending")
    return _("Not delivered")


def _kind_label(kind: str) -> str:
    return _("Email") if kind == MessageKind.EMAIL else _("Text message")


class MessagesProvider:
    category = CATEGORY

    @staticmethod
    def _addressed_to(person_ids: Sequence[int]) -> Q | None:
        """Which messages went to the person (see the module's docstring), or None when
        they have no address at all."""
        verified: dict[str, set[str]] = {MessageKind.EMAIL: set(), MessageKind.SMS: set()}
        held: dict[int, dict[str, set[str]]] = defaultdict(
            lambda: {MessageKind.EMAIL: set(), MessageKind.SMS: set()}
        )
        # One query: the contact points on the record, and the account's own email
        # address (verified by signing up), as a verified email contact point.
        # (Every column is an annotation, so both halves select in the same order.)
        columns = ("point_kind", "point_value", "holder", "verified")
        points = (
            ContactPoint.objects.filter(person_id__in=person_ids)
            .annotate(
                point_kind=F("kind"),
                point_value=F("value"),
                holder=F("organisation_id"),
                verified=F("verified_at"),
            )
            .order_by()
            .values_list(*columns)
        )
        accounts = (
            get_user_model()
            .objects.filter(person__pk__in=person_ids)
            .exclude(email="")
            .annotate(
                point_kind=Value(ContactKind.EMAIL, output_field=CharField()),
                point_value=F("email"),
                holder=Value(None, output_field=IntegerField()),
                verified=F("date_joined"),
            )
            .order_by()
            .values_list(*columns)
        )
        for kind, value, organisation_id, verified_at in points.union(accounts, all=True):
            message_kind = MessageKind.EMAIL if kind == ContactKind.EMAIL else MessageKind.SMS
            key = recipient_key(message_kind, value)
            if not key or key == ERASED:
                continue
            if verified_at is not None:
                verified[message_kind].add(key)
            elif organisation_id is not None:
                held[organisation_id][message_kind].add(key)

        def to(keys: dict[str, set[str]]) -> Q | None:
            parts = [
                Q(kind=kind, recipient_key__in=sorted(values))
                for kind, values in keys.items()
                if values
            ]
            return reduce(operator.or_, parts) if parts else None

        found = [to(verified)] + [
            Q(organisation_id=organisation_id) & q
            for organisation_id, keys in held.items()
            if (q := to(keys)) is not None
        ]
        parts = [q for q in found if q is not None]
        return reduce(operator.or_, parts) if parts else None

    def _messages(
        self, person_ids: Sequence[int], organisation_ids: OrganisationIds
    ) -> QuerySet[NotifyMessage]:
        addressed = self._addressed_to(person_ids)
        if addressed is None:
            return NotifyMessage.objects.none()
        return NotifyMessage.objects.filter(
            addressed, organisation_filter(organisation_ids)
        ).order_by("-created_at", "pk")

    def records(
        self, *, person_ids: Sequence[int], organisation_ids: OrganisationIds
    ) -> list[LinkedRecord]:
        removed = _("[link removed]")
        return [
            LinkedRecord(
                category=self.category,
                organisation_id=m.organisation_id,
                kind=_kind_label(m.kind),
                reference=str(m.pk),
                title=m.subject or Truncator(without_links(m.body, removed)).chars(80),
                status=_resident_status(m.status),
                occurred_at=m.sent_at or m.created_at,
                details={
                    "message_kind": m.kind,
                    "subject": m.subject,
                    "body": without_links(m.body, removed),
                    "delivery_status": m.status,
                },
            )
            for m in self._messages(person_ids, organisation_ids)
        ]

    def export(
        self, *, person_ids: Sequence[int], organisation_ids: OrganisationIds
    ) -> list[dict[str, Any]]:
        return [
            {
                "organisation": m.organisation_id,
                "kind": m.kind,
                "to": m.recipient,
                "subject": m.subject,
                "body": without_links(m.body),
                "language": m.language,
                "status": m.status,
                "created_at": m.created_at.isoformat(),
                "sent_at": m.sent_at.isoformat() if m.sent_at else None,
            }
            for m in self._messages(person_ids, organisation_ids)
        ]

    @staticmethod
    def _anonymise(messages: QuerySet[NotifyMessage]) -> int:
        return messages.update(
            recipient=ERASED,
            recipient_key="",
            subject="",
            body=ERASED,
            personalisation={},
            reference="",
            error="",
        )

    def anonymise(
        self, *, person_ids: Sequence[int], organisation_ids: OrganisationIds
    ) -> ErasureOutcome:
        count = self._anonymise(self._messages(person_ids, organisation_ids))
        return ErasureOutcome(
            category=self.category,
            anonymised=count,
            notes=[
                "Who each message went to and what it said are erased; the organisation, "
                "kind, template, delivery status and dates are kept for delivery statistics"
            ],
        )

    def expire(self, *, before: dt.datetime) -> int:
        return self._anonymise(
            NotifyMessage.objects.filter(created_at__lt=before).exclude(recipient=ERASED)
        )
