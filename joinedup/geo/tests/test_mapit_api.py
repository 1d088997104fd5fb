"""The MapIt-compatible API, checked against the bundled NSPL samples."""

import csv
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from joinedup.geo.models import Area, Postcode

pytestmark = pytest.mark.django_db

POSTCODES = Path(settings.BASE_DIR) / "data" / "postcodes"


@pytest.fixture
def api() -> Client:
    return Client()


def _gss_codes(body: dict) -> dict[str, str]:
    return {area["codes"]["gss"]: area["type"] for area in body["areas"].values()}


def test_london_postcode(api):
    body = api.get("/mapit/postcode/SM1 1AA").json()
    assert body["postcode"] == "SM1 1AA"
    assert body["wgs84_lat"] == 51.359722
    assert body["wgs84_lon"] == -0.193121
    codes = _gss_codes(body)
    assert codes["E09000029"] == "LBO"  # Sutton
    assert codes["E23000001"] == "PFA"  # Metropolitan Police
    assert codes["E05000564"] == "LBW"  # its 2021 ward
    assert codes["E54000031"] == "ICB"
    sutton = Area.objects.get(gss="E09000029")
    ward = Area.objects.get(gss="E05000564")
    assert body["shortcuts"] == {"council": sutton.pk, "ward": ward.pk}


@pytest.mark.parametrize("spelling", ["sm11aa", "SM1%201AA", "sm1  1aa", "SM11AA.json"])
def test_postcode_spelling_does_not_matter(api, spelling):
    assert api.get(f"/mapit/postcode/{spelling}").json()["postcode"] == "SM1 1AA"


def test_two_tier_postcode_has_county_and_district_shortcuts(api):
    row = Postcode.objects.filter(council="E07000211", terminated="").order_by("postcode").first()
    body = api.get(f"/mapit/postcode/{row.postcode}").json()
    county = Area.objects.get(gss="E10000030")
    district = Area.objects.get(gss="E07000211")
    division = Area.objects.get(gss=row.electoral_division)
    ward = Area.objects.get(gss=row.ward)
    assert body["shortcuts"]["council"] == {"county": county.pk, "district": district.pk}
    assert body["shortcuts"]["ward"] == {"county": division.pk, "district": ward.pk}
    assert _gss_codes(body)["E23000031"] == "PFA"  # Surrey Police


def test_former_harrogate_postcode_resolves_to_north_yorkshire(api):
    body = api.get("/mapit/postcode/HG1 1AA").json()
    codes = _gss_codes(body)
    assert codes["E06000065"] == "UTA"
    assert "E07000165" not in codes  # Harrogate Borough Council was abolished in 2023
    assert "E10000023" not in codes  # so was North Yorkshire County Council
    assert body["shortcuts"]["council"] == Area.objects.get(gss="E06000065").pk


def test_every_sample_postcode_matches_the_directory(api):
    """Council, county, ward and police codes of every NSPL sample row, after successors."""
    successors = {
        a.gss: a.current().gss
        for a in Area.objects.filter(valid_to__isnull=False).select_related("successor")
    }
    failures, checked = [], 0
    for path in sorted(POSTCODES.glob("nspl-*.csv")):
        with open(path, newline="") as handle:
            for row in csv.DictReader(handle):
                body = api.get(f"/mapit/postcode/{row['pcds']}").json()
                codes = set(_gss_codes(body))
                expected = {successors.get(row["laua"], row["laua"]), row["ward"], row["pfa"]}
                if row["cty"] and not row["cty"].startswith(("E99", "E13")):
                    expected.add(successors.get(row["cty"], row["cty"]))
                expected.discard("")
                if not expected <= codes:
                    failures.append((row["pcds"], sorted(expected - codes)))
                checked += 1
    assert checked == 20528
    assert failures == []


def test_point_lookup(api):
    body = api.get("/mapit/point/4326/-0.193121,51.359722").json()
    assert sorted(a["codes"]["gss"] for a in body.values()) == ["E09000029", "E23000001"]
    sutton = Area.objects.get(gss="E09000029")
    assert body[str(sutton.pk)] == {
        "id": sutton.pk,
        "name": "Sutton",
        "parent_area": None,
        "type": "LBO",
        "type_name": "London borough",
        "country": "E",
        "country_name": "England",
        "generation_low": 1,
        "generation_high": 1,
        "codes": {"gss": "E09000029"},
        "all_names": {},
    }


