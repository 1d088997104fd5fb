import pytest
from django.urls import reverse

from joinedup.core.testing import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["en", "cy"])
def test_home_page_has_no_axe_violations(assert_accessible, language):
    response = client_for(None).get("/", HTTP_ACCEPT_LANGUAGE=language)
    assert_accessible(response)


def test_sign_in_page_with_errors_has_no_axe_violations(assert_accessible):
    response = client_for(None).post(reverse("core:login"), {"username": "", "password": ""})
    assert "govuk-error-summary" in response.content.decode()
    assert_accessible(response)


def test_staff_pages_have_no_axe_violations(assert_accessible, admin_a, org_a):
    client = client_for(admin_a)
    for url in (
        reverse("core:staff-home"),
        reverse("core:organisation-detail", args=[org_a.slug]),
        reverse("core:organisation-audit", args=[org_a.slug]),
    ):
        assert_accessible(client.get(url))


def test_the_checker_finds_real_problems(axe_checker):
    # An image with no alternative text and an unlabelled input must be reported,
    # or the checks above prove nothing.
    html = '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><main><img src="/x.png"><input type="text"></main></body></html>'
    ids = {v.id for v in axe_checker.check(html)}
    assert {"image-alt", "label"} <= ids
