"""The Open311 GeoReport v2 server at /open311/v2/, with mySociety's extensions
(`servicerequestupdates` and the extended statuses) that UK back offices speak.

Every method answers in JSON or XML by the extension of its URL. Errors use the spec's
envelope (`errors/error` with `code` and `description`): 400 for bad or missing
parameters, 403 for a missing or unknown `api_key`, 404 for an unknown jurisdiction,
service, request or token. A jurisdiction_id is an organisation's slug; it is optional,
because one endpoint serves the whole partnership and a report is routed to the body
responsible for the service at its location."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import exceptions, serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from joinedup.catalogue.index import get_catalogue
from joinedup.integrations.open311.api.params import (
    Open311Error,
    attributes,
    bad,
    comma_list,
    id_list,
    number,
    present,
    w3c,
    w3c_datetime,
)
from joinedup.integrations.open311.documents import (
    Document,
    Open311JSONRenderer,
    Open311XMLRenderer,
    errors_document,
    to_json,
    to_xml,
)
from joinedup.integrations.open311.selectors import ClientKey, client_for_key, jurisdiction_get
from joinedup.routing.index import get_organisations
from joinedup.routing.places import (
    Place,
    PlaceError,
    PlaceNotFound,
    place_from_point,
    place_from_postcode,
)
from joinedup.service_requests import selectors as sr_selectors
from joinedup.service_requests.models import OPEN_STATUSES, Channel, Status
from joinedup.service_requests.photos import MAX_PHOTOS, PhotoError, prepare_photo
from joinedup.service_requests.routes import (
    UnknownService,
    request_type_get,
    request_types_available,
)
from joinedup.service_requests.services import (
    ClientRef,
    ReportInput,
    service_request_create,
    service_request_update_from_client,
)

SPEC = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-26T00:00:00Z"
DEFAULT_DAYS = 90
MAX_REQUESTS = 1000
UK_POSTCODE = r"[A-Za-z]{1,2}[0-9][0-9A-Za-z]?\s*[0-9][A-Za-z]{2}"


def open311_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every error in the spec's envelope, never a 500 for input."""
    if isinstance(exc, Open311Error):
        status, errors = exc.status, [(exc.status, exc.description)]
    elif isinstance(exc, DjangoValidationError):
        status = 400
        if hasattr(exc, "error_dict"):
            errors = [
                (400, f"{field}: {message}")
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            errors = [(400, message) for message in exc.messages]
    elif isinstance(exc, Http404 | exceptions.NotFound):
        status, errors = 404, [(404, str(exc) or "Not found.")]
    elif isinstance(exc, exceptions.MethodNotAllowed):
        status, errors = 405, [(405, str(exc.detail))]
    elif isinstance(exc, exceptions.ValidationError):
        status = 400
        detail = exc.detail
        if isinstance(detail, dict):
            errors = [
                (400, f"{field}: {message}")
                for field, messages in detail.items()
                for message in (messages if isinstance(messages, list) else [messages])
            ]
        else:
            errors = [
                (400, str(message))
                for message in (detail if isinstance(detail, list) else [detail])
            ]
    elif isinstance(exc, exceptions.APIException):
        # Malformed bodies, unsupported content types (XML or JSON sent to a form
        # endpoint), and the like: GeoReport v2 has one answer for them, 400.
        status, errors = 400, [(400, str(exc.detail))]
    elif isinstance(exc, SuspiciousOperation):
        status, errors = 400, [(400, "The request is too large or malformed.")]
    else:
        return None
    response = Response(errors_document(errors), status=status)
    if status == 405 and isinstance(exc, exceptions.MethodNotAllowed):
        view = context.get("view")
        if view is not None:
            response["Allow"] = ", ".join(view.allowed_methods)
    return response


class DjangoFormParser(FormParser):
    """Form bodies read through Django's own request.POST, so its limits on body size and
    number of fields apply (DATA_UPLOAD_MAX_MEMORY_SIZE, DATA_UPLOAD_MAX_NUMBER_FIELDS)."""

    def parse(self, stream, media_type=None, parser_context=None):
        return parser_context["request"]._request.POST


class Open311AutoSchema(AutoSchema):
    """One operation per format: `..._json` answers application/json, `..._xml` text/xml."""

    def _format(self) -> str:
        return "xml" if self.path.endswith(".xml") else "json"

    def get_operation_id(self) -> str:
        name = getattr(self.view, "operations", {}).get(self.method.lower(), self.method.lower())
        return f"open311_{name}_{self._format()}"

    def map_renderers(self, attribute: str) -> list[str]:
        return ["text/xml"] if self._format() == "xml" else ["application/json"]


class Open311View(APIView):
    schema = Open311AutoSchema()
    authentication_classes: list = []
    permission_classes = [AllowAny]
    renderer_classes = [Open311JSONRenderer, Open311XMLRenderer]
    parser_classes = [DjangoFormParser, MultiPartParser]

    def get_exception_handler(self):
        return open311_exception_handler

    def jurisdiction(self, data) -> int | None:
        value = present(data, "jurisdiction_id")
        if not value:
            return None
        organisation = jurisdiction_get(jurisdiction_id=value)
        if organisation is None:
            raise Open311Error(404, f"jurisdiction_id {value[:100]} was not found.")
        return organisation.pk

    def client(self, data) -> ClientKey:
        key = present(data, "api_key")
        if not key:
            raise Open311Error(403, "api_key is required.")
        client = client_for_key(raw=key)
        if client is None:
            raise Open311Error(403, "api_key is not valid.")
        return client


# --- Documentation shapes ---------------------------------------------------------------


@extend_schema_serializer(component_name="Open311Error")
class ErrorSerializer(serializers.Serializer):
    code = serializers.IntegerField()
    description = serializers.CharField()


ERROR_LIST = OpenApiResponse(
    response={
        "type": "array",
        "items": {
            "type": "object",
            "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
            "required": ["code", "description"],
        },
    },
    description="GeoReport v2 errors: errors/error with code and description",
)
ERRORS = {400: ERROR_LIST, 404: ERROR_LIST}
JURISDICTION = OpenApiParameter(
    "jurisdiction_id",
    OpenApiTypes.STR,
    description="An organisation's slug; optional (one endpoint serves the partnership).",
)


# --- Discovery and services --------------------------------------------------------------


class DiscoveryApi(Open311View):
    operations = {"get": "discovery"}

    @extend_schema_serializer(component_name="Open311Discovery")
    class OutputSerializer(serializers.Serializer):
        changeset = serializers.CharField()
        contact = serializers.CharField()
        key_service = serializers.CharField()
        endpoints = serializers.ListField(child=serializers.DictField())

    @extend_schema(
        summary="Open311 service discovery",
        responses={200: OutputSerializer},
        tags=["open311"],
    )
    def get(self, request: Request, format: str) -> Response:
        base = request.build_absolute_uri("/open311/v2")
        return Response(
            Document(
                root="discovery",
                payload={
                    "changeset": CHANGESET,
                    "contact": "Ask the partnership's service desk about this API.",
                    "key_service": "Keys are issued by a partner organisation (manage.py open311_issue_key).",
                    "endpoints": [
                        {
                            "specification": SPEC,
                            "url": base,
                            "changeset": CHANGESET,
                            "type": "production",
                            "formats": ["text/xml", "application/json"],
                        }
                    ],
                },
            )
        )


def _service_row(available, language: str) -> dict[str, Any]:
    service, info = available.service, available.request_type
    name, _topic = service.localised(language)
    group, description = info.localised(language)
    return {
        "service_code": service.code,
        "service_name": name,
        "description": description,
        "metadata": bool(info.questions),
        "type": "realtime",
        "keywords": ",".join(info.keywords),
        "group": group,
    }


class ServiceListApi(Open311View):
    operations = {"get": "services"}

    @extend_schema_serializer(component_name="Open311Service")
    class OutputSerializer(serializers.Serializer):
        service_code = serializers.CharField()
        service_name = serializers.CharField()
        description = serializers.CharField()
        metadata = serializers.BooleanField()
        type = serializers.CharField()
        keywords = serializers.CharField()
        group = serializers.CharField()

    @extend_schema(
        summary="GET Service List",
        description="The services the platform takes reports of; with lat and long, only those taken at that point.",
        parameters=[
            JURISDICTION,
            OpenApiParameter("lat", OpenApiTypes.DOUBLE),
            OpenApiParameter("long", OpenApiTypes.DOUBLE),
        ],
        responses={200: OutputSerializer(many=True), **ERRORS},
        tags=["open311"],
    )
    def get(self, request: Request, format: str) -> Response:
        data = request.query_params
        organisation_id = self.jurisdiction(data)
        lat = number(data, "lat", -90, 90)
        lon = number(data, "long", -180, 180)
        if (lat is None) != (lon is None):
            raise bad("Give both lat and long, or neither.")
        place = place_from_point(lat=lat, lon=lon) if lat is not None and lon is not None else None
        language = get_language() or "en"
        rows = [
            _service_row(a, language)
            for a in request_types_available(place=place, organisation_id=organisation_id)
        ]
        return Response(Document(root="services", item="service", payload=rows))


class ServiceDefinitionApi(Open311View):
    operations = {"get": "service_definition"}

    @extend_schema_serializer(component_name="Open311Value")
    class ValueSerializer(serializers.Serializer):
        key = serializers.CharField()
        name = serializers.CharField()

    @extend_schema_serializer(component_name="Open311Attribute")
    class AttributeSerializer(serializers.Serializer):
        variable = serializers.BooleanField()
        code = serializers.CharField()
        datatype = serializers.CharField()
        required = serializers.BooleanField()  # type: ignore[assignment]  # the attribute field "required"
        datatype_description = serializers.CharField()
        order = serializers.IntegerField()
        description = serializers.CharField()
        values = serializers.ListField(child=serializers.DictField(), required=False)

    @extend_schema_serializer(component_name="Open311ServiceDefinition")
    class OutputSerializer(serializers.Serializer):
        service_code = serializers.CharField()
        attributes = serializers.ListField(child=serializers.DictField())

    @extend_schema(
        summary="GET Service Definition",
        parameters=[
            JURISDICTION,
            OpenApiParameter("service_code", OpenApiTypes.STR, OpenApiParameter.PATH),
        ],
        responses={200: OutputSerializer, **ERRORS},
        tags=["open311"],
    )
    def get(self, request: Request, service_code: str, format: str) -> Response:
        organisation_id = self.jurisdiction(request.query_params)
        available = {
            a.service.code: a for a in request_types_available(organisation_id=organisation_id)
        }
        if service_code not in available:
            raise Open311Error(404, f"service_code {service_code[:60]} was not found.")
        info = available[service_code].request_type
        language = get_language() or "en"
        rows = []
        for question in info.questions:
            text, hint = question.localised(language)
            row: dict[str, Any] = {
                "variable": True,
                "code": question.code,
                "datatype": question.datatype,
                "required": question.required,
                "datatype_description": hint,
                "order": question.order,
                "description": text,
            }
            if question.values:
                row["values"] = [
                    {"key": v.key, "name": v.localised(language)} for v in question.values
                ]
            rows.append(row)
        return Response(
            Document(
                root="service_definition",
                payload={"service_code": service_code, "attributes": rows},
            )
        )


# --- Service requests --------------------------------------------------------------------


class _Names:
    """Services and bodies by id, from the in-memory catalogue and organisation index."""

    def __init__(self, language: str) -> None:
        self.services = {
            s.id: (s.code, s.localised(language)[0]) for s in get_catalogue().services.values()
        }
        self.bodies = get_organisations().bodies
        self.tz = timezone.get_current_timezone()

    def body(self, organisation_id: int) -> str:
        body = self.bodies.get(organisation_id)
        return body.name if body is not None else ""


def _request_row(row: dict[str, Any], names: _Names) -> dict[str, Any]:
    code, service_name = names.services.get(row["service_id"], ("", ""))
    tz = names.tz
    return {
        "service_request_id": str(row["id"]),
        "status": "open" if row["status"] in OPEN_STATUSES else "closed",
        "status_notes": row["status_notes"],
        "service_name": service_name,
        "service_code": code,
        "description": row["description"],
        "agency_responsible": names.body(row["organisation_id"]),
        "service_notice": "",
        "requested_datetime": w3c(row["requested_at"], tz),
        "updated_datetime": w3c(row["updated_at"], tz),
        "expected_datetime": w3c(row["due_at"], tz),
        "address": row["location_text"],
        "address_id": row["address_id"],
        "zipcode": row["postcode"],
        "lat": round(row["lat"], 6),
        "long": round(row["lon"], 6),
        "media_url": row["media_url"],
    }


@extend_schema_serializer(component_name="Open311Request")
class RequestOutputSerializer(serializers.Serializer):
    service_request_id = serializers.CharField()
    status = serializers.ChoiceField(choices=["open", "closed"])
    status_notes = serializers.CharField()
    service_name = serializers.CharField()
    service_code = serializers.CharField()
    description = serializers.CharField()
    agency_responsible = serializers.CharField()
    service_notice = serializers.CharField()
    requested_datetime = serializers.CharField()
    updated_datetime = serializers.CharField()
    expected_datetime = serializers.CharField()
    address = serializers.CharField()
    address_id = serializers.CharField()
    zipcode = serializers.CharField()
    lat = serializers.FloatField()
    long = serializers.FloatField()
    media_url = serializers.CharField()


def _place_for_post(data) -> tuple[Place, str, str]:
    """The place of a new request: lat and long; else a postcode in address_string; else
    address_id, which names a postcode unit (the platform's address repository is the
    postcode directory; it holds no address gazetteer)."""
    lat = number(data, "lat", -90, 90)
    lon = number(data, "long", -180, 180)
    address = present(data, "address_string")
    address_id = present(data, "address_id")
    if len(address) > 255:
        raise bad("address_string must be 255 characters or fewer.")
    if len(address_id) > 100:
        raise bad("address_id must be 100 characters or fewer.")
    try:
        if lat is not None or lon is not None:
            if lat is None or lon is None:
                raise bad("Give both lat and long.")
            return place_from_point(lat=lat, lon=lon), address, address_id
        if address:
            match = re.search(UK_POSTCODE, address)
            if match is None:
                raise bad("address_string must include a full UK postcode, or send lat and long.")
            return place_from_postcode(match.group(0)), address, address_id
        if address_id:
            return place_from_postcode(address_id), address, address_id
    except PlaceError as exc:
        raise bad(str(exc)) from None
    except PlaceNotFound as exc:
        raise bad(str(exc)) from None
    raise bad("A location is required: lat and long, address_string or address_id.")


class ServiceRequestsApi(Open311View):
    operations = {"get": "requests_list", "post": "requests_create"}

    @extend_schema_serializer(component_name="Open311RequestInput")
    class InputSerializer(serializers.Serializer):
        api_key = serializers.CharField()
        jurisdiction_id = serializers.CharField(required=False)
        service_code = serializers.CharField()
        lat = serializers.FloatField(required=False)
        long = serializers.FloatField(required=False)
        address_string = serializers.CharField(required=False)
        address_id = serializers.CharField(required=False)
        email = serializers.CharField(required=False)
        device_id = serializers.CharField(required=False)
        account_id = serializers.CharField(required=False)
        first_name = serializers.CharField(required=False)
        last_name = serializers.CharField(required=False)
        phone = serializers.CharField(required=False)
        description = serializers.CharField(required=False, max_length=4000)
        media_url = serializers.CharField(required=False)

    @extend_schema_serializer(component_name="Open311RequestCreated")
    class CreatedSerializer(serializers.Serializer):
        service_request_id = serializers.CharField()
        token = serializers.CharField()
        service_notice = serializers.CharField()
        account_id = serializers.CharField(allow_null=True)

    @extend_schema(
        summary="GET Service Requests",
        description=(
            "Requests newest first: by default those of the last 90 days, at most 1,000. "
            "service_request_id (a comma-separated list) overrides every other filter."
        ),
        parameters=[
            JURISDICTION,
            OpenApiParameter("service_request_id", OpenApiTypes.STR),
            OpenApiParameter("service_code", OpenApiTypes.STR),
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                description="open, closed or extended statuses, comma-separated",
            ),
            OpenApiParameter("start_date", OpenApiTypes.DATETIME),
            OpenApiParameter("end_date", OpenApiTypes.DATETIME),
        ],
        responses={200: RequestOutputSerializer(many=True), **ERRORS},
        tags=["open311"],
    )
    def get(self, request: Request, format: str) -> Response | HttpResponse:
        data = request.query_params
        organisation_id = self.jurisdiction(data)
        ids = id_list(data, "service_request_id")
        codes = comma_list(data, "service_code")
        for code in codes:
            if len(code) > 60:
                raise bad("service_code is not a service code.")
        statuses = [s.lower() for s in comma_list(data, "status")]
        for status in statuses:
            if status not in ("open", "closed") and status not in Status.values:
                raise bad(
                    f"status {status[:40]} is not one of open, closed or the extended statuses."
                )
        start = w3c_datetime(data, "start_date")
        end = w3c_datetime(data, "end_date")
        if start and end and end < start:
            raise bad("end_date is before start_date.")
        span = dt.timedelta(days=DEFAULT_DAYS)
        if start and end and end - start > span:
            raise bad("start_date and end_date may be at most 90 days apart.")
        if start is None and end is None:
            end = timezone.now()
            start = end - span
        elif start is None and end is not None:
            start = end - span
        elif end is None and start is not None:
            end = start + span
        catalogue = get_catalogue().services
        service_ids = tuple(catalogue[c].id for c in codes if c in catalogue) if codes else None
        query = sr_selectors.RequestQuery(
            ids=tuple(ids),
            service_ids=service_ids,
            statuses=tuple(statuses),
            start=start,
            end=end,
            organisation_id=organisation_id,
            limit=MAX_REQUESTS,
        )
        language = get_language() or "en"
        if format == "json" and not language.startswith("cy"):
            # Large answers are written by PostgreSQL in one go (the same JSON).
            text = sr_selectors.public_request_json(query=query, time_zone=settings.TIME_ZONE)
            if text is not None:
                return HttpResponse(text, content_type="application/json; charset=utf-8")
        names = _Names(language)
        rows = [_request_row(r, names) for r in sr_selectors.public_request_rows(query=query)]
        return Response(Document(root="service_requests", item="request", payload=rows))

    @extend_schema(
        summary="POST Service Request",
        description=(
            "Form-encoded. Answers go in attribute[code] (attribute[code][] for each answer "
            "of a multivaluelist). The request is routed to the body responsible for the "
            "service at its location; up to 3 photos may be sent as multipart files named media."
        ),
        request={
            "application/x-www-form-urlencoded": InputSerializer,
            "multipart/form-data": InputSerializer,
        },
        responses={200: CreatedSerializer(many=True), 403: ERROR_LIST, **ERRORS},
        tags=["open311"],
    )
    def post(self, request: Request, format: str) -> Response:
        data = request.data
        client = self.client(data)
        self.jurisdiction(data)
        code = present(data, "service_code")
        if not code:
            raise bad("service_code is required.")
        try:
            request_type_get(service_code=code)
        except UnknownService:
            raise Open311Error(404, f"service_code {code[:60]} was not found.") from None
        place, address, address_id = _place_for_post(data)
        description = present(data, "description")
        if len(description) > 4000:
            raise bad("description must be 4,000 characters or fewer.")
        name = " ".join(x for x in (present(data, "first_name"), present(data, "last_name")) if x)
        photos = []
        files = request.FILES.getlist("media") if hasattr(request.FILES, "getlist") else []
        if len(files) > MAX_PHOTOS:
            raise bad(f"Send up to {MAX_PHOTOS} photos.")
        for upload in files:
            try:
                photos.append(prepare_photo(upload))
            except PhotoError as exc:
                raise bad(str(exc)) from None
        account_id = present(data, "account_id")
        created = service_request_create(
            actor=None,
            report=ReportInput(
                service_code=code,
                place=place,
                description=description,
                answers=attributes(data),
                location_text=address,
                address_id=address_id,
                name=name,
                email=present(data, "email"),
                phone=present(data, "phone"),
                language="cy" if (get_language() or "").startswith("cy") else "en",
                channel=Channel.OPEN311,
                channel_ref=client.channel_ref,
                external_ref=account_id or present(data, "device_id"),
                media_url=present(data, "media_url"),
                photos=photos,
            ),
        )
        due = timezone.localtime(created.due_at).strftime("%-d %B %Y") if created.due_at else ""
        body = get_organisations().bodies[created.organisation_id].name
        notice = f"{body} deals with this. It is due to be dealt with by {due}."
        return Response(
            Document(
                root="service_requests",
                item="request",
                payload=[
                    {
                        "service_request_id": str(created.pk),
                        "token": str(created.token),
                        "service_notice": notice,
                        "account_id": account_id or None,
                    }
                ],
            )
        )


