from django.urls import re_path

from joinedup.integrations.open311.api import views

app_name = "open311"

FMT = r"\.(?P<format>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.DiscoveryApi.as_view(), name="discovery"),
    re_path(r"^services" + FMT, views.ServiceListApi.as_view(), name="services"),
    re_path(
        r"^services/(?P<service_code>[^/]+?)" + FMT,
        views.ServiceDefinitionApi.as_view(),
        name="service",
    ),
    re_path(r"^requests" + FMT, views.ServiceRequestsApi.as_view(), name="requests"),
    re_path(
        r"^requests/(?P<service_request_id>[^/]+?)" + FMT,
        views.ServiceRequestApi.as_view(),
        name="request",
    ),
    re_path(r"^tokens/(?P<token>[^/]+?)" + FMT, views.TokenApi.as_view(), name="token"),
    re_path(
        r"^servicerequestupdates" + FMT, views.ServiceRequestUpdatesApi.as_view(), name="updates"
    ),
    re_path(r"^(?P<path>.*)$", views.not_found, name="not-found"),
]
