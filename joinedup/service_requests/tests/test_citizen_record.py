"""Service requests in the shared citizen record: a signed-in resident's reports are
theirs, officers link and unlink others, the provider gives the CRM records, exports,
erasure and retention, and every view of who reported a request is audited."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from joinedup.core.models import AuditEvent
from joinedup.core.testing import client_for, unchanged
from joinedup.crm import registry
from joinedup.crm import selectors as crm_selectors
from joinedup.crm import services as crm_services
from joinedup.crm.models import LawfulBasis, PersonHolding
from joinedup.crm.tests.conftest import make_agreement
from joinedup.service_requests.models import (
    EventKind,
    RequestEvent,
    ServiceRequest,
    Status,
    Supporter,
)
from joinedup.service_requests.providers import ServiceRequestProvider
from joinedup.service_requests.services import (
    service_request_person_link,
    service_request_reopen,
    service_request_respond,
    service_request_share,
    service_request_support,
)
from joinedup.service_requests.testing import MERTON, SUTTON, make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def rae(resident):
    """The resident's own record, made when their email address was verified."""
    return crm_services.person_for_account(
        user=resident, given_name="Rae", family_name="Sidhu", email=resident.email
    )


@pytest.fixture
def noise(partners, resident, rae):
    """A signed-in resident's report of noise to Sutton."""
    return make_report(
        "noise",
        postcode=SUTTON,
        actor=resident,
        answers={"source": "home", "when": "Every night from number 9, where the Smiths live"},
        description="Loud music from next door until 3am",
        name="Rae Sidhu",
        email="rae@example.org",
        phone="07700900982",
    )


@pytest.fixture
def pat_report(partners):
    """An anonymous report: nobody signed in."""
    return make_report(
        "potholes",
        postcode=SUTTON,
        answers={"depth": "deep"},
        description="Pothole outside the school",
        name="Pat Reporter",
        email="pat.reporter@example.org",
    )


@pytest.fixture
def pat(officer_a, org_a):
    """Someone Sutton holds, whom its officers can find."""
    return crm_services.person_create(
        actor=officer_a,
        organisation=org_a,
        given_name="Pat",
        family_name="Reporter",
        email="pat.reporter@example.org",
    )


@pytest.fixture
def other_pat(partner_b, org_b):
    """A namesake only Merton holds: Sutton's officers cannot see them."""
    return crm_services.person_create(
        actor=partner_b, organisation=org_b, given_name="Pat", family_name="Reporter"
    )


# --- Reports are linked when made --------------------------------------------------------


def test_a_signed_in_residents_report_is_theirs_and_sutton_then_holds_them(noise, rae, org_a):
    assert noise.person == rae
    assert PersonHolding.objects.filter(person=rae, organisation=org_a).exists()
    assert AuditEvent.objects.filter(
        action="crm.person.hold", object_id=str(rae.pk), organisation=org_a
    ).exists()


def test_reports_by_nobody_or_by_an_officer_are_not_linked(pat_report, partners, officer_a):
    assert pat_report.person is None
    by_officer = make_report("potholes", actor=officer_a, answers={"depth": "deep"})
    assert by_officer.person is None  # officers have no person record of their own


# --- The provider --------------------------------------------------------------------------


def test_records_give_status_and_the_officer_and_resident_pages(noise, rae, org_a, org_b, resident):
    merton = make_report("noise", postcode=MERTON, actor=resident, answers={"source": "street"})
    provider = registry.provider_for("service_requests")
    assert isinstance(provider, ServiceRequestProvider)
    everything = provider.records(person_ids=[rae.pk], organisation_ids=None)
    assert [r.reference for r in everything] == [str(noise.pk), str(merton.pk)]
    [sutton] = provider.records(person_ids=[rae.pk], organisation_ids={org_a.pk})
    assert sutton.organisation_id == org_a.pk
    assert sutton.status == "Open"
    assert sutton.url == reverse("service_requests:case", args=[noise.pk])
    assert sutton.details["resident_url"] == reverse("service_requests:track", args=[noise.pk])
    assert sutton.title.startswith(f"{noise.pk}: ")
    assert "Loud music" not in sutton.title  # the description is not in the summary
    assert provider.records(person_ids=[rae.pk], organisation_ids={org_b.pk})[0].reference == str(
        merton.pk
    )
    assert provider.records(person_ids=[rae.pk], organisation_ids=set()) == []


