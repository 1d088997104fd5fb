import pytest
from django.urls import reverse

from joinedup.core.audit import audit_context
from joinedup.core.services import organisation_update
from joinedup.core.testing import assert_access, client_for

pytestmark = pytest.mark.django_db


def test_staff_home_lists_only_the_users_organisations(officer_a, officer_b):
    page = client_for(officer_a).get(reverse("core:staff-home")).content.decode()
    assert "London Borough of Sutton" in page
    assert "Camden" not in page


def test_organisation_page_permissions(personas, org_a, officer_a):
    url = reverse("core:organisation-detail", args=[org_a.slug])
    assert_access(
        url,
        personas,
        {
            "anonymous": 302,
            "resident": 404,
            "viewer_a": 200,
            "officer_a": 200,
            "admin_a": 200,
            "partner_b": 404,
            "officer_b": 404,
        },
        must_not_contain={
            "partner_b": ["officer_a"],
            "officer_b": ["officer_a"],
            "resident": ["officer_a"],
        },
    )


def test_another_organisations_page_looks_missing(officer_a, org_b):
    missing = client_for(officer_a).get("/staff/organisations/no-such-org/")
    other = client_for(officer_a).get(reverse("core:organisation-detail", args=[org_b.slug]))
    assert missing.status_code == other.status_code == 404


def test_audit_log_is_for_administrators(personas, org_a, admin_a):
    with audit_context("web:198.51.100.7"):
        organisation_update(actor=admin_a, organisation=org_a, short_name="Sutton Council")
    url = reverse("core:organisation-audit", args=[org_a.slug])
    assert_access(
        url,
        personas,
        {
            "anonymous": 302,
            "resident": 404,
            "viewer_a": 404,
            "officer_a": 404,
            "admin_a": 200,
            "partner_b": 404,
            "officer_b": 404,
        },
    )
    page = client_for(admin_a).get(url).content.decode()
    assert "organisation.update" in page
    assert "web:198.51.100.7" in page


def test_every_request_is_tagged_with_where_it_came_from(rf):
    from django.http import HttpResponse

    from joinedup.core.audit import current_context
    from joinedup.core.middleware import AuditContextMiddleware

    seen = []

    def view(request):
        seen.append(current_context())
        return HttpResponse()

    middleware = AuditContextMiddleware(view)
    middleware(rf.get("/", HTTP_X_FORWARDED_FOR="192.0.2.44, 10.0.0.1", HTTP_X_REQUEST_ID="abc123"))
    middleware(rf.get("/", REMOTE_ADDR="198.51.100.2"))
    assert (seen[0].source, seen[0].request_id) == ("web:192.0.2.44", "abc123")
    assert seen[1].source == "web:198.51.100.2"
    assert current_context().source == "unknown"  # nothing leaks past the request


def test_sign_in_shows_a_govuk_error_summary(officer_a):
    response = client_for(None).post(
        reverse("core:login"), {"username": "officer_a", "password": "wrong"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Enter a correct username and password" in page


def test_sign_in_works(officer_a):
    response = client_for(None).post(
        reverse("core:login"), {"username": "officer_a", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("core:staff-home")


def test_json_404_for_api_paths():
    response = client_for(None).get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"code": 404, "error": "Not found."}


def test_healthz():
    assert client_for(None).get("/healthz").json() == {"status": "ok"}
