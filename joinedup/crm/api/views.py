"""Internal API of the shared citizen record, for partners' own systems (contact centre
telephony, case management) with an organisation token or an officer's session."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from joinedup.core.api.views import InternalApi
from joinedup.core.permissions import WRITE_ROLES, organisation_ids_for
from joinedup.crm import selectors, services
from joinedup.crm.models import Channel


class PersonSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    given_name = serializers.CharField()
    family_name = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)


class PersonSearchApi(InternalApi):
    required_scopes = ("crm:read",)

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True, description="Name, email address or postcode")
        ],
        responses=PersonSummarySerializer(many=True),
        summary="Search the people the caller may see",
    )
    def get(self, request: Request) -> Response:
        query = request.query_params.get("q", "").strip()[:200]
        if not query:
            raise serializers.ValidationError({"q": ["Give a name, email address or postcode."]})
        people = selectors.person_search(actor=request.user, query=query)
        return Response(PersonSummarySerializer(people, many=True).data)


class PersonGetApi(InternalApi):
    required_scopes = ("crm:read",)

    @extend_schema_serializer(component_name="PersonRecord")
    class RecordSerializer(serializers.Serializer):
        kind = serializers.CharField()
        reference = serializers.CharField()
        title = serializers.CharField()
        status = serializers.CharField()
        occurred_at = serializers.DateTimeField(allow_null=True)
        held_by = serializers.CharField(allow_null=True)
        shown_under = serializers.CharField(
            allow_null=True, help_text="Agreement reference; null for the caller's own records"
        )

    @extend_schema_serializer(component_name="PersonOutput")
    class OutputSerializer(PersonSummarySerializer):
        sections = serializers.ListField(child=serializers.DictField())

    @extend_schema(
        responses=OutputSerializer, summary="One person, as the agreements let the caller see them"
    )
    def get(self, request: Request, public_id) -> Response:
        person = selectors.person_get(actor=request.user, public_id=public_id)
        view = selectors.person_view(actor=request.user, person=person, purpose="Internal API read")
        data = PersonSummarySerializer(person).data
        data["sections"] = [
            {
                "category": section.category.code,
                "records": [
                    self.RecordSerializer(
                        {
                            "kind": record.kind,
                            "reference": record.reference,
                            "title": record.title,
                            "status": record.status,
                            "occurred_at": record.occurred_at,
                            "held_by": view.organisations[record.organisation_id].slug
                            if record.organisation_id
                            else None,
                            "shown_under": grant.agreement_reference or None if grant else None,
                        }
                    ).data
                    for record, grant in section.records
                ],
            }
            for section in view.sections
        ]
        return Response(data)


class ContactEventCreateApi(InternalApi):
    required_scopes = ("crm:write",)

    @extend_schema_serializer(component_name="ContactEventInput")
    class InputSerializer(serializers.Serializer):
        channel = serializers.ChoiceField(choices=Channel.choices)
        summary = serializers.CharField(max_length=4000)
        inbound = serializers.BooleanField(default=True)

    @extend_schema_serializer(component_name="ContactEventOutput")
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        occurred_at = serializers.DateTimeField()

    @extend_schema(
        request=InputSerializer,
        responses={201: OutputSerializer},
        summary="Record a contact with a person",
    )
    def post(self, request: Request, public_id) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        person = selectors.person_get(actor=request.user, public_id=public_id)
        org_ids = organisation_ids_for(request.user, WRITE_ROLES)
        if not org_ids:
            from django.http import Http404

            raise Http404("No such person")
        from joinedup.core.models import Organisation

        event = services.contact_event_record(
            actor=request.user,
            person=person,
            organisation=Organisation.objects.get(pk=min(org_ids)),
            **serializer.validated_data,
        )
        return Response(self.OutputSerializer(event).data, status=status.HTTP_201_CREATED)
