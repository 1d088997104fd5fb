"""The officers' back office: who sees which queue and case, the filters, the map, CSV,
and case work through the pages."""

import csv
import datetime as dt
import io

import pytest
import time_machine

from joinedup.core.models import AuditEvent, Organisation
from joinedup.core.testing import assert_access, client_for, unchanged
from joinedup.service_requests.models import EventKind, RequestEvent, ServiceRequest, Status, Team
from joinedup.service_requests.testing import BANSTEAD, MERTON, SUTTON, make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def sutton_report(partners):
    return make_report(
        "potholes",
        postcode=SUTTON,
        answers={"depth": "deep"},
        description="Secret-ish pothole words",
        name="Pat Resident",
        email="pat@example.org",
    )


def test_queue_visibility(personas, sutton_report):
    assert_access(
        "/staff/requests/",
        personas,
        {
            "anonymous": 302,
            "resident": 404,
            "viewer_a": 200,
            "officer_a": 200,
            "admin_a": 200,
            "partner_b": 200,
            "officer_b": 200,
        },
        must_not_contain={
            "partner_b": ["Secret-ish", f"/staff/requests/{sutton_report.pk}/"],
            "officer_b": ["Secret-ish", f"/staff/requests/{sutton_report.pk}/"],
        },
    )
    text = client_for(personas["officer_a"]).get("/staff/requests/").content.decode()
    assert f"/staff/requests/{sutton_report.pk}/" in text


def test_case_visibility(personas, sutton_report):
    url = f"/staff/requests/{sutton_report.pk}/"
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
        must_not_contain={"partner_b": ["pat@example.org"], "officer_b": ["pat@example.org"]},
    )
    page = client_for(personas["officer_a"]).get(url).content.decode()
    assert "pat@example.org" in page and "Pat Resident" in page
    assert client_for(personas["officer_a"]).get("/staff/requests/999999/").status_code == 404


def test_officers_must_pass_the_second_factor(officer_a, sutton_report):
    response = client_for(officer_a, mfa=False).get(f"/staff/requests/{sutton_report.pk}/")
    assert response.status_code == 302
    assert "/mfa" in response["Location"] or "verify" in response["Location"]


def test_queue_of_another_organisation_is_404(officer_a, sutton_report):
    assert (
        client_for(officer_a).get("/staff/requests/", {"organisation": "merton"}).status_code == 404
    )


def test_case_actions_visibility(personas, sutton_report):
    url = f"/staff/requests/{sutton_report.pk}/note/"
    with unchanged(RequestEvent.objects.filter(kind=EventKind.NOTE)):
        assert_access(
            url,
            personas,
            {
                "anonymous": 302,
                "resident": 404,
                "viewer_a": 403,
                "partner_b": 404,
                "officer_b": 404,
            },
            method="post",
            data={"note": "should not be written"},
        )
    assert_access(url, personas, {"officer_a": 302}, method="post", data={"note": "written"})
    assert list(
        RequestEvent.objects.filter(kind=EventKind.NOTE).values_list("text", flat=True)
    ) == ["written"]


def test_officer_works_a_case_through_the_pages(officer_a, org_a, sutton_report, assert_accessible):
    client = client_for(officer_a)
    url = f"/staff/requests/{sutton_report.pk}/"
    assert_accessible(client.get(url), url)
    team = Team.objects.create(organisation=org_a, name="Highways")
    assert (
        client.post(url + "assign/", {"team": team.pk, "officer": officer_a.pk}).status_code == 302
    )
    assert (
        client.post(
            url + "respond/", {"text": "Inspector visiting", "status": Status.INVESTIGATING}
        ).status_code
        == 302
    )
    assert client.post(url + "note/", {"note": "Near the school"}).status_code == 302
    sutton_report.refresh_from_db()
    assert (sutton_report.assigned_team, sutton_report.assigned_to, sutton_report.status) == (
        team,
        officer_a,
        Status.INVESTIGATING,
    )
    events = list(sutton_report.events.values_list("kind", "public"))
    assert events == [
        (EventKind.CREATED, True),
        (EventKind.ASSIGNED, False),
        (EventKind.PUBLIC_UPDATE, True),
        (EventKind.NOTE, False),
    ]
    public = client_for(None).get(f"/requests/{sutton_report.pk}/").content.decode()
    assert "Inspector visiting" in public and "Near the school" not in public
    # A refused action shows the error on its form, and writes nothing.
    with unchanged(ServiceRequest.objects.all(), RequestEvent.objects.all()):
        response = client.post(url + "respond/", {"text": "", "status": ""})
    assert response.status_code == 400
    assert "Write an update or choose a new status." in response.content.decode()
    assert_accessible(response, url)


