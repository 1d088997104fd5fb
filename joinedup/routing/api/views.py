"""GET /api/v1/route — the front door as a public API."""

from __future__ import annotations

import math

from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from joinedup.geo.api.serializers import ErrorSerializer
from joinedup.routing.places import (
    PlaceError,
    check_coordinates,
    place_from_point,
    place_from_postcode,
)
from joinedup.routing.selectors import front_door_answer


class _ServiceSerializer(serializers.Serializer):
    code = serializers.CharField()
    lgsl = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    confidence = serializers.FloatField()


class RouteApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        q = serializers.CharField(
            required=False, allow_blank=True, max_length=500, trim_whitespace=True
        )
        service = serializers.SlugField(required=False, max_length=60)
        postcode = serializers.CharField(required=False, allow_blank=True, max_length=16)
        lat = serializers.FloatField(required=False)
        lon = serializers.FloatField(required=False)

        def validate(self, data):
            if not data.get("q") and not data.get("service"):
                raise ValidationError({"q": ["Say what you need, in q (or name a service)."]})
            has_postcode = bool(data.get("postcode", "").strip())
            has_point = "lat" in data or "lon" in data
            if has_postcode and has_point:
                raise ValidationError({"postcode": ["Give a postcode or lat and lon, not both."]})
            if not has_postcode and not has_point:
                raise ValidationError({"postcode": ["Say where: a postcode, or lat and lon."]})
            if has_point:
                if "lat" not in data or "lon" not in data:
                    raise ValidationError({"lat": ["Give both lat and lon."]})
                if not (math.isfinite(data["lat"]) and math.isfinite(data["lon"])):
                    raise ValidationError({"lat": ["lat and lon must be numbers."]})
            return data

    class OutputSerializer(serializers.Serializer):
        service = _ServiceSerializer()
        alternatives = _ServiceSerializer(many=True)
        body = serializers.DictField(allow_null=True, help_text="name, gss, kind, homepage, slug")
        reason = serializers.CharField()
        action = serializers.DictField(help_text='kind: "platform" or "link"; url')
        location = serializers.DictField(help_text="postcode, lat, lon")

    @extend_schema(
        operation_id="route",
        summary="Who handles a need at a place",
        description=(
            "Matches the need described in `q` to a service in the catalogue and names the "
            "body that handles it at the postcode (or lat/lon), with the reason in plain "
            "English (or Welsh, with `Accept-Language: cy`) and the next step: an "
            "in-platform flow for a partner that runs one, otherwise a link. `body` is null "
            "when no body is on record for the place; the action then links to where to "
            "find one. A postcode must be a full one; give lat/lon for a point."
        ),
        parameters=[
            OpenApiParameter(
                "q", OpenApiTypes.STR, description="What the resident needs, in their words"
            ),
            OpenApiParameter(
                "service", OpenApiTypes.STR, description="A catalogue service code, instead of q"
            ),
            OpenApiParameter(
                "postcode", OpenApiTypes.STR, description="A full UK postcode, any spacing or case"
            ),
            OpenApiParameter("lat", OpenApiTypes.FLOAT, description="WGS84 latitude (with lon)"),
            OpenApiParameter("lon", OpenApiTypes.FLOAT, description="WGS84 longitude (with lat)"),
        ],
        responses={200: OutputSerializer, 400: ErrorSerializer, 404: ErrorSerializer},
        examples=[
            OpenApiExample(
                "Pothole in two-tier Surrey",
                response_only=True,
                value={
                    "service": {
                        "code": "potholes",
                        "lgsl": 557,
                        "name": "Report a pothole",
                        "confidence": 0.92,
                    },
                    "alternatives": [
                        {
                            "code": "road-injury-claims",
                            "lgsl": 558,
                            "name": "Claim for an injury or damage caused by the road",
                            "confidence": 0.31,
                        }
                    ],
                    "body": {
                        "name": "Surrey County Council",
                        "gss": "E10000030",
                        "kind": "county_council",
                        "homepage": "http://www.surreycc.gov.uk/",
                        "slug": "surrey",
                    },
                    "reason": "The county council looks after potholes. This address is in Surrey, so Surrey County Council handles it.",
                    "action": {"kind": "link", "url": "http://www.surreycc.gov.uk/"},
                    "location": {"postcode": "SM7 1AA", "lat": 51.3216, "lon": -0.1995},
                },
            )
        ],
    )
    def get(self, request: Request) -> Response:
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        try:
            if data.get("postcode", "").strip():
                place = place_from_postcode(data["postcode"])
            else:
                check_coordinates(data["lat"], data["lon"])
                place = place_from_point(lat=data["lat"], lon=data["lon"])
        except PlaceError as exc:
            field = "postcode" if data.get("postcode") else "lat"
            raise ValidationError({field: [str(exc)]}) from None
        answer = front_door_answer(
            text=data.get("q"), service_code=data.get("service"), place=place
        )
        language = get_language() or "en"
        route = answer.route
        body = route.body
        return Response(
            {
                "service": _service(route.service, answer.confidence, language),
                "alternatives": [
                    _service(m.service, m.confidence, language) for m in answer.alternatives
                ],
                "body": None
                if body is None
                else {
                    "name": body.name,
                    "gss": body.gss or None,
                    "kind": body.kind,
                    "homepage": body.homepage or None,
                    "slug": body.slug,
                },
                "reason": route.reason,
                "action": {"kind": route.action.kind, "url": route.action.url},
                "location": {
                    "postcode": route.place.postcode,
                    "lat": route.place.lat,
                    "lon": route.place.lon,
                },
            }
        )


def _service(service, confidence: float, language: str) -> dict:
    return {
        "code": service.code,
        "lgsl": service.lgsl,
        "name": service.localised(language)[0],
        "confidence": confidence,
    }
