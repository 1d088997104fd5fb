"""Reads of organisation data. Each takes the acting user and returns only what they
may see; an organisation they may not see is indistinguishable from a missing one."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from joinedup.core.models import AuditEvent, Membership, Organisation, Partnership
from joinedup.core.permissions import ADMIN_ROLES, READ_ROLES, organisation_ids_for


def organisation_list_for_actor(*, actor) -> QuerySet[Organisation]:
    """The organisations the actor works for."""
    return Organisation.objects.filter(pk__in=organisation_ids_for(actor, READ_ROLES)).order_by(
        "name"
    )


def organisation_get_for_actor(*, actor, slug: str) -> Organisation:
    try:
        return organisation_list_for_actor(actor=actor).get(slug=slug)
    except Organisation.DoesNotExist as exc:
        raise Http404("No such organisation") from exc


def organisation_public_list(*, kinds: list[str] | None = None) -> QuerySet[Organisation]:
    """Public facts about bodies (name, kind, homepage); no actor needed."""
    qs = Organisation.objects.all()
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return qs


def membership_list(*, actor, organisation: Organisation) -> QuerySet[Membership]:
    """People working for `organisation`: visible to anyone who works there."""
    if organisation.pk not in organisation_ids_for(actor, READ_ROLES):
        raise Http404("No such organisation")
    return organisation.memberships.select_related("user").order_by("user__username")


def audit_event_list(*, actor, organisation: Organisation) -> QuerySet[AuditEvent]:
    """An organisation's audit trail: only its administrators may read it."""
    if organisation.pk not in organisation_ids_for(actor, ADMIN_ROLES):
        raise Http404("No such organisation")
    return AuditEvent.objects.filter(organisation=organisation).select_related("actor")


def partnership_list_for_actor(*, actor) -> QuerySet[Partnership]:
    org_ids = organisation_ids_for(actor, READ_ROLES)
    return Partnership.objects.filter(memberships__organisation_id__in=org_ids).distinct()
