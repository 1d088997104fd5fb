"""The Open311 GeoReport v2 server, as a client sees it."""

import datetime as dt
import json
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from joinedup.core.testing import unchanged
from joinedup.jobs.models import Job
from joinedup.service_requests.models import EventKind, RequestEvent, ServiceRequest, Status
from joinedup.service_requests.services import service_request_respond
from joinedup.service_requests.testing import make_report

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
# SM7 3AA, Banstead: Reigate and Banstead (district) in Surrey (county).
BANSTEAD = {"lat": "51.323449", "long": "-0.200413"}
SUTTON_POINT = {"lat": "51.359722", "long": "-0.193121"}


def _json(response):
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    return json.loads(response.content)


def _xml(response):
    assert response["Content-Type"] == "text/xml; charset=utf-8", response["Content-Type"]
    text = response.content.decode()
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(response.content)  # noqa: S314 (our own output, in a test)


def _post(data, fmt="json", **extra):
    return Client().post(f"{BASE}/requests.{fmt}", data, **extra)


def test_discovery(partners):
    body = _json(Client().get(f"{BASE}/discovery.json"))
    assert body["endpoints"] == [
        {
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": "http://testserver/open311/v2",
            "changeset": "2026-11-26T00:00:00Z",
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }
    ]
    root = _xml(Client().get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert [e.text for e in root.findall("endpoints/endpoint/formats/format")] == [
        "text/xml",
        "application/json",
    ]


def test_services_xml_is_exact(partners):
    # Ordered by group, then name.
    response = Client().get(f"{BASE}/services.xml", {"jurisdiction_id": "epsom-and-ewell"})
    assert response.status_code == 200
    expected = ['<?xml version="1.0" encoding="UTF-8"?>', "<services>"]
    services = [
        (
            "missed-bin",
            "Report a missed bin collection",
            "A bin that was put out on collection day but not emptied.",
            "true",
            "Bins and recycling",
        ),
        (
            "noise",
            "Report a noise nuisance",
            "Noise from a home, business or street that is disturbing you.",
            "true",
            "Nuisance",
        ),
        (
            "fly-tipping",
            "Report fly-tipping",
            "Rubbish dumped on a street, path or open space.",
            "true",
            "Street cleaning",
        ),
        (
            "abandoned-vehicles",
            "Report an abandoned vehicle",
            "A vehicle that seems to have been left and not moved for a long time.",
            "true",
            "Vehicles",
        ),
    ]
    keywords = _json(Client().get(f"{BASE}/services.json", {"jurisdiction_id": "epsom-and-ewell"}))
    words = {s["service_code"]: s["keywords"] for s in keywords}
    for code, name, description, metadata, group in services:
        expected += [
            "  <service>",
            f"    <service_code>{code}</service_code>",
            f"    <service_name>{name}</service_name>",
            f"    <description>{description}</description>",
            f"    <metadata>{metadata}</metadata>",
            "    <type>realtime</type>",
            f"    <keywords>{words[code]}</keywords>",
            f"    <group>{group}</group>",
            "  </service>",
        ]
    expected.append("</services>")
    assert response.content.decode() == "\n".join(expected) + "\n"


def test_services_json_are_arrays_and_lat_long_narrows_to_those_taken_there(partners):
    everything = {s["service_code"] for s in _json(Client().get(f"{BASE}/services.json"))}
    assert {"missed-bin", "potholes", "needles", "gritting"} <= everything
    banstead = _json(Client().get(f"{BASE}/services.json", BANSTEAD))
    codes = {s["service_code"] for s in banstead}
    # Reigate and Banstead's district services and Surrey's county ones; not Sutton's needles.
    assert codes == {
        "missed-bin",
        "fly-tipping",
        "abandoned-vehicles",
        "noise",
        "graffiti",
        "dog-fouling",
        "street-cleaning",
        "potholes",
        "street-lights",
        "pavement-problems",
        "road-flooding",
        "gritting",
        "traffic-lights",
    }
    first = banstead[0]
    assert list(first) == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]
    assert first["metadata"] is True and first["type"] == "realtime"


def test_welsh_service_names_with_accept_language(partners):
    services = _json(
        Client().get(
            f"{BASE}/services.json",
            {"jurisdiction_id": "epsom-and-ewell"},
            HTTP_ACCEPT_LANGUAGE="cy",
        )
    )
    names = {s["service_code"]: s["service_name"] for s in services}
    assert names["missed-bin"] == "Rhoi gwybod am fin heb ei gasglu"


