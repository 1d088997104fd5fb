"""The messages sent to a person in the shared citizen record (category `messages`):
which messages are theirs, who may see them, subject access, erasure and retention."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from joinedup.accounts.models import ResidentAccount
from joinedup.core.models import AuditEvent
from joinedup.crm import registry, selectors
from joinedup.crm import services as crm_services
from joinedup.crm.models import DataCategory, ErasureRule, PersonHolding
from joinedup.crm.tests.conftest import make_agreement
from joinedup.integrations.govuk_notify.models import MessageStatus, NotifyMessage, recipient_key
from joinedup.integrations.govuk_notify.person_data import CATEGORY, MessagesProvider
from joinedup.integrations.govuk_notify.services import notify_send_email, notify_send_sms
from joinedup.integrations.govuk_notify.templates_registry import NotifyTemplate, register_template
from joinedup.jobs.services import jobs_run_pending

pytestmark = pytest.mark.django_db

register_template(
    NotifyTemplate(
        name="person_data_test.email",
        kind="email",
        subject={"en": "About your report ((ref))"},
        body={
            "en": "We have fixed it.\n\nSee https://joinedup.example/track/((ref))/?token=s3cret"
        },
    )
)
register_template(
    NotifyTemplate(
        name="person_data_test.sms",
        kind="sms",
        subject={},
        body={"en": "Report ((ref)) is fixed. http://joinedup.example/t/((ref))"},
    )
)


def _email(to, ref, organisation=None):
    return notify_send_email(
        to=to,
        template="person_data_test.email",
        personalisation={"ref": ref},
        organisation=organisation,
    )


def _sms(to, ref, organisation=None):
    return notify_send_sms(
        to=to,
        template="person_data_test.sms",
        personalisation={"ref": ref},
        organisation=organisation,
    )


@pytest.fixture
def rae(resident, officer_a, org_a):
    """A resident with a verified account (resident@example.org), held by Sutton, who has
    recorded her mobile number (not verified)."""
    ResidentAccount.objects.create(
        user=resident, email_verified_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    person = crm_services.person_for_account(
        user=resident, given_name="Rae", family_name="Sidhu", email="resident@example.org"
    )
    PersonHolding.objects.create(person=person, organisation=org_a)
    crm_services.person_contact_details_add(
        actor=officer_a, person=person, organisation=org_a, phone="07700 900123"
    )
    return person


@pytest.fixture
def sent(rae, org_a, org_b):
    """Messages to Rae's addresses and to others, from Sutton, Merton and the platform."""
    messages = {
        "account": _email(" Resident@Example.org ", "ACCOUNT"),
        "sutton_email": _email("resident@example.org", "SUT-1", org_a),
        "sutton_sms": _sms("+44 7700 900123", "SUT-2", org_a),
        # Sutton holds the number, Merton does not: Merton's text is not known to be hers.
        "merton_sms": _sms("07700900123", "MER-1", org_b),
        "merton_email": _email("RESIDENT@example.org", "MER-2", org_b),
        "someone_else": _email("someone.else@example.org", "SUT-3", org_a),
    }
    jobs_run_pending()
    return messages


def _ids(records):
    return {r.reference for r in records}


def _provider() -> MessagesProvider:
    provider = registry.provider_for(CATEGORY)
    assert isinstance(provider, MessagesProvider)
    return provider


@pytest.mark.parametrize(
    ("kind", "value", "key"),
    [
        ("email", "  Rae.Sidhu@Example.ORG ", "rae.sidhu@example.org"),
        ("sms", "07700 900123", "07700900123"),
        ("sms", "+44 (0)7700 900123", "07700900123"),
        ("sms", "+447700900123", "07700900123"),
        ("sms", "0044 7700 900123", "07700900123"),
        ("sms", "447700900123", "07700900123"),
    ],
)
def test_recipients_are_compared_in_one_form(kind, value, key):
    assert recipient_key(kind, value) == key


def test_the_category_is_seeded_with_two_years_and_anonymise():
    category = DataCategory.objects.get(code=CATEGORY)
    assert (category.name, category.retention_days, category.erasure) == (
        "Messages sent",
        731,
        ErasureRule.ANONYMISE,
    )


def test_the_provider_is_registered_before_contact_details():
    # Erasure anonymises category by category in this order: the messages must be found
    # (by the person's addresses) before the contact details are erased.
    order = [p.category for p in registry.providers()]
    assert order.index(CATEGORY) < order.index("contact_details")


