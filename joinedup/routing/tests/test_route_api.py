import datetime as dt

import pytest
import time_machine
from django.test import Client

from joinedup.catalogue.models import Provision, ProvisionMode, Service
from joinedup.catalogue.services import provision_set
from joinedup.core.models import Organisation, PartnershipMember
from joinedup.geo.models import Area

pytestmark = pytest.mark.django_db

URL = "/api/v1/route"
SURREY_DISTRICT_POSTCODE = "SM7 1AA"  # Banstead, Reigate and Banstead


def get(params, **headers):
    return Client().get(URL, params, **headers)


def test_answers_with_the_fields_the_issue_names(demo):
    response = get({"q": "huge hole in the road", "postcode": "sm7 1aa"})
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"service", "alternatives", "body", "reason", "action", "location"}
    assert data["service"]["code"] == "potholes"
    assert data["service"]["lgsl"] == 557
    assert data["service"]["name"] == "Report a pothole"
    assert 0 < data["service"]["confidence"] <= 1
    assert all(set(a) == {"code", "lgsl", "name", "confidence"} for a in data["alternatives"])
    assert data["body"] == {
        "name": "Surrey County Council",
        "gss": "E10000030",
        "kind": "county_council",
        "homepage": "http://www.surreycc.gov.uk/",
        "slug": "surrey",
    }
    assert data["reason"] == (
        "The county council looks after potholes. This address is in Surrey, so Surrey "
        "County Council handles it."
    )
    # Surrey runs potholes through the platform's service requests: the report form.
    assert data["action"]["kind"] == "platform"
    assert data["action"]["url"].startswith(
        "/report/?service=potholes&body=surrey&postcode=SM7+1AA&"
    )
    assert data["location"]["postcode"] == SURREY_DISTRICT_POSTCODE
    assert round(data["location"]["lat"], 2) == 51.32


def test_district_service_in_two_tier_surrey_goes_to_the_district(demo):
    data = get({"q": "my bins weren't emptied", "postcode": SURREY_DISTRICT_POSTCODE}).json()
    assert data["service"]["code"] == "missed-bin"
    assert data["body"]["name"] == "Reigate and Banstead Borough Council"
    assert data["reason"] == (
        "The district or borough council looks after missed bin collections. This address "
        "is in Reigate and Banstead, so Reigate and Banstead Borough Council handles it."
    )


def test_a_partner_running_the_flow_in_the_platform_gets_a_platform_action(demo, flow_for_tests):
    data = get({"q": "missed bin", "postcode": SURREY_DISTRICT_POSTCODE}).json()
    assert data["action"]["kind"] == "platform"
    assert data["action"]["url"].startswith("/where/?service=missed-bin&body=reigate-and-banstead")
    assert "postcode=SM7+1AA" in data["action"]["url"]


def test_a_body_that_left_the_partnership_gets_a_link_not_the_flow(demo, flow_for_tests):
    reigate = Organisation.objects.get(gss_code="E07000211")
    PartnershipMember.objects.filter(organisation=reigate).update(left_on=dt.date(2025, 5, 1))
    with time_machine.travel(dt.datetime(2026, 1, 5, 12, tzinfo=dt.UTC)):
        data = get({"q": "missed bin", "postcode": SURREY_DISTRICT_POSTCODE}).json()
    assert data["body"]["name"] == "Reigate and Banstead Borough Council"
    assert data["action"] == {"kind": "link", "url": "https://www.reigate-banstead.gov.uk/"}


def test_a_location_no_partner_covers_still_names_the_body_with_a_link(demo, flow_for_tests):
    data = get({"q": "fly tipping", "postcode": "WC1A 1AB"}).json()
    assert data["body"]["name"] == "London Borough of Camden"
    assert data["action"] == {"kind": "link", "url": "https://www.camden.gov.uk/"}


def test_successor_council_for_former_harrogate(db):
    data = get({"q": "pothole", "postcode": "HG1 1AA"}).json()
    assert data["body"]["name"] == "North Yorkshire Council"
    assert data["reason"].startswith(
        "Harrogate Borough Council was replaced by North Yorkshire Council on 1 April 2023."
    )
    # North Yorkshire Council has no homepage in the registers: GOV.UK's council finder.
    assert data["action"] == {"kind": "link", "url": "https://www.gov.uk/find-local-council"}