def test_service_definition_xml_is_exact(partners):
    response = Client().get(f"{BASE}/services/graffiti.xml")
    assert response.status_code == 200
    assert response.content.decode() == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<service_definition>\n"
        "  <service_code>graffiti</service_code>\n"
        "  <attributes>\n"
        "    <attribute>\n"
        "      <variable>true</variable>\n"
        "      <code>offensive</code>\n"
        "      <datatype>singlevaluelist</datatype>\n"
        "      <required>true</required>\n"
        "      <datatype_description></datatype_description>\n"
        "      <order>1</order>\n"
        "      <description>Is it offensive?</description>\n"
        "      <values>\n"
        "        <value>\n"
        "          <key>yes</key>\n"
        "          <name>Yes</name>\n"
        "        </value>\n"
        "        <value>\n"
        "          <key>no</key>\n"
        "          <name>No</name>\n"
        "        </value>\n"
        "      </values>\n"
        "    </attribute>\n"
        "  </attributes>\n"
        "</service_definition>\n"
    )


def test_service_definition_json(partners):
    body = _json(Client().get(f"{BASE}/services/missed-bin.json"))
    assert body["service_code"] == "missed-bin"
    assert [(a["code"], a["datatype"], a["required"], a["order"]) for a in body["attributes"]] == [
        ("container", "singlevaluelist", True, 1),
        ("collection_date", "datetime", False, 2),
        ("put_out_by_7am", "singlevaluelist", True, 3),
    ]
    assert body["attributes"][0]["values"][1] == {"key": "recycling", "name": "Recycling"}
    assert "values" not in body["attributes"][1]


@time_machine.travel(dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC), tick=False)
def test_post_with_attributes_then_read_it_back(api_key):
    response = _post(
        {
            "api_key": api_key,
            "service_code": "fly-tipping",
            **BANSTEAD,
            "address_string": "Layby on the A217",
            "description": "Mattress and bags",
            "attribute[waste_type][]": ["furniture", "bags"],
            "attribute[bags_count]": "6",
            "attribute[fixmystreet_id]": "1234",
            "email": "someone@example.org",
            "first_name": "Sam",
            "last_name": "Jones",
            "account_id": "acc-9",
        }
    )
    assert response.status_code == 200, response.content
    created = _json(response)
    assert len(created) == 1
    sr_id = created[0]["service_request_id"]
    report = ServiceRequest.objects.get(pk=int(sr_id))
    assert created[0] == {
        "service_request_id": sr_id,
        "token": str(report.token),
        "service_notice": "Reigate and Banstead Borough Council deals with this. It is due to be dealt with by 1 December 2026.",
        "account_id": "acc-9",
    }
    assert report.answers == {"waste_type": ["furniture", "bags"], "bags_count": 6}
    assert (report.name, report.email, report.channel) == (
        "Sam Jones",
        "someone@example.org",
        "open311",
    )
    assert Job.objects.filter(
        task_name="service_requests.acknowledge", kwargs={"request_id": report.pk}
    ).exists()

    rows = _json(Client().get(f"{BASE}/requests/{sr_id}.json"))
    assert rows == [
        {
            "service_request_id": sr_id,
            "status": "open",
            "status_notes": "",
            "service_name": "Report fly-tipping",
            "service_code": "fly-tipping",
            "description": "Mattress and bags",
            "agency_responsible": "Reigate and Banstead Borough Council",
            "service_notice": "",
            "requested_datetime": "2026-11-27T09:00:00+00:00",
            "updated_datetime": "2026-11-27T09:00:00+00:00",
            "expected_datetime": "2026-12-01T23:59:59+00:00",
            "address": "Layby on the A217",
            "address_id": "",
            "zipcode": "",
            "lat": 51.323449,
            "long": -0.200413,
            "media_url": "",
        }
    ]
    xml = Client().get(f"{BASE}/requests/{sr_id}.xml").content.decode()
    assert xml.startswith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<service_requests>\n  <request>\n'
        f"    <service_request_id>{sr_id}</service_request_id>\n    <status>open</status>\n"
        "    <status_notes></status_notes>\n    <service_name>Report fly-tipping</service_name>\n"
    )
    assert xml.endswith("    <media_url></media_url>\n  </request>\n</service_requests>\n")
    token = _json(Client().get(f"{BASE}/tokens/{report.token}.json"))
    assert token == [{"service_request_id": sr_id, "token": str(report.token)}]


