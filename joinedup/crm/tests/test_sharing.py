"""Agreements are the only way an officer sees another organisation's records."""

import datetime as dt

import pytest
import time_machine
from django.http import Http404
from django.utils import timezone

from joinedup.core.models import AuditEvent
from joinedup.crm import selectors, services
from joinedup.crm.models import LawfulBasis
from joinedup.crm.tests.conftest import make_agreement

pytestmark = pytest.mark.django_db


def _sections(view) -> dict[str, list[tuple[str, str]]]:
    return {
        s.category.code: [(r.title, g.basis if g else "") for r, g in s.records]
        for s in view.sections
    }


def test_nothing_is_visible_by_default(alice, partner_b, officer_b, resident):
    for actor in (partner_b, officer_b, resident):
        assert list(selectors.person_list(actor=actor)) == []
        with pytest.raises(Http404):
            selectors.person_get(actor=actor, public_id=alice.public_id)


def test_own_organisation_sees_everything_it_holds(alice, viewer_a):
    view = selectors.person_view(actor=viewer_a, person=alice)
    assert _sections(view) == {
        "contact_details": [
            ("1 High Street, Sutton, SM1 1AA", "own"),
            ("alice.okafor@example.net", "own"),
        ],
        "contact_history": [("Asked about a missed bin collection", "own")],
        "consent": [],
        "council_tax": [],  # the council tax module's provider; Alice has no account
        "messages": [],  # the GOV.UK Notify integration's provider; none sent to her
        "service_requests": [],  # the service requests module's; she has reported nothing
    }


def test_agreement_shows_only_its_categories_and_says_which_agreement(
    alice, partner_b, agreement_ab
):
    assert list(selectors.person_list(actor=partner_b)) == [alice]
    view = selectors.person_view(actor=partner_b, person=alice)
    assert _sections(view) == {
        "contact_details": [
            ("1 High Street, Sutton, SM1 1AA", "DSA-AB"),
            ("alice.okafor@example.net", "DSA-AB"),
        ],
        # Merton's own (empty) history; Sutton's is not shared by the agreement.
        "contact_history": [],
        "consent": [],
        # Merton's own (none); council tax is not in the agreement.
        "council_tax": [],
        # Likewise messages sent.
        "messages": [],
        # Sutton's (none yet) under the agreement, and Merton's own.
        "service_requests": [],
    }
    assert [a.reference for a in view.agreements] == ["DSA-AB"]


def test_every_read_is_audited_with_its_basis(alice, partner_b, agreement_ab, org_b):
    selectors.person_view(actor=partner_b, person=alice)
    event = AuditEvent.objects.get(action="personal_data.read")
    assert event.actor == partner_b
    assert event.organisation == org_b
    assert (event.object_type, event.object_id) == ("crm.person", str(alice.pk))
    assert event.after["purpose"] == "Viewing the person's record"
    org_a_id = alice.holdings.get().organisation_id
    assert sorted(event.after["shown"], key=lambda s: (s["category"], s["organisation"])) == sorted(
        [
            {"category": "consent", "organisation": org_b.pk, "agreement": None},
            {"category": "contact_details", "organisation": org_a_id, "agreement": "DSA-AB"},
            {"category": "contact_details", "organisation": org_b.pk, "agreement": None},
            {"category": "contact_history", "organisation": org_b.pk, "agreement": None},
            {"category": "council_tax", "organisation": org_b.pk, "agreement": None},
            {"category": "messages", "organisation": org_b.pk, "agreement": None},
            {"category": "service_requests", "organisation": org_a_id, "agreement": "DSA-AB"},
            {"category": "service_requests", "organisation": org_b.pk, "agreement": None},
        ],
        key=lambda s: (s["category"], s["organisation"]),
    )


def test_outside_organisation_gains_nothing_from_others_agreement(alice, officer_b, agreement_ab):
    with pytest.raises(Http404):
        selectors.person_get(actor=officer_b, public_id=alice.public_id)


@pytest.mark.parametrize(
    "kind", ["unsigned", "not_started", "ended", "suspended", "one_way", "other_category"]
)
def test_agreements_not_in_force_or_not_covering_share_nothing(
    kind, alice, partner_b, org_a, org_b
):
    options = {
        "unsigned": {"signed": False},
        "not_started": {"start": dt.date(2099, 1, 1)},
        "ended": {"end": dt.date(2025, 5, 1)},
    }.get(kind, {})
    categories = ["service_requests"] if kind == "other_category" else ["contact_details"]
    agreement = make_agreement("DSA-X", [org_a, org_b], categories, **options)
    if kind == "suspended":
        agreement.suspended_at = timezone.now()
        agreement.save()
    if kind == "one_way":
        agreement.parties.filter(organisation=org_b).update(receives=False)
    assert list(selectors.person_list(actor=partner_b)) == []