def test_city_of_london(db):
    data = get({"q": "noise from a party", "postcode": "EC4M 7RF"})
    assert data.status_code == 404  # not in the samples: an honest 404
    row = get({"q": "noise from a party", "postcode": "WC2A 1AP"}).json()
    assert row["body"]["name"] == "City of London Corporation"


def test_police_fire_nhs_and_housing_association(demo):
    crime = get({"q": "my shed was broken into", "postcode": SURREY_DISTRICT_POSTCODE}).json()
    assert (crime["service"]["code"], crime["body"]["gss"]) == ("report-crime", "E23000031")
    fire = get({"q": "free smoke alarm", "postcode": SURREY_DISTRICT_POSTCODE}).json()
    assert fire["body"]["name"] == "Surrey Fire and Rescue Service"
    fire_london = get({"q": "free smoke alarm", "postcode": "SM1 1AA"}).json()
    assert fire_london["body"]["name"] == "London Fire Brigade"
    gp = get({"q": "register with a doctor", "postcode": "SM1 1AA"}).json()
    assert gp["body"]["gss"] == "E54000031"
    repair = get(
        {"q": "damp and mould in my housing association flat", "postcode": "SM1 1AA"}
    ).json()
    assert repair["body"]["name"] == "Clarion Housing Association"
    assert "If you rent from another landlord, contact them." in repair["reason"]


def test_fire_outside_the_demo_data_answers_honestly(db):
    data = get({"q": "free smoke alarm", "postcode": "HG1 1AA"}).json()
    assert data["body"] is None
    assert data["reason"] == (
        "We do not hold a record of which fire and rescue service covers this address, "
        "so we cannot name it. The link below explains how to find it."
    )
    assert data["action"]["kind"] == "link"
    assert data["action"]["url"].startswith("https://www.gov.uk/")


def test_lat_lon(demo):
    data = get({"q": "street light out", "lat": "51.3216", "lon": "-0.1995"}).json()
    assert data["body"]["name"] == "Surrey County Council"
    assert data["location"] == {"postcode": None, "lat": 51.3216, "lon": -0.1995}


def test_a_point_outside_every_area_has_no_body(db):
    data = get({"q": "pothole", "lat": "48.85", "lon": "2.35"}).json()  # Paris
    assert data["body"] is None
    assert data["action"] == {"kind": "link", "url": "https://www.gov.uk/find-local-council"}


def test_welsh(db):
    data = get(
        {"q": "twll mawr yn y ffordd", "postcode": "SM1 1AA"}, HTTP_ACCEPT_LANGUAGE="cy"
    ).json()
    assert data["service"]["code"] == "potholes"
    assert data["service"]["name"] == "Rhoi gwybod am dwll yn y ffordd"
    assert "tyllau yn y ffordd" in data["reason"]
    assert data["reason"].startswith("Mae'r cyfeiriad hwn yn Sutton")


def test_service_named_instead_of_text(db):
    data = get({"service": "council-tax", "postcode": "SM1 1AA"}).json()
    assert (data["service"]["code"], data["service"]["confidence"]) == ("council-tax", 1.0)
    assert data["alternatives"] == []


