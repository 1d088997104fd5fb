"""Council tax in the shared citizen record: a resident links the account they found, an
officer links an account to a person, and the CRM shows, exports, keeps and expires it
through the registry (category `council_tax`, rule `keep`)."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from joinedup.core.models import AuditEvent, Capability, MembershipCapability
from joinedup.core.testing import client_for, unchanged
from joinedup.council_tax.models import Account, LiablePerson
from joinedup.council_tax.services import account_link_resident, liable_person_link
from joinedup.crm import services as crm_services
from joinedup.crm.models import Consent, LawfulBasis, Person, PersonHolding
from joinedup.crm.tests.conftest import make_agreement

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident_person(resident) -> Person:
    return crm_services.person_for_account(
        user=resident, given_name="Alex", family_name="Taylor", email="resident@example.org"
    )


@pytest.fixture
def linked(sutton_account, resident_person, resident) -> Account:
    """The resident has found Sutton's first demo account and said they are Alex Taylor."""
    liable = sutton_account.liable_people.get(full_name="Alex Taylor")
    account_link_resident(user=resident, account=sutton_account, liable_person_id=liable.pk)
    return sutton_account


def _find(client, account):
    return client.post(
        reverse("council_tax:find"),
        {"reference": account.reference, "postcode": account.property.postcode},
    )


def test_a_signed_in_resident_adds_the_account_they_found(
    sutton_account, resident_person, resident, org_a, assert_accessible
):
    client = client_for(resident)
    assert _find(client, sutton_account).status_code == 302
    page = client.get(reverse("council_tax:account"))
    html = page.content.decode()
    assert "Add this account to your account" in html
    assert "Alex Taylor" in html and "Sam Taylor" in html
    assert_accessible(page)
    welsh = client.get(reverse("council_tax:account"), HTTP_ACCEPT_LANGUAGE="cy")
    assert_accessible(welsh)

    refused = client.post(reverse("council_tax:link"), {})
    assert "Choose which name on the bill is yours" in refused.content.decode()
    assert_accessible(refused)

    alex = sutton_account.liable_people.get(full_name="Alex Taylor")
    done = client.post(reverse("council_tax:link"), {"liable_person": alex.pk})
    assert done.status_code == 302
    alex.refresh_from_db()
    assert alex.person == resident_person
    assert alex.linked_by == resident
    assert PersonHolding.objects.filter(person=resident_person, organisation=org_a).count() == 1
    event = AuditEvent.objects.get(action="council_tax.liable_person.link")
    assert (event.actor, event.organisation) == (resident, org_a)
    after = client.get(reverse("council_tax:account")).content.decode()
    assert "This account is in your account." in after
    assert "Add this account to your account" not in after


def test_no_link_is_offered_without_a_resident_account(sutton_account):
    client = Client()
    _find(client, sutton_account)
    assert "Add this account" not in client.get(reverse("council_tax:account")).content.decode()
    alex = sutton_account.liable_people.get(full_name="Alex Taylor")
    with unchanged(LiablePerson.objects.filter(person__isnull=False)):
        client.post(reverse("council_tax:link"), {"liable_person": alex.pk})
    # Without having found the account this session nothing can be linked.
    stranger = Client()
    assert stranger.post(reverse("council_tax:link"), {"liable_person": alex.pk}).status_code == 302
    assert LiablePerson.objects.filter(person__isnull=False).count() == 0


def test_a_name_already_linked_to_someone_else_cannot_be_taken(linked, org_a):
    from joinedup.core.models import User

    other = User.objects.create_user("other", "other@example.org", "x")
    crm_services.person_for_account(
        user=other, given_name="Alex", family_name="Taylor", email="other@example.org"
    )
    alex = linked.liable_people.get(full_name="Alex Taylor")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError), unchanged(LiablePerson.objects.all()):
        account_link_resident(user=other, account=linked, liable_person_id=alex.pk)


def test_your_account_shows_the_resident_their_council_tax(linked, resident, assert_accessible):
    page = client_for(resident).get(reverse("accounts:my-account"))
    html = page.content.decode()
    assert "Council tax account" in html
    assert f"{linked.reference}: 10 High Street, Sutton, SM1 1AG" in html
    assert "Balance £432.00" in html  # 8 of 10 instalments paid by 20 November
    assert_accessible(page)
    assert_accessible(
        client_for(resident).get(reverse("accounts:my-account"), HTTP_ACCEPT_LANGUAGE="cy")
    )


