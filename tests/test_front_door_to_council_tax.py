"""End to end: the front door sends a resident of a partner billing authority to the
platform's own council tax pages, and a non-partner's resident to their council's site."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from joinedup.catalogue.services import catalogue_load_demo
from joinedup.demo.services import demo_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(tmp_path):
    demo_load(credentials_file=tmp_path / "logins.txt")
    catalogue_load_demo(
        actor=None,
        provisions_file=Path(settings.BASE_DIR) / "data" / "catalogue" / "demo-provisions.yaml",
    )


def test_partner_resident_is_sent_to_the_platforms_council_tax_pages(demo):
    body = Client().get("/api/v1/route", {"q": "pay my council tax", "postcode": "SM1 1AA"}).json()
    assert body["body"]["gss"] == "E09000029"
    assert body["action"]["kind"] == "platform"
    assert body["action"]["url"].startswith("/council-tax/")
    page = Client().get(body["action"]["url"])
    assert page.status_code == 200


def test_non_partner_resident_is_linked_to_their_council(demo):
    body = Client().get("/api/v1/route", {"q": "pay my council tax", "postcode": "WC1A 1AA"}).json()
    assert body["body"]["gss"] == "E09000007"  # Camden: not in the partnership
    assert body["action"]["kind"] == "link"
    assert body["action"]["url"].startswith("https://")