def test_post_xml_response(api_key):
    response = _post(
        {
            "api_key": api_key,
            "service_code": "potholes",
            **SUTTON_POINT,
            "attribute[depth]": "shallow",
        },
        "xml",
    )
    assert response.status_code == 200
    root = _xml(response)
    assert root.tag == "service_requests"
    assert [child.tag for child in root.find("request")] == [
        "service_request_id",
        "token",
        "service_notice",
        "account_id",
    ]


def test_a_district_service_at_a_surrey_point_goes_to_the_district(api_key):
    bin_id = _json(
        _post(
            {
                "api_key": api_key,
                "service_code": "missed-bin",
                **BANSTEAD,
                "email": "a@example.org",
                "attribute[container]": "refuse",
                "attribute[put_out_by_7am]": "yes",
            }
        )
    )[0]["service_request_id"]
    pothole_id = _json(
        _post(
            {
                "api_key": api_key,
                "service_code": "potholes",
                **BANSTEAD,
                "attribute[depth]": "deep",
                "jurisdiction_id": "reigate-and-banstead",
            }
        )
    )[0]["service_request_id"]
    assert ServiceRequest.objects.get(pk=bin_id).organisation.slug == "reigate-and-banstead"
    assert ServiceRequest.objects.get(pk=pothole_id).organisation.slug == "surrey"


def test_location_by_address_string_postcode_or_address_id(api_key):
    by_address = _json(
        _post(
            {
                "api_key": api_key,
                "service_code": "potholes",
                "address_string": "12 High Street, SM1 1AA",
                "attribute[depth]": "deep",
            }
        )
    )[0]["service_request_id"]
    by_id = _json(
        _post(
            {
                "api_key": api_key,
                "service_code": "potholes",
                "address_id": "SM7 3AA",
                "attribute[depth]": "deep",
            }
        )
    )[0]["service_request_id"]
    assert ServiceRequest.objects.get(pk=by_address).organisation.slug == "sutton"
    assert ServiceRequest.objects.get(pk=by_address).postcode == "SM1 1AA"
    assert ServiceRequest.objects.get(pk=by_id).organisation.slug == "surrey"


def _error(response, status):
    assert response.status_code == status, response.content
    body = _json(response)
    assert isinstance(body, list) and body and set(body[0]) == {"code", "description"}
    assert body[0]["code"] == status
    return body[0]["description"]


def test_missing_or_wrong_api_key_is_403(partners):
    with unchanged(ServiceRequest.objects.all()):
        assert (
            _error(_post({"service_code": "potholes", **SUTTON_POINT}), 403)
            == "api_key is required."
        )
        assert _error(
            _post({"api_key": "o311_abc_def", "service_code": "potholes", **SUTTON_POINT}), 403
        ) == ("api_key is not valid.")
        response = _post({"service_code": "potholes", **SUTTON_POINT}, "xml")
        assert response.status_code == 403
        assert response.content.decode() == (
            '<?xml version="1.0" encoding="UTF-8"?>\n<errors>\n  <error>\n    <code>403</code>\n'
            "    <description>api_key is required.</description>\n  </error>\n</errors>\n"
        )


def test_a_revoked_key_is_refused(api_key):
    from joinedup.integrations.open311.models import Open311Client
    from joinedup.integrations.open311.services import open311_client_revoke

    open311_client_revoke(actor=None, client=Open311Client.objects.get(name="Street app"))
    _error(_post({"api_key": api_key, "service_code": "potholes", **SUTTON_POINT}), 403)


def test_keys_are_stored_hashed(api_key):
    from joinedup.integrations.open311.models import Open311Client

    client = Open311Client.objects.get(name="Street app")
    assert api_key not in (client.digest, client.prefix)
    assert api_key.split("_", 2)[2] not in client.digest  # the secret itself may hold "_"


