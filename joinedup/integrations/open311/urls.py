from django.urls import re_path

from joinedup.integrations.open311.api import views

app_name = "open311"


def both_formats(pattern: str, view, name: str) -> list:
    """GeoReport v2 names the format by the extension: one route per format, so the
    OpenAPI schema lists each (DRF leaves `.{format}` routes out of schemas)."""
    return [
        re_path(rf"^{pattern}\.{fmt}$", view, {"format": fmt}, name=f"{name}-{fmt}")
        for fmt in ("json", "xml")
    ]


urlpatterns = [
    *both_formats("discovery", views.DiscoveryApi.as_view(), "discovery"),
    *both_formats("services", views.ServiceListApi.as_view(), "services"),
    *both_formats(
        r"services/(?P<service_code>[^/]+?)", views.ServiceDefinitionApi.as_view(), "service"
    ),
    *both_formats("requests", views.ServiceRequestsApi.as_view(), "requests"),
    *both_formats(
        r"requests/(?P<service_request_id>[^/]+?)", views.ServiceRequestApi.as_view(), "request"
    ),
    *both_formats(r"tokens/(?P<token>[^/]+?)", views.TokenApi.as_view(), "token"),
    *both_formats("servicerequestupdates", views.ServiceRequestUpdatesApi.as_view(), "updates"),
    re_path(r"^(?P<path>.*)$", views.not_found, name="not-found"),
]