def test_export_gives_the_description_location_contact_and_updates(noise, rae, officer_a, org_a):
    service_request_respond(actor=officer_a, request=noise, text="We will visit on Friday.")
    [row] = registry.provider_for("service_requests").export(
        person_ids=[rae.pk], organisation_ids={org_a.pk}
    )
    assert row["organisation"] == org_a.pk
    assert row["reference"] == str(noise.pk)
    assert row["description"] == "Loud music from next door until 3am"
    assert row["location"]["postcode"] == "SM1 1AA"
    assert (row["name"], row["email"], row["phone"]) == (
        "Rae Sidhu",
        "rae@example.org",
        "07700900982",
    )
    assert [u["text"] for u in row["updates"]] == ["", "We will visit on Friday."]
    assert row["updates"][0]["kind"] == EventKind.CREATED


def test_anonymise_erases_the_reporter_but_keeps_the_request(
    noise, rae, resident, officer_a, org_a, org_b
):
    merton = make_report("noise", postcode=MERTON, actor=resident, answers={"source": "street"})
    service_request_respond(
        actor=officer_a, request=noise, text="Warning letter sent.", status="fixed"
    )
    noise.refresh_from_db()
    service_request_reopen(
        actor=resident, request=noise, secret=noise.secret, reason="Still loud at number 9"
    )
    outcome = registry.provider_for("service_requests").anonymise(
        person_ids=[rae.pk], organisation_ids={org_a.pk, None}
    )
    assert (outcome.category, outcome.anonymised, outcome.kept) == ("service_requests", 1, 0)
    noise.refresh_from_db()
    assert (noise.name, noise.email, noise.phone, noise.description) == ("", "", "", "")
    assert noise.reporter is None and noise.person is None
    assert noise.anonymised_at is not None
    assert noise.answers == {"source": "home"}  # the free-text answer named neighbours
    # Kept for statistics: service, place, dates, status and the officer's update.
    assert (noise.service.code, noise.postcode, noise.status) == ("noise", "SM1 1AA", "reopen")
    assert noise.lat and noise.lon and noise.requested_at
    events = list(noise.events.order_by("id"))
    assert "resident" not in {e.actor_label for e in events}
    assert all(e.actor_id != resident.pk for e in events)
    reopened = next(e for e in events if e.kind == EventKind.REOPENED)
    assert "reason" not in reopened.data
    assert any(e.text == "Warning letter sent." for e in events)
    # Merton's request was outside the scope asked for.
    merton.refresh_from_db()
    assert merton.person == rae and merton.email == "resident@example.org"
    assert registry.provider_for("service_requests").records(
        person_ids=[rae.pk], organisation_ids=None
    ) == registry.provider_for("service_requests").records(
        person_ids=[rae.pk], organisation_ids={org_b.pk}
    )


def test_erasure_by_sutton_anonymises_its_requests(noise, rae, resident, dpo_a):
    request = crm_services.erasure_request_create(user=resident)
    report = crm_services.erasure_carry_out(actor=dpo_a, request=request)
    section = next(c for c in report["categories"] if c["category"] == "service_requests")
    assert section["anonymised"] == 1
    noise.refresh_from_db()
    assert noise.email == "" and noise.person is None


