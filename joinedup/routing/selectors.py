"""Reads of the front door. Resolving the body: (service, place) → the organisation that handles it, why, and
the next step. Public reference data, so these take no actor.

The rule (issue 3; GOV.UK local-links-manager's tier fallback combined with MapIt-style
area → body lookup): areas at the place → organisations covering them (successors for
abolished ones) → the one whose kind and tier provide the service: the lowest-tier
council first, its county for county services, a unitary/London borough for both;
then the catalogue's exceptions (provisions limited to some areas, extra bodies,
preferred bodies)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from joinedup.catalogue.flows import flow_url
from joinedup.catalogue.index import ProvisionInfo, ServiceInfo
from joinedup.catalogue.models import LOWER_TIER_KINDS, ProvisionMode, Tier
from joinedup.catalogue.selectors import ServiceMatch, need_match, provisions_for, service_get
from joinedup.core.models import OrganisationKind
from joinedup.geo.models import Area
from joinedup.routing.index import Body, OrganisationIndex, get_organisations
from joinedup.routing.places import (
    Candidate,
    Place,
    PlaceError,
    PlaceNotFound,
    partial_postcode,
    place_from_area,
    place_from_point,
    place_from_postcode,
    places_for_partial,
)

FIND_COUNCIL_URL = "https://www.gov.uk/find-local-council"
# The order councils are tried in, lowest tier first.
LOWER_AREA_TYPES = ("DIS", "UTA", "MTD", "LBO", "COI", "LGD")


@dataclass(frozen=True)
class Action:
    kind: str  # "platform" or "link"
    url: str


@dataclass(frozen=True)
class Route:
    service: ServiceInfo
    body: Body | None
    reason: str
    action: Action
    place: Place


def _kind_the(kind: str) -> str:
    """'The police force', to start a sentence (Welsh needs its own article forms)."""
    words: dict[str, str] = {
        OrganisationKind.POLICE_FORCE: pgettext("sentence start", "The police force"),
        OrganisationKind.FIRE_AUTHORITY: pgettext("sentence start", "The fire and rescue service"),
        OrganisationKind.NHS_BODY: pgettext("sentence start", "The NHS integrated care board"),
        OrganisationKind.HOUSING_ASSOCIATION: pgettext("sentence start", "The housing association"),
    }
    return str(words.get(kind, pgettext("sentence start", "The organisation")))


def _kind_which(kind: str) -> str:
    """'police force' after 'which' (Welsh 'pa' mutates what follows)."""
    words: dict[str, str] = {
        OrganisationKind.POLICE_FORCE: pgettext("after which", "police force"),
        OrganisationKind.FIRE_AUTHORITY: pgettext("after which", "fire and rescue service"),
        OrganisationKind.NHS_BODY: pgettext("after which", "NHS integrated care board"),
        OrganisationKind.HOUSING_ASSOCIATION: pgettext("after which", "housing association"),
    }
    return str(words.get(kind, pgettext("after which", "organisation")))


def _covering(index: OrganisationIndex, place: Place) -> list[tuple[Body, int]]:
    """(body today, area it was found through) for every organisation covering the
    place, lowest-tier areas first."""
    order = {t: i for i, t in enumerate((*LOWER_AREA_TYPES, "CTY"))}
    today = timezone.localdate()
    found: dict[int, tuple[Body, int]] = {}
    for area in sorted(place.areas, key=lambda a: order.get(a.type, 99)):
        for org_id in index.by_area.get(area.id, ()):
            body = index.bodies[index.bodies[org_id].current_id]
            if body.end_date is not None and body.end_date <= today:
                continue  # abolished with no single successor: the area decides instead
            found.setdefault(body.id, (body, area.id))
    return list(found.values())


def _tier_candidates(
    service: ServiceInfo, index: OrganisationIndex, covering: list[tuple[Body, int]]
) -> list[tuple[Body, int]]:
    if not service.tier:
        return [(b, a) for b, a in covering if b.kind in service.kinds]
    lower = [(b, a) for b, a in covering if b.kind in LOWER_TIER_KINDS]
    county = [(b, a) for b, a in covering if b.kind == OrganisationKind.COUNTY_COUNCIL]
    if service.tier == Tier.DISTRICT:
        return lower[:1]
    if service.tier == Tier.ALL:
        return lower[:1] or county[:1]
    # County/unitary: a unitary or London borough does it; a district's county does.
    if lower and lower[0][0].kind != OrganisationKind.DISTRICT_COUNCIL:
        return lower[:1]
    if county:
        return county[:1]
    if lower and lower[0][0].parent_id in index.bodies:
        parent = index.bodies[index.bodies[lower[0][0].parent_id].current_id]
        return [(parent, lower[0][1])]
    return []


def _apply_exceptions(
    service: ServiceInfo,
    index: OrganisationIndex,
    place: Place,
    candidates: list[tuple[Body, int]],
    covering: list[tuple[Body, int]],
) -> tuple[list[tuple[Body, int]], dict[int, ProvisionInfo]]:
    provisions = {p.organisation_id: p for p in provisions_for(service_code=service.code)}
    by_body = {index.bodies[org_id].current_id: p for org_id, p in provisions.items()}
    covering_ids = {b.id: a for b, a in covering}
    result = []
    for body, area_id in candidates:
        provision = by_body.get(body.id)
        if provision and provision.area_ids and not (provision.area_ids & place.area_ids):
            continue  # this body provides the service in only part of its area
        result.append((body, area_id))
    present = {b.id for b, _ in result}
    for body_id, provision in by_body.items():
        if body_id in present:
            continue
        if provision.area_ids:
            hit = provision.area_ids & place.area_ids
            if hit:
                result.append((index.bodies[body_id], min(hit)))
        elif body_id in covering_ids and not service.tier:
            result.append((index.bodies[body_id], covering_ids[body_id]))
    preferred = [(b, a) for b, a in result if by_body.get(b.id) and by_body[b.id].preferred]
    return (preferred + [c for c in result if c not in preferred]), by_body


def _area_name(place: Place, area_id: int) -> str:
    area = place.area(area_id)
    return area.name if area else ""


def _reason(
    service: ServiceInfo,
    body: Body,
    area_name: str,
    index: OrganisationIndex,
    place: Place,
    provision: ProvisionInfo | None,
    passed_over: Body | None,
) -> str:
    language = get_language() or "en"
    _name, topic = service.localised(language)
    values = {"topic": topic, "area": area_name, "body": body.name}
    if provision and provision.preferred and passed_over is not None:
        text = _("%(body)s looks after %(topic)s here, in place of %(other)s.") % {
            **values,
            "other": passed_over.name,
        }
    elif not service.tier:
        text = _(
            "%(kind)s for the area handles %(topic)s. This address is covered by %(body)s."
        ) % {
            **values,
            "kind": _kind_the(body.kind),
        }
    elif body.kind == OrganisationKind.COUNTY_COUNCIL:
        text = (
            _(
                "The county council looks after %(topic)s. This address is in %(area)s, so "
                "%(body)s handles it."
            )
            % values
        )
    elif body.kind == OrganisationKind.DISTRICT_COUNCIL and service.tier == Tier.ALL:
        text = (
            _(
                "District and county councils both offer %(topic)s; the district council is "
                "the place to start. This address is in %(area)s, so %(body)s handles it."
            )
            % values
        )
    elif body.kind == OrganisationKind.DISTRICT_COUNCIL:
        text = (
            _(
                "The district or borough council looks after %(topic)s. This address is in "
                "%(area)s, so %(body)s handles it."
            )
            % values
        )
    else:
        text = (
            _(
                "This address is in %(area)s, where one council provides every council "
                "service, including %(topic)s, so %(body)s handles it."
            )
            % values
        )
    for code in place.recorded_councils:
        former_id = index.by_gss.get(code)
        if former_id is None:
            continue
        former = index.bodies[former_id]
        if former.current_id == body.id and former.id != body.id:
            text = (
                _("%(former)s was replaced by %(body)s on %(date)s.")
                % {"former": former.name, "body": body.name, "date": _format_date(former.end_date)}
                + " "
                + text
            )
            break
    note = (provision.note_cy if language.startswith("cy") else provision.note) if provision else ""
    return f"{text} {note}".strip()


def _format_date(day) -> str:
    return date_format(day, "j F Y") if day else ""


def _action(
    service: ServiceInfo, body: Body | None, provision: ProvisionInfo | None, place: Place
) -> Action:
    # In the platform only for a partner that runs the flow here (issue 3: a
    # non-partner gets a link), and only once an installed app offers the flow.
    runs_flow = (
        body is not None
        and body.is_partner
        and provision is not None
        and provision.mode == ProvisionMode.PLATFORM
        and provision.flow
    )
    start = flow_url(provision.flow) if runs_flow and provision else None
    if start and body is not None:
        query = {"service": service.code, "body": body.slug}
        if place.postcode:
            query["postcode"] = place.postcode
        if place.lat is not None and place.lon is not None:
            query.update(lat=str(place.lat), lon=str(place.lon))
        return Action(kind="platform", url=f"{start}?{urlencode(query)}")
    if provision is not None and provision.url:
        return Action(kind="link", url=provision.url)
    if body is not None and body.homepage:
        return Action(kind="link", url=body.homepage)
    if service.national_url:
        return Action(kind="link", url=service.national_url)
    return Action(kind="link", url=FIND_COUNCIL_URL)


def route_resolve(*, service: ServiceInfo, place: Place) -> Route:
    """The body that handles `service` at `place`, with the reason and next step. When no
    body is on record (say, a fire service outside the partnership's data) the answer
    says so and links to where to find one."""
    index = get_organisations()
    covering = _covering(index, place)
    candidates = _tier_candidates(service, index, covering)
    candidates, provisions = _apply_exceptions(service, index, place, candidates, covering)
    if not candidates:
        if service.tier:
            reason = _(
                "This place is outside the council areas we hold, so we cannot tell which "
                "council looks after %(topic)s."
            ) % {"topic": service.localised(get_language() or "en")[1]}
        else:
            reason = _(
                "We do not hold a record of which %(kind)s covers this address, so we "
                "cannot name it. The link below explains how to find it."
            ) % {"kind": _kind_which(sorted(service.kinds)[0] if service.kinds else "")}
        return Route(
            service=service,
            body=None,
            reason=reason,
            action=_action(service, None, None, place),
            place=place,
        )
    body, area_id = candidates[0]
    provision = provisions.get(body.id)
    passed_over = candidates[1][0] if len(candidates) > 1 else None
    reason = _reason(
        service, body, _area_name(place, area_id), index, place, provision, passed_over
    )
    return Route(
        service=service,
        body=body,
        reason=reason,
        action=_action(service, body, provision, place),
        place=place,
    )


def routes_for_candidates(
    *, service: ServiceInfo, candidates: list[Candidate]
) -> list[tuple[Candidate, Route]]:
    return [(c, route_resolve(service=service, place=c.place)) for c in candidates]


def map_areas_for(*, candidates) -> list[dict]:
    """Council boundaries to draw on the map page, as GeoJSON features: the councils a
    partial postcode reaches, or else the partners' councils."""

    if candidates:
        gss = [c.council_gss for c, _route in candidates]
    else:
        index = get_organisations()
        gss = [
            b.gss
            for b in index.bodies.values()
            if b.is_partner and b.kind in LOWER_TIER_KINDS and b.gss
        ]
    features = []
    for area in Area.objects.current().filter(gss__in=gss, geometry__isnull=False).order_by("name"):
        features.append(
            {
                "type": "Feature",
                "properties": {"gss": area.gss, "name": area.name},
                "geometry": json.loads(area.geometry.geojson),  # type: ignore[union-attr]
            }
        )
    return features


class NoServiceMatched(Http404):
    """Nothing in the catalogue matches what the resident typed."""


@dataclass(frozen=True)
class FrontDoorAnswer:
    route: Route
    confidence: float
    alternatives: list[ServiceMatch]


def needs_for(*, text: str | None, service_code: str | None) -> list[ServiceMatch]:
    """The ranked services for a request: the one named, or those matching the text."""
    if service_code:
        return [ServiceMatch(service=service_get(code=service_code), confidence=1.0)]
    matches = need_match(text=text or "", limit=5)
    if not matches:
        raise NoServiceMatched(
            _("We could not find a service matching “%(text)s”. Try describing it in other words.")
            % {"text": (text or "")[:100]}
        )
    return matches


def front_door_answer(
    *, text: str | None, service_code: str | None, place: Place
) -> FrontDoorAnswer:
    matches = needs_for(text=text, service_code=service_code)
    best = matches[0]
    return FrontDoorAnswer(
        route=route_resolve(service=best.service, place=place),
        confidence=best.confidence,
        alternatives=matches[1:],
    )


# --- The front door's question, for the API and the pages ---------------------------


@dataclass(frozen=True)
class PageDecision:
    """What the front door page shows next: the answer, a choice of services (need
    unclear), a choice of places (postcode straddles councils), or the start page
    again with an error for one field."""

    kind: str  # "results", "choose_service", "choose_place" or "error"
    answer: FrontDoorAnswer | None = None
    matches: tuple[ServiceMatch, ...] = ()
    candidates: tuple = ()
    field: str = ""
    message: str = ""


def front_door_page(
    *,
    need: str,
    service_code: str,
    where: str,
    lat: float | None,
    lon: float | None,
    area: str,
) -> PageDecision:
    try:
        matches = needs_for(text=need, service_code=service_code or None)
    except NoServiceMatched as exc:
        return PageDecision(kind="error", field="need", message=str(exc))
    except Http404:
        return PageDecision(
            kind="error", field="need", message=_("Choose a service from the list.")
        )
    if not service_code and not matches[0].confident and len(matches) > 1:
        return PageDecision(kind="choose_service", matches=tuple(matches[:4]))
    best = matches[0]
    try:
        if lat is not None and lon is not None:
            place = place_from_point(lat=lat, lon=lon)
        elif area:
            place = place_from_area(area)
        elif where.strip():
            prefix = partial_postcode(where)
            if prefix is not None:
                candidates = places_for_partial(prefix)
                if not candidates:
                    raise PlaceNotFound(
                        _("We cannot find any postcodes starting %(prefix)s.")
                        % {"prefix": prefix.strip()}
                    )
                routes = routes_for_candidates(service=best.service, candidates=candidates)
                bodies = {r.body.id if r.body else None for _c, r in routes}
                if len(bodies) > 1:
                    return PageDecision(
                        kind="choose_place", matches=tuple(matches), candidates=tuple(routes)
                    )
                place = candidates[0].place
            else:
                place = place_from_postcode(where)
        else:
            return PageDecision(
                kind="error",
                field="where",
                message=_("Enter a postcode, or use the map to show where."),
            )
    except PlaceError as exc:
        return PageDecision(kind="error", field="where", message=str(exc))
    except PlaceNotFound as exc:
        return PageDecision(kind="error", field="where", message=str(exc))
    return PageDecision(
        kind="results",
        answer=FrontDoorAnswer(
            route=route_resolve(service=best.service, place=place),
            confidence=best.confidence,
            alternatives=matches[1:],
        ),
        matches=tuple(matches),
    )