def test_the_billing_authority_sees_it_on_the_person_page_but_merton_does_not(
    linked, resident_person, officer_a, partner_b, org_a, org_b
):
    # The demo agreement: contact details and service requests, not council tax, by consent.
    agreement = make_agreement(
        "DSA-SM-001",
        [org_a, org_b],
        ["contact_details", "service_requests"],
        lawful_basis=LawfulBasis.CONSENT,
    )
    Consent.objects.create(person=resident_person, agreement=agreement)
    url = reverse("crm:person-detail", args=[resident_person.public_id])
    mine = client_for(officer_a).get(url).content.decode()
    assert f"{linked.reference}: 10 High Street" in mine
    assert reverse("council_tax:staff-account", args=[linked.pk]) in mine
    theirs = client_for(partner_b).get(url)
    assert theirs.status_code == 200  # Merton sees her contact details under the agreement
    html = theirs.content.decode()
    assert "Taylor" in html
    assert linked.reference not in html
    assert "10 High Street" not in html


def test_subject_access_includes_the_account_bills_and_payments(
    linked, resident_person, dpo_a, org_a
):
    data = crm_services.subject_access_assemble(actor=dpo_a, person=resident_person)
    section = next(c for c in data["categories"] if c["category"] == "council_tax")
    [account] = section["records"]
    assert account["reference"] == linked.reference
    assert account["organisation"] == org_a.pk
    assert account["held_by"] == org_a.name
    assert account["liable_as"] == "Alex Taylor"
    assert account["balance_pence"] == 43200
    [bill] = account["bills"]
    assert (bill["net_pence"], len(bill["instalments"])) == (216618, 10)
    assert bill["instalments"][0] == {"number": 1, "due_on": "2026-04-01", "amount_pence": 22218}


def test_download_my_data_includes_it(linked, resident):
    data = client_for(resident).get(reverse("accounts:download") + "?format=json").json()
    section = next(c for c in data["categories"] if c["category"] == "council_tax")
    assert [r["reference"] for r in section["records"]] == [linked.reference]


def test_erasure_keeps_council_tax_and_says_why(linked, resident_person, resident, dpo_a):
    request = crm_services.erasure_request_create(user=resident)
    report = crm_services.erasure_carry_out(actor=dpo_a, request=request)
    tax = next(c for c in report["categories"] if c["category"] == "council_tax")
    assert (tax["anonymised"], tax["kept"]) == (0, 1)
    assert "Council Tax (Administration and Enforcement) Regulations 1992" in tax["notes"][0]
    alex = linked.liable_people.get(pk=linked.liable_people.get(is_primary=True).pk)
    assert (alex.full_name, alex.person_id) == ("Alex Taylor", resident_person.pk)


def test_an_officer_links_an_account_to_a_person_they_can_see(
    sutton_account, officer_a, viewer_a, officer_b, org_a, assert_accessible
):
    person = crm_services.person_create(
        actor=officer_a, organisation=org_a, given_name="Jordan", family_name="Evans"
    )
    account = Account.objects.filter(organisation=org_a).order_by("reference")[1]
    jordan = account.liable_people.get()
    url = reverse("council_tax:staff-link", args=[account.pk])
    data = {"liable_person": jordan.pk, "person": str(person.public_id)}
    with unchanged(LiablePerson.objects.filter(person__isnull=False)):
        assert client_for(viewer_a).post(url, data).status_code == 404
        assert client_for(officer_b).post(url, data).status_code == 404
    client = client_for(officer_a)
    search = client.get(url, {"q": "Evans"})
    assert "Jordan Evans" in search.content.decode()
    assert_accessible(search)
    assert client.post(url, data).status_code == 302
    jordan.refresh_from_db()
    assert (jordan.person, jordan.linked_by) == (person, officer_a)
    page = client.get(reverse("crm:person-detail", args=[person.public_id])).content.decode()
    assert account.reference in page


def test_an_officer_cannot_link_a_person_they_cannot_see(
    sutton_account, officer_a, officer_b, org_outside
):
    camden = crm_services.person_create(
        actor=officer_b, organisation=org_outside, given_name="Cam", family_name="Den"
    )
    jordan = Account.objects.filter(organisation=sutton_account.organisation).order_by("reference")[
        1
    ]
    liable = jordan.liable_people.get()
    url = reverse("council_tax:staff-link", args=[jordan.pk])
    with unchanged(LiablePerson.objects.filter(person__isnull=False)):
        page = client_for(officer_a).post(
            url, {"liable_person": liable.pk, "person": str(camden.public_id)}
        )
    assert page.status_code == 200
    assert "Choose a person from the search results" in page.content.decode()
    from django.http import Http404

    with pytest.raises(Http404):  # another council's officer
        liable_person_link(
            actor=officer_b, account=jordan, liable_person_id=liable.pk, person=camden
        )


