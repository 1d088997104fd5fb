"""Other modules plug their records in through the registry: here two stand-ins, one for
service requests and one for council tax, exactly as those modules will register."""

import datetime as dt

import pytest
import time_machine

from joinedup.core.models import AuditEvent
from joinedup.crm import registry, selectors, services
from joinedup.crm.models import ContactEvent, ErasureRequest, RequestStatus
from joinedup.crm.registry import ErasureOutcome, LinkedRecord

pytestmark = pytest.mark.django_db


class FakeProvider:
    """Records held in memory: {(person_id, organisation_id): [title, …]}."""

    def __init__(self, category: str, rows: dict):
        self.category = category
        self.rows = rows
        self.anonymised: list = []

    def _matching(self, person_ids, organisation_ids):
        return [
            (pid, org, title)
            for (pid, org), titles in self.rows.items()
            for title in titles
            if pid in person_ids and registry.include(organisation_ids, org)
        ]

    def records(self, *, person_ids, organisation_ids):
        return [
            LinkedRecord(
                category=self.category,
                organisation_id=org,
                kind="Record",
                reference=title,
                title=title,
            )
            for _, org, title in self._matching(person_ids, organisation_ids)
        ]

    def export(self, *, person_ids, organisation_ids):
        return [
            {"organisation": org, "title": title}
            for _, org, title in self._matching(person_ids, organisation_ids)
        ]

    def anonymise(self, *, person_ids, organisation_ids):
        found = self._matching(person_ids, organisation_ids)
        self.anonymised += found
        return ErasureOutcome(category=self.category, anonymised=len(found))

    def expire(self, *, before):
        return 0


@pytest.fixture
def modules(alice, org_a, org_b):
    srs = FakeProvider(
        "service_requests",
        {(alice.pk, org_a.pk): ["Missed bin SR-1"], (alice.pk, org_b.pk): ["Pothole SR-2"]},
    )
    tax = FakeProvider("council_tax", {(alice.pk, org_a.pk): ["Account CT-88"]})
    # The modules' real providers (where installed) stand aside for the stand-ins.
    real = {c: registry.provider_for(c) for c in ("service_requests", "council_tax")}
    for category in real:
        registry.unregister(category)
    registry.register(srs)
    registry.register(tax)
    yield srs, tax
    for category, provider in real.items():
        registry.unregister(category)
        if provider is not None:
            registry.register(provider)


def _titles(view):
    return {s.category.code: sorted(r.title for r, _ in s.records) for s in view.sections}


def test_registering_twice_for_a_category_is_refused(modules):
    with pytest.raises(ValueError):
        registry.register(FakeProvider("council_tax", {}))


def test_linked_records_follow_the_agreement(modules, alice, officer_a, partner_b, agreement_ab):
    assert _titles(selectors.person_view(actor=officer_a, person=alice))["council_tax"] == [
        "Account CT-88"
    ]
    seen_by_b = _titles(selectors.person_view(actor=partner_b, person=alice))
    # Service requests are shared; council tax is not (only Merton's own, none).
    assert seen_by_b["service_requests"] == ["Missed bin SR-1", "Pothole SR-2"]
    assert seen_by_b["council_tax"] == []


def test_subject_access_request_assembles_what_agreements_allow(modules, alice, partner_b, org_b):
    from joinedup.core.models import Capability, MembershipCapability
    from joinedup.crm.tests.conftest import make_agreement

    make_agreement(
        "DSA-AB",
        [alice.holdings.get().organisation, org_b],
        ["contact_details", "service_requests"],
    )
    MembershipCapability.objects.create(
        membership=partner_b.memberships.get(),
        capability=Capability.objects.get(code="crm.data_protection_officer"),
    )
    data = services.subject_access_assemble(actor=partner_b, person=alice)
    by_category = {c["category"]: c["records"] for c in data["categories"]}
    assert sorted(r["title"] for r in by_category["service_requests"]) == [
        "Missed bin SR-1",
        "Pothole SR-2",
    ]
    assert by_category["council_tax"] == []
    assert [r["value"] for r in by_category["contact_details"] if r["type"] == "email"] == [
        "alice.okafor@example.net"
    ]
    assert by_category["contact_history"] == []  # Sutton's history is not shared with Merton
    assert data["person"]["family_name"] == "Okafor"
    event = AuditEvent.objects.get(action="personal_data.subject_access")
    assert event.actor == partner_b


def test_subject_access_needs_a_data_protection_officer(modules, alice, officer_a):
    from django.http import Http404

    with pytest.raises(Http404):
        services.subject_access_assemble(actor=officer_a, person=alice)


def test_erasure_anonymises_what_may_go_and_keeps_what_law_requires(
    modules, alice, dpo_a, resident
):
    srs, tax = modules
    alice.user = resident
    alice.save()
    request = services.erasure_request_create(user=resident, reason="I have moved away")
    report = services.erasure_carry_out(actor=dpo_a, request=request)
    outcome = {c["category"]: (c["anonymised"], c["kept"]) for c in report["categories"]}
    assert outcome == {
        "contact_details": (2, 0),
        "contact_history": (1, 0),
        "consent": (0, 0),
        "service_requests": (1, 0),
        "council_tax": (0, 1),
        "messages": (0, 0),  # none were sent to her
    }
    assert [t for _, _, t in srs.anonymised] == ["Missed bin SR-1"]  # Merton's is Merton's to erase
    assert tax.anonymised == []
    assert ContactEvent.objects.get(person=alice).summary == "(erased)"
    alice.refresh_from_db()
    assert alice.erased_at is not None and alice.given_name == "Erased"
    request.refresh_from_db()
    assert request.status == RequestStatus.DONE
    assert request.reports[0]["identity_erased"] is True
    assert AuditEvent.objects.filter(action="crm.erasure.carry_out").count() == 1


def test_erasure_requests_are_listed_for_the_holders_dpo(alice, dpo_a, partner_b, resident):
    alice.user = resident
    alice.save()
    request = services.erasure_request_create(user=resident)
    assert list(selectors.erasure_request_list(actor=dpo_a)) == [request]
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.erasure_request_list(actor=partner_b)
    assert ErasureRequest.objects.count() == 1


def test_retention_anonymises_old_contact_history(alice, officer_a, org_a):
    old = services.contact_event_record(
        actor=officer_a,
        person=alice,
        organisation=org_a,
        channel="letter",
        summary="Old letter",
        occurred_at=dt.datetime(2018, 1, 5, tzinfo=dt.UTC),
    )
    with time_machine.travel(dt.datetime(2026, 3, 1, tzinfo=dt.UTC)):
        done = services.retention_apply()
    assert done["contact_history"] == 1
    old.refresh_from_db()
    assert old.summary == "(erased)"
    assert ContactEvent.objects.filter(summary="Asked about a missed bin collection").count() == 1
