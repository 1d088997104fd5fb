"""Persona matrix entries for the service-request back office (see
tests/test_persona_matrix.py). A request of organisation A (Sutton) with a photo, and a
person A holds to link it to; nobody outside A sees the request, whatever agreements A
and B have: requests are shared one by one."""

from django.core.files.base import ContentFile

from joinedup.catalogue.models import Service
from joinedup.core.testing import Endpoint
from joinedup.crm import services as crm_services
from joinedup.service_requests.models import EventKind, Photo, RequestEvent, ServiceRequest

SECRET_DESCRIPTION = "Matrix pothole outside number 7"
SECRET_EMAIL = "matrix.reporter@example.org"

READERS_OF_A = {
    "anonymous": 302,
    "resident": 404,
    "viewer_a": 200,
    "officer_a": 200,
    "admin_a": 200,
    "dpo_a": 200,
    "partner_b": 404,
    "officer_b": 404,
}
# Officers and administrators of A work on it; A's viewer may read it but not change it.
WORKERS_OF_A = {**READERS_OF_A, "viewer_a": 403}
LINKERS_OF_A = {**WORKERS_OF_A, "officer_a": 302, "admin_a": 302, "dpo_a": 302}
# Every officer has a queue (their own organisation's); only A's shows A's request.
QUEUES = {**READERS_OF_A, "partner_b": 200, "officer_b": 200}
CONCEAL = {
    "without_agreement": ("partner_b", "officer_b"),
    "with_agreement": ("partner_b", "officer_b"),
}


def setup(ctx: dict) -> None:
    service, _ = Service.objects.get_or_create(
        code="potholes",
        defaults={
            "name": "Report a pothole",
            "name_cy": "Twll",
            "topic": "potholes",
            "topic_cy": "tyllau",
        },
    )
    request = ServiceRequest.objects.create(
        organisation=ctx["org_a"],
        service=service,
        description=SECRET_DESCRIPTION,
        email=SECRET_EMAIL,
        lat=51.359722,
        lon=-0.193121,
        postcode="SM1 1AA",
    )
    RequestEvent.objects.create(
        request=request, kind=EventKind.CREATED, public=True, status_after="open"
    )
    photo = Photo(request=request, original_type="image/png", width=1, height=1)
    photo.original.save("original.png", ContentFile(b"original"), save=False)
    photo.published.save("published.jpg", ContentFile(b"published"), save=False)
    photo.save()
    ctx["service_request"] = request
    ctx["service_request_photo"] = photo
    ctx["service_request_person"] = crm_services.person_create(
        actor=ctx["users"]["officer_a"],
        organisation=ctx["org_a"],
        given_name="Matrix",
        family_name="Reporter",
        email=SECRET_EMAIL,
    )


def _request(ctx: dict):
    return ServiceRequest.objects.filter(pk=ctx["service_request"].pk)


def _unlinked(ctx: dict) -> None:
    _request(ctx).update(person=None)


def _linked(ctx: dict) -> None:
    _request(ctx).update(person=ctx["service_request_person"])


ENDPOINTS = [
    Endpoint(
        "service_requests:queue",
        QUEUES,
        hidden=lambda ctx: [
            SECRET_DESCRIPTION[:20],
            f"/staff/requests/{ctx['service_request'].pk}/",
        ],
        conceal_from=CONCEAL,
    ),
    Endpoint("service_requests:export", QUEUES),
    Endpoint(
        "service_requests:map",
        QUEUES,
        hidden=lambda ctx: [f"/staff/requests/{ctx['service_request'].pk}/"],
        conceal_from=CONCEAL,
    ),
    Endpoint(
        "service_requests:case",
        READERS_OF_A,
        args=lambda ctx: [ctx["service_request"].pk],
        hidden=lambda ctx: [SECRET_EMAIL, SECRET_DESCRIPTION],
    ),
    Endpoint(
        "service_requests:case-action",
        {**READERS_OF_A, "viewer_a": 403, "officer_a": 302, "admin_a": 302, "dpo_a": 302},
        method="post",
        args=lambda ctx: [ctx["service_request"].pk, "note"],
        data=lambda ctx: {"note": "A note from the matrix"},
        hidden=lambda ctx: [SECRET_EMAIL, SECRET_DESCRIPTION],
        watch=lambda ctx: [RequestEvent.objects.filter(request=ctx["service_request"])],
    ),
    Endpoint(
        "service_requests:person-link",
        WORKERS_OF_A,
        args=lambda ctx: [ctx["service_request"].pk],
        data=lambda ctx: {"q": "Matrix Reporter"},
        hidden=lambda ctx: [SECRET_EMAIL, SECRET_DESCRIPTION],
    ),
    Endpoint(
        "service_requests:person-link",
        LINKERS_OF_A,
        method="post",
        args=lambda ctx: [ctx["service_request"].pk],
        data=lambda ctx: {"person": str(ctx["service_request_person"].public_id)},
        hidden=lambda ctx: [SECRET_EMAIL, SECRET_DESCRIPTION],
        watch=lambda ctx: [_request(ctx)],
        prepare=_unlinked,
    ),
    Endpoint(
        "service_requests:person-unlink",
        LINKERS_OF_A,
        method="post",
        args=lambda ctx: [ctx["service_request"].pk],
        hidden=lambda ctx: [SECRET_EMAIL, SECRET_DESCRIPTION],
        watch=lambda ctx: [_request(ctx)],
        prepare=_linked,
    ),
    Endpoint(
        "service_requests:original-photo",
        READERS_OF_A,
        args=lambda ctx: [ctx["service_request"].pk, ctx["service_request_photo"].pk],
    ),
]
