import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse

from joinedup.core import services as core_services
from joinedup.core.models import AuditEvent
from joinedup.core.testing import client_for, unchanged
from joinedup.crm import services
from joinedup.crm.models import ContactEvent, DataSharingAgreement, Person

pytestmark = pytest.mark.django_db


def test_person_page_says_which_agreement_allowed_each_record(alice, partner_b, agreement_ab):
    page = client_for(partner_b).get(reverse("crm:person-detail", args=[alice.public_id]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "alice.okafor@example.net" in html
    assert "Agreement DSA-AB" in html
    assert "Asked about a missed bin" not in html  # contact history is not shared
    assert AuditEvent.objects.filter(action="personal_data.read", actor=partner_b).count() == 1


def test_person_page_is_missing_without_an_agreement(alice, partner_b, officer_b):
    for user in (partner_b, officer_b):
        with unchanged(Person.objects.all()):
            response = client_for(user).get(reverse("crm:person-detail", args=[alice.public_id]))
        assert response.status_code == 404
        assert "Okafor" not in response.content.decode()


def test_search_finds_by_postcode_and_is_audited(alice, officer_a):
    page = client_for(officer_a).get(reverse("crm:person-list"), {"q": "sm1 1aa"})
    assert "Alice Okafor" in page.content.decode()
    event = AuditEvent.objects.get(action="personal_data.search")
    assert event.after == {"query": "sm1 1aa", "people": [alice.pk]}


def test_officer_records_a_contact(alice, officer_a):
    url = reverse("crm:contact-event-create", args=[alice.public_id])
    bad = client_for(officer_a).post(url, {"channel": "", "summary": ""})
    assert bad.status_code == 200
    assert "govuk-error-summary" in bad.content.decode()
    ok = client_for(officer_a).post(
        url, {"channel": "visit", "inbound": "0", "summary": "Checked the repair"}
    )
    assert ok.status_code == 302
    event = ContactEvent.objects.get(summary="Checked the repair")
    assert (event.channel, event.inbound, event.officer) == ("visit", False, officer_a)


def test_viewer_cannot_record_a_contact(alice, viewer_a):
    url = reverse("crm:contact-event-create", args=[alice.public_id])
    with unchanged(ContactEvent.objects.all()):
        assert (
            client_for(viewer_a)
            .post(url, {"channel": "call", "inbound": "1", "summary": "x"})
            .status_code
            == 404
        )


def test_add_person_with_a_bad_date_shows_errors(officer_a):
    response = client_for(officer_a).post(
        reverse("crm:person-create"),
        {"given_name": "Bo", "family_name": "Li", "date_of_birth": "31/2/1990"},
    )
    assert response.status_code == 200
    assert "Date of birth must be a real date" in response.content.decode()
    assert Person.objects.count() == 0


def test_merge_from_the_page(alice, officer_a, org_a):
    twin = services.person_create(
        actor=officer_a,
        organisation=org_a,
        given_name="Alice",
        family_name="Okafor",
        date_of_birth=dt.date(1984, 7, 12),
    )
    page = (
        client_for(officer_a)
        .get(reverse("crm:person-detail", args=[alice.public_id]))
        .content.decode()
    )
    assert reverse("crm:person-merge", args=[alice.public_id, twin.public_id]) in page
    response = client_for(officer_a).post(
        reverse("crm:person-merge", args=[alice.public_id, twin.public_id])
    )
    assert response["Location"] == reverse("crm:person-detail", args=[alice.public_id])
    twin.refresh_from_db()
    assert twin.merged_into == alice


def test_subject_access_json_for_the_dpo(alice, dpo_a):
    url = reverse("crm:person-subject-access", args=[alice.public_id])
    response = client_for(dpo_a).post(url, {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="subject-access-')
    data = json.loads(response.content)
    history = next(c for c in data["categories"] if c["category"] == "contact_history")
    assert [r["summary"] for r in history["records"]] == ["Asked about a missed bin collection"]
    html = client_for(dpo_a).post(url, {"format": "html"}).content.decode()
    assert "Asked about a missed bin collection" in html


def test_agreement_drafted_and_signed_from_the_pages(admin_a, org_a, org_b, partnership):
    response = client_for(admin_a).post(
        reverse("crm:agreement-create"),
        {
            "reference": "DSA-9",
            "title": "Tell us once",
            "purpose": "Changes of address",
            "lawful_basis": "public_task",
            "categories": ["contact_details"],
            "parties": [org_b.pk],
            "start_date": "1/4/2026",
            "review_date": "1/4/2027",
        },
    )
    assert response.status_code == 302, response.content.decode()
    agreement = DataSharingAgreement.objects.get(reference="DSA-9")
    assert set(agreement.parties.values_list("organisation_id", flat=True)) == {org_a.pk, org_b.pk}
    client_for(admin_a).post(
        reverse("crm:agreement-sign", args=["DSA-9"]), {"organisation": org_a.pk}
    )
    assert agreement.parties.get(organisation=org_a).signed_by == admin_a
    assert agreement.parties.get(organisation=org_b).signed_at is None


def test_internal_api_with_a_token(alice, admin_a, org_a, partner_b):
    _, raw = core_services.api_token_create(
        actor=admin_a, organisation=org_a, name="CRM", scopes=["crm:read"]
    )
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    found = Client().get(reverse("crm-api:person-search"), {"q": "Okafor"}, **headers).json()
    assert found == [
        {
            "id": str(alice.public_id),
            "given_name": "Alice",
            "family_name": "Okafor",
            "date_of_birth": "1984-07-12",
        }
    ]
    person = Client().get(reverse("crm-api:person-get", args=[alice.public_id]), **headers).json()
    history = next(s for s in person["sections"] if s["category"] == "contact_history")
    assert history["records"][0]["title"] == "Asked about a missed bin collection"
    assert history["records"][0]["shown_under"] is None
    # A read-only token may not write.
    with unchanged(ContactEvent.objects.all()):
        refused = Client().post(
            reverse("crm-api:contact-event-create", args=[alice.public_id]),
            {"channel": "call", "summary": "x"},
            content_type="application/json",
            **headers,
        )
    assert refused.status_code == 403
    assert refused.json()["code"] == 403


def test_internal_api_search_needs_a_query(officer_a):
    response = client_for(officer_a).get(reverse("crm-api:person-search"))
    assert response.status_code == 400
    assert response.json() == {
        "code": 400,
        "error": "Give a name, email address or postcode.",
        "details": {"q": ["Give a name, email address or postcode."]},
    }


@pytest.mark.parametrize("name", ["crm:person-list", "crm:agreement-list", "crm:person-create"])
def test_officer_pages_have_no_axe_violations(assert_accessible, officer_a, name):
    assert_accessible(
        client_for(officer_a).get(reverse(name), {"q": "x"} if name == "crm:person-list" else {})
    )


def test_person_page_has_no_axe_violations(assert_accessible, alice, partner_b, agreement_ab):
    assert_accessible(
        client_for(partner_b).get(reverse("crm:person-detail", args=[alice.public_id]))
    )


def _queries_for(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_person_page_queries_do_not_grow_with_records(
    alice, officer_a, org_a, partner_b, agreement_ab
):
    url = reverse("crm:person-detail", args=[alice.public_id])
    client = client_for(partner_b)
    _queries_for(client, url)  # the first request also brings the session up to date
    before = _queries_for(client, url)
    for n in range(10):
        services.contact_event_record(
            actor=officer_a, person=alice, organisation=org_a, channel="call", summary=f"Call {n}"
        )
        services.person_contact_details_add(
            actor=officer_a, person=alice, organisation=org_a, phone=f"020 7946 00{n:02d}"
        )
    assert _queries_for(client, url) == before
    # A ceiling, not a target: the messages category adds two queries (the person's
    # addresses, then their messages) and the service requests category two more.
    assert before <= 38, before
