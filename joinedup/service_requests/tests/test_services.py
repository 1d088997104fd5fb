"""Taking reports and working cases, through the services."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import DatabaseError
from django.http import Http404
from PIL import Image

from joinedup.core.models import AuditEvent, Organisation
from joinedup.core.testing import unchanged
from joinedup.integrations.govuk_notify.models import NotifyMessage
from joinedup.jobs.models import Job
from joinedup.jobs.services import jobs_run_pending
from joinedup.service_requests.models import (
    EventKind,
    Photo,
    RequestEvent,
    ServiceRequest,
    Status,
    Supporter,
    Team,
)
from joinedup.service_requests.photos import prepare_photo_bytes
from joinedup.service_requests.services import (
    service_request_assign,
    service_request_merge,
    service_request_note_add,
    service_request_reopen,
    service_request_respond,
    service_request_share,
    service_request_support,
    service_request_transfer,
)
from joinedup.service_requests.testing import BANSTEAD, CAMDEN, EPSOM, MERTON, SUTTON, make_report

pytestmark = pytest.mark.django_db

MISSED_BIN = {"container": "recycling", "put_out_by_7am": "yes"}
POTHOLE = {"depth": "deep"}


def _as(user):
    """Services see the user as the web does after multi-factor sign-in."""
    user.is_verified = lambda: True
    return user


def test_missed_bin_and_pothole_at_one_address_reach_district_and_county(partners):
    bin_report = make_report("missed-bin", postcode=BANSTEAD, answers=MISSED_BIN)
    pothole = make_report("potholes", postcode=BANSTEAD, answers=POTHOLE)
    assert bin_report.organisation.gss_code == "E07000211"  # Reigate and Banstead
    assert pothole.organisation.gss_code == "E10000030"  # Surrey County Council
    assert bin_report.district.gss == "E07000211"
    assert bin_report.ward is not None and bin_report.ward.type == "DIW"
    assert pothole.postcode == "SM7 3AA"


def test_london_boroughs_take_both_tiers(partners):
    assert (
        make_report("potholes", postcode=SUTTON, answers=POTHOLE).organisation.gss_code
        == "E09000029"
    )
    assert (
        make_report("missed-bin", postcode=MERTON, answers=MISSED_BIN).organisation.gss_code
        == "E09000024"
    )
    assert (
        make_report("missed-bin", postcode=EPSOM, answers=MISSED_BIN).organisation.gss_code
        == "E07000208"
    )


def test_a_body_outside_the_partnership_gets_no_report(partners):
    with (
        unchanged(ServiceRequest.objects.all(), Job.objects.all()),
        pytest.raises(ValidationError) as caught,
    ):
        make_report("missed-bin", postcode=CAMDEN, answers=MISSED_BIN)
    assert "Camden" in str(caught.value.message_dict["lat"])


def test_a_service_the_body_does_not_take_in_the_platform_is_refused(partners):
    # Epsom and Ewell's provisions do not include graffiti.
    with pytest.raises(ValidationError) as caught:
        make_report("graffiti", postcode=EPSOM, answers={"offensive": "no"})
    assert "on its own website" in caught.value.message_dict["lat"][0]


@time_machine.travel(dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.UTC), tick=False)
def test_a_report_is_due_by_its_targets_working_day_and_queues_its_acknowledgement(partners):
    report = make_report(
        "missed-bin", answers=MISSED_BIN, email="r@example.org", description="Blue bin left"
    )
    assert report.due_at == dt.datetime(2026, 11, 30, 23, 59, 59, tzinfo=dt.UTC)
    assert report.status == Status.OPEN and report.is_open
    assert report.answers == MISSED_BIN
    assert list(report.events.values_list("kind", "public")) == [(EventKind.CREATED, True)]
    assert (
        Job.objects.filter(
            task_name="service_requests.acknowledge", kwargs={"request_id": report.pk}
        ).count()
        == 1
    )
    assert (
        AuditEvent.objects.filter(action="service_request.create", object_id=str(report.pk)).count()
        == 1
    )
    jobs_run_pending()
    message = NotifyMessage.objects.get(reference=f"service-request-{report.pk}")
    assert message.recipient == "r@example.org"
    assert message.template_name == "service_request_received"
    assert f"Reference: {report.pk}" in message.body
    assert "30 November 2026" in message.body
    assert message.status == "delivered"
    report.refresh_from_db()
    assert report.acknowledged_at is not None
    jobs_run_pending()  # a second run sends nothing more
    assert NotifyMessage.objects.filter(reference=f"service-request-{report.pk}").count() == 1


def test_a_welsh_report_is_acknowledged_in_welsh(partners):
    report = make_report("potholes", answers=POTHOLE, email="c@example.org", language="cy")
    jobs_run_pending()
    message = NotifyMessage.objects.get(reference=f"service-request-{report.pk}")
    assert message.language == "cy"
    assert message.subject.startswith("Mae eich adroddiad gennym: Rhoi gwybod am dwll yn y ffordd")


def test_an_sms_only_reporter_gets_a_text(partners):
    report = make_report("potholes", answers=POTHOLE, email="", phone="07700 900 982")
    jobs_run_pending()
    message = NotifyMessage.objects.get(reference=f"service-request-{report.pk}")
    assert (message.kind, message.recipient) == ("sms", "07700900982")


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"answers": {}}, "attribute[container]"),
        ({"answers": {"container": "skip", "put_out_by_7am": "yes"}}, "attribute[container]"),
        ({"answers": {**MISSED_BIN, "collection_date": "yesterday"}}, "attribute[collection_date]"),
        ({"answers": MISSED_BIN, "email": "", "phone": ""}, "email"),
        ({"answers": MISSED_BIN, "email": "not-an-email"}, "email"),
        ({"answers": MISSED_BIN, "phone": "call me"}, "phone"),
        ({"answers": MISSED_BIN, "description": "x" * 4001}, "description"),
        ({"answers": MISSED_BIN, "description": "nul\x00byte"}, "description"),
        ({"answers": MISSED_BIN, "media_url": "javascript:alert(1)"}, "media_url"),
    ],
)
def test_bad_reports_are_refused_and_nothing_is_written(partners, fields, key):
    with (
        unchanged(
            ServiceRequest.objects.all(),
            RequestEvent.objects.all(),
            Job.objects.all(),
            AuditEvent.objects.all(),
        ),
        pytest.raises(ValidationError) as caught,
    ):
        make_report("missed-bin", **fields)
    assert key in caught.value.message_dict


def _stored(storage, folder: str = "") -> set[str]:
    folders, files = storage.listdir(folder)
    found = {f"{folder}/{name}".lstrip("/") for name in files}
    for sub in folders:
        found |= _stored(storage, f"{folder}/{sub}".lstrip("/"))
    return found


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 40, 40)).save(out, format="JPEG")
    return out.getvalue()


def test_a_report_whose_transaction_fails_after_its_photos_are_saved_leaves_no_files(
    partners, monkeypatch
):
    from joinedup.service_requests.services import reports

    before = _stored(default_storage)
    written: list[str] = []
    real_photo_add = reports._photo_add

    def photo_add(*args, **kwargs):
        photo = real_photo_add(*args, **kwargs)
        written.extend([photo.original.name, photo.published.name])
        return photo

    def fail_after_the_photos(**kwargs):
        assert written and all(default_storage.exists(name) for name in written)
        raise DatabaseError("the connection was lost")

    monkeypatch.setattr(reports, "_photo_add", photo_add)
    monkeypatch.setattr(reports, "audit_record", fail_after_the_photos)
    photos = [prepare_photo_bytes(_jpeg(), name="hole.jpg") for _ in range(2)]
    with unchanged(ServiceRequest.objects.all(), Photo.objects.all()), pytest.raises(DatabaseError):
        make_report("potholes", answers=POTHOLE, photos=photos)
    assert len(written) == 4
    assert not any(default_storage.exists(name) for name in written)
    assert _stored(default_storage) == before
    # A report that is stored keeps its files.
    monkeypatch.undo()
    kept = make_report("potholes", answers=POTHOLE, photos=photos[:1])
    photo = kept.photos.get()
    assert default_storage.exists(photo.original.name)
    assert default_storage.exists(photo.published.name)


def test_an_unknown_service_is_a_404(partners):
    with pytest.raises(Http404):
        make_report("no-such-service")


def test_multivaluelist_and_number_answers(partners):
    report = make_report(
        "fly-tipping",
        answers={"waste_type": ["bags", "tyres", "bags"], "bags_count": "12"},
        email="",
    )
    assert report.answers == {"waste_type": ["bags", "tyres"], "bags_count": 12}
    assert report.email == "" and not report.has_contact
    assert not Job.objects.filter(task_name="service_requests.acknowledge").exists()


# --- Case work ---------------------------------------------------------------------------


def test_public_update_with_status_tells_reporter_and_supporters(partners, officer_a):
    report = make_report("potholes", answers=POTHOLE, email="first@example.org")
    service_request_support(
        actor=None, request=report, name="N", email="second@example.org", phone=""
    )
    jobs_run_pending()
    event = service_request_respond(
        actor=_as(officer_a),
        request=report,
        text="Repair booked for Tuesday.",
        status=Status.ACTION_SCHEDULED,
    )
    report.refresh_from_db()
    assert (report.status, report.is_open, report.status_notes) == (
        Status.ACTION_SCHEDULED,
        True,
        "Repair booked for Tuesday.",
    )
    assert (event.kind, event.public, event.status_before, event.status_after) == (
        EventKind.PUBLIC_UPDATE,
        True,
        Status.OPEN,
        Status.ACTION_SCHEDULED,
    )
    jobs_run_pending()
    updates = NotifyMessage.objects.filter(template_name="service_request_updated").order_by(
        "recipient"
    )
    assert [m.recipient for m in updates] == ["first@example.org", "second@example.org"]
    assert "Repair booked for Tuesday." in updates[0].body
    assert "Status: Action scheduled" in updates[0].body


def test_internal_notes_are_not_public_and_tell_no_one(partners, officer_a):
    report = make_report("potholes", answers=POTHOLE)
    jobs_run_pending()
    note = service_request_note_add(
        actor=_as(officer_a), request=report, text="Check the contractor's list"
    )
    assert note.public is False
    jobs_run_pending()
    assert not NotifyMessage.objects.filter(template_name="service_request_updated").exists()


def test_closing_and_reopening_with_the_residents_key(partners, officer_a):
    report = make_report("potholes", answers=POTHOLE)
    service_request_respond(
        actor=_as(officer_a), request=report, text="Filled.", status=Status.FIXED
    )
    report.refresh_from_db()
    assert (report.is_open, report.closed_at is not None) == (False, True)
    with unchanged(ServiceRequest.objects.all()), pytest.raises(PermissionDenied):
        service_request_reopen(actor=None, request=report, secret="wrong", reason="Still there")
    service_request_reopen(actor=None, request=report, secret=report.secret, reason="Still a hole")
    report.refresh_from_db()
    assert (report.status, report.is_open, report.closed_at) == (Status.REOPENED, True, None)
    event = report.events.get(kind=EventKind.REOPENED)
    assert (event.public, event.text, event.data["reason"]) == (True, "", "Still a hole")


def test_viewers_partners_and_outsiders_cannot_work_a_case(partners, personas):
    report = make_report("potholes", answers=POTHOLE)
    with unchanged(ServiceRequest.objects.all(), RequestEvent.objects.all()):
        with pytest.raises(PermissionDenied):
            service_request_note_add(actor=_as(personas["viewer_a"]), request=report, text="x")
        for who in ("partner_b", "officer_b", "resident"):
            with pytest.raises(Http404):
                service_request_note_add(actor=_as(personas[who]), request=report, text="x")
        with pytest.raises(Http404):
            service_request_note_add(actor=None, request=report, text="x")


def test_assign_to_own_team_and_officer_only(partners, officer_a, partner_b, org_a, org_b):
    report = make_report("potholes", answers=POTHOLE)
    team = Team.objects.create(organisation=org_a, name="Highways")
    other_team = Team.objects.create(organisation=org_b, name="Highways")
    service_request_assign(actor=_as(officer_a), request=report, team=team, officer=officer_a)
    report.refresh_from_db()
    assert (report.assigned_team, report.assigned_to) == (team, officer_a)
    with pytest.raises(ValidationError):
        service_request_assign(actor=_as(officer_a), request=report, team=other_team, officer=None)
    with pytest.raises(ValidationError):
        service_request_assign(actor=_as(officer_a), request=report, team=None, officer=partner_b)


def test_merge_moves_followers_to_the_original(partners, officer_a):
    original = make_report("potholes", answers=POTHOLE, email="one@example.org")
    duplicate = make_report("potholes", answers=POTHOLE, email="two@example.org")
    service_request_support(
        actor=None, request=duplicate, name="", email="three@example.org", phone=""
    )
    service_request_merge(actor=_as(officer_a), request=duplicate, into=original)
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.is_open, duplicate.duplicate_of_id) == (
        Status.DUPLICATE,
        False,
        original.pk,
    )
    assert sorted(Supporter.objects.filter(request=original).values_list("email", flat=True)) == [
        "three@example.org",
        "two@example.org",
    ]
    with pytest.raises(ValidationError):
        service_request_merge(actor=_as(officer_a), request=original, into=duplicate)
    with pytest.raises(ValidationError):
        service_request_reopen(
            actor=None, request=duplicate, secret=duplicate.secret, reason="not fixed"
        )


def test_transfer_to_the_right_body_with_a_reason_the_resident_sees(
    partners, reigate_officer, surrey_officer
):
    misrouted = make_report("missed-bin", postcode=BANSTEAD, answers=MISSED_BIN)
    surrey = Organisation.objects.get(gss_code="E10000030")
    # Surrey does not take missed bins: refused.
    with pytest.raises(ValidationError):
        service_request_transfer(
            actor=_as(reigate_officer), request=misrouted, organisation=surrey, reason="x"
        )
    pothole = make_report("potholes", postcode=BANSTEAD, answers=POTHOLE)
    sutton = Organisation.objects.get(gss_code="E09000029")
    reason = "This road is looked after by the London Borough of Sutton."
    service_request_transfer(
        actor=_as(surrey_officer), request=pothole, organisation=sutton, reason=reason
    )
    pothole.refresh_from_db()
    assert (pothole.organisation, pothole.status_notes, pothole.status) == (
        sutton,
        reason,
        Status.OPEN,
    )
    event = pothole.events.get(kind=EventKind.TRANSFERRED)
    assert (event.public, event.text, event.data) == (
        True,
        reason,
        {"from": surrey.pk, "to": sutton.pk},
    )
    # Surrey no longer sees it.
    with pytest.raises(Http404):
        service_request_note_add(actor=_as(surrey_officer), request=pothole, text="x")


def test_sharing_lets_a_partner_read_but_not_work(partners, officer_a, partner_b, org_b):
    from joinedup.service_requests.selectors import service_request_get

    report = make_report("potholes", answers=POTHOLE)
    with pytest.raises(Http404):
        service_request_get(actor=_as(partner_b), pk=report.pk)
    service_request_share(actor=_as(officer_a), request=report, organisation=org_b)
    assert service_request_get(actor=_as(partner_b), pk=report.pk).pk == report.pk
    with pytest.raises(PermissionDenied):
        service_request_note_add(actor=_as(partner_b), request=report, text="x")


def test_adding_yourself_to_a_closed_report_is_refused(partners, officer_a):
    report = make_report("potholes", answers=POTHOLE)
    service_request_respond(actor=_as(officer_a), request=report, status=Status.FIXED)
    with unchanged(Supporter.objects.all()), pytest.raises(ValidationError):
        service_request_support(
            actor=None, request=report, name="", email="x@example.org", phone=""
        )