def test_retention_anonymises_accounts_six_years_after_their_last_year(
    sutton_account, linked, resident_person, dpo_a
):
    Account.objects.filter(pk=linked.pk).update(closed_on=dt.date(2027, 2, 1))
    # Closed in 2026/27, which ends on 31 March 2027: kept until six years after that.
    with time_machine.travel(dt.datetime(2033, 3, 1, tzinfo=dt.UTC)):
        assert crm_services.retention_apply()["council_tax"] == 0
    with time_machine.travel(dt.datetime(2033, 4, 10, tzinfo=dt.UTC)):
        assert crm_services.retention_apply()["council_tax"] == 2
    names = sorted(linked.liable_people.values_list("full_name", "person_id"))
    assert names == [("(erased)", None), ("(erased)", None)]
    linked.refresh_from_db()
    assert linked.email == ""
    assert linked.bills.count() == 1  # the financial record stays


def test_a_dpo_is_not_needed_to_see_it_but_is_to_export_it(linked, resident_person, officer_a):
    from django.http import Http404

    with pytest.raises(Http404):
        crm_services.subject_access_assemble(actor=officer_a, person=resident_person)
    MembershipCapability.objects.create(
        membership=officer_a.memberships.get(),
        capability=Capability.objects.get(code="crm.data_protection_officer"),
    )
    data = crm_services.subject_access_assemble(actor=officer_a, person=resident_person)
    assert [c["category"] for c in data["categories"]].count("council_tax") == 1


def test_the_demo_resident_pays_sutton_and_sees_it_in_her_account(
    db, frozen_today, pay_sandbox, org_a
):
    from joinedup.core.models import User
    from joinedup.council_tax.demo import council_tax_demo_load

    from .conftest import TODAY

    user = User.objects.create_user("resident@demo.invalid", "resident@demo.invalid", "x")
    rae = crm_services.person_for_account(
        user=user, given_name="Rae", family_name="Sidhu", email="resident@demo.invalid"
    )
    lines = council_tax_demo_load(today=TODAY)
    assert len(lines) == 13
    account = Account.objects.get(property__address_line_1="24 Cheam Road")
    assert account.organisation == org_a
    assert account.liable_people.get().person == rae
    assert council_tax_demo_load(today=TODAY)[-1].reference == account.reference  # once only
    html = client_for(user).get(reverse("accounts:my-account")).content.decode()
    assert f"{account.reference}: 24 Cheam Road, Sutton, SM1 1AA" in html
    assert "Balance £0.00" not in html


# -- taking a link off ------------------------------------------------------------------
def _linked_liable(account: Account) -> LiablePerson:
    return account.liable_people.get(person__isnull=False)


def test_the_resident_removes_an_account_from_their_account(
    linked, resident_person, resident, org_a, assert_accessible
):
    client = client_for(resident)
    liable = _linked_liable(linked)
    url = reverse("council_tax:unlink", args=[liable.pk])
    mine = client.get(reverse("accounts:my-account")).content.decode()
    assert url in mine and "Remove from your account" in mine

    confirm = client.get(url)
    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Are you sure you want to remove this council tax account from your account?" in html
    assert linked.reference in html and "Alex Taylor" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert_accessible(confirm)
    welsh = client.get(url, HTTP_ACCEPT_LANGUAGE="cy")
    assert "Ydych chi" in welsh.content.decode()
    assert_accessible(welsh)
    liable.refresh_from_db()
    assert liable.person == resident_person  # looking changes nothing

    done = client.post(url)
    assert done.status_code == 302 and done["Location"] == reverse("accounts:my-account")
    liable.refresh_from_db()
    assert (liable.person, liable.linked_at, liable.linked_by) == (None, None, None)
    assert liable.full_name == "Alex Taylor"  # the account and its names stay
    event = AuditEvent.objects.get(action="council_tax.liable_person.unlink")
    assert (event.actor, event.organisation, event.object_id) == (resident, org_a, str(linked.pk))
    assert event.before["person"] == str(resident_person.public_id)
    assert event.after == {"liable_person": liable.pk, "person": None}

    page = client.get(reverse("accounts:my-account"))
    after = page.content.decode()
    assert f"Council tax account {linked.reference} is no longer in your account." in after
    assert "govuk-notification-banner--success" in after
    assert f"{linked.reference}: 10 High Street" not in after
    assert_accessible(page)
    # The banner is shown once.
    assert (
        "is no longer in your account"
        not in client.get(reverse("accounts:my-account")).content.decode()
    )
    # A second try finds no link.
    assert client.post(url).status_code == 404


