"""Reads of organisation data. Each takes the acting user and returns only what they
may see; an organisation they may not see is indistinguishable from a missing one."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from joinedup.core.models import (
    ApiToken,
    AuditEvent,
    Membership,
    Organisation,
    Partnership,
    SignInAttempt,
)
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


def sign_in_locked_out(*, username: str, address: str) -> bool:
    """Too many recent failed sign-ins for this username (since its last success), or from
    this address: further attempts are refused until the window passes, even with the right
    password, so guessing cannot continue at full speed."""
    window_start = timezone.now() - dt.timedelta(seconds=settings.JOINEDUP_LOCKOUT_WINDOW_SECONDS)
    recent = SignInAttempt.objects.filter(at__gte=window_start)
    name = username.strip().lower()
    last_success = (
        recent.filter(username=name, succeeded=True).order_by("-at").values_list("at", flat=True)
    ).first()
    failures = recent.filter(username=name, succeeded=False)
    if last_success is not None:
        failures = failures.filter(at__gt=last_success)
    if failures.count() >= settings.JOINEDUP_LOCKOUT_FAILURES:
        return True
    if address:
        from_address = recent.filter(address=address, succeeded=False).count()
        if from_address >= settings.JOINEDUP_LOCKOUT_ADDRESS_FAILURES:
            return True
    return False


def api_token_list(*, actor, organisation: Organisation) -> QuerySet[ApiToken]:
    """An organisation's API tokens (never their secrets): its administrators only."""
    if organisation.pk not in organisation_ids_for(actor, ADMIN_ROLES):
        raise Http404("No such organisation")
    return ApiToken.objects.filter(organisation=organisation).order_by("-created_at")
