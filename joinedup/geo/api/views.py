"""MapIt-compatible area lookup: the same paths and JSON shapes as mysociety/mapit, so
MapIt clients (FixMyStreet among them) can point at /mapit/ unchanged."""

from __future__ import annotations

import json
import math

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from joinedup.core.api.negotiation import JSONOnlyNegotiation
from joinedup.geo import selectors
from joinedup.geo.api.serializers import (
    AreaGeoJSONSerializer,
    ErrorSerializer,
    MapItAreaSerializer,
    MapItPostcodeSerializer,
)
from joinedup.geo.models import AreaType

TYPE_PARAM = OpenApiParameter(
    "type", OpenApiTypes.STR, description="Comma-separated area types to keep, e.g. DIS,CTY"
)


class PublicApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    content_negotiation_class = JSONOnlyNegotiation


def _parse_types(raw: str | None) -> list[str] | None:
    if not raw:
        return None
    types = [t.strip().upper() for t in raw.split(",") if t.strip()]
    unknown = [t for t in types if t not in AreaType.values]
    if unknown:
        raise ValidationError({"type": [f"Unknown area type {', '.join(unknown)[:60]}."]})
    return types or None  # "?type=,," asks for no filter


def _parse_coordinates(raw: str) -> tuple[float, float]:
    parts = raw.split(",")
    if len(parts) != 2:
        raise ValidationError({"coordinates": ["Give a point as lon,lat, e.g. -0.1937,51.3597."]})
    try:
        lon, lat = float(parts[0]), float(parts[1])
    except ValueError:
        raise ValidationError(
            {"coordinates": ["Longitude and latitude must be numbers."]}
        ) from None
    if not (math.isfinite(lon) and math.isfinite(lat)) or not (
        -180 <= lon <= 180 and -90 <= lat <= 90
    ):
        raise ValidationError(
            {"coordinates": ["Longitude must be within ±180 and latitude within ±90."]}
        )
    return lon, lat


class PointAreasApi(PublicApi):
    # The hot path: a well-formed GET is answered straight from the in-memory index,
    # without DRF's request wrapping, negotiation and rendering (a third of the request's
    # cost beyond /healthz; docs/benchmarks.md). Anything else (a bad point or type, another
    # method) goes through DRF as usual, so errors keep the standard body. (A comment, not
    # a docstring: the OpenAPI description is taken from the docstring.)

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        if request.method == "GET":
            try:
                lon, lat = _parse_coordinates(kwargs["coordinates"])
                types = _parse_types(request.GET.get("type"))
            except ValidationError:
                pass
            else:
                areas = selectors.areas_at_point(lon=lon, lat=lat, types=types)
                # The bytes DRF's JSONRenderer writes: compact, UTF-8 rather than \u escapes.
                body = json.dumps(areas, ensure_ascii=False, separators=(",", ":"))
                return HttpResponse(body.encode(), content_type="application/json")
        return super().dispatch(request, *args, **kwargs)

    @extend_schema(
        operation_id="mapit_point",
        summary="Areas covering a WGS84 point",
        parameters=[TYPE_PARAM],
        responses={
            200: OpenApiResponse(MapItAreaSerializer(many=True), "Object of areas keyed by id"),
            400: ErrorSerializer,
        },
    )
    def get(self, request: Request, coordinates: str) -> Response:
        lon, lat = _parse_coordinates(coordinates)
        types = _parse_types(request.query_params.get("type"))
        return Response(selectors.areas_at_point(lon=lon, lat=lat, types=types))


class PostcodeApi(PublicApi):
    @extend_schema(
        operation_id="mapit_postcode",
        summary="A postcode's location and the areas it lies in",
        responses={200: MapItPostcodeSerializer, 400: ErrorSerializer, 404: ErrorSerializer},
    )
    def get(self, request: Request, postcode: str) -> Response:
        try:
            found = selectors.postcode_get(text=postcode)
        except selectors.InvalidPostcode as exc:
            raise ValidationError({"postcode": [str(exc)]}) from None
        return Response(selectors.postcode_as_mapit(found))


class AreaApi(PublicApi):
    @extend_schema(
        operation_id="mapit_area",
        summary="One area, by id or GSS code",
        responses={200: MapItAreaSerializer, 404: ErrorSerializer},
    )
    def get(self, request: Request, area: str) -> Response:
        return Response(selectors.area_as_mapit(selectors.area_get(id_or_code=area)))


class AreaGeoJSONApi(PublicApi):
    @extend_schema(
        operation_id="mapit_area_geojson",
        summary="An area's boundary as a GeoJSON Feature",
        responses={200: AreaGeoJSONSerializer, 404: ErrorSerializer},
    )
    def get(self, request: Request, area: str) -> Response:
        found = selectors.area_get(id_or_code=area)
        if found.geometry is None:
            raise NotFound(f"Area {found.gss} has no boundary")
        return Response(AreaGeoJSONSerializer(found).data, content_type="application/geo+json")


class AreasByTypeApi(PublicApi):
    @extend_schema(
        operation_id="mapit_areas",
        summary="Every current area of the given types",
        responses={
            200: OpenApiResponse(MapItAreaSerializer(many=True), "Object of areas keyed by id"),
            400: ErrorSerializer,
        },
    )
    def get(self, request: Request, types: str) -> Response:
        return Response(selectors.areas_of_types(types=_parse_types(types) or []))


class CodeRedirectApi(PublicApi):
    @extend_schema(
        operation_id="mapit_code",
        summary="Redirect from a code to its area",
        responses={302: None, 404: ErrorSerializer},
    )
    def get(self, request: Request, code_type: str, code: str) -> HttpResponseRedirect:
        if code_type != "gss":
            raise NotFound(f"Unknown code type {code_type!r}; this service knows 'gss'")
        area = selectors.area_get(id_or_code=code)
        return HttpResponseRedirect(reverse("mapit:area", kwargs={"area": str(area.pk)}))