BAD_POSTS = [
    (
        {"service_code": "no-such-thing", **SUTTON_POINT},
        404,
        "service_code no-such-thing was not found.",
    ),
    (
        {"service_code": "potholes", **SUTTON_POINT, "jurisdiction_id": "atlantis"},
        404,
        "jurisdiction_id atlantis was not found.",
    ),
    (
        {"service_code": "potholes", **SUTTON_POINT},
        400,
        "attribute[depth]: Answer this question: How deep is it?",
    ),
    (
        {"service_code": "potholes", **SUTTON_POINT, "attribute[depth]": "bottomless"},
        400,
        "attribute[depth]: bottomless is not one of the choices.",
    ),
    (
        {
            "service_code": "fly-tipping",
            **SUTTON_POINT,
            "attribute[waste_type][]": "bags",
            "attribute[bags_count]": "lots",
        },
        400,
        "attribute[bags_count]: Enter a number.",
    ),
    (
        {"service_code": "potholes", "lat": "91", "long": "0", "attribute[depth]": "deep"},
        400,
        "lat must be a number between -90 and 90.",
    ),
    (
        {"service_code": "potholes", "lat": "nan", "long": "0", "attribute[depth]": "deep"},
        400,
        "lat must be a number between -90 and 90.",
    ),
    (
        {"service_code": "potholes", "lat": "51.5", "attribute[depth]": "deep"},
        400,
        "Give both lat and long.",
    ),
    (
        {"service_code": "potholes", "attribute[depth]": "deep"},
        400,
        "A location is required: lat and long, address_string or address_id.",
    ),
    (
        {
            "service_code": "potholes",
            "address_string": "Somewhere nice",
            "attribute[depth]": "deep",
        },
        400,
        "address_string must include a full UK postcode, or send lat and long.",
    ),
    (
        {
            "service_code": "potholes",
            "lat": "48.8566",
            "long": "2.3522",
            "attribute[depth]": "deep",
        },
        400,
        "lat: We cannot tell which organisation deals with potholes at this place.",
    ),
    (
        {
            "service_code": "potholes",
            **SUTTON_POINT,
            "attribute[depth]": "deep",
            "description": "x" * 4001,
        },
        400,
        "description must be 4,000 characters or fewer.",
    ),
    (
        {
            "service_code": "potholes",
            **SUTTON_POINT,
            "attribute[depth]": "deep",
            "description": "bad \x00 byte",
        },
        400,
        "description contains characters that are not allowed.",
    ),
    (
        {"service_code": "potholes", **SUTTON_POINT, "attribute[depth]": "deep", "email": "nope"},
        400,
        "email: Enter an email address like name@example.com.",
    ),
    (
        {
            "service_code": "missed-bin",
            **SUTTON_POINT,
            "attribute[container]": "food",
            "attribute[put_out_by_7am]": "yes",
        },
        400,
        "email: Give an email address or a phone number, so we can tell you what happens.",
    ),
]


@pytest.mark.parametrize(("data", "status", "description"), BAD_POSTS)
def test_bad_posts_get_the_spec_error_and_write_nothing(api_key, data, status, description):
    with unchanged(ServiceRequest.objects.all(), RequestEvent.objects.all(), Job.objects.all()):
        assert _error(_post({"api_key": api_key, **data}), status) == description


def test_ten_megabyte_description_is_400(api_key):
    with unchanged(ServiceRequest.objects.all()):
        description = _error(
            _post(
                {
                    "api_key": api_key,
                    "service_code": "potholes",
                    **SUTTON_POINT,
                    "attribute[depth]": "deep",
                    "description": "x" * (10 * 1024 * 1024),
                }
            ),
            400,
        )
    assert description == "The request is too large or malformed."


def test_xml_or_json_bodies_are_400(api_key):
    with unchanged(ServiceRequest.objects.all()):
        _error(
            Client().post(
                f"{BASE}/requests.json",
                "<request><service_code>potholes</service_code></request>",
                content_type="application/json",
            ),
            400,
        )
        _error(
            Client().post(f"{BASE}/requests.json", "<request/>", content_type="application/xml"),
            400,
        )
        _error(
            Client().post(
                f"{BASE}/requests.json",
                json.dumps({"api_key": api_key}),
                content_type="application/json",
            ),
            400,
        )


def test_malformed_multipart_is_400(api_key):
    body = (
        b'--BOUNDARY\r\nContent-Disposition: form-data; name="api_key"\r\n\r\n'
        + api_key.encode()
        + b"\r\n--BOUND"
    )
    with unchanged(ServiceRequest.objects.all()):
        # Cut off before the closing boundary: the key arrives damaged.
        response = Client().post(
            f"{BASE}/requests.json", body, content_type="multipart/form-data; boundary=BOUNDARY"
        )
        assert _error(response, 403) == "api_key is not valid."
        response = Client().post(
            f"{BASE}/requests.json", b"garbage", content_type="multipart/form-data"
        )
        _error(response, 400)


