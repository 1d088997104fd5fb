"""Which body takes a report: the front door's resolver (joinedup.routing) names the body
responsible for the service at the place; the report is taken in the platform only when
that body is a partner whose provision of the service names the service-request flow.
Reads only."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from joinedup.catalogue.index import ServiceInfo
from joinedup.catalogue.models import ProvisionMode
from joinedup.catalogue.selectors import provisions_for, service_get
from joinedup.routing.index import get_organisations
from joinedup.routing.places import Place
from joinedup.routing.selectors import Route, route_resolve
from joinedup.service_requests.index import RequestTypeInfo, get_request_types

FLOW_KEY = "service-request"


class UnknownService(Http404):
    """No such service, or the platform takes no reports for it."""


class NotTakenHere(ValueError):
    """The body responsible at this place does not take these reports in the platform;
    `route` says who does and where to go instead."""

    def __init__(self, message: str, route: Route | None) -> None:
        super().__init__(message)
        self.route = route


def request_type_get(*, service_code: str) -> tuple[ServiceInfo, RequestTypeInfo]:
    """The catalogue service and how reports of it are taken."""
    info = get_request_types().by_code.get(service_code)
    if info is None:
        raise UnknownService(
            _("We do not take reports for the service %(code)s.") % {"code": service_code[:60]}
        )
    return service_get(code=service_code), info


def platform_body_ids(*, service_code: str) -> set[int]:
    """Partners (as they are today) that take reports of this service in the platform."""
    index = get_organisations()
    ids = set()
    for provision in provisions_for(service_code=service_code):
        if provision.mode != ProvisionMode.PLATFORM or provision.flow != FLOW_KEY:
            continue
        body = index.bodies.get(provision.organisation_id)
        if body is None:
            continue
        current = index.bodies[body.current_id]
        if current.is_partner:
            ids.add(current.id)
    return ids


def request_route(*, service_code: str, place: Place) -> Route:
    """The route for a report, or NotTakenHere when the responsible body does not take
    it in the platform (a non-partner, a body with its own website, nowhere we hold)."""
    service, _info = request_type_get(service_code=service_code)
    route = route_resolve(service=service, place=place)
    if route.body is None:
        raise NotTakenHere(
            _("We cannot tell which organisation deals with %(topic)s at this place.")
            % {"topic": service.localised(get_language() or "en")[1]},
            route,
        )
    if route.body.id not in platform_body_ids(service_code=service_code):
        raise NotTakenHere(
            _("%(body)s deals with %(topic)s here, on its own website.")
            % {"body": route.body.name, "topic": service.localised(get_language() or "en")[1]},
            route,
        )
    return route


@dataclass(frozen=True)
class AvailableService:
    service: ServiceInfo
    request_type: RequestTypeInfo


def request_types_available(
    *, place: Place | None = None, organisation_id: int | None = None
) -> list[AvailableService]:
    """Services the platform takes reports of: everywhere any partner takes them, or
    only those of one organisation, or only those taken at one place."""
    result = []
    for code, info in get_request_types().by_code.items():
        try:
            service = service_get(code=code)
        except Http404:
            continue
        bodies = platform_body_ids(service_code=code)
        if not bodies or (organisation_id is not None and organisation_id not in bodies):
            continue
        if place is not None:
            route = route_resolve(service=service, place=place)
            if route.body is None or route.body.id not in bodies:
                continue
            if organisation_id is not None and route.body.id != organisation_id:
                continue
        result.append(AvailableService(service=service, request_type=info))
    return sorted(result, key=lambda a: (a.request_type.group, a.service.name))


# --- The report pages' decision --------------------------------------------------------


def place_for(*, postcode: str = "", lat: float | None = None, lon: float | None = None) -> Place:
    """Where a report is: the postcode's place when the resident gave a postcode, else a
    point from the map. Raises PlaceError (bad input) or PlaceNotFound (nothing held),
    both with a message for the resident.

    A postcode comes first even beside a point: the front door's link carries the
    postcode the resident gave and its point, and the report is placed, routed and shown
    by that postcode (looked up with geo.selectors.postcode_get, its areas exact from the
    postcode directory, its point the report's point), as the front door routed it. A pin
    dropped on the map comes without a postcode."""
    from joinedup.routing.places import place_from_point, place_from_postcode

    if (postcode or "").strip() or lat is None or lon is None:
        return place_from_postcode(postcode)
    return place_from_point(lat=lat, lon=lon)


@dataclass(frozen=True)
class ReportStart:
    """What the report pages show next: the details form, the nearby open reports of
    the same service ("is it one of these?"), the body's own website when it does not
    take reports here, or the first page again with an error."""

    kind: str  # "details", "duplicates", "not_here" or "error"
    place: Place | None = None
    route: Route | None = None
    nearby: tuple = ()
    field: str = ""
    message: str = ""


def report_start(
    *, service_code: str, postcode: str, lat: float | None, lon: float | None, new: bool
) -> ReportStart:
    from joinedup.routing.places import PlaceError, PlaceNotFound
    from joinedup.service_requests.selectors import nearby_open_requests

    try:
        _service, info = request_type_get(service_code=service_code)
    except Http404:
        return ReportStart(kind="error", field="service", message=_("Choose what the problem is."))
    try:
        place = place_for(postcode=postcode, lat=lat, lon=lon)
    except (PlaceError, PlaceNotFound) as exc:
        return ReportStart(kind="error", field="postcode", message=str(exc))
    try:
        route = request_route(service_code=service_code, place=place)
    except NotTakenHere as exc:
        return ReportStart(kind="not_here", place=place, route=exc.route, message=str(exc))
    if not new and place.lat is not None and place.lon is not None:
        nearby = nearby_open_requests(
            service_code=service_code,
            lat=place.lat,
            lon=place.lon,
            radius_m=info.duplicate_radius_m,
        )
        if nearby:
            return ReportStart(kind="duplicates", place=place, route=route, nearby=tuple(nearby))
    return ReportStart(kind="details", place=place, route=route)


def service_name(*, code: str, language: str | None = None) -> str:
    """A service's name for residents, in Welsh where the language is Welsh."""
    try:
        service = service_get(code=code)
    except Http404:
        return code
    return service.localised(language or get_language() or "en")[0]
