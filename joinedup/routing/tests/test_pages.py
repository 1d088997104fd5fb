import html as html_lib
import re

import pytest
from django.test import Client

from joinedup.core.testing import assert_csp_safe, assert_pin_map_works, exercise_pin_map

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "cy"]


def page(url, language="en", **params):
    return Client().get(url, params, HTTP_ACCEPT_LANGUAGE=language)


def h1(response) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S).group(1)
    return html_lib.unescape(re.sub(r"\s+", " ", found)).strip()


def text(response) -> str:
    return html_lib.unescape(response.content.decode())


@pytest.mark.parametrize("language", LANGUAGES)
def test_start_page(assert_accessible, language):
    response = page("/", language)
    assert response.status_code == 200
    html = response.content.decode()
    assert ("What do you need help with?" in html) == (language == "en")
    assert ("Gyda beth mae angen help arnoch?" in html) == (language == "cy")
    assert f'<html lang="{language}"' in html
    assert_accessible(response)


@pytest.mark.parametrize("language", LANGUAGES)
def test_results_page(assert_accessible, demo, without_service_request_flow, language):
    response = page("/find/", language, need="my bins weren't emptied", where="SM7 1AA")
    assert response.status_code == 200
    html = response.content.decode()
    if language == "en":
        assert h1(response) == "Reigate and Banstead Borough Council handles this"
        assert "The district or borough council looks after missed bin collections." in html
        assert "Go to the Reigate and Banstead Borough Council website" in html
    else:
        assert h1(response) == "Reigate and Banstead Borough Council sy'n delio â hyn"
        assert "Y cyngor dosbarth neu fwrdeistref sy'n gofalu am biniau heb eu casglu." in text(
            response
        )
        assert "Mynd i wefan Reigate and Banstead Borough Council" in html
    assert 'href="https://www.reigate-banstead.gov.uk/"' in html
    assert_accessible(response)


def test_results_page_starts_the_in_platform_flow_for_a_partner(demo, flow_for_tests):
    html = page("/find/", need="missed bin", where="SM1 1AA").content.decode()
    assert "Start now" in html
    assert 'href="/where/?service=missed-bin&amp;body=sutton' in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_results_page_without_a_body(assert_accessible, language):
    response = page("/find/", language, need="free smoke alarm", where="HG1 1AA")
    assert response.status_code == 200
    assert h1(response) == (
        "We cannot name the organisation for this place"
        if language == "en"
        else "Ni allwn enwi'r sefydliad ar gyfer y lle hwn"
    )
    assert_accessible(response)


@pytest.mark.parametrize("language", LANGUAGES)
def test_choice_page_when_the_need_is_unclear(assert_accessible, language):
    response = page("/find/", language, need="rubbish", where="SM1 1AA")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="service" type="radio"' in html
    codes = re.findall(r'name="service" type="radio" value="([a-z0-9-]+)"', html)
    assert len(codes) >= 2
    assert {"bin-collection-day", "missed-bin"} & set(codes)
    assert_accessible(response)
    # Choosing one gives the answer for the same place.
    chosen = page("/find/", language, need="rubbish", where="SM1 1AA", service=codes[0])
    assert "London Borough of Sutton" in h1(chosen)


@pytest.mark.parametrize("language", LANGUAGES)
def test_split_postcode_asks_for_a_pin_with_a_fallback_without_javascript(
    assert_accessible, demo, language
):
    response = page("/find/", language, need="pothole", where="SM7")
    assert response.status_code == 200
    html = response.content.decode()
    # The map (Leaflet, served from our own static files) and the no-JavaScript forms.
    assert "/static/leaflet/leaflet.js" in html
    assert 'id="routing-map"' in html
    assert 'name="where"' in html
    areas = re.findall(r'name="area" type="radio" value="(E\d+)"', html)
    assert set(areas) == {"E07000211", "E09000029"}
    assert_csp_safe(response)  # the map's styles are a stylesheet, not blocked inline
    assert "/static/core/maps.css" in html
    assert_accessible(response)
    # The council-area fallback answers without a map.
    surrey = page("/find/", language, need="pothole", where="SM7", area="E07000211")
    assert "Surrey County Council" in h1(surrey)
    # So does a pin.
    pin = page("/find/", language, need="pothole", lat="51.3216", lon="-0.1995")
    assert "Surrey County Council" in h1(pin)


def test_a_partial_postcode_within_one_body_needs_no_pin():
    # HG4 spans three former districts, all now North Yorkshire Council.
    response = page("/find/", need="pothole", where="HG4")
    assert h1(response) == "North Yorkshire Council handles this"


@pytest.mark.parametrize("language", LANGUAGES)
def test_map_page_reached_directly(assert_accessible, demo, language):
    response = page("/where/", language, need="street light out")
    assert response.status_code == 200
    assert 'value="street light out"' in response.content.decode()
    assert_csp_safe(response)
    assert_accessible(response)


def test_the_map_takes_a_pin_by_click_or_keyboard_and_stays_hidden_without_javascript(
    in_browser, demo
):
    response = page("/where/", need="street light out")
    path = "/where/?need=street+light+out"
    assert_pin_map_works(in_browser(response, path, lambda p: exercise_pin_map(p, "#routing-map")))

    def without_javascript(p):
        return p.is_visible("#routing-map"), p.is_visible("#full-postcode")

    assert in_browser(response, path, without_javascript, javascript=False) == (False, True)


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"need": "", "where": "SM1 1AA"}, "need", "Enter what you need help with."),
        (
            {"need": "pothole", "where": ""},
            "where",
            "Enter a postcode, or use the map to show where.",
        ),
        (
            {"need": "pothole", "where": "not a postcode"},
            "where",
            "Enter a full postcode, like SM1 1AA.",
        ),
        ({"need": "pothole", "where": "ZZ1 1ZZ"}, "where", "We cannot find the postcode ZZ1 1ZZ."),
        (
            {"need": "qqqq zzzz", "where": "SM1 1AA"},
            "need",
            "We could not find a service matching “qqqq zzzz”. Try describing it in other words.",
        ),
        (
            {"need": "pothole", "lat": "51.3"},
            "where",
            "Drop a pin on the map again, or enter a postcode.",
        ),
        (
            {"need": "pothole", "lat": "nan", "lon": "1"},
            "where",
            "Drop a pin on the map again, or enter a postcode.",
        ),
        (
            {"need": "pothole", "lat": "99", "lon": "1"},
            "where",
            "Latitude must be within ±90 and longitude within ±180.",
        ),
        (
            {"need": "x" * 501, "where": "SM1 1AA"},
            "need",
            "Describe what you need in 500 characters or fewer.",
        ),
        (
            {"need": "pothole", "service": "no-such-service", "where": "SM1 1AA"},
            "need",
            "Choose a service from the list.",
        ),
    ],
)
def test_bad_input_shows_the_start_page_with_an_error(params, field, message):
    response = page("/find/", **params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert f'id="{field}-error"' in html
    assert message in text(response)


@pytest.mark.parametrize("language", LANGUAGES)
def test_start_page_with_errors_is_accessible(assert_accessible, language):
    assert_accessible(page("/find/", language, need="", where=""))


def test_language_switcher_sets_welsh():
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "cy", "next": "/"})
    assert response.status_code == 302
    assert "Gyda beth mae angen help arnoch?" in client.get("/").content.decode()
