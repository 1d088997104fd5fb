"""The CRM's own person data providers: contact details, contact history and consent.
They are registered like any other module's (apps.py), so the registry is exercised by
the categories the CRM owns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from joinedup.crm.models import Address, Consent, ContactEvent, ContactPoint, PersonHolding
from joinedup.crm.registry import (
    ErasureOutcome,
    LinkedRecord,
    OrganisationIds,
    PersonDataProvider,
    organisation_filter,
)

ERASED = "(erased)"
CONTACT_DETAILS = "contact_details"
CONTACT_HISTORY = "contact_history"
CONSENT = "consent"


class ContactDetailsProvider:
    category = CONTACT_DETAILS

    def _points(self, person_ids: Sequence[int], organisation_ids: OrganisationIds):
        return ContactPoint.objects.filter(
            organisation_filter(organisation_ids), person_id__in=person_ids
        ).order_by("kind", "id")

    def _addresses(self, person_ids: Sequence[int], organisation_ids: OrganisationIds):
        return Address.objects.filter(
            organisation_filter(organisation_ids), person_id__in=person_ids
        ).order_by("id")

    def records(
        self, *, person_ids: Sequence[int], organisation_ids: OrganisationIds
    ) -> list[LinkedRecord]:
        result = [
            LinkedRecord(
                category=self.category,
                organisation_id=a.organisation_id,
                kind=_("Address"),
                reference=f"address-{a.pk}",
                title=str(a),
                occurred_at=a.created_at,
                details={"uprn": a.uprn},
            )
            for a in self._addresses(person_ids, organisation_ids)
        ]
        result += [
            LinkedRecord(
                category=self.category,
                organisation_id=p.organisation_id,
                kind=p.get_kind_display(),
                reference=f"contact-point-{p.pk}",
                title=p.value,
                status=_("Verified") if p.verified_at else "",
                occurred_at=p.created_at,
            )
            for p in self._points(person_ids, organisation_ids)
        ]
        return result

    def export(
        self, *, person_ids: Sequence[int], organisation_ids: OrganisationIds
    ) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = [
            {
                "type": "address",
                "organisation": a.organisation_id,
                "line_1": a.line_1,
                "line_2": a.line_2,
                "town": a.town,
                "postcode": a.postcode,
                "uprn": a.uprn,
                "recorded_at": a.created_at.isoformat(),
            }
            for a in self._addresses(person_ids, organisation_ids)
        ]
        rows += [
            {
                "type": p.kind,
                "organisation": p.organisation_id,
                "value": p.value,
                "verified_at": p.verified_at.isoformat() if p.verified_at else None,
                "recorded_at": p.created_at.isoformat(),
            }
            for p in self._points(person_ids, organisation_ids)
        ]
        return rows

    def anonymise(
        self, *, person_ids: Sequence[int], organisation_ids: OrganisationIds
    ) -> ErasureOutcome:
        addresses = self._addresses(person_ids, organisation_ids).update(
            line_1=ERASED, line_2="", town="", postcode="", uprn=None
        )
        points = self._points(person_ids, organisation_ids).update(
            value=ERASED, normalised="", verified_at=None
        )
        holdings = PersonHolding.objects.filter(
            organisation_filter(organisation_ids), person_id__in=person_ids
        ).delete()[0]
        return ErasureOutcome(
            category=self.category,
            anonymised=addresses + points,
            notes=[f"{holdings} organisation(s) no longer hold the person's identity"],
        )

    def expire(self, *, before: dt.datetime) -> int:
        # Contact details are kept while the person is known; they go on erasure.
        return 0


class ContactHistoryProvider:
    category = CONTACT_HISTORY

    def _events(self, person_ids: Sequence[int], organisation_ids: OrganisationIds):
        return ContactEvent.objects.filter(
            organisation_filter(organisation_ids), person_id__in=person_ids
        ).select_related("officer")

    def records(
        self, *, person_ids: Sequence[int], organisation_ids: OrganisationIds
    ) -> list[LinkedRecord]:
        return [
            LinkedRecord(
                category=self.category,
                organisation_id=e.organisation_id,
                kind=e.get_channel_display(),
                reference=f"contact-{e.pk}",
                title=e.summary,
                status=_("From the person") if e.inbound else _("To the person"),
                occurred_at=e.occurred_at,
            )
            for e in self._events(person_ids, organisation_ids)
        ]

    def export(
        self, *, person_ids: Sequence[int], organisation_ids: OrganisationIds
    ) -> list[dict[str, Any]]:
        return [
            {
                "organisation": e.organisation_id,
                "channel": e.channel,
                "inbound": e.inbound,
                "occurred_at": e.occurred_at.isoformat(),
                "summary": e.summary,
                "officer": e.officer.get_full_name() or e.officer.username if e.officer else None,
            }
            for e in self._events(person_ids, organisation_ids)
        ]

    def anonymise(
        self, *, person_ids: Sequence[int], organisation_ids: OrganisationIds
    ) -> ErasureOutcome:
        count = (
            self._events(person_ids, organisation_ids)
            .exclude(summary=ERASED)
            .update(summary=ERASED)
        )
        return ErasureOutcome(
            category=self.category,
            anonymised=count,
            notes=["Channel and date kept for contact statistics; what was said is erased"],
        )

    def expire(self, *, before: dt.datetime) -> int:
        return (
            ContactEvent.objects.filter(occurred_at__lt=before)
            .exclude(summary=ERASED)
            .update(summary=ERASED)
        )


class ConsentProvider:
    """Consents belong to the person; an organisation sees those for agreements it is a
    party to."""

    category = CONSENT

    def _consents(self, person_ids: Sequence[int], organisation_ids: OrganisationIds):
        qs = Consent.objects.filter(person_id__in=person_ids).select_related("agreement")
        if organisation_ids is not None:
            ids = [o for o in organisation_ids if o is not None]
            qs = qs.filter(Q(agreement__parties__organisation_id__in=ids)).distinct()
        return qs

    def records(
        self, *, person_ids: Sequence[int], organisation_ids: OrganisationIds
    ) -> list[LinkedRecord]:
        return [
            LinkedRecord(
                category=self.category,
                organisation_id=None,
                kind=_("Consent"),
                reference=c.agreement.reference,
                title=c.agreement.title,
                status=_("Withdrawn") if c.withdrawn_at else _("Given"),
                occurred_at=c.withdrawn_at or c.given_at,
            )
            for c in self._consents(person_ids, organisation_ids)
        ]

    def export(
        self, *, person_ids: Sequence[int], organisation_ids: OrganisationIds
    ) -> list[dict[str, Any]]:
        return [
            {
                "agreement": c.agreement.reference,
                "title": c.agreement.title,
                "given_at": c.given_at.isoformat(),
                "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
            }
            for c in self._consents(person_ids, organisation_ids)
        ]

    def anonymise(
        self, *, person_ids: Sequence[int], organisation_ids: OrganisationIds
    ) -> ErasureOutcome:
        kept = self._consents(person_ids, organisation_ids).count()
        return ErasureOutcome(category=self.category, kept=kept)

    def expire(self, *, before: dt.datetime) -> int:
        return 0


PROVIDERS: list[PersonDataProvider] = [
    ContactDetailsProvider(),
    ContactHistoryProvider(),
    ConsentProvider(),
]
