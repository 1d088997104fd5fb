"""Persona matrix entries for core's officer pages and internal API (see
tests/test_persona_matrix.py)."""

from joinedup.core.models import AuditEvent
from joinedup.core.testing import Endpoint

ANON_LOGIN = 302

ENDPOINTS = [
    Endpoint(
        "core:staff-home",
        {
            "anonymous": ANON_LOGIN,
            "resident": 200,
            "viewer_a": 200,
            "officer_a": 200,
            "admin_a": 200,
            "dpo_a": 200,
            "partner_b": 200,
            "officer_b": 200,
        },
    ),
    Endpoint(
        "core:organisation-detail",
        {
            "anonymous": ANON_LOGIN,
            "resident": 404,
            "viewer_a": 200,
            "officer_a": 200,
            "admin_a": 200,
            "dpo_a": 200,
            "partner_b": 404,
            "officer_b": 404,
        },
        args=lambda ctx: [ctx["org_a"].slug],
        hidden=lambda ctx: ["officer_a", "viewer_a"],
    ),
    Endpoint(
        "core:organisation-audit",
        {
            "anonymous": ANON_LOGIN,
            "resident": 404,
            "viewer_a": 404,
            "officer_a": 404,
            "admin_a": 200,
            "dpo_a": 404,
            "partner_b": 404,
            "officer_b": 404,
        },
        args=lambda ctx: [ctx["org_a"].slug],
        watch=lambda ctx: [AuditEvent.objects.exclude(action__startswith="personal_data")],
    ),
    Endpoint(
        "core-api:caller",
        {
            "anonymous": 401,
            "resident": 403,
            "viewer_a": 200,
            "officer_a": 200,
            "admin_a": 200,
            "dpo_a": 200,
            "partner_b": 200,
            "officer_b": 200,
        },
    ),
]
