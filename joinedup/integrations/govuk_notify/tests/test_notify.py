import pytest
from django.urls import reverse

from joinedup.core.testing import assert_access, client_for
from joinedup.integrations.govuk_notify.models import MessageStatus, NotifyMessage
from joinedup.integrations.govuk_notify.providers import GovukNotifyProvider
from joinedup.integrations.govuk_notify.services import notify_send_email, notify_send_sms
from joinedup.integrations.govuk_notify.templates_registry import (
    MissingPersonalisation,
    NotifyTemplate,
    register_template,
)
from joinedup.jobs.models import Job, JobStatus
from joinedup.jobs.services import jobs_run_pending

pytestmark = pytest.mark.django_db

register_template(
    NotifyTemplate(
        name="notify_test.hello",
        kind="email",
        subject={"en": "Hello ((name))", "cy": "Helo ((name))"},
        body={"en": "You owe ((amount)).", "cy": "Mae arnoch ((amount))."},
    )
)
register_template(
    NotifyTemplate(name="notify_test.sms", kind="sms", subject={}, body={"en": "Code ((code))"})
)


def test_an_email_is_recorded_rendered_and_delivered_by_the_sandbox(org_a):
    message = notify_send_email(
        to="resident@example.org",
        template="notify_test.hello",
        personalisation={"name": "Ann", "amount": "£12.00"},
        organisation=org_a,
    )
    assert (message.subject, message.body, message.status) == (
        "Hello Ann",
        "You owe £12.00.",
        MessageStatus.QUEUED,
    )
    assert Job.objects.get(task_name="govuk_notify.deliver").kwargs == {
        "message_id": str(message.pk)
    }
    jobs_run_pending()
    message.refresh_from_db()
    assert (message.status, message.provider) == (MessageStatus.DELIVERED, "sandbox")
    assert len(message.provider_id) == 36


def test_welsh_text_is_used_for_welsh_speakers():
    message = notify_send_email(
        to="a@example.org",
        template="notify_test.hello",
        personalisation={"name": "Siân", "amount": "£1"},
        language="cy",
    )
    assert (message.subject, message.body, message.language) == (
        "Helo Siân",
        "Mae arnoch £1.",
        "cy",
    )


def test_missing_personalisation_is_refused_before_anything_is_queued():
    with pytest.raises(MissingPersonalisation, match="amount"):
        notify_send_email(
            to="a@example.org", template="notify_test.hello", personalisation={"name": "A"}
        )
    assert NotifyMessage.objects.count() == Job.objects.count() == 0


def test_sandbox_simulates_notifys_failure_addresses_and_numbers():
    temp = notify_send_email(
        to="temp-fail@simulator.notify",
        template="notify_test.hello",
        personalisation={"name": "x", "amount": 1},
    )
    perm = notify_send_sms(
        to="07700900002", template="notify_test.sms", personalisation={"code": 1}
    )
    bad = notify_send_sms(to="not a phone", template="notify_test.sms", personalisation={"code": 1})
    jobs_run_pending()
    statuses = {m.pk: m.status for m in NotifyMessage.objects.all()}
    assert statuses == {
        temp.pk: MessageStatus.TEMPORARY_FAILURE,
        perm.pk: MessageStatus.PERMANENT_FAILURE,
        bad.pk: MessageStatus.PERMANENT_FAILURE,
    }
    # a refused message is final: its job finished, nothing retries it
    assert set(Job.objects.values_list("status", flat=True)) == {JobStatus.DONE}


def test_a_message_is_delivered_once_even_if_its_job_runs_twice():
    message = notify_send_email(
        to="a@example.org", template="notify_test.hello", personalisation={"name": "x", "amount": 1}
    )
    jobs_run_pending()
    message.refresh_from_db()
    first_id = message.provider_id
    from joinedup.integrations.govuk_notify.services import notify_message_deliver

    notify_message_deliver(message_id=str(message.pk))
    message.refresh_from_db()
    assert message.provider_id == first_id


class FakeResponse:
    def __init__(self, status, body):
        self.status_code = status
        self._body = body
        self.text = str(body)

    def json(self):
        return self._body

    def raise_for_status(self):
        import requests

        if self.status_code >= 400:
            raise requests.HTTPError(response=self)


SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
LIVE_KEY = f"joinedup_test-{SERVICE_ID}-{SECRET}"


def _live(settings, monkeypatch, responses):
    settings.NOTIFY_API_KEY = LIVE_KEY
    settings.NOTIFY_TEMPLATE_IDS = {"notify_test.hello": "f33517ff-2a88-4f6e-b855-c550268ce08a"}
    sent = []

    def fake_request(self, method, url, **kwargs):
        import jwt

        token = kwargs["headers"]["Authorization"].removeprefix("Bearer ")
        claims = jwt.decode(token, SECRET, algorithms=["HS256"])
        sent.append((method, url, kwargs["data"], claims["iss"]))
        return responses.pop(0)

    monkeypatch.setattr("requests.Session.request", fake_request)
    return sent


