"""MapIt answers JSON whatever the client's Accept header asks for; so do we."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("accept", ["text/html", "application/xml", "*/*", "application/json"])
def test_point_lookup_is_json_whatever_accept_says(accept):
    response = Client().get("/mapit/point/4326/-0.193121,51.359722", HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert sorted(a["codes"]["gss"] for a in body.values()) == ["E09000029", "E23000001"]


def test_errors_are_json_for_a_browser_too():
    response = Client().get("/mapit/point/4326/abc,51.3", HTTP_ACCEPT="text/html")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == 400


def test_postcode_lookup_is_json_for_a_browser():
    response = Client().get("/mapit/postcode/SM11AA", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response.json()["postcode"] == "SM1 1AA"