def test_merge_and_transfer_through_the_pages(officer_a, sutton_report):
    client = client_for(officer_a)
    duplicate = make_report("potholes", postcode=SUTTON, answers={"depth": "deep"})
    response = client.post(
        f"/staff/requests/{duplicate.pk}/merge/", {"into": str(sutton_report.pk)}
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.duplicate_of_id) == (Status.DUPLICATE, sutton_report.pk)
    other = make_report("potholes", postcode=MERTON, answers={"depth": "deep"})
    with unchanged(ServiceRequest.objects.all()):
        response = client.post(
            f"/staff/requests/{sutton_report.pk}/merge/", {"into": str(other.pk)}
        )
    assert response.status_code == 400
    assert f"There is no report {other.pk} that you can see." in response.content.decode()
    merton = Organisation.objects.get(slug="merton")
    response = client.post(
        f"/staff/requests/{sutton_report.pk}/transfer/",
        {"organisation": merton.pk, "reason": "This street is in Merton."},
    )
    assert response.status_code == 302
    sutton_report.refresh_from_db()
    assert sutton_report.organisation == merton
    assert client.get(f"/staff/requests/{sutton_report.pk}/").status_code == 404
    assert (
        "This street is in Merton."
        in client_for(None).get(f"/requests/{sutton_report.pk}/").content.decode()
    )


def test_queue_filters_search_and_pages(officer_a, partners, assert_accessible):
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        old = make_report(
            "potholes", postcode=SUTTON, answers={"depth": "deep"}, description="ancient crater"
        )
    with time_machine.travel(dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC), tick=False):
        bin_report = make_report(
            "missed-bin", postcode=SUTTON, answers={"container": "food", "put_out_by_7am": "yes"}
        )
        needles = make_report("needles", postcode=SUTTON, answers={})
        needles.status, needles.is_open = Status.FIXED, False
        needles.save()
    with time_machine.travel(dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC), tick=False):
        client = client_for(officer_a)

        def refs(**params):
            response = client.get("/staff/requests/", params)
            assert response.status_code == 200
            return sorted(int(r.pk) for r in response.context["page"].object_list)

        assert refs() == sorted([old.pk, bin_report.pk, needles.pk])
        assert refs(service="missed-bin") == [bin_report.pk]
        assert refs(status="closed") == [needles.pk]
        assert refs(status="fixed") == [needles.pk]
        assert refs(status="open") == sorted([old.pk, bin_report.pk])
        assert refs(overdue="on") == [old.pk]
        assert refs(q=str(bin_report.pk)) == [bin_report.pk]
        assert refs(q="crater") == [old.pk]
        assert refs(area=str(old.ward_id)) == sorted([old.pk, bin_report.pk, needles.pk])
        assert refs(area=str(old.district_id)) == sorted([old.pk, bin_report.pk, needles.pk])
        page = client.get("/staff/requests/", {"overdue": "on"})
        assert "Overdue" in page.content.decode()
        assert_accessible(page, "/staff/requests/")


