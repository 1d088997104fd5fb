"""Searching the sandbox's payments with text PostgreSQL cannot hold."""

import pytest
from django.test import Client

from conftest import PAY_SANDBOX_KEY

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["email", "reference", "state", "page"])
def test_a_nul_character_in_a_search_is_refused_as_pay_does(pay_sandbox, name):
    response = Client().get(
        "/sandbox-pay/v1/payments",
        {name: "a\x00b"},
        HTTP_AUTHORIZATION=f"Bearer {PAY_SANDBOX_KEY}",
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "P0401"
    assert f"Invalid parameters: {name}." in body["description"]