def test_expire_anonymises_requests_closed_more_than_six_years_ago(partners, officer_a):
    old = make_report("potholes", answers={"depth": "deep"}, name="Old Reporter")
    service_request_support(
        actor=None, request=old, name="Old Supporter", email="supporter@example.org", phone=""
    )
    service_request_respond(actor=officer_a, request=old, status="fixed")
    still_open = make_report("potholes", answers={"depth": "deep"}, lat=51.3655, lon=-0.1911)
    recent = make_report("potholes", answers={"depth": "deep"}, lat=51.3700, lon=-0.2000)
    service_request_respond(actor=officer_a, request=recent, status="fixed")
    now = timezone.now()
    seven_years_ago = now - dt.timedelta(days=7 * 365)
    ServiceRequest.objects.filter(pk=old.pk).update(
        requested_at=seven_years_ago, closed_at=seven_years_ago
    )
    ServiceRequest.objects.filter(pk=still_open.pk).update(requested_at=seven_years_ago)
    ServiceRequest.objects.filter(pk=recent.pk).update(closed_at=now - dt.timedelta(days=5 * 365))
    assert crm_services.retention_apply(now=now)["service_requests"] == 1
    old.refresh_from_db()
    assert (old.name, old.email, old.anonymised_at is not None) == ("", "", True)
    assert old.status == Status.FIXED and old.service.code == "potholes"
    assert list(Supporter.objects.filter(request=old).values_list("name", "email")) == [("", "")]
    for kept in (still_open, recent):
        kept.refresh_from_db()
        assert kept.email == "resident@example.org" and kept.anonymised_at is None
    # Once done, not counted again.
    assert crm_services.retention_apply(now=now)["service_requests"] == 0


# --- Officers link and unlink --------------------------------------------------------------


def test_an_officer_finds_only_people_they_can_see_and_links_one(
    pat_report, pat, other_pat, officer_a, org_a
):
    url = reverse("service_requests:person-link", args=[pat_report.pk])
    client = client_for(officer_a)
    page = client.get(url, {"q": "Pat Reporter"})
    html = page.content.decode()
    assert page.status_code == 200
    assert str(pat.public_id) in html
    assert str(other_pat.public_id) not in html
    assert AuditEvent.objects.filter(action="personal_data.search", actor=officer_a).exists()

    with unchanged(ServiceRequest.objects.filter(pk=pat_report.pk)):
        refused = client.post(url, {"person": str(other_pat.public_id)})
    assert refused.status_code == 400
    assert "Choose a person from the search results" in refused.content.decode()

    done = client.post(url, {"person": str(pat.public_id)})
    assert done.status_code == 302
    assert done["Location"] == reverse("service_requests:case", args=[pat_report.pk])
    pat_report.refresh_from_db()
    assert pat_report.person == pat
    event = AuditEvent.objects.get(action="service_request.person.link")
    assert (event.actor, event.organisation, event.object_id) == (
        officer_a,
        org_a,
        str(pat_report.pk),
    )
    assert event.after == {"person": str(pat.public_id)}
    case = client.get(reverse("service_requests:case", args=[pat_report.pk])).content.decode()
    assert reverse("crm:person-detail", args=[pat.public_id]) in case


def test_linking_makes_the_organisation_a_holder_and_shows_on_the_person_page(
    pat_report, officer_a, org_a, org_b, partner_b
):
    # Someone only Merton holds, whom Sutton sees under an agreement sharing contact details.
    person = crm_services.person_create(
        actor=partner_b, organisation=org_b, given_name="Pat", family_name="Reporter"
    )
    make_agreement("DSA-AB", [org_a, org_b], ["contact_details"])
    service_request_person_link(actor=officer_a, request=pat_report, person=person)
    assert PersonHolding.objects.filter(person=person, organisation=org_a).exists()
    view = crm_selectors.person_view(actor=officer_a, person=person)
    section = next(s for s in view.sections if s.category.code == "service_requests")
    assert [(r.reference, g.basis) for r, g in section.records] == [(str(pat_report.pk), "own")]


def test_a_link_to_someone_else_must_be_undone_first_and_unlink_is_audited(
    pat_report, pat, officer_a, org_a
):
    other = crm_services.person_create(
        actor=officer_a, organisation=org_a, given_name="Sam", family_name="Other"
    )
    client = client_for(officer_a)
    link = reverse("service_requests:person-link", args=[pat_report.pk])
    client.post(link, {"person": str(pat.public_id)})
    with unchanged(ServiceRequest.objects.filter(pk=pat_report.pk)):
        again = client.post(link, {"person": str(other.public_id)})
    assert again.status_code == 400
    assert "already linked to someone else" in again.content.decode()
    unlink = client.post(reverse("service_requests:person-unlink", args=[pat_report.pk]))
    assert unlink.status_code == 302
    pat_report.refresh_from_db()
    assert pat_report.person is None
    event = AuditEvent.objects.get(action="service_request.person.unlink")
    assert event.before == {"person": str(pat.public_id)}


