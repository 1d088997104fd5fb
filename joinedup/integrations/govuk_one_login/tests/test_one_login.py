"""Sign-in with GOV.UK One Login against the local fake provider (no network)."""

import pytest
from django.test import Client
from django.urls import reverse

from joinedup.accounts.models import ResidentAccount
from joinedup.core.models import User
from joinedup.crm.models import Person
from joinedup.integrations.govuk_one_login import client as one_login
from joinedup.integrations.govuk_one_login.fake import ISSUER, FakeOneLogin

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(settings, monkeypatch):
    fake = FakeOneLogin()
    settings.GOVUK_ONE_LOGIN_ENABLED = True
    settings.GOVUK_ONE_LOGIN_ISSUER = ISSUER
    settings.GOVUK_ONE_LOGIN_CLIENT_ID = fake.client_id
    settings.GOVUK_ONE_LOGIN_PRIVATE_KEY = fake.client_private_pem
    monkeypatch.setattr(one_login, "session_factory", fake.mount)
    return fake


def _round_trip(provider: FakeOneLogin, client: Client, tamper_state: bool = False):
    start = client.get(reverse("accounts:one-login-start"))
    assert start.status_code == 302
    assert start["Location"].startswith(ISSUER + "authorize?")
    code = provider.authorise(start["Location"])
    state = client.session["joinedup_one_login"]["state"]
    return client.get(
        reverse("accounts:one-login-callback"),
        {"code": code, "state": "x" + state if tamper_state else state},
    )


def test_one_login_is_off_by_default():
    assert Client().get(reverse("accounts:one-login-start")).status_code == 404
    assert "One Login" not in Client().get(reverse("accounts:sign-in")).content.decode()


def test_sign_in_creates_a_verified_account(provider):
    client = Client()
    response = _round_trip(provider, client)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:my-account")
    user = User.objects.get(username="onelogin.user@example.net")
    account = ResidentAccount.objects.get(user=user)
    assert account.one_login_subject == provider.subject
    assert account.email_verified_at is not None
    assert Person.objects.get(user=user).contact_points.get().value == "onelogin.user@example.net"
    assert client.get(reverse("accounts:my-account")).status_code == 200
    # Signing in again finds the same account by its subject.
    _round_trip(provider, Client())
    assert User.objects.filter(email="onelogin.user@example.net").count() == 1


def test_links_to_an_existing_account_with_the_same_verified_email(provider, resident):
    provider.email = "resident@example.org"
    assert _round_trip(provider, Client()).status_code == 302
    assert ResidentAccount.objects.get(user=resident).one_login_subject == provider.subject


@pytest.mark.parametrize("problem", ["state", "nonce", "unverified_email"])
def test_untrustworthy_answers_sign_no_one_in(provider, problem):
    provider.tamper_nonce = problem == "nonce"
    provider.email_verified = problem != "unverified_email"
    client = Client()
    response = _round_trip(provider, client, tamper_state=problem == "state")
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert not ResidentAccount.objects.exists()


def test_a_replayed_callback_is_refused(provider):
    client = Client()
    start = client.get(reverse("accounts:one-login-start"))
    code = provider.authorise(start["Location"])
    state = client.session["joinedup_one_login"]["state"]
    assert (
        client.get(
            reverse("accounts:one-login-callback"), {"code": code, "state": state}
        ).status_code
        == 302
    )
    assert (
        client.get(
            reverse("accounts:one-login-callback"), {"code": code, "state": state}
        ).status_code
        == 404
    )
