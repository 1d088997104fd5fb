"""The front door's one question, answered for both the API and the pages:
(what the resident typed, where) → the service, the alternatives and the route.

Reads only; nothing here writes. It lives apart from selectors.py because it joins the
catalogue (need matching) with places and body resolution."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _

from joinedup.catalogue.selectors import ServiceMatch, need_match, service_get
from joinedup.routing.places import (
    Place,
    PlaceError,
    PlaceNotFound,
    partial_postcode,
    place_from_area,
    place_from_point,
    place_from_postcode,
    places_for_partial,
)
from joinedup.routing.selectors import Route, route_resolve, routes_for_candidates


class NoServiceMatched(Http404):
    """Nothing in the catalogue matches what the resident typed."""


@dataclass(frozen=True)
class FrontDoorAnswer:
    route: Route
    confidence: float
    alternatives: list[ServiceMatch]

    @property
    def confident(self) -> bool:
        return self.alternatives == [] or self.confidence >= 0.45


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


def front_door_answer(*, text: str | None, service_code: str | None, place: Place) -> FrontDoorAnswer:
    matches = needs_for(text=text, service_code=service_code)
    best = matches[0]
    return FrontDoorAnswer(
        route=route_resolve(service=best.service, place=place),
        confidence=best.confidence,
        alternatives=matches[1:],
    )


# --- The pages' decision ------------------------------------------------------------


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
        return PageDecision(kind="error", field="need", message=_("Choose a service from the list."))
    if not service_code and matches[0].confidence < 0.45 and len(matches) > 1:
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
                    raise PlaceNotFound(_("We cannot find any postcodes starting %(prefix)s.") % {"prefix": prefix.strip()})
                routes = routes_for_candidates(service=best.service, candidates=candidates)
                bodies = {r.body.id if r.body else None for _c, r in routes}
                if len(bodies) > 1:
                    return PageDecision(kind="choose_place", matches=tuple(matches), candidates=tuple(routes))
                place = candidates[0].place
            else:
                place = place_from_postcode(where)
        else:
            return PageDecision(
                kind="error", field="where", message=_("Enter a postcode, or use the map to show where.")
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
