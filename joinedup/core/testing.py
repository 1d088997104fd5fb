"""Helpers for permission tests that every app reuses.

`assert_access` tries one URL as each persona and checks the status each must get;
`unchanged` proves a refused request wrote nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.db import models
from django.test import Client

from joinedup.core.permissions import is_officer_account

PERSONAS = ("anonymous", "resident", "viewer_a", "officer_a", "admin_a", "partner_b", "officer_b")


def client_for(user, *, mfa: bool = True) -> Client:
    """A test client signed in as `user`. An officer's session has also passed multi-factor
    sign-in (with a confirmed authenticator made for the purpose), as after a real sign-in;
    pass `mfa=False` for a session that has only the password step."""
    client = Client()
    if user is not None:
        client.force_login(user)
        if mfa and is_officer_account(user):
            from django_otp import DEVICE_ID_SESSION_KEY
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None:
                device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
    return client


def assert_access(
    url: str,
    users: Mapping[str, Any],
    expected: Mapping[str, int],
    *,
    method: str = "get",
    data: dict | None = None,
    must_not_contain: Mapping[str, list[str]] | None = None,
) -> None:
    """Request `url` as each persona named in `expected` and check the status code; for
    personas in `must_not_contain`, also check the body leaks none of the given strings."""
    failures = []
    for persona, status in expected.items():
        response = getattr(client_for(users.get(persona)), method)(url, data or {})
        if response.status_code != status:
            failures.append(f"{persona}: expected {status}, got {response.status_code}")
        for secret in (must_not_contain or {}).get(persona, []):
            if secret in response.content.decode(errors="replace"):
                failures.append(f"{persona}: response shows {secret!r}")
    assert not failures, f"{method.upper()} {url}\n" + "\n".join(failures)


def _state(querysets: list[models.QuerySet]) -> list[list[tuple]]:
    return [sorted(map(tuple, qs.values_list())) for qs in querysets]  # type: ignore[arg-type]


@contextmanager
def unchanged(*querysets: models.QuerySet) -> Iterator[None]:
    """Assert that the rows of the given querysets are the same after the block."""
    before = _state(list(querysets))
    yield
    assert _state(list(querysets)) == before, "a refused request changed data"
