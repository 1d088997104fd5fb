"""A NUL character in what someone types is refused or ignored, never a 500: PostgreSQL
cannot hold one in text, so a query that passes it on fails at the database."""

import pytest
from django.test import Client

from joinedup.core.testing import client_for

pytestmark = pytest.mark.django_db

NUL = "a\x00b"

PUBLIC = [
    ("/find/", {"q": NUL, "postcode": "SM1 1AA"}),
    ("/find/", {"q": "missed bin", "postcode": NUL}),
    ("/api/v1/route", {"q": NUL, "postcode": "SM1 1AA"}),
    ("/api/v1/route", {"q": "missed bin", "postcode": NUL}),
    ("/mapit/postcode/SM1%001AA", {}),
    ("/mapit/point/4326/-0.19,51.36", {"type": NUL}),
    ("/mapit/area/E0900%0029", {}),
    ("/open311/v2/services.json", {"jurisdiction_id": NUL}),
    ("/open311/v2/requests.json", {"service_code": NUL}),
    ("/open311/v2/requests.json", {"status": NUL}),
    ("/open311/v2/requests.json", {"service_request_id": NUL}),
    ("/open311/v2/servicerequestupdates.json", {"start_date": NUL}),
    ("/council-tax/", {"reference": NUL, "postcode": "SM1 1AA"}),
    ("/where/", {"q": NUL, "postcode": NUL}),
]

STAFF = [
    ("/staff/requests/", {"q": NUL}),
    ("/staff/requests/", {"assigned": NUL, "status": NUL, "service": NUL}),
    ("/staff/requests/map/", {"q": NUL}),
    ("/staff/requests/export.csv", {"q": NUL}),
    ("/staff/people/", {"q": NUL}),
    ("/staff/council-tax/", {"q": NUL}),
    ("/staff/messages/", {"q": NUL}),
    ("/api/internal/crm/people/", {"q": NUL}),
]


@pytest.mark.parametrize(("url", "params"), PUBLIC)
def test_public_pages_and_apis(url, params):
    response = Client(raise_request_exception=False).get(url, params)
    assert response.status_code < 500, (url, params, response.status_code)


@pytest.mark.parametrize(("url", "params"), STAFF)
def test_officer_pages_and_apis(url, params, officer_a):
    client = client_for(officer_a)
    client.raise_request_exception = False
    response = client.get(url, params)
    assert response.status_code < 500, (url, params, response.status_code)