def test_queue_pagination_and_query_count(
    officer_a, partners, django_assert_max_num_queries, settings
):
    settings.JOINEDUP_AREA_INDEX_TTL = 60
    for _ in range(55):
        make_report("potholes", postcode=SUTTON, answers={"depth": "deep"})
    client = client_for(officer_a)
    client.get("/staff/requests/")
    with django_assert_max_num_queries(14):
        first = client.get("/staff/requests/")
    assert len(first.context["page"].object_list) == 50
    second = client.get("/staff/requests/", {"page": 2})
    assert len(second.context["page"].object_list) == 5


def test_csv_export(officer_a, sutton_report, org_a):
    evil = make_report(
        "potholes", postcode=SUTTON, answers={"depth": "deep"}, description='=HYPERLINK("http://x")'
    )
    response = client_for(officer_a).get("/staff/requests/export.csv", {"service": "potholes"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["reference", "service", "status", "open"]
    by_ref = {row[0]: row for row in rows[1:]}
    assert set(by_ref) == {str(sutton_report.pk), str(evil.pk)}
    assert by_ref[str(evil.pk)][-1] == '\'=HYPERLINK("http://x")'
    assert "pat@example.org" not in "".join(",".join(r) for r in rows)
    assert (
        AuditEvent.objects.filter(action="service_request.export", organisation=org_a).count() == 1
    )


def test_csv_export_of_another_organisation_is_refused(partner_b, sutton_report):
    response = client_for(partner_b).get("/staff/requests/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows == [rows[0]]  # the header alone: Merton has no requests


def test_map_page(officer_a, sutton_report, assert_accessible):
    response = client_for(officer_a).get("/staff/requests/map/")
    assert response.status_code == 200
    points = response.context["points"]
    assert [(p["ref"], p["url"]) for p in points] == [
        (str(sutton_report.pk), f"/staff/requests/{sutton_report.pk}/")
    ]
    assert response.context["boundary"][0]["properties"]["name"] == "Sutton"
    assert_accessible(response, "/staff/requests/map/")


def test_county_officer_sees_potholes_and_not_bins_at_the_same_address(
    partners, surrey_officer, reigate_officer
):
    pothole = make_report("potholes", postcode=BANSTEAD, answers={"depth": "deep"})
    missed = make_report(
        "missed-bin", postcode=BANSTEAD, answers={"container": "refuse", "put_out_by_7am": "yes"}
    )
    surrey = [
        r.pk for r in client_for(surrey_officer).get("/staff/requests/").context["page"].object_list
    ]
    reigate = [
        r.pk
        for r in client_for(reigate_officer).get("/staff/requests/").context["page"].object_list
    ]
    assert (surrey, reigate) == ([pothole.pk], [missed.pk])


def test_original_photo_is_for_officers_only(personas, partners):
    import io as _io

    from PIL import Image

    from joinedup.service_requests.photos import prepare_photo_bytes

    buffer = _io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="PNG")
    report = make_report(
        "potholes", answers={"depth": "deep"}, photos=[prepare_photo_bytes(buffer.getvalue())]
    )
    photo = report.photos.get()
    assert_access(
        f"/staff/requests/{report.pk}/photos/{photo.pk}/original",
        personas,
        {
            "anonymous": 302,
            "resident": 404,
            "viewer_a": 200,
            "officer_a": 200,
            "partner_b": 404,
            "officer_b": 404,
        },
    )


# --- Searches that match reporters' details, and what a CSV held -------------------------


@pytest.fixture
def patched_report(partners):
    """A report whose words, not its reporter's name, contain "pat"."""
    return make_report(
        "potholes",
        postcode=SUTTON,
        answers={"depth": "deep"},
        description="Patched badly last year",
        name="Sam Other",
    )


def _searches():
    return AuditEvent.objects.filter(action="personal_data.search").order_by("id")


def test_a_queue_search_matching_reporters_names_is_an_audited_read(
    officer_a, org_a, sutton_report, patched_report
):
    client = client_for(officer_a)
    page = client.get("/staff/requests/", {"q": "pat"})
    assert page.status_code == 200
    shown = {sr.pk for sr in page.context["page"].object_list}
    assert shown == {sutton_report.pk, patched_report.pk}
    assert "Pat Resident" not in page.content.decode()  # found by the name, not shown
    event = _searches().get()
    assert event.actor == officer_a
    assert event.organisation == org_a
    assert event.object_type == "service_requests.search"
    assert event.after["query"] == "pat"
    # Only the request found by its reporter's name: the other matched on its words.
    assert event.after["requests"] == [sutton_report.pk]
    assert event.after["fields"] == ["name"]
    assert event.after["purpose"]


def test_searches_that_match_no_reporters_details_record_no_read(
    officer_a, sutton_report, patched_report
):
    client = client_for(officer_a)
    for params in ({}, {"q": "patched"}, {"q": str(sutton_report.pk)}, {"q": "nobody-at-all"}):
        assert client.get("/staff/requests/", params).status_code == 200
    assert not _searches().exists()


def test_a_search_records_the_requests_on_the_page_shown(
    officer_a, sutton_report, partners, monkeypatch
):
    from joinedup.service_requests import staff_views

    second = make_report(
        "potholes", postcode=SUTTON, answers={"depth": "deep"}, name="Patricia Resident"
    )
    monkeypatch.setattr(staff_views, "PAGE_SIZE", 1)
    client = client_for(officer_a)
    first_page = client.get("/staff/requests/", {"q": "pat"})
    second_page = client.get("/staff/requests/", {"q": "pat", "page": 2})
    pages = [
        [sr.pk for sr in response.context["page"].object_list]
        for response in (first_page, second_page)
    ]
    assert sorted(pages[0] + pages[1]) == sorted([sutton_report.pk, second.pk])
    assert [e.after["requests"] for e in _searches()] == pages


def test_a_queue_search_of_a_viewer_and_of_a_partner_is_recorded_for_their_organisation(
    viewer_a, partner_b, org_a, sutton_report
):
    client_for(viewer_a).get("/staff/requests/", {"q": "pat"})
    # Merton's queue does not hold Sutton's request: nothing found, nothing read.
    client_for(partner_b).get("/staff/requests/", {"q": "pat"})
    event = _searches().get()
    assert (event.actor, event.organisation, event.after["requests"]) == (
        viewer_a,
        org_a,
        [sutton_report.pk],
    )


def test_the_map_of_a_search_by_name_is_an_audited_read(officer_a, org_a, sutton_report):
    response = client_for(officer_a).get("/staff/requests/map/", {"q": "Pat Res"})
    assert [p["ref"] for p in response.context["points"]] == [str(sutton_report.pk)]
    event = _searches().get()
    assert event.after["requests"] == [sutton_report.pk]
    assert event.organisation == org_a


def test_csv_export_records_the_requests_it_held(officer_a, org_a, sutton_report, patched_report):
    response = client_for(officer_a).get("/staff/requests/export.csv", {"q": "pat"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    exported = sorted(int(row[0]) for row in rows[1:])
    assert exported == sorted([sutton_report.pk, patched_report.pk])
    event = AuditEvent.objects.get(action="service_request.export")
    assert event.organisation == org_a
    assert sorted(event.after["requests"]) == exported
    assert event.after["count"] == 2
    assert event.after["columns"] == rows[0]
    assert "q=pat" in event.after["filters"]
    # The search matched a reporter's name: a read of personal data too.
    search = _searches().get()
    assert search.after["requests"] == [sutton_report.pk]
    assert search.after["query"] == "pat"


def test_csv_export_holds_no_more_than_it_recorded(officer_a, sutton_report):
    """A request made while the file is still being written is neither in it nor in the
    record (the file is streamed after the response starts)."""
    response = client_for(officer_a).get("/staff/requests/export.csv")
    make_report("potholes", postcode=SUTTON, answers={"depth": "deep"}, description="late")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    event = AuditEvent.objects.get(action="service_request.export")
    assert [int(r[0]) for r in rows[1:]] == event.after["requests"] == [sutton_report.pk]
