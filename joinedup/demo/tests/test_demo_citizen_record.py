"""The demo's "done when": Sutton and Merton share contact details and service requests,
not council tax; each officer sees exactly what the agreement allows and every read is
audited; the resident downloads their data and withdrawing consent changes the view."""

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
