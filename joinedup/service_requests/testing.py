"""Helpers for tests of service requests and of the Open311 API: the reference data,
the demo partnership with its provisions, and a quick way to make a report."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command

from joinedup.routing.places import place_from_point, place_from_postcode
from joinedup.service_requests.models import ServiceRequest
from joinedup.service_requests.services import ReportInput, service_request_create

# Real postcodes from the bundled NSPL sample.
SUTTON = "SM1 1AA"  # London Borough of Sutton
MERTON = "SM3 9HG"  # London Borough of Merton
BANSTEAD = "SM7 3AA"  # Reigate and Banstead, in Surrey
EPSOM = "SM2 7HJ"  # Epsom and Ewell, in Surrey
CAMDEN = "WC1A 1AB"  # London Borough of Camden (not a partner)


def load_reference_data() -> None:
    with open(os.devnull, "w") as devnull:
        call_command("service_requests_load", stdout=devnull)


def load_partnership(tmp_path: Path):
    """The demo partnership and its provisions: Sutton, Merton, Reigate and Banstead,
    Epsom and Ewell and Surrey take reports in the platform. Without the demo resident's
    requests, so a test's queue holds only the requests it makes."""
    from joinedup.catalogue.services import catalogue_load_demo
    from joinedup.demo.services import demo_load

    result = demo_load(credentials_file=tmp_path / "logins.txt", resident_requests=False)
    catalogue_load_demo(
        actor=None,
        provisions_file=Path(settings.BASE_DIR) / "data" / "catalogue" / "demo-provisions.yaml",
    )
    return result.partnership


def make_report(
    service_code: str,
    *,
    postcode: str | None = SUTTON,
    lat: float | None = None,
    lon: float | None = None,
    actor=None,
    **fields: Any,
) -> ServiceRequest:
    if lat is not None and lon is not None:
        place = place_from_point(lat=lat, lon=lon)
    else:
        place = place_from_postcode(postcode or SUTTON)
    fields.setdefault("email", "resident@example.org")
    return service_request_create(
        actor=actor, report=ReportInput(service_code=service_code, place=place, **fields)
    )