def test_photos_as_multipart_files(api_key):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "hole.png"
    response = _post(
        {
            "api_key": api_key,
            "service_code": "potholes",
            **SUTTON_POINT,
            "attribute[depth]": "deep",
            "media": buffer,
        }
    )
    sr_id = _json(response)[0]["service_request_id"]
    report = ServiceRequest.objects.get(pk=sr_id)
    assert report.photos.count() == 1
    assert report.media_url == f"/requests/{sr_id}/photos/{report.photos.get().pk}.jpg"
    bad = io.BytesIO(b"not an image")
    bad.name = "x.jpg"
    with unchanged(ServiceRequest.objects.all()):
        assert "is not a photo we can use" in _error(
            _post(
                {
                    "api_key": api_key,
                    "service_code": "potholes",
                    **SUTTON_POINT,
                    "attribute[depth]": "deep",
                    "media": bad,
                }
            ),
            400,
        )


def test_unknown_things_are_404_in_the_envelope(partners):
    assert (
        _error(Client().get(f"{BASE}/services/no-such.json"), 404)
        == "service_code no-such was not found."
    )
    assert (
        _error(Client().get(f"{BASE}/requests/99999999.json"), 404)
        == "service_request_id was not found."
    )
    # Characters str.isdigit() takes for digits though int() refuses them: "³", "²".
    for other_digits in ("%C2%B3", "1%C2%B2"):
        assert (
            _error(Client().get(f"{BASE}/requests/{other_digits}.json"), 404)
            == "service_request_id was not found."
        )
    assert (
        _error(Client().get(f"{BASE}/requests/abc.json"), 404)
        == "service_request_id was not found."
    )
    assert _error(Client().get(f"{BASE}/tokens/not-a-token.json"), 404) == "token was not found."
    assert _error(Client().get(f"{BASE}/services.json", {"jurisdiction_id": "camden"}), 404) == (
        "jurisdiction_id camden was not found."
    )
    assert (
        _error(Client().get(f"{BASE}/nothing-here.json"), 404)
        == "There is no such Open311 method or format."
    )
    response = Client().get(f"{BASE}/services.csv")
    assert response.status_code == 404


# --- GET requests ------------------------------------------------------------------------


def test_get_requests_filters(partners, officer_a):
    officer_a.is_verified = lambda: True
    with time_machine.travel(dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC), tick=False):
        old = make_report("potholes", answers={"depth": "deep"})
    with time_machine.travel(dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC), tick=False):
        pothole = make_report("potholes", answers={"depth": "deep"})
        needles = make_report("needles", answers={})
        service_request_respond(
            actor=officer_a, request=needles, text="Removed.", status=Status.FIXED
        )
    with time_machine.travel(dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC), tick=False):

        def ids(**params):
            return [
                r["service_request_id"]
                for r in _json(Client().get(f"{BASE}/requests.json", params))
            ]

        assert ids() == [str(needles.pk), str(pothole.pk)]  # last 90 days, newest first
        assert ids(service_code="potholes") == [str(pothole.pk)]
        assert ids(status="closed") == [str(needles.pk)]
        assert ids(status="fixed") == [str(needles.pk)]
        assert ids(status="open") == [str(pothole.pk)]
        assert ids(start_date="2026-05-01T00:00:00Z", end_date="2026-07-01T00:00:00Z") == [
            str(old.pk)
        ]
        assert ids(start_date="2026-05-01") == [str(old.pk)]
        assert ids(service_request_id=f"{old.pk},{needles.pk}", service_code="potholes") == [
            str(needles.pk),
            str(old.pk),
        ]
        assert ids(jurisdiction_id="merton") == []
        assert ids(service_code="no-such-service") == []  # found by the fuzz run on PostGIS
        assert ids(service_code="no-such-service,potholes") == [str(pothole.pk)]
        closed = _json(Client().get(f"{BASE}/requests.json", {"status": "closed"}))[0]
        assert (closed["status"], closed["status_notes"]) == ("closed", "Removed.")


