from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

urlpatterns = [
    # The MapIt lookups are the busiest path: tried first, they skip a failed match (an
    # exception) in each "" include below (docs/benchmarks.md).
    path("mapit/", include("joinedup.geo.api.urls")),
    # The front door is the home page; core's own "" placeholder stays behind it.
    path("", include("joinedup.routing.urls")),
    path("", include("joinedup.core.urls")),
    path("api/v1/", include("joinedup.routing.api.urls")),
    path("api/internal/core/", include("joinedup.core.api.urls")),
    path("staff/", include("joinedup.crm.urls")),
    path("account/", include("joinedup.accounts.urls")),
    path("api/internal/crm/", include("joinedup.crm.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="openapi-schema"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("joinedup.integrations.govuk_notify.urls")),
    path("sandbox-pay/", include("joinedup.integrations.govuk_pay.sandbox.urls")),
    path("", include("joinedup.payments.urls")),
    path("", include("joinedup.service_requests.urls")),
    path("open311/v2/", include("joinedup.integrations.open311.urls")),
    path("", include("joinedup.council_tax.urls")),
]

handler400 = "joinedup.core.views.bad_request"
handler403 = "joinedup.core.views.permission_denied"
handler404 = "joinedup.core.views.page_not_found"
handler500 = "joinedup.core.views.server_error"
