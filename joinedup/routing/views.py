"""The front door's pages: start, results, choice of service, choice of place (map)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language

from joinedup.routing.forms import FrontDoorForm
from joinedup.routing.selectors import PageDecision, front_door_page, map_areas_for


def start(request: HttpRequest) -> HttpResponse:
    return render(request, "routing/start.html", {"form": FrontDoorForm()})


def find(request: HttpRequest) -> HttpResponse:
    form = FrontDoorForm(request.GET)
    if not form.is_valid():
        return render(request, "routing/start.html", {"form": form})
    data = form.cleaned_data
    decision = front_door_page(
        need=data["need"],
        service_code=data["service"],
        where=data["where"],
        lat=data["lat"],
        lon=data["lon"],
        area=data["area"],
    )
    if decision.kind == "error":
        form.add_error(decision.field, decision.message)
        return render(request, "routing/start.html", {"form": form})
    context = {"form": form, "decision": decision, "data": data, **_names(decision, data)}
    if decision.kind == "choose_service":
        return render(request, "routing/choose_service.html", context)
    if decision.kind == "choose_place":
        context["map_areas"] = map_areas_for(candidates=decision.candidates)
        return render(request, "routing/where.html", context)
    return render(request, "routing/results.html", context)


def where(request: HttpRequest) -> HttpResponse:
    """The map page reached directly ("show the place on a map instead")."""
    form = FrontDoorForm(request.GET)
    form.is_valid()
    data = {k: form.cleaned_data.get(k) or "" for k in ("need", "service", "where")}
    return render(
        request,
        "routing/where.html",
        {"form": form, "data": data, "map_areas": map_areas_for(candidates=())},
    )


def _names(decision: PageDecision, data: dict) -> dict:
    """Service names in the page's language, and links that keep the place."""
    language = get_language() or "en"
    keep = {k: data[k] for k in ("need", "where", "area") if data.get(k)}
    if data.get("lat") is not None and data.get("lon") is not None:
        keep.update(lat=data["lat"], lon=data["lon"])
    options = [
        {
            "code": m.service.code,
            "name": m.service.localised(language)[0],
            "url": reverse("routing:find") + "?" + urlencode({**keep, "service": m.service.code}),
        }
        for m in decision.matches
    ]
    answer = decision.answer
    return {
        "options": options,
        "alternatives": options[1:],
        "service_name": answer.route.service.localised(language)[0] if answer else "",
    }
