"""Issuing and revoking Open311 client keys."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.core.audit import audit_record
from joinedup.core.models import Organisation
from joinedup.integrations.open311.keys import KEY_PREFIX, key_digest
from joinedup.integrations.open311.models import Open311Client


@transaction.atomic
def open311_client_issue(
    *, actor, organisation: Organisation, name: str
) -> tuple[Open311Client, str]:
    """A new client and its key: `o311_<prefix>_<secret>`. The key is returned once and
    only its SHA-256 digest is kept. Issued from the command line by an operator, so the
    actor is usually None (the audit log names the command)."""
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise ValidationError({"name": ["Give the client a name of up to 200 characters."]})
    prefix = secrets.token_hex(6)
    while Open311Client.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(6)
    raw = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    client = Open311Client.objects.create(
        organisation=organisation, name=name, prefix=prefix, digest=key_digest(raw)
    )
    audit_record(
        actor=actor,
        action="open311.client_issue",
        obj=client,
        organisation=organisation,
        after={"name": name, "prefix": prefix},
    )
    return client, raw


@transaction.atomic
def open311_client_revoke(*, actor, client: Open311Client) -> Open311Client:
    client = Open311Client.objects.select_for_update().get(pk=client.pk)
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="open311.client_revoke",
            obj=client,
            organisation=client.organisation,
            after={"prefix": client.prefix},
        )
    return client