def test_linking_needs_the_csrf_token(pat_report, pat, officer_a):
    client = client_for(officer_a)
    client.handler.enforce_csrf_checks = True
    with unchanged(ServiceRequest.objects.filter(pk=pat_report.pk)):
        response = client.post(
            reverse("service_requests:person-link", args=[pat_report.pk]),
            {"person": str(pat.public_id)},
        )
        unlink = client.post(reverse("service_requests:person-unlink", args=[pat_report.pk]))
    assert (response.status_code, unlink.status_code) == (403, 403)


def test_viewers_and_other_organisations_cannot_link(pat_report, pat, viewer_a, partner_b):
    url = reverse("service_requests:person-link", args=[pat_report.pk])
    with unchanged(ServiceRequest.objects.filter(pk=pat_report.pk)):
        assert client_for(viewer_a).get(url).status_code == 403
        assert client_for(viewer_a).post(url, {"person": str(pat.public_id)}).status_code == 403
        assert client_for(partner_b).post(url, {"person": str(pat.public_id)}).status_code == 404
    assert not AuditEvent.objects.filter(action="service_request.person.link").exists()


def test_the_link_page_is_accessible(pat_report, pat, officer_a, assert_accessible):
    url = reverse("service_requests:person-link", args=[pat_report.pk])
    assert_accessible(client_for(officer_a).get(url, {"q": "Pat"}))


# --- Every view of who reported is audited --------------------------------------------------


def test_the_case_page_records_each_view_of_the_reporters_details(pat_report, viewer_a, org_a):
    url = reverse("service_requests:case", args=[pat_report.pk])
    client = client_for(viewer_a)
    assert "pat.reporter@example.org" in client.get(url).content.decode()
    client.get(url)
    reads = AuditEvent.objects.filter(action="personal_data.read", actor=viewer_a)
    assert reads.count() == 2
    event = reads.first()
    assert (event.object_type, event.object_id) == (
        "service_requests.servicerequest",
        str(pat_report.pk),
    )
    assert event.organisation == org_a
    assert event.after["shown"] == [
        {
            "category": "service_requests",
            "organisation": org_a.pk,
            "agreement": None,
            "request": pat_report.pk,
            "fields": ["name", "email"],
            "basis": "own",
        }
    ]


def test_a_linked_requests_reads_go_in_the_persons_access_log(
    pat_report, pat, officer_a, partner_b, dpo_a, org_b
):
    service_request_person_link(actor=officer_a, request=pat_report, person=pat)
    service_request_share(actor=officer_a, request=pat_report, organisation=org_b)
    client_for(officer_a).get(reverse("service_requests:case", args=[pat_report.pk]))
    shared = client_for(partner_b).get(reverse("service_requests:case", args=[pat_report.pk]))
    assert "pat.reporter@example.org" in shared.content.decode()
    # Merton sees the request (shared with it) but not Pat in the citizen record.
    assert reverse("crm:person-detail", args=[pat.public_id]) not in shared.content.decode()
    log = crm_selectors.person_access_log(actor=dpo_a, person=pat).filter(
        action="personal_data.read"
    )
    by_whom = {e.actor_label: e for e in log}
    assert set(by_whom) == {"officer_a", "partner_b"}
    assert by_whom["officer_a"].after["shown"][0]["person"] == str(pat.public_id)
    assert by_whom["partner_b"].organisation == org_b
    assert by_whom["partner_b"].after["shown"][0]["basis"] == "shared"
    assert "person" not in by_whom["partner_b"].after["shown"][0]


# --- Sharing under an agreement, and the resident's account ---------------------------------


