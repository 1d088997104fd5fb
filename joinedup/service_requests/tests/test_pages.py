"""The resident's pages, in English and Welsh, each checked with axe-core."""

import io
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client
from PIL import Image

from joinedup.core.testing import (
    assert_csp_safe,
    assert_pin_map_works,
    exercise_pin_map,
    unchanged,
)
from joinedup.geo.selectors import postcode_get
from joinedup.integrations.govuk_notify.models import NotifyMessage
from joinedup.jobs.services import jobs_run_pending
from joinedup.service_requests.models import EventKind, Photo, ServiceRequest, Status, Supporter
from joinedup.service_requests.services import service_request_respond
from joinedup.service_requests.testing import BANSTEAD, CAMDEN, SUTTON, make_report

pytestmark = pytest.mark.django_db

LANGUAGES = [{}, {"HTTP_ACCEPT_LANGUAGE": "cy"}]


def _details_url(service: str, postcode: str) -> str:
    return "/report/details/?" + urlencode({"service": service, "postcode": postcode})


@pytest.mark.parametrize("language", LANGUAGES)
def test_start_page(partners, assert_accessible, language):
    response = Client().get("/report/", **language)
    assert response.status_code == 200
    text = response.content.decode()
    assert 'value="missed-bin"' in text and 'value="potholes"' in text
    assert ("Rhoi gwybod am fin heb ei gasglu" in text) == bool(language)
    assert ('<h1 class="govuk-heading-xl">Rhoi gwybod am broblem</h1>' in text) == bool(language)
    assert_accessible(response, "/report/")


@pytest.mark.parametrize("language", LANGUAGES)
def test_start_page_errors(partners, assert_accessible, language):
    response = Client().get("/report/", {"service": "", "postcode": "nowhere"}, **language)
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert_accessible(response, "/report/")


def test_start_goes_straight_to_the_details_when_nothing_is_near(partners):
    response = Client().get("/report/", {"service": "potholes", "postcode": SUTTON})
    assert response.status_code == 302
    assert response["Location"] == _details_url("potholes", SUTTON)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_body_that_does_not_take_reports_here(partners, assert_accessible, language):
    response = Client().get("/report/", {"service": "missed-bin", "postcode": CAMDEN}, **language)
    assert response.status_code == 200
    text = response.content.decode()
    assert "London Borough of Camden" in text
    assert_accessible(response, "/report/")


@pytest.mark.parametrize("language", LANGUAGES)
def test_report_a_missed_bin_end_to_end(partners, assert_accessible, language):
    client = Client()
    details = client.get(_details_url("missed-bin", BANSTEAD), **language)
    assert details.status_code == 200
    assert "Reigate and Banstead Borough Council" in details.content.decode()
    assert_accessible(details, "/report/details/")
    posted = client.post(
        "/report/details/",
        {
            "service": "missed-bin",
            "postcode": BANSTEAD,
            "q_container": "recycling",
            "q_put_out_by_7am": "yes",
            "q_collection_date": "2026-11-24",
            "location_text": "12 Example Road",
            "email": "resident@example.org",
        },
        **language,
    )
    assert posted.status_code == 302, posted.content.decode()[:2000]
    report = ServiceRequest.objects.get()
    assert posted["Location"] == f"/report/sent/{report.pk}/{report.secret}/"
    assert report.organisation.slug == "reigate-and-banstead"
    assert report.answers == {
        "container": "recycling",
        "put_out_by_7am": "yes",
        "collection_date": "2026-11-24",
    }
    assert report.language == ("cy" if language else "en")
    sent = client.get(posted["Location"], **language)
    assert str(report.pk) in sent.content.decode()
    assert ("Adroddiad wedi'i anfon" in sent.content.decode().replace("&#x27;", "'")) == bool(
        language
    )
    assert_accessible(sent, "/report/sent/")
    jobs_run_pending()
    message = NotifyMessage.objects.get(reference=f"service-request-{report.pk}")
    assert message.language == ("cy" if language else "en")
    track = client.get(f"/requests/{report.pk}/", **language)
    assert track.status_code == 200
    assert "resident@example.org" not in track.content.decode()
    assert_accessible(track, f"/requests/{report.pk}/")


