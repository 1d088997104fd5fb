"""What a resident sees of themselves: every record any partner holds about them
(through the CRM's registry), the messages sent to them, their consent choices and the
partners' privacy notices."""

from __future__ import annotations

from dataclasses import dataclass, field

from joinedup.core.models import Organisation, User
from joinedup.crm import registry
from joinedup.crm.models import (
    Consent,
    DataCategory,
    DataSharingAgreement,
    LawfulBasis,
    Person,
    PrivacyNotice,
)
from joinedup.integrations.govuk_notify.person_data import CATEGORY as MESSAGES


@dataclass
class ConsentChoice:
    agreement: DataSharingAgreement
    given: bool
    organisations: list[str]


@dataclass
class AccountOverview:
    person: Person | None
    sections: list[tuple[DataCategory, list[registry.LinkedRecord]]] = field(default_factory=list)
    organisations: dict[int, str] = field(default_factory=dict)
    consents: list[ConsentChoice] = field(default_factory=list)
    # The `messages` category, shown in its own section ("Messages we sent you").
    messages: list[registry.LinkedRecord] = field(default_factory=list)


def account_overview(*, user: User) -> AccountOverview:
    person = Person.objects.filter(user=user).first()
    if person is None:
        return AccountOverview(person=None)
    ids = person.identity_ids()
    categories = {c.code: c for c in DataCategory.objects.all()}
    sections = []
    messages: list[registry.LinkedRecord] = []
    for provider in registry.providers():
        category = categories.get(provider.category)
        if category is None:
            continue
        records = provider.records(person_ids=ids, organisation_ids=None)
        if provider.category == MESSAGES:
            messages = records
        else:
            sections.append((category, records))
    given = set(
        Consent.objects.filter(person_id__in=ids, withdrawn_at__isnull=True).values_list(
            "agreement_id", flat=True
        )
    )
    consents = [
        ConsentChoice(
            agreement=agreement,
            given=agreement.pk in given,
            organisations=[p.organisation.name for p in agreement.parties.all()],
        )
        for agreement in DataSharingAgreement.objects.in_force_on()
        .filter(lawful_basis=LawfulBasis.CONSENT)
        .prefetch_related("parties__organisation", "categories")
        .order_by("reference")
    ]
    return AccountOverview(
        person=person,
        sections=sections,
        organisations=dict(Organisation.objects.values_list("pk", "name")),
        consents=consents,
        messages=messages,
    )


def consent_agreement_get(*, reference: str) -> DataSharingAgreement | None:
    return (
        DataSharingAgreement.objects.in_force_on()
        .filter(reference=reference, lawful_basis=LawfulBasis.CONSENT)
        .first()
    )


def privacy_notices() -> list[PrivacyNotice]:
    latest: dict[int, PrivacyNotice] = {}
    for notice in PrivacyNotice.objects.select_related("organisation").order_by(
        "organisation__name", "-published_on"
    ):
        latest.setdefault(notice.organisation_id, notice)
    return list(latest.values())
