"""The persona matrix: every officer page and internal API endpoint, requested as every
persona, with and without an agreement between organisations A and B, must answer with
the expected status, show nothing it should not and change nothing when it refuses.

Entries live beside each app, in `joinedup/<app>/tests/matrix.py` (`ENDPOINTS`, and an
optional `setup(ctx)` that adds the app's objects to the context). A URL under an officer
prefix without an entry fails `test_every_officer_url_is_in_the_matrix`."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from joinedup.core.testing import SCENARIOS, Endpoint, client_for, officer_url_names, run_endpoint

pytestmark = pytest.mark.django_db


def _matrix_modules() -> list:
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("joinedup."):
            continue
        try:
            modules.append(importlib.import_module(f"{config.name}.tests.matrix"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.tests.matrix" and exc.name != f"{config.name}.tests":
                raise
    return modules


def _endpoints() -> list[Endpoint]:
    return [e for m in _matrix_modules() for e in m.ENDPOINTS]


@pytest.fixture
def matrix_context(request, personas, dpo_a, org_a, org_b, org_outside, pay_sandbox):
    users = {**personas, "dpo_a": dpo_a}
    ctx = {
        "users": users,
        "org_a": org_a,
        "org_b": org_b,
        "org_outside": org_outside,
        "scenario": request.param,
    }
    for module in _matrix_modules():
        if hasattr(module, "setup"):
            module.setup(ctx)
    return ctx


def test_every_officer_url_is_in_the_matrix():
    names = set(officer_url_names())
    covered = {e.name for e in _endpoints()}
    assert sorted(names - covered) == [], "officer URLs with no persona-matrix entry"
    assert sorted(covered - names) == [], "matrix entries for URLs that do not exist"
    assert len(names) >= 20


@pytest.mark.parametrize("matrix_context", SCENARIOS, indirect=True)
def test_persona_matrix(matrix_context):
    failures = []
    for endpoint in _endpoints():
        failures += run_endpoint(
            endpoint, matrix_context["users"], matrix_context, matrix_context["scenario"]
        )
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("matrix_context", ["without_agreement"], indirect=True)
def test_an_officer_signed_in_without_mfa_reaches_no_officer_url(matrix_context):
    """A real sign-in (the form, not a test helper) with the password alone."""
    client = Client()
    signed_in = client.post(
        reverse("core:login"), {"username": "officer_a", "password": "correct horse battery staple"}
    )
    assert signed_in.status_code == 302
    failures = []
    for endpoint in _endpoints():
        url = reverse(endpoint.name, args=endpoint.args(matrix_context))
        kwargs = {"content_type": endpoint.content_type} if endpoint.content_type else {}
        watched = endpoint.watch(matrix_context)
        before = [sorted(map(tuple, qs.values_list())) for qs in watched]
        response = getattr(client, endpoint.method)(url, endpoint.data(matrix_context), **kwargs)
        is_api = url.startswith("/api/")
        ok = (
            response.status_code == 403
            if is_api
            else (
                response.status_code == 302
                and response["Location"].startswith(reverse("core:mfa-verify"))
            )
        )
        if not ok:
            failures.append(
                f"{endpoint.name}: {response.status_code} {response.get('Location', '')}"
            )
        if [sorted(map(tuple, qs.values_list())) for qs in watched] != before:
            failures.append(f"{endpoint.name}: changed data")
    assert not failures, "\n".join(failures)
    # The same session, once through the second factor, is let in.
    assert (
        client_for(matrix_context["users"]["officer_a"]).get(reverse("core:staff-home")).status_code
        == 200
    )