@pytest.mark.parametrize("language", LANGUAGES)
def test_missing_answers_show_errors_and_write_nothing(partners, assert_accessible, language):
    with unchanged(ServiceRequest.objects.all()):
        response = Client().post(
            "/report/details/",
            {"service": "missed-bin", "postcode": BANSTEAD, "email": "bad"},
            **language,
        )
    assert response.status_code == 400
    text = response.content.decode()
    assert "govuk-error-summary" in text
    assert 'href="#id_q_container_0"' in text
    assert_accessible(response, "/report/details/")


@pytest.mark.parametrize("language", LANGUAGES)
def test_is_it_one_of_these_and_add_yourself(partners, assert_accessible, language):
    existing = make_report(
        "potholes", postcode=SUTTON, answers={"depth": "deep"}, description="Big hole"
    )
    response = Client().get("/report/", {"service": "potholes", "postcode": SUTTON}, **language)
    assert response.status_code == 200
    text = response.content.decode()
    assert f"/requests/{existing.pk}/follow/" in text
    assert _details_url("potholes", SUTTON).replace("&", "&amp;") in text
    assert_accessible(response, "/report/")
    follow = Client().get(f"/requests/{existing.pk}/follow/", **language)
    assert_accessible(follow, "/requests/follow/")
    bad = Client().post(f"/requests/{existing.pk}/follow/", {"email": ""}, **language)
    assert bad.status_code == 400
    assert_accessible(bad, "/requests/follow/")
    done = Client().post(
        f"/requests/{existing.pk}/follow/", {"email": "me@example.org"}, **language
    )
    assert done.status_code == 200
    assert_accessible(done, "/requests/follow/")
    assert list(Supporter.objects.values_list("request_id", "email")) == [
        (existing.pk, "me@example.org")
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_tracking_page_with_updates_and_reopening(partners, officer_a, assert_accessible, language):
    officer_a.is_verified = lambda: True
    report = make_report("potholes", postcode=SUTTON, answers={"depth": "deep"})
    service_request_respond(
        actor=officer_a, request=report, text="Filled in today.", status=Status.FIXED
    )
    public = Client().get(f"/requests/{report.pk}/", **language)
    assert "Filled in today." in public.content.decode()
    assert 'name="reason"' not in public.content.decode()  # no key, no reopening
    with_key = Client().get(f"/requests/{report.pk}/", {"key": report.secret}, **language)
    assert 'name="reason"' in with_key.content.decode()
    assert_accessible(with_key, f"/requests/{report.pk}/")
    empty = Client().post(
        f"/requests/{report.pk}/reopen/", {"key": report.secret, "reason": ""}, **language
    )
    assert empty.status_code == 400
    assert_accessible(empty, f"/requests/{report.pk}/")
    with unchanged(ServiceRequest.objects.all()):
        forged = Client().post(f"/requests/{report.pk}/reopen/", {"key": "guess", "reason": "x"})
    assert forged.status_code == 403
    done = Client().post(
        f"/requests/{report.pk}/reopen/", {"key": report.secret, "reason": "Still deep"}, **language
    )
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.REOPENED
    assert report.events.filter(kind=EventKind.REOPENED).count() == 1
    page = Client().get(done["Location"], **language)
    assert_accessible(page, f"/requests/{report.pk}/")


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (51.0, 21.0, 35.0), 3: "W", 4: (0.0, 11.0, 35.0)}
    exif[0x8825] = gps  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_photos_are_checked_and_published_without_their_location(partners):
    original = _jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the GPS is there
    photo = io.BytesIO(original)
    photo.name = "hole.jpg"
    response = Client().post(
        "/report/details/",
        {"service": "potholes", "postcode": SUTTON, "q_depth": "deep", "photos": [photo]},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    report = ServiceRequest.objects.get()
    stored = Photo.objects.get(request=report)
    published = Client().get(f"/requests/{report.pk}/photos/{stored.pk}.jpg")
    assert published["Content-Type"] == "image/jpeg"
    data = b"".join(published.streaming_content)
    image = Image.open(io.BytesIO(data))
    assert image.size == (64, 48)
    assert dict(image.getexif()) == {}
    assert b"PhoneMaker" not in data
    assert stored.original.read() == original  # officers keep the original
    assert report.media_url == f"/requests/{report.pk}/photos/{stored.pk}.jpg"


@pytest.mark.parametrize("language", LANGUAGES)
def test_bad_photos_are_refused(partners, settings, assert_accessible, language):
    settings.SERVICE_REQUESTS_PHOTO_MAX_BYTES = 1000
    big = io.BytesIO(b"\xff\xd8" + b"0" * 2000)
    big.name = "big.jpg"
    text = io.BytesIO(b"hello, this is a text file")
    text.name = "notes.jpg"
    with unchanged(ServiceRequest.objects.all(), Photo.objects.all()):
        response = Client().post(
            "/report/details/",
            {"service": "potholes", "postcode": SUTTON, "q_depth": "deep", "photos": [big, text]},
            **language,
        )
    assert response.status_code == 400
    content = response.content.decode()
    assert "big.jpg" in content and "notes.jpg" in content
    assert_accessible(response, "/report/details/")


def test_four_photos_are_too_many(partners):
    files = []
    for n in range(4):
        f = io.BytesIO(_jpeg_with_gps())
        f.name = f"p{n}.jpg"
        files.append(f)
    with unchanged(ServiceRequest.objects.all()):
        response = Client().post(
            "/report/details/",
            {"service": "potholes", "postcode": SUTTON, "q_depth": "deep", "photos": files},
        )
    assert response.status_code == 400


@pytest.mark.parametrize("language", LANGUAGES)
def test_map_page(partners, assert_accessible, language):
    response = Client().get("/report/map/", {"service": "potholes"}, **language)
    assert response.status_code == 200
    assert_csp_safe(response)
    assert_accessible(response, "/report/map/")


def test_the_map_takes_a_pin_by_click_or_keyboard_and_stays_hidden_without_javascript(
    partners, in_browser
):
    response = Client().get("/report/map/", {"service": "potholes"})
    path = "/report/map/?service=potholes"
    assert_pin_map_works(in_browser(response, path, lambda p: exercise_pin_map(p, "#sr-map")))

    def without_javascript(p):
        return p.is_visible("#sr-map"), p.is_visible("text=Enter a postcode instead")

    assert in_browser(response, path, without_javascript, javascript=False) == (False, True)


def test_pin_on_the_map_routes_by_the_point(partners):
    response = Client().get(
        "/report/", {"service": "potholes", "lat": "51.323449", "lon": "-0.200413"}
    )
    assert response.status_code == 302
    details = Client().get(response["Location"])
    assert "Surrey County Council" in details.content.decode()


def test_the_front_door_hands_over_to_the_report_form(partners):
    route = Client().get("/api/v1/route", {"service": "potholes", "postcode": BANSTEAD}).json()
    assert route["action"]["kind"] == "platform"
    assert route["action"]["url"].startswith("/report/?service=potholes&body=surrey")
    response = Client().get(route["action"]["url"])
    assert response.status_code == 302
    assert response["Location"].startswith("/report/details/?service=potholes")


def test_a_report_from_the_front_door_is_placed_by_the_postcode_given_there(partners):
    # The front door's link carries the postcode and its point; a nearby point is sent
    # to the details page as well, as a link kept from elsewhere might.
    route = Client().get("/api/v1/route", {"service": "potholes", "postcode": BANSTEAD}).json()
    handover = parse_qs(urlsplit(route["action"]["url"]).query)
    assert handover["postcode"] == [BANSTEAD] and "lat" in handover and "lon" in handover
    start = Client().get(route["action"]["url"])
    assert start.status_code == 302
    details_query = parse_qs(urlsplit(start["Location"]).query)
    assert details_query["postcode"] == [BANSTEAD]
    assert "lat" not in details_query and "lon" not in details_query
    details = Client().get(start["Location"])
    assert f"Where: near {BANSTEAD}" in details.content.decode()
    posted = Client().post(
        "/report/details/",
        {
            "service": "potholes",
            "postcode": BANSTEAD,
            "lat": "51.3300",
            "lon": "-0.1900",
            "q_depth": "deep",
            "email": "resident@example.org",
        },
    )
    assert posted.status_code == 302, posted.content.decode()[:2000]
    report = ServiceRequest.objects.get()
    point = postcode_get(text=BANSTEAD).point
    assert report.postcode == BANSTEAD
    assert (report.lat, report.lon) == (round(point.y, 6), round(point.x, 6))
    assert report.organisation.slug == route["body"]["slug"]


def test_unknown_and_missing_pages_are_404(partners):
    assert Client().get("/requests/999999/").status_code == 404
    report = make_report("potholes", answers={"depth": "deep"})
    assert Client().get(f"/report/sent/{report.pk}/wrong/").status_code == 404
    assert Client().get(f"/requests/{report.pk}/photos/999.jpg").status_code == 404
    assert Client().get("/report/details/?service=nope").status_code == 302