def test_the_resident_gets_the_banner_in_welsh(linked, resident):
    client = client_for(resident)
    client.cookies["django_language"] = "cy"
    liable = _linked_liable(linked)
    client.post(reverse("council_tax:unlink", args=[liable.pk]))
    html = client.get(reverse("accounts:my-account")).content.decode()
    assert f"Nid yw cyfrif treth gyngor {linked.reference} yn eich cyfrif mwyach." in html


def test_someone_elses_link_is_404_and_nothing_changes(linked, resident_person, sutton_account):
    from joinedup.core.models import User

    other = User.objects.create_user("other", "other@example.org", "x")
    crm_services.person_for_account(
        user=other, given_name="Sam", family_name="Taylor", email="other@example.org"
    )
    liable = _linked_liable(linked)
    url = reverse("council_tax:unlink", args=[liable.pk])
    client = client_for(other)
    with unchanged(LiablePerson.objects.all(), AuditEvent.objects.all()):
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
        # Nor an unlinked name, nor one that does not exist.
        sam = linked.liable_people.get(full_name="Sam Taylor")
        assert client.post(reverse("council_tax:unlink", args=[sam.pk])).status_code == 404
        assert client.post(reverse("council_tax:unlink", args=[999999])).status_code == 404


def test_signing_in_is_needed_and_officers_have_no_link_of_their_own(linked, officer_a):
    liable = _linked_liable(linked)
    url = reverse("council_tax:unlink", args=[liable.pk])
    with unchanged(LiablePerson.objects.all()):
        for method in ("get", "post"):
            response = getattr(Client(), method)(url)
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("accounts:sign-in"))
        assert client_for(officer_a).post(url).status_code == 404


def test_removing_needs_the_csrf_token(linked, resident):
    client = Client(enforce_csrf_checks=True)
    client.force_login(resident)
    liable = _linked_liable(linked)
    with unchanged(LiablePerson.objects.all()):
        assert client.post(reverse("council_tax:unlink", args=[liable.pk])).status_code == 403


def test_an_officer_removes_a_link_from_the_account_page(
    linked, resident_person, officer_a, viewer_a, partner_b, officer_b, org_a, assert_accessible
):
    liable = _linked_liable(linked)
    url = reverse("council_tax:staff-unlink", args=[linked.pk, liable.pk])
    client = client_for(officer_a)
    account_page = client.get(reverse("council_tax:staff-account", args=[linked.pk]))
    assert url in account_page.content.decode()
    assert (
        url
        not in client_for(viewer_a)
        .get(reverse("council_tax:staff-account", args=[linked.pk]))
        .content.decode()
    )
    with unchanged(LiablePerson.objects.all()):
        for other in (viewer_a, partner_b, officer_b):
            assert client_for(other).get(url).status_code == 404
            assert client_for(other).post(url).status_code == 404
        # A name that is not linked has nothing to remove.
        sam = linked.liable_people.get(full_name="Sam Taylor")
        unlinked = reverse("council_tax:staff-unlink", args=[linked.pk, sam.pk])
        assert client.post(unlinked).status_code == 404
    confirm = client.get(url)
    assert "Are you sure you want to remove this link?" in confirm.content.decode()
    assert "Alex Taylor" in confirm.content.decode()
    assert_accessible(confirm)
    done = client.post(url)
    assert done.status_code == 302
    assert done["Location"] == reverse("council_tax:staff-account", args=[linked.pk])
    liable.refresh_from_db()
    assert liable.person is None
    event = AuditEvent.objects.get(action="council_tax.liable_person.unlink")
    assert (event.actor, event.organisation) == (officer_a, org_a)
    page = client.get(done["Location"]).content.decode()
    assert "is no longer linked to Alex Taylor" in page
    # Gone from her record and her own account.
    person_page = client.get(reverse("crm:person-detail", args=[resident_person.public_id]))
    assert linked.reference not in person_page.content.decode()