@pytest.mark.parametrize(
    "params, field",
    [
        ({"postcode": "SM1 1AA"}, "q"),
        ({"q": "", "postcode": "SM1 1AA"}, "q"),
        ({"q": "   ", "postcode": "SM1 1AA"}, "q"),
        ({"q": "pothole"}, "postcode"),
        ({"q": "pothole", "postcode": ""}, "postcode"),
        ({"q": "pothole", "postcode": "not a postcode"}, "postcode"),
        ({"q": "pothole", "postcode": "SM7"}, "postcode"),
        ({"q": "pothole", "postcode": "SM1 1AA", "lat": "51.3", "lon": "-0.2"}, "postcode"),
        ({"q": "pothole", "lat": "51.3"}, "lat"),
        ({"q": "pothole", "lat": "north", "lon": "-0.2"}, "lat"),
        ({"q": "pothole", "lat": "91", "lon": "-0.2"}, "lat"),
        ({"q": "pothole", "lat": "nan", "lon": "-0.2"}, "lat"),
        ({"q": "x" * 501, "postcode": "SM1 1AA"}, "q"),
        ({"service": "no such thing!", "postcode": "SM1 1AA"}, "service"),
    ],
)
def test_bad_requests_get_400_with_the_standard_error_body(db, params, field):
    response = get(params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == 400
    assert field in body["details"]
    assert body["error"] == body["details"][field][0]


@pytest.mark.parametrize(
    "params, message",
    [
        ({"q": "pothole", "postcode": "ZZ1 1ZZ"}, "We cannot find the postcode ZZ1 1ZZ."),
        (
            {"q": "pothole", "postcode": "HG5 5AA"},
            "The postcode HG5 5AA is no longer in use and has no location on record. Use a "
            "current postcode or drop a pin on the map.",
        ),
        (
            {"q": "qqqq zzzz", "postcode": "SM1 1AA"},
            "We could not find a service matching “qqqq zzzz”. Try describing it in other words.",
        ),
        (
            {"service": "no-such-service", "postcode": "SM1 1AA"},
            "No service with code 'no-such-service'",
        ),
    ],
)
def test_not_found(db, params, message):
    response = get(params)
    assert response.status_code == 404
    assert response.json() == {"code": 404, "error": message}


def test_exception_a_body_covering_only_part_of_its_area(demo):
    clarion = Organisation.objects.get(slug="clarion-housing")
    service = Service.objects.get(code="housing-repair")
    provision_set(
        actor=None,
        organisation=clarion,
        service=service,
        areas=[Area.objects.get(gss="E09000024")],  # Merton only
    )
    sutton = get(
        {"q": "damp and mould in my housing association flat", "postcode": "SM1 1AA"}
    ).json()
    assert sutton["body"] is None
    merton = get(
        {"q": "damp and mould in my housing association flat", "postcode": "SM4 5DX"}
    ).json()
    assert merton["body"]["name"] == "Clarion Housing Association"


def test_exception_a_preferred_body_where_two_claim_a_service(demo):
    tfl = Organisation.objects.create(
        slug="transport-for-london",
        name="Transport for London",
        kind="transport_authority",
        homepage="https://tfl.gov.uk/",
    )
    PartnershipMember.objects.create(
        partnership=demo, organisation=tfl, joined_on=dt.date(2025, 4, 1)
    )
    provision_set(
        actor=None,
        organisation=tfl,
        service=Service.objects.get(code="potholes"),
        areas=[Area.objects.get(gss="E09000029")],  # say, a red route through Sutton
        preferred=True,
        note="Transport for London looks after red routes.",
    )
    data = get({"q": "pothole", "postcode": "SM1 1AA"}).json()
    assert data["body"]["name"] == "Transport for London"
    assert data["reason"] == (
        "Transport for London looks after potholes here, in place of London Borough of "
        "Sutton. Transport for London looks after red routes."
    )
    assert data["action"] == {"kind": "link", "url": "https://tfl.gov.uk/"}
    # Outside the red route, the borough as before.
    assert (
        get({"q": "pothole", "postcode": "SM4 5DX"}).json()["body"]["name"]
        == "London Borough of Merton"
    )


def test_platform_provision_only_for_partners(db, org_outside):
    from django.core.exceptions import ValidationError

    from joinedup.core.testing import unchanged

    with unchanged(Provision.objects.all()), pytest.raises(ValidationError):
        provision_set(
            actor=None,
            organisation=org_outside,
            service=Service.objects.get(code="missed-bin"),
            mode=ProvisionMode.PLATFORM,
            flow="service-request",
        )


def test_documented_in_the_openapi_schema(db):
    schema = Client().get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/route"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {
        "q",
        "postcode",
        "lat",
        "lon",
        "service",
    }
    assert set(operation["responses"]) == {"200", "400", "404"}
