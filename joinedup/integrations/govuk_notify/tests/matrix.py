"""Persona matrix entries for the Notify outbox (see tests/test_persona_matrix.py)."""

from joinedup.core.testing import Endpoint

ENDPOINTS = [
    Endpoint(
        "govuk_notify:outbox",
        {
            "anonymous": 302,
            "resident": 200,
            "viewer_a": 200,
            "officer_a": 200,
            "admin_a": 200,
            "dpo_a": 200,
            "partner_b": 200,
            "officer_b": 200,
        },
    ),
]
