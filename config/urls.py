from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

urlpatterns = [
    path("", include("joinedup.core.urls")),
    path("mapit/", include("joinedup.geo.api.urls")),
    path("api/internal/core/", include("joinedup.core.api.urls")),
    path("staff/", include("joinedup.crm.urls")),
    path("account/", include("joinedup.accounts.urls")),
    path("api/internal/crm/", include("joinedup.crm.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="openapi-schema"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler400 = "joinedup.core.views.bad_request"
handler403 = "joinedup.core.views.permission_denied"
handler404 = "joinedup.core.views.page_not_found"
handler500 = "joinedup.core.views.server_error"
