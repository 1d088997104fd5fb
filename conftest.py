"""Fixtures shared by every app's tests: the bundled real geography (loaded once per
test session) and the personas every permission test uses.

Personas:
- officer_a, viewer_a, admin_a: an officer, a viewer and an administrator of org_a
  (London Borough of Sutton);
- partner_b: an officer of org_b (London Borough of Merton), a fellow partner of org_a;
- officer_b: an officer of org_outside (Camden), an organisation outside the partnership;
- resident: a signed-in person with no organisation.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from joinedup.core.models import (
    Membership,
    Organisation,
    Partnership,
    PartnershipMember,
    PartnershipRole,
    Role,
    User,
)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("geo_load_bundled", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
        call_command("catalogue_load", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture(autouse=True)
def _fresh_area_index():
    from joinedup.geo.index import reset_index

    reset_index()
    yield
    reset_index()


@pytest.fixture
def org_a(db) -> Organisation:
    return Organisation.objects.get(gss_code="E09000029")


@pytest.fixture
def org_b(db) -> Organisation:
    return Organisation.objects.get(gss_code="E09000024")


@pytest.fixture
def org_outside(db) -> Organisation:
    return Organisation.objects.get(gss_code="E09000007")


@pytest.fixture
def partnership(org_a, org_b) -> Partnership:
    p = Partnership.objects.create(
        slug="test-partnership", name="Test partnership", agreement_start=dt.date(2025, 4, 1)
    )
    PartnershipMember.objects.create(
        partnership=p, organisation=org_a, role=PartnershipRole.LEAD, joined_on=dt.date(2025, 4, 1)
    )
    PartnershipMember.objects.create(
        partnership=p,
        organisation=org_b,
        role=PartnershipRole.MEMBER,
        joined_on=dt.date(2025, 4, 1),
    )
    return p


def _person(username: str, org: Organisation | None = None, role: str | None = None) -> User:
    user = User.objects.create_user(
        username=username, email=f"{username}@example.org", password="correct horse battery staple"
    )
    if org is not None and role is not None:
        Membership.objects.create(user=user, organisation=org, role=role)
    return user


@pytest.fixture
def officer_a(org_a) -> User:
    return _person("officer_a", org_a, Role.OFFICER)


@pytest.fixture
def viewer_a(org_a) -> User:
    return _person("viewer_a", org_a, Role.VIEWER)


@pytest.fixture
def admin_a(org_a) -> User:
    return _person("admin_a", org_a, Role.ADMIN)


@pytest.fixture
def partner_b(org_b, partnership) -> User:
    return _person("partner_b", org_b, Role.OFFICER)


@pytest.fixture
def officer_b(org_outside) -> User:
    return _person("officer_b", org_outside, Role.OFFICER)


@pytest.fixture
def resident(db) -> User:
    return _person("resident")


@pytest.fixture
def personas(officer_a, viewer_a, admin_a, partner_b, officer_b, resident) -> dict:
    return {
        "anonymous": None,
        "resident": resident,
        "viewer_a": viewer_a,
        "officer_a": officer_a,
        "admin_a": admin_a,
        "partner_b": partner_b,
        "officer_b": officer_b,
    }


@pytest.fixture(scope="session")
def axe_checker():
    from joinedup.core.accessibility import AxeChecker

    checker = AxeChecker()
    yield checker
    checker.close()


@pytest.fixture
def in_browser(axe_checker):
    """Call with a test-client response, the path it was served at and a function of a
    Playwright page: the page is loaded in Chromium under the response's own
    Content-Security-Policy, its scripts run (pass javascript=False for none), and the
    function's result is returned."""

    def run(response, path: str, actions, *, javascript: bool = True):
        headers = {
            name: response[name]
            for name in ("Content-Security-Policy",)
            if response.has_header(name)
        }
        return axe_checker.browse(
            response.content.decode(), path, actions, headers=headers, javascript=javascript
        )

    return run


@pytest.fixture
def assert_accessible(axe_checker):
    """Call with a test-client response: fails listing every axe-core violation."""

    def check(response, path: str = "/") -> None:
        assert response.status_code < 400 or response.status_code in (400, 404), (
            response.status_code
        )
        violations = axe_checker.check(response.content.decode(), path)
        assert not violations, "\n".join(str(v) for v in violations)

    return check


@pytest.fixture
def dpo_a(org_a) -> User:
    """A data-protection officer of org_a: an officer holding the DPO capability."""
    from joinedup.core.models import Capability, MembershipCapability

    user = _person("dpo_a", org_a, Role.OFFICER)
    MembershipCapability.objects.create(
        membership=user.memberships.get(),
        capability=Capability.objects.get(code="crm.data_protection_officer"),
    )
    return user


# --- GOV.UK Pay sandbox ---------------------------------------------------------------
PAY_SANDBOX_KEY = "api_test_" + "0" * 48
PAY_SANDBOX_WEBHOOK_SECRET = "webhook_test_" + "1" * 48


@pytest.fixture
def pay_sandbox(db, settings):
    """The built-in GOV.UK Pay sandbox with one account, and the platform pointed at it
    in-process (no network). Its webhooks go to the platform's webhook URL."""
    from joinedup.integrations.govuk_pay.sandbox.services import sandbox_account_create

    account, _ = sandbox_account_create(
        name="test platform",
        webhook_url="/payments/webhooks/govuk-pay/",
        api_key=PAY_SANDBOX_KEY,
        webhook_signing_secret=PAY_SANDBOX_WEBHOOK_SECRET,
    )
    settings.GOVUK_PAY_BASE_URL = ""
    settings.GOVUK_PAY_API_KEY = PAY_SANDBOX_KEY
    settings.GOVUK_PAY_WEBHOOK_SECRET = PAY_SANDBOX_WEBHOOK_SECRET
    return account