@pytest.mark.parametrize(
    ("params", "description"),
    [
        (
            {"start_date": "yesterday"},
            "start_date must be a W3C date and time, for example 2026-11-26T09:30:00Z.",
        ),
        (
            {"start_date": "2026-13-01T00:00:00Z"},
            "start_date must be a W3C date and time, for example 2026-11-26T09:30:00Z.",
        ),
        (
            {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
            "start_date and end_date may be at most 90 days apart.",
        ),
        (
            {"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
            "end_date is before start_date.",
        ),
        (
            {"status": "sleeping"},
            "status sleeping is not one of open, closed or the extended statuses.",
        ),
        (
            {"service_request_id": "1,two"},
            "service_request_id must be a comma-separated list of request ids (numbers).",
        ),
        (
            {"service_code": "pot\x00holes"},
            "service_code contains characters that are not allowed.",
        ),
        ({"lat": "x", "long": "1"}, None),
    ],
)
def test_bad_get_requests_are_400(partners, params, description):
    response = Client().get(f"{BASE}/requests.json", params)
    if description is None:
        assert response.status_code == 200  # lat/long are not filters of GET requests
    else:
        assert _error(response, 400) == description


def test_get_requests_returns_at_most_1000(partners):
    from joinedup.service_requests.selectors import RequestQuery, public_request_rows

    template = make_report("potholes", answers={"depth": "deep"})
    fields = {
        f.attname: getattr(template, f.attname)
        for f in ServiceRequest._meta.concrete_fields
        if f.attname not in ("id", "token", "secret")
    }
    import uuid

    ServiceRequest.objects.bulk_create(
        ServiceRequest(**fields, token=uuid.uuid4()) for _ in range(1005)
    )
    body = _json(Client().get(f"{BASE}/requests.json"))
    assert len(body) == 1000
    assert len(public_request_rows(query=RequestQuery(limit=5))) == 5


def test_get_requests_query_count_does_not_grow(partners, django_assert_max_num_queries, settings):
    settings.JOINEDUP_AREA_INDEX_TTL = 60  # as in production: reference data held in memory
    for _ in range(5):
        make_report("potholes", answers={"depth": "deep"})
    Client().get(f"{BASE}/requests.json")  # warm the indexes
    with django_assert_max_num_queries(1):
        body = _json(Client().get(f"{BASE}/requests.json"))
    assert len(body) == 5
    for _ in range(20):
        make_report("potholes", answers={"depth": "deep"})
    with django_assert_max_num_queries(1):
        assert len(_json(Client().get(f"{BASE}/requests.json"))) == 25


def test_the_public_output_has_no_personal_data(api_key):
    sr_id = _json(
        _post(
            {
                "api_key": api_key,
                "service_code": "potholes",
                **SUTTON_POINT,
                "attribute[depth]": "deep",
                "email": "private@example.org",
                "phone": "07700900123",
                "first_name": "Private",
                "last_name": "Person",
            }
        )
    )[0]["service_request_id"]
    for fmt in ("json", "xml"):
        text = Client().get(f"{BASE}/requests/{sr_id}.{fmt}").content.decode()
        for secret in ("private@example.org", "07700900123", "Private", "Person"):
            assert secret not in text


# --- mySociety's servicerequestupdates ----------------------------------------------------


def test_updates_flow_both_ways(api_key, surrey_key, surrey_officer_verified):
    sr_id = _json(
        _post(
            {
                "api_key": api_key,
                "service_code": "potholes",
                **BANSTEAD,
                "attribute[depth]": "deep",
                "email": "res@example.org",
            }
        )
    )[0]["service_request_id"]
    report = ServiceRequest.objects.get(pk=sr_id)
    # Out: an officer's public update is served to clients.
    service_request_respond(
        actor=surrey_officer_verified,
        request=report,
        text="Inspection booked.",
        status=Status.INVESTIGATING,
    )
    service_request_respond(
        actor=surrey_officer_verified, request=report, text="Fixed today.", status=Status.FIXED
    )
    updates = _json(
        Client().get(f"{BASE}/servicerequestupdates.json", {"jurisdiction_id": "surrey"})
    )
    assert [(u["service_request_id"], u["status"], u["description"]) for u in updates] == [
        (sr_id, "investigating", "Inspection booked."),
        (sr_id, "fixed", "Fixed today."),
    ]
    assert list(updates[0]) == [
        "update_id",
        "service_request_id",
        "status",
        "updated_datetime",
        "description",
        "media_url",
    ]
    root = _xml(Client().get(f"{BASE}/servicerequestupdates.xml"))
    assert root.tag == "service_request_updates"
    assert [e.find("status").text for e in root.findall("request_update")] == [
        "investigating",
        "fixed",
    ]

    # In: the resident's app says it is not fixed (REOPEN), and that goes out again.
    posted = Client().post(
        f"{BASE}/servicerequestupdates.json",
        {
            "api_key": api_key,
            "service_request_id": sr_id,
            "update_id": "fms-1",
            "status": "REOPEN",
            "updated_datetime": "2026-11-27T10:00:00Z",
            "description": "Still there",
        },
    )
    assert posted.status_code == 200, posted.content
    report.refresh_from_db()
    assert (report.status, report.is_open) == (Status.REOPENED, True)
    updates = _json(
        Client().get(f"{BASE}/servicerequestupdates.json", {"jurisdiction_id": "surrey"})
    )
    assert [u["status"] for u in updates] == ["investigating", "fixed", "reopen"]


def test_client_updates(api_key, surrey_key):
    url = f"{BASE}/servicerequestupdates.json"
    sr_id = _json(
        _post(
            {"api_key": api_key, "service_code": "potholes", **BANSTEAD, "attribute[depth]": "deep"}
        )
    )[0]["service_request_id"]
    base = {"service_request_id": sr_id, "updated_datetime": "2026-11-27T10:00:00Z"}
    # Surrey's back office changes the status.
    body = _json(
        Client().post(
            url,
            {
                **base,
                "api_key": surrey_key,
                "update_id": "confirm-1",
                "status": "ACTION_SCHEDULED",
                "description": "Crew booked",
            },
        )
    )
    event = RequestEvent.objects.get(pk=int(body[0]["update_id"]))
    report = ServiceRequest.objects.get(pk=sr_id)
    assert (report.status, report.status_notes, event.kind) == (
        Status.ACTION_SCHEDULED,
        "Crew booked",
        EventKind.PUBLIC_UPDATE,
    )
    # The same update_id again is not recorded twice.
    again = _json(
        Client().post(
            url,
            {
                **base,
                "api_key": surrey_key,
                "update_id": "confirm-1",
                "status": "ACTION_SCHEDULED",
                "description": "Crew booked",
            },
        )
    )
    assert again == body
    _json(
        Client().post(
            url,
            {
                **base,
                "api_key": surrey_key,
                "update_id": "confirm-2",
                "status": "FIXED",
                "description": "Done",
            },
        )
    )
    # The resident's app (the client that sent it) cannot close it but can reopen it.
    with unchanged(ServiceRequest.objects.all()):
        assert _error(
            Client().post(
                url,
                {
                    **base,
                    "api_key": api_key,
                    "update_id": "app-1",
                    "status": "IN_PROGRESS",
                    "description": "x",
                },
            ),
            400,
        ) == ("status: Only the organisation dealing with this request can change its status.")
    _json(
        Client().post(
            url,
            {
                **base,
                "api_key": api_key,
                "update_id": "app-2",
                "status": "REOPEN",
                "description": "Still a hole",
            },
        )
    )
    report.refresh_from_db()
    assert (report.status, report.is_open) == (Status.REOPENED, True)
    assert report.events.get(kind=EventKind.REOPENED).data["reason"] == "Still a hole"
    # A third party's key sees no such request.
    from joinedup.core.models import Organisation
    from joinedup.integrations.open311.services import open311_client_issue

    _c, merton_key = open311_client_issue(
        actor=None, organisation=Organisation.objects.get(slug="merton"), name="Merton"
    )
    assert _error(
        Client().post(
            url,
            {
                **base,
                "api_key": merton_key,
                "update_id": "m-1",
                "status": "FIXED",
                "description": "x",
            },
        ),
        404,
    ) == ("No such service request")
    _error(
        Client().post(url, {**base, "update_id": "m-2", "status": "FIXED", "description": "x"}), 403
    )
    assert _error(
        Client().post(
            url,
            {
                **base,
                "api_key": surrey_key,
                "update_id": "s-9",
                "status": "SLEEPING",
                "description": "x",
            },
        ),
        400,
    ) == ("status is not one of the extended statuses.")


@pytest.fixture
def surrey_officer_verified(partners):
    from joinedup.core.models import Membership, Organisation, Role, User

    user = User.objects.create_user(username="surrey_o", password="x" * 16)
    Membership.objects.create(
        user=user, organisation=Organisation.objects.get(slug="surrey"), role=Role.OFFICER
    )
    user.is_verified = lambda: True
    return user


def test_updates_window_defaults_and_limits(partners):
    assert _json(Client().get(f"{BASE}/servicerequestupdates.json")) == []
    _error(
        Client().get(
            f"{BASE}/servicerequestupdates.json",
            {"start_date": "2026-01-01", "end_date": "2026-12-01"},
        ),
        400,
    )
    _error(Client().get(f"{BASE}/servicerequestupdates.json", {"api_key": "wrong"}), 403)


def test_issue_key_command_prints_a_key_that_works(partners, capsys):
    from django.core.management import call_command

    call_command("open311_issue_key", organisation="sutton", name="Command client")
    key = capsys.readouterr().out.strip()
    assert key.startswith("o311_")
    response = _post(
        {"api_key": key, "service_code": "potholes", **SUTTON_POINT, "attribute[depth]": "deep"}
    )
    assert response.status_code == 200
    assert timezone.now() - ServiceRequest.objects.get(
        pk=_json(response)[0]["service_request_id"]
    ).requested_at < dt.timedelta(minutes=1)


def test_demo_key_is_made_once_and_printed_every_time(partners, settings, tmp_path, capsys):
    from django.core.management import call_command

    settings.VAR_DIR = tmp_path
    call_command("open311_demo_key")
    first = capsys.readouterr().out.strip().rsplit(" ", 1)[1]
    call_command("open311_demo_key")
    second = capsys.readouterr().out.strip().rsplit(" ", 1)[1]
    assert first == second and first.startswith("o311_")
    assert (tmp_path / "open311-demo-key.txt").read_text().strip() == first
    assert (
        _post(
            {
                "api_key": first,
                "service_code": "potholes",
                **SUTTON_POINT,
                "attribute[depth]": "deep",
            }
        ).status_code
        == 200
    )


def test_post_query_count(api_key, settings, django_assert_max_num_queries):
    settings.JOINEDUP_AREA_INDEX_TTL = 60  # reference data in memory, as in production
    body = {
        "api_key": api_key,
        "service_code": "potholes",
        **SUTTON_POINT,
        "attribute[depth]": "deep",
        "email": "q@example.org",
    }
    _post(body)
    # The key, then the request, its history entry, its audit record and its job.
    with django_assert_max_num_queries(7):
        assert _post(body).status_code == 200


def test_postgresql_writes_the_same_json_as_python(partners, officer_a):
    from django.db import connection

    from joinedup.integrations.open311.api.views import _Names, _request_row
    from joinedup.integrations.open311.documents import Document, to_json
    from joinedup.service_requests.selectors import (
        RequestQuery,
        public_request_json,
        public_request_rows,
    )

    if connection.vendor != "postgresql":
        pytest.skip("the JSON is built by PostgreSQL only")
    officer_a.is_verified = lambda: True
    with time_machine.travel(
        dt.datetime(2026, 7, 1, 8, 30, 15, tzinfo=dt.UTC), tick=False
    ):  # summer time
        summer = make_report(
            "potholes",
            answers={"depth": "deep"},
            description='Quotes " and \\ and é',
            location_text="By <the> gate",
        )
    with time_machine.travel(
        dt.datetime(2026, 11, 20, 12, 0, 59, 999999, tzinfo=dt.UTC), tick=False
    ):
        winter = make_report("needles", answers={})
        service_request_respond(
            actor=officer_a, request=winter, text="Removed.", status=Status.FIXED
        )
    query = RequestQuery(ids=(summer.pk, winter.pk))
    fast = public_request_json(query=query, time_zone="Europe/London")
    names = _Names("en")
    slow = to_json(
        Document(
            root="service_requests",
            item="request",
            payload=[_request_row(r, names) for r in public_request_rows(query=query)],
        )
    )
    assert json.loads(fast) == json.loads(slow)
    assert json.loads(fast)[1]["requested_datetime"] == "2026-07-01T09:30:15+01:00"
    assert json.loads(fast)[0]["requested_datetime"] == "2026-11-20T12:00:59+00:00"
    assert json.loads(fast)[0]["status"] == "closed"
    assert public_request_json(query=RequestQuery(ids=(999999,)), time_zone="Europe/London") == "[]"
