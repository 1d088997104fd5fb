"""Persona matrix entries for payments' officer pages (see tests/test_persona_matrix.py)."""

from joinedup.core.testing import Endpoint

ENDPOINTS = [
    Endpoint(
        "payments:reconciliation",
        {
            "anonymous": 302,
            "resident": 404,
            "viewer_a": 200,
            "officer_a": 200,
            "admin_a": 200,
            "dpo_a": 200,
            "partner_b": 404,
            "officer_b": 404,
        },
        args=lambda ctx: [ctx["org_a"].slug],
    ),
]
