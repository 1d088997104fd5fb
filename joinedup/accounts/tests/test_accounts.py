import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from joinedup.accounts.models import ResidentAccount
from joinedup.core.models import AuditEvent, User
from joinedup.core.testing import client_for, unchanged
from joinedup.crm.models import ErasureRequest, Person
from joinedup.integrations.govuk_notify.models import MessageStatus, NotifyMessage
from joinedup.jobs.services import jobs_run_pending

pytestmark = pytest.mark.django_db
PASSWORD = "purple elephant marmalade"


def _sign_up(client: Client, email: str = "Sam.Rivera@example.net") -> str:
    response = client.post(
        reverse("accounts:sign-up"),
        {"given_name": "Sam", "family_name": "Rivera", "email": email, "password": PASSWORD},
    )
    assert response.status_code == 200
    assert "Check your email" in response.content.decode()
    return response.content.decode()


def _outbox() -> list[NotifyMessage]:
    """Account email in the GOV.UK Notify outbox, oldest first."""
    return list(NotifyMessage.objects.filter(template_name="account_email").order_by("created_at"))


def _link(message) -> str:
    return re.search(r"http://testserver(\S+)", message.body).group(1)


def test_sign_up_verify_and_sign_in(django_capture_on_commit_callbacks):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        _sign_up(client)
    user = User.objects.get(username="sam.rivera@example.net")
    assert ResidentAccount.objects.get(user=user).email_verified_at is None
    # Not before the address is verified.
    refused = client.post(
        reverse("accounts:sign-in"), {"username": "sam.rivera@example.net", "password": PASSWORD}
    )
    assert "Confirm your email address first" in refused.content.decode()
    [message] = _outbox()
    assert (message.recipient, message.kind, message.status) == (
        "sam.rivera@example.net",
        "email",
        MessageStatus.QUEUED,
    )
    assert message.subject == "Confirm your email address"
    jobs_run_pending()  # the worker hands it to Notify (here the sandbox provider)
    message.refresh_from_db()
    assert (message.status, message.provider) == (MessageStatus.DELIVERED, "sandbox")
    verified = client.get(_link(message))
    assert verified.status_code == 200
    assert "Your email address is confirmed" in verified.content.decode()
    person = Person.objects.get(user=user)
    assert (person.given_name, person.family_name) == ("Sam", "Rivera")
    assert person.contact_points.get().verified_at is not None
    ok = client.post(
        reverse("accounts:sign-in"), {"username": "Sam.Rivera@example.net", "password": PASSWORD}
    )
    assert ok.status_code == 302
    assert ok["Location"] == reverse("accounts:my-account")
    assert "Sam Rivera" in client.get(reverse("accounts:my-account")).content.decode()


def test_signing_up_twice_reveals_nothing_and_creates_nothing(
    resident, django_capture_on_commit_callbacks
):
    with unchanged(User.objects.all()), django_capture_on_commit_callbacks(execute=True):
        page = _sign_up(Client(), email="resident@example.org")
    assert "Check your email" in page
    assert [m.subject for m in _outbox()] == ["You already have an account"]


def test_weak_password_is_refused_with_a_message():
    response = Client().post(
        reverse("accounts:sign-up"),
        {"given_name": "A", "family_name": "B", "email": "a@example.net", "password": "password"},
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert not User.objects.filter(username="a@example.net").exists()


def test_tampered_or_expired_verification_links_fail(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _sign_up(Client())
    link = _link(_outbox()[0])
    assert Client().get(link[:-3] + "xyz/").status_code == 400
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=4)):
        assert Client().get(link).status_code == 400
    assert ResidentAccount.objects.get().email_verified_at is None


def test_password_reset(resident):
    ResidentAccount.objects.create(
        user=resident, email_verified_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    Client().post(reverse("accounts:password-reset"), {"email": "nobody@example.net"})
    assert _outbox() == []
    page = Client().post(reverse("accounts:password-reset"), {"email": "resident@example.org"})
    assert "If resident@example.org has an account" in page.content.decode()
    link = _link(_outbox()[0])
    client = Client()
    form = client.get(link)
    assert form.status_code == 200
    done = client.post(link, {"password": "a brand new long passphrase"})
    assert "Your password has been changed" in done.content.decode()
    assert Client().login(username="resident", password="a brand new long passphrase")
    assert Client().get(link).status_code == 400  # a reset link works once
    assert AuditEvent.objects.filter(action="account.password_reset").count() == 1


@pytest.fixture
def account_person(resident):
    from joinedup.crm.services import person_for_account

    ResidentAccount.objects.create(
        user=resident, email_verified_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    return person_for_account(
        user=resident, given_name="Rae", family_name="Sidhu", email="resident@example.org"
    )


def test_download_all_my_data(account_person, resident):
    client = client_for(resident)
    page = client.get(reverse("accounts:download"))
    assert "resident@example.org" in page.content.decode()
    data = client.get(reverse("accounts:download"), {"format": "json"}).json()
    contact = next(c for c in data["categories"] if c["category"] == "contact_details")
    assert [r["value"] for r in contact["records"]] == ["resident@example.org"]
    assert contact["records"][0]["held_by"] == "Your account"
    assert AuditEvent.objects.filter(action="personal_data.read", actor=resident).count() == 2


def test_ask_for_erasure(account_person, resident):
    client = client_for(resident)
    response = client.post(reverse("accounts:erasure"), {"reason": "Moving abroad"})
    assert "Request sent" in response.content.decode()
    request = ErasureRequest.objects.get()
    assert (request.person, request.reason, request.status) == (
        account_person,
        "Moving abroad",
        "open",
    )


def test_account_pages_need_sign_in():
    for name in ("accounts:my-account", "accounts:download", "accounts:erasure"):
        response = Client().get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign-in"))


def test_account_email_is_queued_in_the_notify_outbox_in_the_residents_language():
    from django.utils import translation

    from joinedup.accounts.mail import send_account_email
    from joinedup.jobs.models import Job

    with translation.override("cy"):
        send_account_email(to=" ana@example.net ", subject="Ailosod", body="Dolen: http://x/1")
    [message] = _outbox()
    assert (message.recipient, message.subject, message.body, message.language) == (
        "ana@example.net",
        "Ailosod",
        "Dolen: http://x/1",
        "cy",
    )
    assert message.organisation is None
    assert Job.objects.get(task_name="govuk_notify.deliver").kwargs == {
        "message_id": str(message.pk)
    }
    assert message.status == MessageStatus.QUEUED  # nothing is sent until the worker runs


def test_my_account_shows_the_email_that_confirmed_the_address_without_its_link(
    django_capture_on_commit_callbacks,
):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        _sign_up(client)
    jobs_run_pending()
    [message] = _outbox()
    link = _link(message)
    client.get(link)
    client.post(
        reverse("accounts:sign-in"), {"username": "sam.rivera@example.net", "password": PASSWORD}
    )
    html = client.get(reverse("accounts:my-account")).content.decode()
    assert "Messages we sent you" in html
    assert "Confirm your email address" in html
    assert "This service, about your account" in html
    assert "Delivered" in html
    # The verification link is a credential: not on the page, not in the download.
    assert link not in html and "[link removed]" in html
    data = client.get(reverse("accounts:download"), {"format": "json"}).json()
    [row] = next(c for c in data["categories"] if c["category"] == "messages")["records"]
    assert (row["to"], row["subject"], row["held_by"]) == (
        "sam.rivera@example.net",
        "Confirm your email address",
        "Your account",
    )
    assert link not in row["body"] and "[link removed]" in row["body"]