def test_records_are_the_messages_to_her_addresses(rae, sent):
    records = _provider().records(person_ids=rae.identity_ids(), organisation_ids=None)
    expected = {sent[k].pk for k in ("account", "sutton_email", "sutton_sms", "merton_email")}
    assert _ids(records) == {str(pk) for pk in expected}
    by_id = {r.reference: r for r in records}
    email = by_id[str(sent["sutton_email"].pk)]
    assert (email.kind, email.title, email.status, email.organisation_id) == (
        "Email",
        "About your report SUT-1",
        "Delivered",
        sent["sutton_email"].organisation_id,
    )
    assert email.occurred_at == NotifyMessage.objects.get(pk=sent["sutton_email"].pk).sent_at
    assert email.details["body"] == "We have fixed it.\n\nSee [link removed]"
    text = by_id[str(sent["sutton_sms"].pk)]
    assert text.kind == "Text message"
    assert text.title == "Report SUT-2 is fixed. [link removed]"


def test_statuses_read_plainly(rae, sent):
    NotifyMessage.objects.filter(pk=sent["sutton_email"].pk).update(
        status=MessageStatus.PERMANENT_FAILURE
    )
    NotifyMessage.objects.filter(pk=sent["merton_email"].pk).update(status=MessageStatus.QUEUED)
    by_id = {
        r.reference: r.status
        for r in _provider().records(person_ids=rae.identity_ids(), organisation_ids=None)
    }
    assert by_id[str(sent["sutton_email"].pk)] == "Not delivered"
    assert by_id[str(sent["merton_email"].pk)] == "Sending"
    assert by_id[str(sent["sutton_sms"].pk)] == "Delivered"


def test_only_the_organisations_passed_in(rae, sent, org_a, org_b):
    ids = rae.identity_ids()
    provider = _provider()
    assert _ids(provider.records(person_ids=ids, organisation_ids={org_a.pk})) == {
        str(sent["sutton_email"].pk),
        str(sent["sutton_sms"].pk),
    }
    assert _ids(provider.records(person_ids=ids, organisation_ids={org_b.pk})) == {
        str(sent["merton_email"].pk)
    }
    assert _ids(provider.records(person_ids=ids, organisation_ids={None})) == {
        str(sent["account"].pk)
    }
    assert provider.records(person_ids=ids, organisation_ids=set()) == []


def test_a_person_with_no_address_has_no_messages(officer_a, org_a, sent):
    nobody = crm_services.person_create(
        actor=officer_a, organisation=org_a, given_name="No", family_name="Address"
    )
    assert _provider().records(person_ids=[nobody.pk], organisation_ids=None) == []


def test_merged_records_bring_their_messages(rae, sent, officer_a, org_a):
    other = crm_services.person_create(
        actor=officer_a,
        organisation=org_a,
        given_name="Rae",
        family_name="Sidhu",
        email="someone.else@example.org",
    )
    crm_services.person_merge(actor=officer_a, survivor=rae, duplicate=other)
    ids = {
        r.reference
        for r in _provider().records(person_ids=rae.identity_ids(), organisation_ids=None)
    }
    assert str(sent["someone_else"].pk) in ids


def test_officers_see_other_organisations_messages_only_under_an_agreement(
    rae, sent, officer_a, partner_b, org_a, org_b
):
    def seen(actor):
        view = selectors.person_view(actor=actor, person=rae)
        section = next(s for s in view.sections if s.category.code == CATEGORY)
        return {r.reference: (g.basis if g else None) for r, g in section.records}

    # Sutton sees its own; never the platform's account email, never Merton's.
    assert seen(officer_a) == {
        str(sent["sutton_email"].pk): "own",
        str(sent["sutton_sms"].pk): "own",
    }
    # Merton finds her under an agreement sharing contact details, but not messages.
    make_agreement("DSA-AB", [org_a, org_b], ["contact_details", "service_requests"])
    assert seen(partner_b) == {str(sent["merton_email"].pk): "own"}
    # An agreement that lists the category shares Sutton's messages, saying which.
    make_agreement("DSA-MSG", [org_a, org_b], ["messages"])
    assert seen(partner_b) == {
        str(sent["merton_email"].pk): "own",
        str(sent["sutton_email"].pk): "DSA-MSG",
        str(sent["sutton_sms"].pk): "DSA-MSG",
    }
    event = AuditEvent.objects.filter(action="personal_data.read", actor=partner_b).latest("pk")
    assert {"category": CATEGORY, "organisation": org_a.pk, "agreement": "DSA-MSG"} in event.after[
        "shown"
    ]


