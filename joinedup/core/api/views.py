"""Internal API of core: who is calling. Other systems use it to check a token works."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from joinedup.core.api.authentication import INTERNAL_API_AUTHENTICATION, INTERNAL_API_PERMISSIONS
from joinedup.core.models import ApiToken
from joinedup.core.selectors import organisation_list_for_actor


class InternalApi(APIView):
    """Base for every internal endpoint: organisation tokens or an officer's session (which
    must have passed multi-factor sign-in), and token scopes checked."""

    authentication_classes = INTERNAL_API_AUTHENTICATION
    permission_classes = INTERNAL_API_PERMISSIONS
    required_scopes: tuple[str, ...] = ()


class CallerGetApi(InternalApi):
    @extend_schema_serializer(component_name="CallerOutput")
    class OutputSerializer(serializers.Serializer):
        username = serializers.CharField()
        organisations = serializers.ListField(child=serializers.CharField())
        scopes = serializers.ListField(child=serializers.CharField(), allow_null=True)

    @extend_schema(responses=OutputSerializer, summary="Who the caller acts as")
    def get(self, request: Request) -> Response:
        token = request.auth if isinstance(request.auth, ApiToken) else None
        data = {
            "username": request.user.get_username(),
            "organisations": [o.slug for o in organisation_list_for_actor(actor=request.user)],
            "scopes": token.scopes if token else None,
        }
        return Response(self.OutputSerializer(data).data)