def test_merton_sees_suttons_requests_only_under_an_agreement(
    noise, rae, resident, partner_b, org_a, org_b
):
    url = reverse("crm:person-detail", args=[rae.public_id])
    merton = client_for(partner_b)
    assert merton.get(url).status_code == 404  # no agreement: nothing, not even the person
    agreement = make_agreement(
        "DSA-SR", [org_a, org_b], ["contact_details", "service_requests"], LawfulBasis.CONSENT
    )
    crm_services.consent_give(user=resident, agreement=agreement)
    page = merton.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    [record] = registry.provider_for("service_requests").records(
        person_ids=[rae.pk], organisation_ids={org_a.pk}
    )
    assert escape(record.title) in html
    assert reverse("service_requests:case", args=[noise.pk]) not in html  # not Merton's to open
    assert "Agreement DSA-SR" in html
    event = AuditEvent.objects.filter(action="personal_data.read", actor=partner_b).get()
    assert {
        "category": "service_requests",
        "organisation": org_a.pk,
        "agreement": "DSA-SR",
    } in event.after["shown"]
    crm_services.consent_withdraw(user=resident, agreement=agreement)
    assert merton.get(url).status_code == 404


def test_my_account_lists_the_residents_requests_with_their_own_page(
    noise, resident, assert_accessible
):
    page = client_for(resident).get(reverse("accounts:my-account"))
    html = page.content.decode()
    assert "Service requests" in html
    assert f'href="{reverse("service_requests:track", args=[noise.pk])}"' in html
    assert reverse("service_requests:case", args=[noise.pk]) not in html
    assert "Open" in html
    assert_accessible(page)
    welsh = client_for(resident).get(reverse("accounts:my-account"), HTTP_ACCEPT_LANGUAGE="cy")
    assert reverse("service_requests:track", args=[noise.pk]) in welsh.content.decode()


def test_a_transferred_requests_new_body_holds_the_reporter(noise, rae, officer_a, org_b):
    from joinedup.service_requests.services import service_request_transfer

    service_request_transfer(actor=officer_a, request=noise, organisation=org_b, reason="Theirs")
    assert PersonHolding.objects.filter(person=rae, organisation=org_b).exists()


def test_history_entries_of_a_resident_update_lose_their_words(noise, rae, org_a):
    RequestEvent.objects.create(
        request=noise,
        kind=EventKind.RESIDENT_UPDATE,
        public=True,
        text="It is the Smiths at number 9 again",
        data={"contact": {"name": "Rae Sidhu", "email": "rae@example.org", "phone": ""}},
    )
    registry.provider_for("service_requests").anonymise(
        person_ids=[rae.pk], organisation_ids={org_a.pk}
    )
    update = noise.events.get(kind=EventKind.RESIDENT_UPDATE)
    assert update.text == "(erased)" and "contact" not in update.data


# --- The admin site ------------------------------------------------------------------------


@pytest.fixture
def superuser(db):
    from joinedup.core.models import User

    return User.objects.create_superuser(
        username="root", email="root@example.org", password="correct horse battery staple"
    )


def test_a_superuser_reading_a_request_in_the_admin_is_audited(
    superuser, pat_report, noise, rae, dpo_a, org_a
):
    client = client_for(superuser)
    page = client.get(f"/admin/service_requests/servicerequest/{pat_report.pk}/change/")
    assert "pat.reporter@example.org" in page.content.decode()
    event = AuditEvent.objects.get(action="personal_data.read")
    assert (event.actor, event.organisation) == (superuser, org_a)
    assert (event.object_type, event.object_id) == (
        "service_requests.servicerequest",
        str(pat_report.pk),
    )
    assert event.after["shown"][0]["category"] == "service_requests"
    assert event.after["shown"][0]["basis"] == "admin"
    # A request linked to a person: the read is in that person's access log.
    assert (
        "rae@example.org"
        in client.get(f"/admin/service_requests/servicerequest/{noise.pk}/change/").content.decode()
    )
    log = crm_selectors.person_access_log(actor=dpo_a, person=rae)
    linked = log.get(action="personal_data.read", actor=superuser)
    assert linked.after["shown"][0]["object_id"] == str(noise.pk)
    client.get("/admin/service_requests/servicerequest/")
    listed = AuditEvent.objects.get(action="personal_data.search", actor=superuser)
    assert sorted(listed.after["ids"]) == sorted([str(pat_report.pk), str(noise.pk)])
