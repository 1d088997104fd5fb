from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.db.models import QuerySet

from joinedup.core.audit import audit_record
from joinedup.core.models import Organisation
from joinedup.core.permissions import READ_ROLES, organisation_ids_for
from joinedup.integrations.govuk_notify.models import NotifyMessage


def notify_message_list(*, actor) -> QuerySet[NotifyMessage]:
    """Messages sent for the organisations the actor works for."""
    return NotifyMessage.objects.filter(
        organisation_id__in=organisation_ids_for(actor, READ_ROLES)
    ).select_related("organisation")


def notify_messages_shown(*, actor, messages: Sequence[NotifyMessage]) -> None:
    """The outbox shows who each message went to (residents' email addresses and phone
    numbers, e.g. people who reported a problem) and what it said: a read of personal
    data, audited for each organisation with the messages shown."""
    by_organisation: dict[int | None, list[str]] = defaultdict(list)
    for message in messages:
        by_organisation[message.organisation_id].append(str(message.pk))
    for organisation_id, ids in sorted(by_organisation.items(), key=lambda i: i[0] or 0):
        audit_record(
            actor=actor,
            action="personal_data.read",
            object_type="govuk_notify.outbox",
            object_id="",
            organisation=Organisation(pk=organisation_id) if organisation_id else None,
            after={
                "purpose": "Viewing the messages sent",
                "shown": [
                    {"category": "messages", "organisation": organisation_id, "messages": ids}
                ],
            },
        )
