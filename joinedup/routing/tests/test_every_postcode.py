"""Issue 3, done when: for every NSPL sample postcode and each of refuse collection,
potholes, street lights, council tax, fly-tipping, abandoned vehicles, noise and blue
badges, the right body is named. The resolver is exercised for every postcode (areas
fetched in bulk); the HTTP API on a sample."""

import csv
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from joinedup.catalogue.selectors import service_get
from joinedup.geo.models import Postcode
from joinedup.routing.places import places_from_postcodes
from joinedup.routing.selectors import route_resolve

pytestmark = pytest.mark.django_db

DISTRICT_SERVICES = [
    "bin-collection-day",
    "missed-bin",
    "council-tax",
    "fly-tipping",
    "abandoned-vehicles",
    "noise",
]
COUNTY_SERVICES = ["potholes", "street-lights", "blue-badge"]

# The expected body for each council code the samples hold (laua in NSPL), written out
# by hand: (district-tier body, county-tier body).
SURREY = "Surrey County Council"
NORTH_YORKSHIRE = "North Yorkshire Council"
EXPECTED = {
    "E07000208": ("Epsom and Ewell Borough Council", SURREY),
    "E07000211": ("Reigate and Banstead Borough Council", SURREY),
    "E09000001": ("City of London Corporation", "City of London Corporation"),
    "E09000007": ("London Borough of Camden", "London Borough of Camden"),
    "E09000013": (
        "London Borough of Hammersmith & Fulham",
        "London Borough of Hammersmith & Fulham",
    ),
    "E09000019": ("London Borough of Islington", "London Borough of Islington"),
    "E09000024": ("London Borough of Merton", "London Borough of Merton"),
    "E09000029": ("London Borough of Sutton", "London Borough of Sutton"),
    "E09000033": ("City of Westminster", "City of Westminster"),
    # Harrogate and its neighbours were abolished in April 2023.
    "E07000163": (NORTH_YORKSHIRE, NORTH_YORKSHIRE),
    "E07000164": (NORTH_YORKSHIRE, NORTH_YORKSHIRE),
    "E07000165": (NORTH_YORKSHIRE, NORTH_YORKSHIRE),
    "E07000166": (NORTH_YORKSHIRE, NORTH_YORKSHIRE),
}


def _sample_rows() -> list[dict[str, str]]:
    rows = []
    for path in sorted((Path(settings.BASE_DIR) / "data" / "postcodes").glob("*.csv")):
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows.extend(csv.DictReader(handle))
    return rows


@pytest.fixture(scope="module")
def sample_rows():
    return _sample_rows()


def test_every_sample_postcode_is_routed_to_the_right_body(sample_rows, settings):
    settings.JOINEDUP_AREA_INDEX_TTL = 3600  # one index for the whole check
    assert len(sample_rows) == 20528
    places = places_from_postcodes(list(Postcode.objects.all()))
    assert len(places) == 20528
    services = {code: service_get(code=code) for code in DISTRICT_SERVICES + COUNTY_SERVICES}
    wrong = []
    no_location = 0
    for row in sample_rows:
        place = places[row["pcds"]]
        if not row["laua"]:
            # Closed postcodes with no grid reference: nothing to route by.
            assert place is None, row["pcds"]
            no_location += 1
            continue
        district_body, county_body = EXPECTED[row["laua"]]
        for code, service in services.items():
            route = route_resolve(service=service, place=place)
            expected = county_body if code in COUNTY_SERVICES else district_body
            got = route.body.name if route.body else None
            if got != expected:
                wrong.append((row["pcds"], code, expected, got))
    assert wrong == []
    assert no_location == 51


# A resident's words for each service, so the API sample also exercises matching.
PHRASES = {
    "missed-bin": "my bin wasn't emptied",
    "potholes": "pothole in the road",
    "street-lights": "street light not working",
    "council-tax": "pay my council tax",
    "fly-tipping": "someone dumped rubbish in the alley",
    "abandoned-vehicles": "abandoned car",
    "noise": "noisy neighbours",
    "blue-badge": "apply for a blue badge",
}


def test_the_api_names_the_right_body_for_a_sample_of_postcodes(sample_rows, settings):
    settings.JOINEDUP_AREA_INDEX_TTL = 3600
    client = Client()
    # Up to 12 postcodes of every council code, evenly spread through the file.
    by_council: dict[str, list[dict[str, str]]] = {}
    for row in sample_rows:
        if row["laua"]:
            by_council.setdefault(row["laua"], []).append(row)
    sample = [row for rows in by_council.values() for row in rows[:: max(len(rows) // 12, 1)][:12]]
    assert set(by_council) == set(EXPECTED)
    wrong = []
    for row in sample:
        district_body, county_body = EXPECTED[row["laua"]]
        for code, phrase in PHRASES.items():
            response = client.get("/api/v1/route", {"q": phrase, "postcode": row["pcds"]})
            assert response.status_code == 200, (row["pcds"], response.content)
            data = response.json()
            expected = county_body if code in COUNTY_SERVICES else district_body
            if (data["service"]["code"], data["body"]["name"]) != (code, expected):
                wrong.append((row["pcds"], phrase, data["service"]["code"], data["body"]["name"]))
    assert wrong == []


def test_places_carry_the_same_areas_as_the_geo_lookup_less_wards():
    from joinedup.geo.models import WARD_AREA_TYPES
    from joinedup.geo.selectors import postcode_areas

    postcodes = list(Postcode.objects.exclude(point=None).order_by("postcode")[::40])
    places = places_from_postcodes(postcodes)
    for postcode in postcodes:
        expected = {a.gss for a in postcode_areas(postcode) if a.type not in WARD_AREA_TYPES}
        assert {a.gss for a in places[postcode.postcode].areas} == expected, postcode
