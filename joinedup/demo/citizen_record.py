"""The demonstration of the shared citizen record: Sutton and Merton share contact
details and service requests (not council tax) under a consent-based agreement; a demo
resident has consented, so Merton's officers see what Sutton holds about them (her
contact details and service requests, not her council tax account) until the resident
withdraws. Sutton also holds two records of one person, for the duplicate suggestions."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from joinedup.accounts.models import ResidentAccount
from joinedup.core.models import Capability, Membership, MembershipCapability, Organisation, User
from joinedup.crm import services as crm_services
from joinedup.crm.models import (
    AgreementParty,
    Consent,
    ContactPoint,
    DataCategory,
    DataSharingAgreement,
    LawfulBasis,
    Person,
    PersonHolding,
    PrivacyNotice,
)
from joinedup.demo.service_requests import demo_resident_requests_load

AGREEMENT_REFERENCE = "DSA-SM-001"
RESIDENT_USERNAME = "resident@demo.invalid"
SHARED_CATEGORIES = ["contact_details", "service_requests"]
DPOS = ["sutton.dpo", "merton.dpo"]


def _held_person(officer: User, organisation: Organisation, email: str, **fields) -> Person:
    existing = (
        ContactPoint.objects.filter(normalised=email, organisation=organisation)
        .select_related("person")
        .first()
    )
    if existing is not None:
        return existing.person
    return crm_services.person_create(
        actor=officer, organisation=organisation, email=email, **fields
    )


def demo_citizen_record_load(
    *,
    sutton: Organisation,
    merton: Organisation,
    resident_password: str,
    resident_requests: bool = True,
) -> None:
    sutton_officer = User.objects.get(username="sutton.officer")
    sutton_admin = User.objects.get(username="sutton.admin")
    merton_admin = User.objects.get(username="merton.admin")
    dpo = Capability.objects.get(code="crm.data_protection_officer")
    for username in DPOS:
        for membership in Membership.objects.filter(user__username=username):
            MembershipCapability.objects.get_or_create(membership=membership, capability=dpo)

    agreement, created = DataSharingAgreement.objects.get_or_create(
        reference=AGREEMENT_REFERENCE,
        defaults={
            "title": "Sutton and Merton: joined-up contact with residents",
            "purpose": "So that a resident who contacts either council about a service the other provides "
            "does not have to give their details or explain their requests twice.",
            "lawful_basis": LawfulBasis.CONSENT,
            "lawful_basis_detail": "The resident's consent, given and withdrawn in their account.",
            "start_date": dt.date(2025, 4, 1),
            "review_date": dt.date(2026, 4, 1),
            "created_by": sutton_admin,
        },
    )
    if created:
        agreement.categories.set(DataCategory.objects.filter(code__in=SHARED_CATEGORIES))
        for org, admin in ((sutton, sutton_admin), (merton, merton_admin)):
            AgreementParty.objects.create(
                agreement=agreement, organisation=org, signed_at=timezone.now(), signed_by=admin
            )

    for org, summary in (
        (
            sutton,
            "Sutton Council uses your details to provide its services, and shares them with Merton Council only if you agree.",
        ),
        (
            merton,
            "Merton Council uses your details to provide its services, and shares them with Sutton Council only if you agree.",
        ),
    ):
        PrivacyNotice.objects.get_or_create(
            organisation=org,
            defaults={
                "summary": summary,
                "url": org.homepage or "",
                "contact_email": f"dpo@{org.slug}.demo.invalid",
            },
        )

    # A resident with an account, known to Sutton, who has agreed to the sharing.
    user = User.objects.filter(username=RESIDENT_USERNAME).first()
    if user is None:
        user = User(
            username=RESIDENT_USERNAME, email=RESIDENT_USERNAME, first_name="Rae", last_name="Sidhu"
        )
        user.set_password(resident_password)
        user.save()
    ResidentAccount.objects.get_or_create(user=user, defaults={"email_verified_at": timezone.now()})
    person = crm_services.person_for_account(
        user=user, given_name="Rae", family_name="Sidhu", email=RESIDENT_USERNAME
    )
    if not PersonHolding.objects.filter(person=person, organisation=sutton).exists():
        # Sutton's own record of her, linked to her account the way an officer would:
        # the account is suggested as a duplicate (same verified email) and merged.
        record = crm_services.person_create(
            actor=sutton_officer,
            organisation=sutton,
            given_name="Rae",
            family_name="Sidhu",
            date_of_birth=dt.date(1988, 5, 21),
            email=RESIDENT_USERNAME,
            phone="020 8770 5000",
            address={"line_1": "24 Cheam Road", "town": "Sutton", "postcode": "SM1 1AA"},
        )
        crm_services.contact_event_record(
            actor=sutton_officer,
            person=record,
            organisation=sutton,
            channel="call",
            summary="Reported a missed recycling collection; booked a return visit.",
        )
        crm_services.person_merge(actor=sutton_officer, survivor=record, duplicate=person)
    if not Consent.objects.filter(person=person, agreement=agreement).exists():
        crm_services.consent_give(user=user, agreement=agreement)

    # Her service requests at Sutton, shared with Merton under the agreement. (Her Sutton
    # council tax account, not shared, is made by whichever of the demo_load and
    # council_tax_demo_load commands runs second: it needs both.)
    if resident_requests:
        demo_resident_requests_load(
            person=person, user=user, organisation=sutton, officer=sutton_officer
        )

    # Two records Sutton holds of one person, typed differently.
    _held_person(
        sutton_officer,
        sutton,
        "jo.bloggs@demo.invalid",
        given_name="Jo",
        family_name="Bloggs",
        date_of_birth=dt.date(1961, 3, 14),
    )
    _held_person(
        sutton_officer,
        sutton,
        "joe.blogs@demo.invalid",
        given_name="Joe",
        family_name="Blogs",
        date_of_birth=dt.date(1961, 3, 14),
        address={"line_1": "3 Throwley Way", "town": "Sutton", "postcode": "SM1 1AA"},
    )