class TokenApi(Open311View):
    operations = {"get": "token"}

    @extend_schema_serializer(component_name="Open311Token")
    class OutputSerializer(serializers.Serializer):
        service_request_id = serializers.CharField()
        token = serializers.CharField()

    @extend_schema(
        summary="GET request id from a token",
        parameters=[
            JURISDICTION,
            OpenApiParameter("token", OpenApiTypes.STR, OpenApiParameter.PATH),
        ],
        responses={200: OutputSerializer(many=True), **ERRORS},
        tags=["open311"],
    )
    def get(self, request: Request, token: str, format: str) -> Response:
        self.jurisdiction(request.query_params)
        try:
            value = str(uuid.UUID(token))
        except ValueError:
            raise Open311Error(404, "token was not found.") from None
        try:
            found = sr_selectors.public_request_by_token(token=value)
        except Http404:
            raise Open311Error(404, "token was not found.") from None
        return Response(
            Document(
                root="service_requests",
                item="request",
                payload=[{"service_request_id": str(found.pk), "token": value}],
            )
        )


class ServiceRequestApi(Open311View):
    operations = {"get": "request"}

    @extend_schema(
        summary="GET Service Request",
        parameters=[
            JURISDICTION,
            OpenApiParameter("service_request_id", OpenApiTypes.STR, OpenApiParameter.PATH),
        ],
        responses={200: RequestOutputSerializer(many=True), **ERRORS},
        tags=["open311"],
    )
    def get(self, request: Request, service_request_id: str, format: str) -> Response:
        self.jurisdiction(request.query_params)
        if (
            not (service_request_id.isascii() and service_request_id.isdigit())
            or len(service_request_id) > 12
        ):
            raise Open311Error(404, "service_request_id was not found.")
        rows = sr_selectors.public_request_rows(
            query=sr_selectors.RequestQuery(ids=(int(service_request_id),))
        )
        if not rows:
            raise Open311Error(404, "service_request_id was not found.")
        names = _Names(get_language() or "en")
        return Response(
            Document(
                root="service_requests", item="request", payload=[_request_row(rows[0], names)]
            )
        )


