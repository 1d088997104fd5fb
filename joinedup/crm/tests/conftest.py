"""People and agreements for the CRM's tests."""

import datetime as dt

import pytest
from django.utils import timezone

from joinedup.crm import services
from joinedup.crm.models import AgreementParty, DataSharingAgreement, LawfulBasis, Person


def make_agreement(
    reference: str,
    parties,
    categories: list[str],
    lawful_basis: str = LawfulBasis.PUBLIC_TASK,
    signed: bool = True,
    start: dt.date = dt.date(2025, 4, 1),
    end: dt.date | None = None,
) -> DataSharingAgreement:
    agreement = DataSharingAgreement.objects.create(
        reference=reference,
        title=f"Agreement {reference}",
        purpose="Joined-up help for residents who contact more than one partner",
        lawful_basis=lawful_basis,
        start_date=start,
        end_date=end,
        review_date=dt.date(2027, 4, 1),
    )
    from joinedup.crm.models import DataCategory

    agreement.categories.set(DataCategory.objects.filter(code__in=categories))
    for org in parties:
        AgreementParty.objects.create(
            agreement=agreement, organisation=org, signed_at=timezone.now() if signed else None
        )
    return agreement


@pytest.fixture
def agreement_ab(org_a, org_b) -> DataSharingAgreement:
    """Sutton and Merton share contact details and service requests (public task)."""
    return make_agreement("DSA-AB", [org_a, org_b], ["contact_details", "service_requests"])


@pytest.fixture
def alice(officer_a, org_a) -> Person:
    """A resident known to org_a, with an address, email and one recorded call."""
    person = services.person_create(
        actor=officer_a,
        organisation=org_a,
        given_name="Alice",
        family_name="Okafor",
        date_of_birth=dt.date(1984, 7, 12),
        email="alice.okafor@example.net",
        address={
            "line_1": "1 High Street",
            "town": "Sutton",
            "postcode": "sm11aa",
            "uprn": 5870001,
        },
    )
    services.contact_event_record(
        actor=officer_a,
        person=person,
        organisation=org_a,
        channel="call",
        summary="Asked about a missed bin collection",
    )
    return person
