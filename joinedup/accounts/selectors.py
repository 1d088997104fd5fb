"""What a resident sees of themselves: every record any partner holds about them
(through the CRM's registry), the messages sent to them, their consent choices and the
partners' privacy notices."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404

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

# How many records of each section "Your account" shows; the rest are a link away.
SUMMARY_SIZE = 10


@dataclass
class ConsentChoice:
    agreement: DataSharingAgreement
    given: bool
    organisations: list[str]


@dataclass
class AccountSection:
    """One category of what the partners hold about the resident: every record, newest
    first."""

    category: DataCategory
    records: list[registry.LinkedRecord] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.category.code

    @property
    def is_messages(self) -> bool:
        return self.category.code == MESSAGES

    @property
    def total(self) -> int:
        return len(self.records)

    @property
    def latest(self) -> list[registry.LinkedRecord]:
        return self.records[:SUMMARY_SIZE]

    @property
    def has_more(self) -> bool:
        return self.total > SUMMARY_SIZE


@dataclass
class AccountOverview:
    person: Person | None
    sections: list[AccountSection] = field(default_factory=list)
    organisations: dict[int, str] = field(default_factory=dict)
    consents: list[ConsentChoice] = field(default_factory=list)
    # The `messages` category, shown in its own section ("Messages we sent you").
    messages: AccountSection | None = None


def _newest_first(records: list[registry.LinkedRecord]) -> list[registry.LinkedRecord]:
    """Newest first; records without a date last, each category's own order kept among
    equals."""
    dated = sorted(
        (r for r in records if r.occurred_at is not None),
        key=lambda r: r.occurred_at,  # type: ignore[arg-type,return-value]
        reverse=True,
    )
    return dated + [r for r in records if r.occurred_at is None]


def _section(
    category: DataCategory, provider: registry.PersonDataProvider, person_ids: list[int]
) -> AccountSection:
    if not person_ids:
        return AccountSection(category=category)
    records = provider.records(person_ids=person_ids, organisation_ids=None)
    return AccountSection(category=category, records=_newest_first(records))


def account_overview(*, user: User) -> AccountOverview:
    person = Person.objects.filter(user=user).first()
    if person is None:
        return AccountOverview(person=None)
    ids = person.identity_ids()
    categories = {c.code: c for c in DataCategory.objects.all()}
    sections = []
    messages: AccountSection | None = None
    for provider in registry.providers():
        category = categories.get(provider.category)
        if category is None:
            continue
        section = _section(category, provider, ids)
        if section.is_messages:
            messages = section
        else:
            sections.append(section)
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
        organisations=organisation_names(),
        consents=consents,
        messages=messages,
    )


def account_section(*, user: User, code: str) -> AccountSection:
    """Every record of one category the resident's account shows, newest first. A
    category "Your account" does not show (none by that code, or no module holds records
    in it) is a 404."""
    category = DataCategory.objects.filter(code=code).first()
    provider = registry.provider_for(code)
    if category is None or provider is None:
        raise Http404("No such section")
    person = Person.objects.filter(user=user).first()
    return _section(category, provider, person.identity_ids() if person else [])


def organisation_names() -> dict[int, str]:
    return dict(Organisation.objects.values_list("pk", "name"))


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
