from __future__ import annotations

from django.db.models import QuerySet

from joinedup.core.permissions import READ_ROLES, organisation_ids_for
from joinedup.integrations.govuk_notify.models import NotifyMessage


def notify_message_list(*, actor) -> QuerySet[NotifyMessage]:
    """Messages sent for the organisations the actor works for."""
    return NotifyMessage.objects.filter(
        organisation_id__in=organisation_ids_for(actor, READ_ROLES)
    ).select_related("organisation")