def test_with_an_api_key_messages_go_to_govuk_notify(settings, monkeypatch):
    sent = _live(
        settings, monkeypatch, [FakeResponse(201, {"id": "740e5834-3a29-46b4-9a6f-16142fde533a"})]
    )
    message = notify_send_email(
        to="a@example.org",
        template="notify_test.hello",
        personalisation={"name": "Ann", "amount": "£3"},
        reference="CT-1",
    )
    jobs_run_pending()
    message.refresh_from_db()
    assert (message.status, message.provider, message.provider_id) == (
        MessageStatus.SENDING,
        "govuk-notify",
        "740e5834-3a29-46b4-9a6f-16142fde533a",
    )
    import json

    method, url, data, issuer = sent[0]
    assert (method, url, issuer) == (
        "POST",
        "https://api.notifications.service.gov.uk/v2/notifications/email",
        SERVICE_ID,
    )
    assert json.loads(data) == {
        "email_address": "a@example.org",
        "template_id": "f33517ff-2a88-4f6e-b855-c550268ce08a",
        "personalisation": {"name": "Ann", "amount": "£3"},
        "reference": "CT-1",
    }


def test_notify_outage_is_retried_and_bad_requests_are_not(settings, monkeypatch):
    _live(
        settings,
        monkeypatch,
        [
            FakeResponse(
                500, {"errors": [{"error": "Exception", "message": "Internal server error"}]}
            ),
            FakeResponse(
                400,
                {
                    "errors": [
                        {"error": "BadRequestError", "message": "Can't send to this recipient"}
                    ]
                },
            ),
        ],
    )
    message = notify_send_email(
        to="a@example.org", template="notify_test.hello", personalisation={"name": "A", "amount": 1}
    )
    job = Job.objects.get()
    jobs_run_pending()
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.PENDING, 1)  # will be retried
    Job.objects.filter(pk=job.pk).update(run_after=job.created_at)
    jobs_run_pending()
    message.refresh_from_db()
    assert message.status == MessageStatus.PERMANENT_FAILURE
    assert "Can't send to this recipient" in message.error


def test_live_provider_needs_a_template_id(settings):
    provider = GovukNotifyProvider(LIVE_KEY)
    message = NotifyMessage(kind="email", recipient="a@example.org", template_name="x", body="b")
    from joinedup.integrations.govuk_notify.providers import PermanentSendError

    with pytest.raises(PermanentSendError):
        provider.send(message)


def test_officers_see_their_organisations_messages_only(personas, org_a, org_b):
    notify_send_email(
        to="sutton-resident@example.org",
        template="notify_test.hello",
        personalisation={"name": "A", "amount": 1},
        organisation=org_a,
    )
    notify_send_email(
        to="merton-resident@example.org",
        template="notify_test.hello",
        personalisation={"name": "B", "amount": 1},
        organisation=org_b,
    )
    url = reverse("govuk_notify:outbox")
    assert_access(
        url,
        personas,
        {
            "anonymous": 302,
            "resident": 200,
            "viewer_a": 200,
            "officer_a": 200,
            "partner_b": 200,
            "officer_b": 200,
        },
        must_not_contain={
            "resident": ["sutton-resident", "merton-resident"],
            "officer_a": ["merton-resident"],
            "partner_b": ["sutton-resident"],
            "officer_b": ["sutton-resident", "merton-resident"],
        },
    )
    assert (
        "sutton-resident@example.org" in client_for(personas["viewer_a"]).get(url).content.decode()
    )


def test_each_view_of_the_outbox_is_an_audited_read(officer_a, org_a):
    from joinedup.core.models import AuditEvent

    notify_send_email(
        to="sutton-resident@example.org",
        template="notify_test.hello",
        personalisation={"name": "A", "amount": 1},
        organisation=org_a,
    )
    message = NotifyMessage.objects.get()
    client_for(officer_a).get(reverse("govuk_notify:outbox"))
    event = AuditEvent.objects.get(action="personal_data.read", actor=officer_a)
    assert (event.object_type, event.organisation) == ("govuk_notify.outbox", org_a)
    assert event.after["shown"] == [
        {"category": "messages", "organisation": org_a.pk, "messages": [str(message.pk)]}
    ]


def test_a_superuser_reading_messages_in_the_admin_is_audited(org_a):
    from joinedup.core.models import AuditEvent, User

    superuser = User.objects.create_superuser(
        username="root", email="root@example.org", password="correct horse battery staple"
    )
    message = notify_send_email(
        to="sutton-resident@example.org",
        template="notify_test.hello",
        personalisation={"name": "A", "amount": 1},
        organisation=org_a,
    )
    client = client_for(superuser)
    listed = client.get("/admin/govuk_notify/notifymessage/")
    assert "sutton-resident@example.org" in listed.content.decode()
    search = AuditEvent.objects.get(action="personal_data.search", actor=superuser)
    assert (search.object_type, search.after["ids"]) == (
        "govuk_notify.notifymessage",
        [str(message.pk)],
    )
    assert search.after["category"] == "messages"
    opened = client.get(f"/admin/govuk_notify/notifymessage/{message.pk}/change/")
    assert "sutton-resident@example.org" in opened.content.decode()
    read = AuditEvent.objects.get(action="personal_data.read", actor=superuser)
    assert (read.object_type, read.object_id, read.organisation) == (
        "govuk_notify.notifymessage",
        str(message.pk),
        org_a,
    )
    assert read.after["shown"][0]["category"] == "messages"
