"""The resident's pages: report a problem (what and where, "is it one of these?", the
details), the confirmation, the tracking page, reopening and following a report."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from joinedup.routing.places import Place
from joinedup.service_requests import selectors
from joinedup.service_requests.forms import DetailsForm, ReopenForm, StartForm, SupportForm
from joinedup.service_requests.index import get_request_types
from joinedup.service_requests.models import EventKind, Status
from joinedup.service_requests.photos import PhotoError, prepare_photo
from joinedup.service_requests.questions import answer_labels
from joinedup.service_requests.routes import (
    NotTakenHere,
    place_for,
    report_start,
    request_route,
    request_type_get,
    request_types_available,
    service_name,
)
from joinedup.service_requests.services import (
    ReportInput,
    service_request_create,
    service_request_reopen,
    service_request_support,
)


def _language() -> str:
    return "cy" if (get_language() or "").startswith("cy") else "en"


def _service_choices() -> list[tuple[str, str]]:
    language = _language()
    return [(a.service.code, a.service.localised(language)[0]) for a in request_types_available()]


def _location_query(place: Place) -> dict[str, str]:
    """The place in the next page's link as the report pages found it: by its postcode
    when it came from one (so the next page looks the postcode up again and the report
    keeps it), else by the point from the map."""
    if place.postcode:
        return {"postcode": place.postcode}
    return {"lat": f"{place.lat:.6f}", "lon": f"{place.lon:.6f}"}


def report(request: HttpRequest) -> HttpResponse:
    """What and where. The front door links here with the service and place filled in."""
    choices = _service_choices()
    if not request.GET:
        return render(request, "service_requests/start.html", {"form": StartForm(services=choices)})
    form = StartForm(request.GET, services=choices)
    if not form.is_valid():
        return render(request, "service_requests/start.html", {"form": form})
    data = form.cleaned_data
    decision = report_start(
        service_code=data["service"],
        postcode=data["postcode"],
        lat=data["lat"],
        lon=data["lon"],
        new=request.GET.get("new") == "1",
    )
    if decision.kind == "error":
        form.add_error(decision.field, decision.message)
        return render(request, "service_requests/start.html", {"form": form})
    assert decision.place is not None
    query = {"service": data["service"], **_location_query(decision.place)}
    service = request_type_get(service_code=data["service"])[0]
    context = {
        "decision": decision,
        "service_name": service.localised(_language())[0],
        "details_url": reverse("service_requests:report-details") + "?" + urlencode(query),
    }
    if decision.kind == "not_here":
        return render(request, "service_requests/not_here.html", context)
    if decision.kind == "duplicates":
        return render(request, "service_requests/duplicates.html", context)
    return HttpResponseRedirect(str(context["details_url"]))


def report_map(request: HttpRequest) -> HttpResponse:
    """Drop a pin instead of giving a postcode (needs JavaScript; the postcode form
    is the way without it)."""
    from joinedup.routing.selectors import map_areas_for

    service = request.GET.get("service", "")[:60]
    return render(
        request,
        "service_requests/map.html",
        {"service": service, "map_areas": map_areas_for(candidates=())},
    )


@require_http_methods(["GET", "POST"])
def report_details(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    code = source.get("service", "")[:60]
    try:
        service, request_type = request_type_get(service_code=code)
    except Http404:
        return HttpResponseRedirect(reverse("service_requests:report"))
    language = _language()
    if request.method == "POST":
        form = DetailsForm(request.POST, request.FILES, request_type=request_type)
    else:
        form = DetailsForm(initial=dict(request.GET.items()), request_type=request_type)
    context = {
        "form": form,
        "service_name": service.localised(language)[0],
        "request_type": request_type,
        "question_fields": [form[name] for name in form.question_names],
        "anonymous_allowed": request_type.anonymous_allowed,
    }
    if request.method == "GET":
        place = _place_or_none(form.initial)
        if place is None:
            return HttpResponseRedirect(
                reverse("service_requests:report") + "?" + urlencode({"service": code})
            )
        try:
            context.update(place=place, route=request_route(service_code=code, place=place))
        except NotTakenHere:
            query = {"service": code, **_location_query(place)}
            return HttpResponseRedirect(reverse("service_requests:report") + "?" + urlencode(query))
        return render(request, "service_requests/details.html", context)
    if not form.is_valid():
        context["place"] = _place_or_none(form.cleaned_data)
        return render(request, "service_requests/details.html", context, status=400)
    data = form.cleaned_data
    photos = []
    for upload in data["photos"]:
        try:
            photos.append(prepare_photo(upload))
        except PhotoError as exc:
            form.add_error("photos", str(exc))
    place = _place_or_none(data)
    context["place"] = place
    if place is None:
        form.add_error(
            "postcode", _("We could not find that place. Go back and enter the postcode again.")
        )
    if form.errors:
        return render(request, "service_requests/details.html", context, status=400)
    assert place is not None
    try:
        created = service_request_create(
            actor=request.user,
            report=ReportInput(
                service_code=code,
                place=place,
                description=data["description"],
                answers=form.answers(),
                location_text=data["location_text"],
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                language=language,
                photos=photos,
            ),
        )
    except ValidationError as exc:
        form.add_service_errors(exc)
        return render(request, "service_requests/details.html", context, status=400)
    return HttpResponseRedirect(
        reverse("service_requests:report-sent", args=[created.pk, created.secret])
    )


def _place_or_none(data: Mapping[str, Any]) -> Place | None:
    from joinedup.routing.places import PlaceError, PlaceNotFound

    raw_lat, raw_lon = data.get("lat"), data.get("lon")
    try:
        lat = float(raw_lat) if raw_lat is not None and raw_lat != "" else None
        lon = float(raw_lon) if raw_lon is not None and raw_lon != "" else None
        return place_for(postcode=data.get("postcode") or "", lat=lat, lon=lon)
    except (PlaceError, PlaceNotFound, ValueError, TypeError):
        return None


def report_sent(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    sent = selectors.public_request_get(pk=pk)
    if key != sent.secret:
        return render(request, "404.html", status=404)
    return render(
        request,
        "service_requests/sent.html",
        {
            "sr": sent,
            "service_name": service_name(code=sent.service.code),
            "tracking_url": reverse("service_requests:track", args=[sent.pk])
            + "?"
            + urlencode({"key": key}),
        },
    )


def _event_rows(sr, events) -> list[dict]:
    rows = []
    for event in events:
        if event.kind == EventKind.CREATED:
            what = _("Reported")
        elif event.kind == EventKind.REOPENED:
            what = _("Reopened: the person who reported it says it is not fixed")
        elif event.kind == EventKind.TRANSFERRED:
            what = _("Passed to the organisation that deals with it")
        elif event.kind == EventKind.MERGED:
            what = _("Closed as already reported")
        elif event.kind == EventKind.RESIDENT_UPDATE:
            what = _("Update from the person who reported it")
        elif event.status_after and event.status_after != event.status_before:
            what = _("Status: %(status)s") % {"status": Status(event.status_after).label}
        else:
            what = _("Update")
        rows.append({"at": event.created_at, "what": what, "text": event.text})
    return rows


def track(request: HttpRequest, pk: int) -> HttpResponse:
    sr = selectors.public_request_get(pk=pk)
    key = request.GET.get("key", "")[:64]
    language = _language()
    request_type = get_request_types().by_code.get(sr.service.code)
    can_reopen = bool(key) and key == sr.secret and not sr.is_open and sr.status != Status.DUPLICATE
    return render(
        request,
        "service_requests/track.html",
        {
            "sr": sr,
            "service_name": service_name(code=sr.service.code),
            "status_label": Status(sr.status).label,
            "answers": answer_labels(request_type, sr.answers, language) if request_type else [],
            "events": _event_rows(sr, selectors.public_events(request=sr)),
            "photos": selectors.public_photos(request=sr),
            "reopen_form": ReopenForm(initial={"key": key}) if can_reopen else None,
            "reopened": request.GET.get("reopened") == "1",
        },
    )


@require_http_methods(["POST"])
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    sr = selectors.public_request_get(pk=pk)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            service_request_reopen(
                actor=request.user,
                request=sr,
                secret=form.cleaned_data["key"],
                reason=form.cleaned_data["reason"],
            )
        except PermissionDenied:
            raise
        except ValidationError as exc:
            for messages in exc.message_dict.values():
                for message in messages:
                    form.add_error("reason", message)
        else:
            return HttpResponseRedirect(
                reverse("service_requests:track", args=[pk]) + "?" + urlencode({"reopened": "1"})
            )
    language = _language()
    request_type = get_request_types().by_code.get(sr.service.code)
    return render(
        request,
        "service_requests/track.html",
        {
            "sr": sr,
            "service_name": service_name(code=sr.service.code),
            "status_label": Status(sr.status).label,
            "answers": answer_labels(request_type, sr.answers, language) if request_type else [],
            "events": _event_rows(sr, selectors.public_events(request=sr)),
            "photos": selectors.public_photos(request=sr),
            "reopen_form": form,
        },
        status=400,
    )


@require_http_methods(["GET", "POST"])
def follow(request: HttpRequest, pk: int) -> HttpResponse:
    """Add yourself to an existing report."""
    sr = selectors.public_request_get(pk=pk)
    form = SupportForm(request.POST or None)
    context = {"sr": sr, "service_name": service_name(code=sr.service.code), "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            service_request_support(
                actor=request.user,
                request=sr,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                phone=form.cleaned_data["phone"],
                language=_language(),
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            return render(request, "service_requests/followed.html", context)
    status = 400 if request.method == "POST" else 200
    return render(request, "service_requests/follow.html", context, status=status)


def photo(request: HttpRequest, pk: int, photo_pk: int) -> FileResponse:
    found = selectors.public_photo_get(request_pk=pk, photo_pk=photo_pk)
    response = FileResponse(found.published.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400"
    return response
