import datetime as dt

import pytest

from joinedup.core.models import AuditEvent
from joinedup.crm import matching, selectors, services
from joinedup.crm.models import Person, PersonHolding

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Robert", "R163"),
        ("Rupert", "R163"),
        ("Ashcraft", "A261"),
        ("Tymczak", "T522"),
        ("Pfister", "P236"),
        ("Smith", "S530"),
        ("Smyth", "S530"),
        ("", ""),
    ],
)
def test_soundex_follows_the_census_rules(name, code):
    assert matching.soundex(name) == code


def test_edit_distance_counts_a_swap_as_one():
    assert matching.edit_distance("smith", "smtih") == 1
    assert matching.edit_distance("kitten", "sitting") == 3


def test_dates_typed_wrongly_still_look_alike():
    assert matching.dob_similarity(dt.date(1984, 7, 12), dt.date(1984, 12, 7)) == 0.7
    assert matching.dob_similarity(dt.date(1984, 7, 12), dt.date(1984, 7, 13)) == 0.7
    assert matching.dob_similarity(dt.date(1984, 7, 12), dt.date(1990, 1, 1)) == 0.0


def test_postcode_and_email_normalised():
    assert matching.normalise_postcode(" sm11aa ") == "SM1 1AA"
    assert matching.normalise_email(" Alice@Example.NET ") == "alice@example.net"
    assert matching.normalise_phone("+44 20 7946 0000") == "02079460000"


def test_typos_are_suggested_as_duplicates(alice, officer_a, org_a):
    typo = services.person_create(
        actor=officer_a,
        organisation=org_a,
        given_name="Alise",
        family_name="Okafur",
        date_of_birth=dt.date(1984, 12, 7),
    )
    stranger = services.person_create(
        actor=officer_a,
        organisation=org_a,
        given_name="Bernard",
        family_name="Okoro",
        date_of_birth=dt.date(1984, 7, 12),
    )
    found = selectors.person_duplicates(actor=officer_a, person=alice)
    assert [p for p, _ in found] == [typo]
    assert found[0][1].reasons == ("similar name", "similar date of birth")
    assert stranger not in [p for p, _ in found]


def test_email_match_is_strong_evidence(alice, officer_a, org_a):
    other = services.person_create(
        actor=officer_a,
        organisation=org_a,
        given_name="A",
        family_name="Okafor",
        email="ALICE.OKAFOR@example.net",
    )
    found = dict(selectors.person_duplicates(actor=officer_a, person=alice))
    assert "email" in found[other].reasons


def test_duplicates_only_among_people_the_officer_may_see(alice, partner_b, org_b, officer_a):
    twin = services.person_create(
        actor=partner_b,
        organisation=org_b,
        given_name="Alice",
        family_name="Okafor",
        date_of_birth=dt.date(1984, 7, 12),
    )
    assert selectors.person_duplicates(actor=officer_a, person=alice) == []
    assert selectors.person_duplicates(actor=partner_b, person=twin) == []


def test_merge_and_unmerge_are_audited_and_exact(
    alice, officer_a, org_a, partner_b, org_b, agreement_ab
):
    twin = services.person_create(
        actor=partner_b,
        organisation=org_b,
        given_name="Alice",
        family_name="Okafor",
        email="a.okafor@merton.example",
    )
    services.contact_event_record(
        actor=partner_b, person=twin, organisation=org_b, channel="visit", summary="Home visit"
    )
    found = selectors.person_duplicates(actor=officer_a, person=alice)
    assert [p for p, _ in found] == [twin]
    merge = services.person_merge(actor=officer_a, survivor=alice, duplicate=twin)
    twin.refresh_from_db()
    assert twin.merged_into == alice
    assert sorted(alice.identity_ids()) == sorted([alice.pk, twin.pk])
    assert set(
        PersonHolding.objects.filter(person=alice).values_list("organisation_id", flat=True)
    ) == {org_a.pk, org_b.pk}
    # The merged-away id leads to the survivor.
    assert selectors.person_get(actor=officer_a, public_id=twin.public_id) == alice
    assert set(Person.objects.live().filter(pk__in=[alice.pk, twin.pk])) == {alice}
    events = AuditEvent.objects.filter(action="crm.person.merge")
    assert sorted(events.values_list("object_id", flat=True)) == sorted(
        [str(alice.pk), str(twin.pk)]
    )

    services.person_unmerge(actor=officer_a, merge=merge)
    twin.refresh_from_db()
    assert twin.merged_into is None
    assert set(
        PersonHolding.objects.filter(person=alice).values_list("organisation_id", flat=True)
    ) == {org_a.pk}
    assert AuditEvent.objects.filter(action="crm.person.unmerge").count() == 2
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.person_unmerge(actor=officer_a, merge=merge)


def test_viewers_and_strangers_cannot_merge(alice, viewer_a, officer_a, org_a, officer_b):
    from django.http import Http404

    from joinedup.core.testing import unchanged

    other = services.person_create(
        actor=officer_a, organisation=org_a, given_name="Alice", family_name="Okafor"
    )
    for actor in (viewer_a, officer_b):
        with unchanged(Person.objects.all(), AuditEvent.objects.all()), pytest.raises(Http404):
            services.person_merge(actor=actor, survivor=alice, duplicate=other)


def test_the_account_holder_survives_a_merge(alice, officer_a, org_a, resident):
    account = services.person_for_account(
        user=resident, given_name="Alice", family_name="Okafor", email="alice.okafor@example.net"
    )
    services.person_contact_details_add(
        actor=officer_a, person=alice, organisation=org_a, phone="020 7946 0000"
    )
    PersonHolding.objects.create(person=account, organisation=org_a)
    merge = services.person_merge(actor=officer_a, survivor=alice, duplicate=account)
    assert merge.survivor == account
    alice.refresh_from_db()
    assert alice.merged_into == account


def test_an_account_is_suggested_only_to_officers_who_know_its_email(
    alice, officer_a, partner_b, org_b, resident
):
    from django.http import Http404

    account = services.person_for_account(
        user=resident, given_name="Alice", family_name="Okafor", email="alice.okafor@example.net"
    )
    found = dict(selectors.person_duplicates(actor=officer_a, person=alice))
    assert "email" in found[account].reasons
    other = services.person_create(
        actor=partner_b, organisation=org_b, given_name="Alice", family_name="Okafor"
    )
    assert selectors.person_duplicates(actor=partner_b, person=other) == []
    with pytest.raises(Http404):
        selectors.person_get_for_merge(actor=partner_b, person=other, public_id=account.public_id)
    merge = services.person_merge(actor=officer_a, survivor=alice, duplicate=account)
    assert merge.survivor == account  # the account holder survives
    assert selectors.person_get(actor=officer_a, public_id=account.public_id) == account