# --- mySociety's extension: servicerequestupdates -----------------------------------------


class ServiceRequestUpdatesApi(Open311View):
    operations = {"get": "updates_list", "post": "updates_create"}

    @extend_schema_serializer(component_name="Open311UpdateInput")
    class InputSerializer(serializers.Serializer):
        api_key = serializers.CharField()
        jurisdiction_id = serializers.CharField(required=False)
        service_request_id = serializers.CharField()
        update_id = serializers.CharField()
        status = serializers.ChoiceField(choices=[s.upper() for s in Status.values] + ["UNCHANGED"])
        updated_datetime = serializers.DateTimeField()
        description = serializers.CharField()
        email = serializers.CharField(required=False)
        phone = serializers.CharField(required=False)
        first_name = serializers.CharField(required=False)
        last_name = serializers.CharField(required=False)

    @extend_schema_serializer(component_name="Open311Update")
    class UpdateSerializer(serializers.Serializer):
        update_id = serializers.CharField()
        service_request_id = serializers.CharField()
        status = serializers.CharField()
        updated_datetime = serializers.CharField()
        description = serializers.CharField()
        media_url = serializers.CharField()

    @extend_schema_serializer(component_name="Open311UpdatePosted")
    class PostedSerializer(serializers.Serializer):
        update_id = serializers.CharField()

    @extend_schema(
        summary="GET servicerequestupdates (mySociety)",
        description="Public updates made between start_date and end_date (default: the last 24 hours), oldest first.",
        parameters=[
            JURISDICTION,
            OpenApiParameter("api_key", OpenApiTypes.STR),
            OpenApiParameter("start_date", OpenApiTypes.DATETIME),
            OpenApiParameter("end_date", OpenApiTypes.DATETIME),
        ],
        responses={200: UpdateSerializer(many=True), **ERRORS},
        tags=["open311"],
    )
    def get(self, request: Request, format: str) -> Response:
        data = request.query_params
        organisation_id = self.jurisdiction(data)
        if present(data, "api_key"):
            self.client(data)
        start = w3c_datetime(data, "start_date")
        end = w3c_datetime(data, "end_date") or timezone.now()
        start = start or end - dt.timedelta(days=1)
        if end < start:
            raise bad("end_date is before start_date.")
        if end - start > dt.timedelta(days=DEFAULT_DAYS):
            raise bad("start_date and end_date may be at most 90 days apart.")
        rows = [
            {
                "update_id": str(row["id"]),
                "service_request_id": str(row["request_id"]),
                "status": row["status_after"],
                "updated_datetime": w3c(row["created_at"]),
                "description": row["text"],
                "media_url": row["request__media_url"],
            }
            for row in sr_selectors.public_update_rows(
                start=start, end=end, organisation_id=organisation_id, limit=MAX_REQUESTS
            )
        ]
        return Response(
            Document(root="service_request_updates", item="request_update", payload=rows)
        )

    @extend_schema(
        summary="POST servicerequestupdates (mySociety)",
        request={"application/x-www-form-urlencoded": InputSerializer},
        responses={200: PostedSerializer(many=True), 403: ERROR_LIST, **ERRORS},
        tags=["open311"],
    )
    def post(self, request: Request, format: str) -> Response:
        data = request.data
        client = self.client(data)
        self.jurisdiction(data)
        missing = [
            name
            for name in ("service_request_id", "update_id", "status", "updated_datetime")
            if not present(data, name)
        ]
        if missing:
            raise bad(f"{missing[0]} is required.")
        request_id = present(data, "service_request_id")
        if not (request_id.isascii() and request_id.isdigit()) or len(request_id) > 12:
            raise Open311Error(404, "service_request_id was not found.")
        status = present(data, "status").lower()
        if status not in Status.values and status != "unchanged":
            raise bad("status is not one of the extended statuses.")
        event = service_request_update_from_client(
            client=ClientRef(
                channel_ref=client.channel_ref,
                organisation_id=client.organisation_id,
                name=client.name,
            ),
            request_id=int(request_id),
            update_id=present(data, "update_id"),
            status=status,
            description=present(data, "description"),
            updated_datetime=w3c_datetime(data, "updated_datetime"),
            name=" ".join(
                x for x in (present(data, "first_name"), present(data, "last_name")) if x
            ),
            email=present(data, "email"),
            phone=present(data, "phone"),
        )
        return Response(
            Document(
                root="service_request_updates",
                item="request_update",
                payload=[{"update_id": str(event.pk)}],
            )
        )


# --- Anything else under /open311/v2/ ---------------------------------------------------------


def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """An unknown method or format, answered in the spec's envelope (XML for a .xml path)."""
    document = errors_document([(404, "There is no such Open311 method or format.")])
    if request.path.endswith(".xml"):
        return HttpResponse(to_xml(document), status=404, content_type="text/xml; charset=utf-8")
    return HttpResponse(
        to_json(document), status=404, content_type="application/json; charset=utf-8"
    )