def test_consent_based_sharing_follows_the_persons_choice(alice, partner_b, org_a, org_b, resident):
    agreement = make_agreement("DSA-C", [org_a, org_b], ["contact_details"], LawfulBasis.CONSENT)
    alice.user = resident
    alice.save()
    assert list(selectors.person_list(actor=partner_b)) == []
    services.consent_give(user=resident, agreement=agreement)
    assert list(selectors.person_list(actor=partner_b)) == [alice]
    assert "contact_details" in _sections(selectors.person_view(actor=partner_b, person=alice))
    services.consent_withdraw(user=resident, agreement=agreement)
    assert list(selectors.person_list(actor=partner_b)) == []
    with pytest.raises(Http404):
        selectors.person_get(actor=partner_b, public_id=alice.public_id)
    actions = list(
        AuditEvent.objects.filter(action__startswith="crm.consent").values_list("action", flat=True)
    )
    assert sorted(actions) == ["crm.consent.give", "crm.consent.withdraw"]


def test_agreement_signing_brings_it_into_force(admin_a, org_a, org_b, partner_b, alice):
    from joinedup.core.models import Membership, Role, User

    admin_b = User.objects.create_user("admin_b", password="x" * 20)
    Membership.objects.create(user=admin_b, organisation=org_b, role=Role.ADMIN)
    with time_machine.travel(dt.datetime(2026, 1, 10, 10, tzinfo=dt.UTC)):
        agreement = services.agreement_create(
            actor=admin_a,
            organisation=org_a,
            reference="DSA-NEW",
            title="Contact details",
            purpose="Tell-us-once changes of address",
            lawful_basis=LawfulBasis.PUBLIC_TASK,
            categories=["contact_details"],
            parties=[org_b],
            start_date=dt.date(2026, 1, 1),
            review_date=dt.date(2027, 1, 1),
        )
        services.agreement_sign(actor=admin_a, agreement=agreement, organisation=org_a)
        assert list(selectors.person_list(actor=partner_b)) == []
        with pytest.raises(Http404):
            services.agreement_sign(actor=admin_a, agreement=agreement, organisation=org_b)
        services.agreement_sign(actor=admin_b, agreement=agreement, organisation=org_b)
        assert list(selectors.person_list(actor=partner_b)) == [alice]
        services.agreement_suspend(actor=admin_b, agreement=agreement, organisation=org_b)
        assert list(selectors.person_list(actor=partner_b)) == []
    actions = list(
        AuditEvent.objects.filter(object_type="crm.datasharingagreement")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "crm.agreement.create",
        "crm.agreement.sign",
        "crm.agreement.sign",
        "crm.agreement.suspend",
    ]


def test_agreement_create_validates_and_writes_nothing_when_wrong(admin_a, org_a):
    from django.core.exceptions import ValidationError

    from joinedup.core.testing import unchanged
    from joinedup.crm.models import DataSharingAgreement

    with unchanged(DataSharingAgreement.objects.all()), pytest.raises(ValidationError) as exc:
        services.agreement_create(
            actor=admin_a,
            organisation=org_a,
            reference="DSA-BAD",
            title="x",
            purpose="",
            lawful_basis="whim",
            categories=["nonsense"],
            parties=[],
            start_date=dt.date(2026, 1, 1),
            review_date=dt.date(2027, 1, 1),
        )
    assert set(exc.value.message_dict) == {"lawful_basis", "categories", "parties", "purpose"}


def test_officers_cannot_create_agreements(officer_a, org_a, org_b):
    with pytest.raises(Http404):
        services.agreement_create(
            actor=officer_a,
            organisation=org_a,
            reference="DSA-NO",
            title="x",
            purpose="y",
            lawful_basis=LawfulBasis.PUBLIC_TASK,
            categories=["contact_details"],
            parties=[org_b],
            start_date=dt.date(2026, 1, 1),
            review_date=dt.date(2027, 1, 1),
        )


def test_access_log_is_for_data_protection_officers(
    alice, dpo_a, officer_a, partner_b, agreement_ab
):
    selectors.person_view(actor=partner_b, person=alice)
    log = list(selectors.person_access_log(actor=dpo_a, person=alice))
    assert [(e.action, e.actor_label) for e in log][:1] == [("personal_data.read", "partner_b")]
    assert {e.action for e in log} == {
        "personal_data.read",
        "crm.person.create",
        "crm.contact_event.record",
    }
    with pytest.raises(Http404):
        selectors.person_access_log(actor=officer_a, person=alice)
