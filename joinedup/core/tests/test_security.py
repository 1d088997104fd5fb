"""The staff security baseline: multi-factor sign-in, lockout, session expiry, headers,
password hashing and organisation API tokens."""

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from joinedup.core import services
from joinedup.core.models import ApiToken, AuditEvent, Membership, Role, SignInAttempt
from joinedup.core.permissions import organisation_ids_for
from joinedup.core.testing import assert_csp_safe, client_for, unchanged

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def _password_only(username: str) -> Client:
    client = Client()
    response = client.post(reverse("core:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _code(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def test_officer_signed_in_with_password_only_is_sent_to_set_up_mfa(officer_a, org_a):
    client = _password_only("officer_a")
    for url in (
        reverse("core:staff-home"),
        reverse("core:organisation-detail", args=[org_a.slug]),
        "/admin/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("core:mfa-verify") + "?next="), url
    # The verify page sends someone with no authenticator on to enrol.
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:mfa-enrol"))


def test_internal_api_refuses_a_password_only_session(officer_a):
    response = _password_only("officer_a").get(reverse("core-api:caller"))
    assert response.status_code == 403
    assert response.json() == {"code": 403, "error": "Complete multi-factor sign-in first."}


def test_choke_point_gives_an_unverified_session_no_organisation(officer_a):
    officer_a.is_verified = lambda: False
    assert organisation_ids_for(officer_a) == set()
    officer_a.is_verified = lambda: True
    officer_a._joinedup_roles = None
    assert organisation_ids_for(officer_a) == {officer_a.memberships.get().organisation_id}


def test_enrol_with_a_qr_code_then_reach_staff_pages(officer_a):
    client = _password_only("officer_a")
    page = client.get(reverse("core:mfa-enrol") + "?next=/staff/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html
    device = TOTPDevice.objects.get(user=officer_a, confirmed=False)
    assert device.bin_key  # the key shown on the page is this device's
    wrong = client.post(reverse("core:mfa-enrol"), {"token": "000000", "next": "/staff/"})
    assert wrong.status_code == 200
    assert "The code is not right" in wrong.content.decode()
    # A failure makes the device wait before the next try (django-otp's throttling).
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=3)):
        ok = client.post(reverse("core:mfa-enrol"), {"token": _code(device), "next": "/staff/"})
    assert ok.status_code == 302
    assert ok["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed is True
    assert AuditEvent.objects.filter(action="auth.mfa_enrol", actor=officer_a).count() == 1


def test_second_sign_in_asks_for_a_code(officer_a):
    device = TOTPDevice.objects.create(user=officer_a, name="phone", confirmed=True)
    client = _password_only("officer_a")
    assert client.get("/staff/")["Location"] == reverse("core:mfa-verify") + "?next=%2Fstaff%2F"
    # Enrolling a second device without the first is refused.
    assert client.get(reverse("core:mfa-enrol"))["Location"].startswith(reverse("core:mfa-verify"))
    bad = client.post(reverse("core:mfa-verify"), {"token": "123456", "next": "/staff/"})
    assert bad.status_code == 200
    assert client.get("/staff/").status_code == 302
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    good = client.post(reverse("core:mfa-verify"), {"token": _code(device), "next": "/staff/"})
    assert good["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_verify_refuses_an_offsite_next(officer_a):
    device = TOTPDevice.objects.create(user=officer_a, name="phone", confirmed=True)
    client = _password_only("officer_a")
    response = client.post(
        reverse("core:mfa-verify"), {"token": _code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("core:staff-home")


def test_residents_need_no_second_factor(resident):
    client = _password_only("resident")
    assert client.get("/").status_code == 200


def test_lockout_after_repeated_failures_even_with_the_right_password(officer_a):
    client = Client()
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        for _ in range(settings.JOINEDUP_LOCKOUT_FAILURES):
            r = client.post(reverse("core:login"), {"username": "officer_a", "password": "nope"})
            assert "Enter a correct username and password" in r.content.decode()
        locked = client.post(reverse("core:login"), {"username": "officer_a", "password": PASSWORD})
        assert locked.status_code == 200
        assert "too many failed attempts" in locked.content.decode()
        assert "_auth_user_id" not in client.session
        assert AuditEvent.objects.filter(action="auth.lockout", object_id="officer_a").count() == 1
    later = dt.datetime(2026, 3, 2, 9, 16, tzinfo=dt.UTC)
    with time_machine.travel(later, tick=False):
        ok = client.post(reverse("core:login"), {"username": "officer_a", "password": PASSWORD})
        assert ok.status_code == 302
    assert SignInAttempt.objects.filter(username="officer_a", succeeded=False).count() == 5


def test_session_expires_after_idle_time(resident):
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        client = _password_only("resident")
        client.get("/")
    with time_machine.travel(start + dt.timedelta(minutes=20), tick=False):
        client.get("/")
        assert "_auth_user_id" in client.session
    idle = dt.timedelta(seconds=settings.JOINEDUP_SESSION_IDLE_SECONDS + 60)
    with time_machine.travel(start + dt.timedelta(minutes=20) + idle, tick=False):
        client.get("/")
        assert "_auth_user_id" not in client.session


def test_security_headers_and_csp_nonce(officer_a):
    response = client_for(officer_a).get(reverse("core:staff-home"))
    csp = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    html = response.content.decode()
    assert html.count(f'nonce="{nonce}"') == 2
    assert_csp_safe(response)
    assert "script-src 'self' 'nonce-" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    other = client_for(officer_a).get(reverse("core:staff-home"))["Content-Security-Policy"]
    assert other != csp  # a fresh nonce each response


def test_production_settings_hash_passwords_with_argon2():
    import config.settings.base as base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    from django.contrib.auth.hashers import Argon2PasswordHasher

    encoded = Argon2PasswordHasher().encode("a long passphrase", "somesaltvalue")
    assert encoded.startswith("argon2$argon2id$")
    assert Argon2PasswordHasher().verify("a long passphrase", encoded)


def test_csrf_is_enforced_on_sign_in(officer_a):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("core:login"), {"username": "officer_a", "password": PASSWORD})
    assert response.status_code == 403


# --- API tokens -----------------------------------------------------------------------


def _bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_api_token_is_stored_hashed_and_authenticates(admin_a, org_a):
    token, raw = services.api_token_create(
        actor=admin_a, organisation=org_a, name="Contact centre", scopes=["crm:read"]
    )
    assert raw.startswith(f"jdu_{token.prefix}_")
    assert raw not in str(ApiToken.objects.filter(pk=token.pk).values_list())
    response = Client().get(reverse("core-api:caller"), **_bearer(raw))
    assert response.status_code == 200
    assert response.json() == {
        "username": token.account.username,
        "organisations": [org_a.slug],
        "scopes": ["crm:read"],
    }
    assert Membership.objects.get(user=token.account).role == Role.VIEWER


def test_secrets_containing_underscores_authenticate(admin_a, org_a, monkeypatch):
    import secrets as secrets_module

    monkeypatch.setattr(secrets_module, "token_urlsafe", lambda n: "a_b_c" + "x" * 40)
    _, raw = services.api_token_create(
        actor=admin_a, organisation=org_a, name="Underscores", scopes=["crm:read"]
    )
    assert raw.count("_") == 4
    assert Client().get(reverse("core-api:caller"), **_bearer(raw)).status_code == 200


def test_revoked_expired_and_forged_tokens_are_refused(admin_a, org_a):
    token, raw = services.api_token_create(
        actor=admin_a, organisation=org_a, name="Old system", scopes=["crm:read"]
    )
    forged = raw[:-2] + ("AA" if not raw.endswith("AA") else "BB")
    assert Client().get(reverse("core-api:caller"), **_bearer(forged)).status_code == 401
    assert Client().get(reverse("core-api:caller"), **_bearer("jdu_nope_x")).status_code == 401
    services.api_token_revoke(actor=admin_a, token=token)
    response = Client().get(reverse("core-api:caller"), **_bearer(raw))
    assert response.status_code == 401
    assert response.json()["code"] == 401
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1
    _expiring, raw2 = services.api_token_create(
        actor=admin_a,
        organisation=org_a,
        name="Short",
        scopes=["crm:read"],
        expires_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    with time_machine.travel(dt.datetime(2026, 1, 2, tzinfo=dt.UTC)):
        assert Client().get(reverse("core-api:caller"), **_bearer(raw2)).status_code == 401


@pytest.mark.parametrize("persona", ["officer_a", "viewer_a", "partner_b", "resident"])
def test_only_administrators_issue_tokens(request, persona, org_a):
    actor = request.getfixturevalue(persona)
    from django.http import Http404

    with unchanged(ApiToken.objects.all(), AuditEvent.objects.all()), pytest.raises(Http404):
        services.api_token_create(actor=actor, organisation=org_a, name="x", scopes=["crm:read"])


def test_token_scopes_must_be_known(admin_a, org_a):
    from django.core.exceptions import ValidationError

    with unchanged(ApiToken.objects.all()), pytest.raises(ValidationError):
        services.api_token_create(actor=admin_a, organisation=org_a, name="x", scopes=["root"])


def test_admin_sign_in_is_locked_out_too(admin_a):
    admin_a.is_staff = True
    admin_a.save()
    client = Client()
    for _ in range(settings.JOINEDUP_LOCKOUT_FAILURES):
        client.post("/admin/login/", {"username": "admin_a", "password": "nope"})
    locked = client.post("/admin/login/", {"username": "admin_a", "password": PASSWORD})
    assert locked.status_code == 200
    assert "too many failed attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("name", ["core:mfa-enrol", "core:mfa-verify"])
def test_mfa_pages_have_no_axe_violations(assert_accessible, officer_a, name):
    if name == "core:mfa-verify":
        TOTPDevice.objects.create(user=officer_a, name="phone", confirmed=True)
    client = _password_only("officer_a")
    assert_accessible(client.get(reverse(name)))
    assert_accessible(client.post(reverse(name), {"token": "12"}))
