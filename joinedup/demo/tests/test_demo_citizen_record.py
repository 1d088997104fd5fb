"""The demo's "done when": Sutton and Merton share contact details and service requests,
not council tax; each officer sees exactly what the agreement allows and every read is
audited; the resident downloads their data and withdrawing consent changes the view."""

import os

import pytest
from django.urls import reverse

from joinedup.core.models import AuditEvent, User
from joinedup.core.testing import client_for
from joinedup.crm.models import DataSharingAgreement, Person
from joinedup.demo.citizen_record import AGREEMENT_REFERENCE, RESIDENT_USERNAME
from joinedup.demo.services import demo_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(tmp_path):
    return demo_load(credentials_file=tmp_path / "logins.txt")


def test_the_agreement_shares_contact_details_and_service_requests_only(demo):
    agreement = DataSharingAgreement.objects.get(reference=AGREEMENT_REFERENCE)
    assert sorted(agreement.categories.values_list("code", flat=True)) == [
        "contact_details",
        "service_requests",
    ]
    assert sorted(agreement.parties.values_list("organisation__name", flat=True)) == [
        "London Borough of Merton",
        "London Borough of Sutton",
    ]
    assert agreement.is_in_force_on(agreement.start_date)


def test_each_officer_sees_what_the_agreement_allows_and_withdrawal_changes_it(demo):
    rae = Person.objects.get(user__username=RESIDENT_USERNAME)
    url = reverse("crm:person-detail", args=[rae.public_id])
    merton = client_for(User.objects.get(username="merton.officer"))
    sutton = client_for(User.objects.get(username="sutton.officer"))
    seen_by_merton = merton.get(url).content.decode()
    assert "24 Cheam Road" in seen_by_merton
    assert f"Agreement {AGREEMENT_REFERENCE}" in seen_by_merton
    assert "missed recycling" not in seen_by_merton  # contact history is not shared
    assert "missed recycling" in sutton.get(url).content.decode()
    reads = AuditEvent.objects.filter(action="personal_data.read", object_id=str(rae.pk))
    assert sorted(reads.values_list("actor__username", flat=True)) == [
        "merton.officer",
        "sutton.officer",
    ]

    resident = client_for(User.objects.get(username=RESIDENT_USERNAME))
    data = resident.get(reverse("accounts:download"), {"format": "json"}).json()
    assert {c["category"] for c in data["categories"]} >= {
        "contact_details",
        "contact_history",
        "consent",
    }
    resident.post(
        reverse("accounts:consent"), {"agreement": AGREEMENT_REFERENCE, "choice": "withdraw"}
    )
    assert merton.get(url).status_code == 404
    assert sutton.get(url).status_code == 200


def test_demo_has_data_protection_officers_and_a_duplicate(demo):
    dpo = client_for(User.objects.get(username="sutton.dpo"))
    jo = Person.objects.get(given_name="Jo", family_name="Bloggs")
    page = dpo.get(reverse("crm:person-detail", args=[jo.public_id])).content.decode()
    assert "Joe Blogs" in page  # suggested duplicate
    assert dpo.get(reverse("crm:person-access-log", args=[jo.public_id])).status_code == 200
    assert "resident@demo.invalid" in demo.logins


def _council_tax(today):
    from joinedup.council_tax.demo import council_tax_demo_load

    return council_tax_demo_load(today=today)


def _demo_load_command():
    from django.core.management import call_command

    with open(os.devnull, "w") as devnull:
        call_command("demo_load", stdout=devnull)


@pytest.mark.parametrize("council_tax_first", [False, True])
def test_her_requests_are_shared_with_merton_and_her_council_tax_is_not(
    tmp_path, settings, council_tax_first
):
    """Whichever of the demo_load and council_tax_demo_load commands runs first, she ends
    up with two Sutton requests and a Sutton council tax account, all linked to her
    record."""
    settings.VAR_DIR = tmp_path
    from django.utils import timezone
    from django.utils.html import escape

    from joinedup.council_tax.models import Account
    from joinedup.crm import registry
    from joinedup.service_requests.models import ServiceRequest

    today = timezone.localdate()
    if council_tax_first:
        _council_tax(today)
    _demo_load_command()
    if not council_tax_first:
        _council_tax(today)
    _demo_load_command()  # repeatable: nothing made twice

    rae = Person.objects.get(user__username=RESIDENT_USERNAME)
    requests = list(ServiceRequest.objects.filter(person=rae).order_by("requested_at"))
    assert [(r.organisation.name, r.is_open) for r in requests] == [
        ("London Borough of Sutton", False),
        ("London Borough of Sutton", True),
    ]
    account = Account.objects.get(liable_people__person=rae)
    assert account.organisation.name == "London Borough of Sutton"

    url = reverse("crm:person-detail", args=[rae.public_id])
    sutton_officer = User.objects.get(username="sutton.officer")
    merton_officer = User.objects.get(username="merton.officer")
    sutton = client_for(sutton_officer).get(url).content.decode()
    merton = client_for(merton_officer).get(url).content.decode()
    records = registry.provider_for("service_requests").records(
        person_ids=rae.identity_ids(), organisation_ids=None
    )
    assert [r.reference for r in records] == [str(r.pk) for r in requests]
    for request, record in zip(requests, records, strict=True):
        case = reverse("service_requests:case", args=[request.pk])
        assert case in sutton  # Sutton's officers open their own case pages
        assert case not in merton  # Merton sees the summary, not Sutton's case page
        assert escape(record.title) in merton and escape(record.title) in sutton
    assert account.reference in sutton
    assert account.reference not in merton
    assert "Council tax account" not in merton
    assert f"Agreement {AGREEMENT_REFERENCE}" in merton

    reads = {
        e.actor.username: e
        for e in AuditEvent.objects.filter(action="personal_data.read", object_id=str(rae.pk))
    }
    assert set(reads) == {"sutton.officer", "merton.officer"}
    shown = reads["merton.officer"].after["shown"]
    sutton_org = requests[0].organisation_id
    assert {
        "category": "service_requests",
        "organisation": sutton_org,
        "agreement": AGREEMENT_REFERENCE,
    } in shown
    assert not [
        s for s in shown if s["category"] == "council_tax" and s["organisation"] == sutton_org
    ]

    resident = client_for(User.objects.get(username=RESIDENT_USERNAME))
    mine = resident.get(reverse("accounts:my-account")).content.decode()
    for request in requests:
        assert reverse("service_requests:track", args=[request.pk]) in mine
    assert account.reference in mine

    resident.post(
        reverse("accounts:consent"), {"agreement": AGREEMENT_REFERENCE, "choice": "withdraw"}
    )
    assert client_for(merton_officer).get(url).status_code == 404
