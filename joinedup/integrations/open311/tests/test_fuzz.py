"""Schemathesis generates requests for every Open311 operation from our own OpenAPI
schema (positive and negative data) and sends them to the platform in-process, through
its WSGI application: none may get a server error. Time-boxed by a fixed number of
examples per operation; half of the POSTs carry a valid key, so the fuzz reaches past
the key check into the request and update handling."""

from __future__ import annotations

import zlib

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from joinedup.core.models import Organisation
from joinedup.integrations.open311.services import open311_client_issue
from joinedup.service_requests.testing import make_report

EXAMPLES_PER_OPERATION = 25


@pytest.fixture
def fuzz_schema(db):
    # As Django's test client does: the WSGI handler would close the test's database
    # connection at the end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
        yield schema.include(path_regex=r"^/open311/")
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.slow
def test_open311_fuzz_gives_no_server_errors(partners, fuzz_schema):
    _client, key = open311_client_issue(
        actor=None, organisation=Organisation.objects.get(slug="surrey"), name="fuzz"
    )
    existing = make_report("potholes", answers={"depth": "deep"}, email="")
    operations = [result.ok() for result in fuzz_schema.get_all_operations()]
    assert len(operations) == 18  # 9 methods, each in JSON and XML
    failures: list[str] = []

    for operation in operations:

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case) -> None:
            # Steer part of the generated bodies past the first checks: a valid key, a
            # real service, a place in the partnership, a request that exists.
            spin = zlib.crc32(repr(case.body).encode())
            if isinstance(case.body, dict) and spin % 2 == 0:
                case.body["api_key"] = key
                if "service_code" in case.body and spin % 3 == 0:
                    case.body["service_code"] = "potholes"
                    if spin % 5 < 3:
                        case.body.update(lat="51.359722", long="-0.193121")
                if "service_request_id" in case.body and spin % 4 == 0:
                    case.body["service_request_id"] = str(existing.pk)
            response = case.call()
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} {case.query} {case.body!r:.300}: {response.status_code}"
                )
            case.validate_response(response, checks=[not_a_server_error])

        run()

    assert failures == []
