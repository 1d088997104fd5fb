import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from joinedup.core import services
from joinedup.core.audit import audit_context
from joinedup.core.models import AuditEvent, Membership, Organisation, PartnershipMember, Role
from joinedup.core.testing import unchanged

pytestmark = pytest.mark.django_db


def test_admin_updates_organisation_and_the_change_is_audited(admin_a, org_a):
    old_homepage = org_a.homepage
    with audit_context("web:203.0.113.9"):
        services.organisation_update(
            actor=admin_a, organisation=org_a, homepage="https://example.org/sutton"
        )

    org_a.refresh_from_db()
    assert org_a.homepage == "https://example.org/sutton"
    event = AuditEvent.objects.get(action="organisation.update")
    assert event.actor == admin_a
    assert event.organisation == org_a
    assert event.before == {"homepage": old_homepage}
    assert event.after == {"homepage": "https://example.org/sutton"}
    assert event.source == "web:203.0.113.9"
    assert event.object_id == str(org_a.pk)


@pytest.mark.parametrize("persona", ["officer_a", "viewer_a", "partner_b", "officer_b", "resident"])
def test_only_an_admin_may_update_an_organisation(request, persona, org_a):
    actor = request.getfixturevalue(persona)
    with (
        unchanged(Organisation.objects.filter(pk=org_a.pk), AuditEvent.objects.all()),
        pytest.raises(Http404),
    ):
        services.organisation_update(
            actor=actor, organisation=org_a, homepage="https://evil.example"
        )


def test_update_rejects_fields_that_are_not_editable(admin_a, org_a):
    with unchanged(Organisation.objects.filter(pk=org_a.pk)), pytest.raises(ValidationError):
        services.organisation_update(actor=admin_a, organisation=org_a, gss_code="E00000000")


def test_update_rejects_a_bad_homepage_and_writes_nothing(admin_a, org_a):
    with (
        unchanged(Organisation.objects.filter(pk=org_a.pk), AuditEvent.objects.all()),
        pytest.raises(ValidationError),
    ):
        services.organisation_update(actor=admin_a, organisation=org_a, homepage="not a url")


def test_membership_set_creates_then_changes_role(admin_a, org_a, resident):
    services.membership_set(actor=admin_a, organisation=org_a, user=resident, role=Role.VIEWER)
    services.membership_set(actor=admin_a, organisation=org_a, user=resident, role=Role.OFFICER)
    assert Membership.objects.get(user=resident, organisation=org_a).role == Role.OFFICER
    events = list(AuditEvent.objects.filter(action="membership.set").order_by("id"))
    assert [e.before for e in events] == [None, {"role": "viewer"}]
    assert [e.after["role"] for e in events] == ["viewer", "officer"]


def test_admin_cannot_demote_themself(admin_a, org_a):
    with pytest.raises(ValidationError):
        services.membership_set(actor=admin_a, organisation=org_a, user=admin_a, role=Role.VIEWER)
    assert Membership.objects.get(user=admin_a).role == Role.ADMIN


def test_membership_set_refuses_another_organisations_admin(admin_a, org_b, resident):
    with unchanged(Membership.objects.all()), pytest.raises(Http404):
        services.membership_set(actor=admin_a, organisation=org_b, user=resident, role=Role.OFFICER)


def test_membership_remove_is_audited(admin_a, officer_a, org_a):
    services.membership_remove(actor=admin_a, organisation=org_a, user=officer_a)
    assert not Membership.objects.filter(user=officer_a).exists()
    event = AuditEvent.objects.get(action="membership.remove")
    assert event.before == {"user": officer_a.pk, "role": "officer"}


def test_partnership_member_add_needs_the_lead_partners_admin(
    partnership, admin_a, partner_b, org_outside
):
    with unchanged(PartnershipMember.objects.all()), pytest.raises(Http404):
        services.partnership_member_add(
            actor=partner_b,
            partnership=partnership,
            organisation=org_outside,
            joined_on=dt.date(2026, 1, 1),
        )
    member = services.partnership_member_add(
        actor=admin_a,
        partnership=partnership,
        organisation=org_outside,
        joined_on=dt.date(2026, 1, 1),
    )
    assert member.organisation == org_outside
    with pytest.raises(ValidationError):
        services.partnership_member_add(
            actor=admin_a,
            partnership=partnership,
            organisation=org_outside,
            joined_on=dt.date(2026, 1, 1),
        )


def test_partners_queryset_lists_current_members_only(partnership, org_a, org_b, org_outside):
    partners = set(Organisation.objects.partners())
    assert {org_a, org_b} <= partners
    assert org_outside not in partners