def test_point_fast_path_writes_what_drf_would(api):
    """The point view answers a good GET outside DRF; its bytes must be the renderer's."""
    from rest_framework.renderers import JSONRenderer

    from joinedup.geo import selectors

    Area.objects.filter(gss="E09000029").update(name_cy="Sutton â Cymraeg")
    for lon, lat, query in [(-0.193121, 51.359722, ""), (-0.2055, 51.2373, "?type=DIS,CTY")]:
        response = api.get(f"/mapit/point/4326/{lon},{lat}{query}")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        types = ["DIS", "CTY"] if query else None
        expected = selectors.areas_at_point(lon=lon, lat=lat, types=types)
        assert expected
        assert response.content == JSONRenderer().render(expected)
    assert "Sutton â Cymraeg" in api.get("/mapit/point/4326/-0.193121,51.359722").content.decode()


def test_point_other_methods_go_through_drf(api):
    response = api.post("/mapit/point/4326/-0.193121,51.359722")
    assert response.status_code == 405
    assert response.json()["code"] == 405
    assert "error" in response.json()
    assert api.head("/mapit/point/4326/-0.193121,51.359722").status_code == 200


def test_point_in_two_tier_surrey_and_type_filter(api):
    # Reigate town centre
    body = api.get("/mapit/point/4326/-0.2055,51.2373.json").json()
    assert {a["codes"]["gss"] for a in body.values()} == {"E07000211", "E10000030", "E23000031"}
    only = api.get("/mapit/point/4326/-0.2055,51.2373?type=DIS").json()
    assert [a["codes"]["gss"] for a in only.values()] == ["E07000211"]


def test_point_outside_every_area_is_empty(api):
    response = api.get("/mapit/point/4326/-30.0,45.0")  # the Atlantic
    assert response.status_code == 200
    assert response.json() == {}


@pytest.mark.parametrize(
    "url",
    [
        "/mapit/point/4326/abc,51.3",
        "/mapit/point/4326/-0.19",
        "/mapit/point/4326/-0.19,91",
        "/mapit/point/4326/200,51",
        "/mapit/point/4326/nan,51",
        "/mapit/point/4326/-0.19,51.3?type=XYZ",
        "/mapit/postcode/NOTAPOSTCODE",
        "/mapit/postcode/12345",
        "/mapit/areas/XYZ",
    ],
)
def test_bad_input_is_a_400_with_a_json_error(api, url):
    response = api.get(url)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == 400
    assert body["error"]


@pytest.mark.parametrize(
    "url",
    [
        "/mapit/postcode/SM9 9ZZ",
        "/mapit/area/99999999",
        "/mapit/area/E09999999",
        "/mapit/code/gss/E09999999",
    ],
)
def test_unknown_things_are_a_404(api, url):
    response = api.get(url)
    assert response.status_code == 404
    assert response.json()["code"] == 404


def test_area_by_id_and_by_code(api):
    surrey = Area.objects.get(gss="E10000030")
    by_id = api.get(f"/mapit/area/{surrey.pk}").json()
    by_code = api.get("/mapit/area/E10000030").json()
    assert by_id == by_code
    assert by_id["name"] == "Surrey" and by_id["type"] == "CTY"


def test_code_redirects_to_the_area(api):
    reigate = Area.objects.get(gss="E07000211")
    response = api.get("/mapit/code/gss/E07000211")
    assert response.status_code == 302
    assert response["Location"] == f"/mapit/area/{reigate.pk}"


def test_district_area_has_its_county_as_parent(api):
    body = api.get("/mapit/area/E07000211").json()
    assert body["parent_area"] == Area.objects.get(gss="E10000030").pk


def test_areas_by_type(api):
    body = api.get("/mapit/areas/CTY").json()
    assert len(body) == 21
    both = api.get("/mapit/areas/DIS,CTY").json()
    assert {a["type"] for a in both.values()} == {"DIS", "CTY"}
    assert len(both) == 21 + 164


def test_area_geojson(api):
    response = api.get("/mapit/area/E09000029.geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    feature = response.json()
    assert feature["type"] == "Feature"
    assert feature["geometry"]["type"] == "MultiPolygon"
    assert feature["properties"]["gss"] == "E09000029"


def test_area_without_boundary_has_no_geojson(api):
    assert api.get("/mapit/area/E07000165.geojson").status_code == 404  # Harrogate: abolished


def test_openapi_schema_documents_the_mapit_paths(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/mapit/point/4326/{coordinates}" in schema
    assert "/mapit/postcode/{postcode}" in schema


def test_hostile_input_gets_short_clear_answers(api):
    long = api.get("/mapit/postcode/" + "A" * 5000)
    assert long.status_code == 400
    assert len(long.content) < 300  # the input is not echoed back in full
    assert api.get("/mapit/area/99999999999999999999999").status_code == 404
    empty_filter = api.get("/mapit/point/4326/-0.193121,51.359722?type=,,")
    assert len(empty_filter.json()) == 2  # no filter, not "no types"