def test_export_includes_the_text_without_links(rae, sent, org_a):
    rows = _provider().export(person_ids=rae.identity_ids(), organisation_ids={org_a.pk})
    row = next(r for r in rows if r["kind"] == "email")
    assert row == {
        "organisation": org_a.pk,
        "kind": "email",
        "to": "resident@example.org",
        "subject": "About your report SUT-1",
        "body": "We have fixed it.\n\nSee [link removed]",
        "language": "en",
        "status": "delivered",
        "created_at": row["created_at"],
        "sent_at": row["sent_at"],
    }
    assert row["sent_at"] is not None
    assert all("s3cret" not in str(r) and "http" not in str(r) for r in rows)


def test_subject_access_includes_her_messages_and_the_account_email(rae, sent, dpo_a, org_a):
    data = crm_services.subject_access_assemble(actor=dpo_a, person=rae)
    section = next(c for c in data["categories"] if c["category"] == CATEGORY)
    assert section["name"] == "Messages sent"
    assert sorted((r["held_by"], r["subject"]) for r in section["records"]) == [
        ("London Borough of Sutton", ""),  # the text message has no subject
        ("London Borough of Sutton", "About your report SUT-1"),
        ("Your account", "About your report ACCOUNT"),
    ]
    assert all("[link removed]" in r["body"] for r in section["records"])


def test_anonymise_blanks_who_and_what_but_keeps_the_row(rae, sent, org_a):
    before = NotifyMessage.objects.count()
    outcome = _provider().anonymise(
        person_ids=rae.identity_ids(), organisation_ids={org_a.pk, None}
    )
    assert (outcome.category, outcome.anonymised) == (CATEGORY, 3)
    assert NotifyMessage.objects.count() == before
    erased = NotifyMessage.objects.get(pk=sent["sutton_email"].pk)
    assert (erased.recipient, erased.recipient_key, erased.subject, erased.body) == (
        "(erased)",
        "",
        "",
        "(erased)",
    )
    assert erased.personalisation == {} and erased.reference == ""
    # What delivery statistics need stays.
    assert (erased.kind, erased.template_name, erased.status, erased.organisation_id) == (
        "email",
        "person_data_test.email",
        MessageStatus.DELIVERED,
        org_a.pk,
    )
    assert erased.sent_at is not None
    # Merton's message is Merton's to erase; another person's message is untouched.
    for key in ("merton_email", "someone_else"):
        assert NotifyMessage.objects.get(pk=sent[key].pk).recipient != "(erased)"
    assert _provider().records(person_ids=rae.identity_ids(), organisation_ids={org_a.pk}) == []


def test_an_upheld_erasure_anonymises_her_messages(rae, sent, resident, dpo_a, org_a):
    request = crm_services.erasure_request_create(user=resident)
    report = crm_services.erasure_carry_out(actor=dpo_a, request=request)
    outcome = next(c for c in report["categories"] if c["category"] == CATEGORY)
    # Sutton's email and text (the text found by the number Sutton held, before the
    # contact details went) and the account email; Merton's stays for Merton's DPO.
    assert (outcome["anonymised"], outcome["kept"]) == (3, 0)
    assert NotifyMessage.objects.get(pk=sent["sutton_sms"].pk).recipient == "(erased)"
    assert NotifyMessage.objects.get(pk=sent["merton_email"].pk).recipient == "RESIDENT@example.org"


def test_retention_anonymises_messages_older_than_two_years(rae, sent):
    old = timezone.now() - dt.timedelta(days=800)
    NotifyMessage.objects.filter(pk__in=[sent["sutton_email"].pk, sent["someone_else"].pk]).update(
        created_at=old
    )
    assert crm_services.retention_apply()["messages"] == 2
    assert NotifyMessage.objects.get(pk=sent["someone_else"].pk).body == "(erased)"
    assert NotifyMessage.objects.get(pk=sent["sutton_sms"].pk).body != "(erased)"
    # Already anonymised rows are not counted again.
    assert crm_services.retention_apply()["messages"] == 0
    with time_machine.travel(timezone.now() + dt.timedelta(days=2 * 365 + 2)):
        assert crm_services.retention_apply()["messages"] == 4
