from django.urls import re_path

from joinedup.geo.api import views

app_name = "mapit"

# MapIt's own URL forms, with its optional `.json` suffix.
urlpatterns = [
    re_path(
        r"^point/4326/(?P<coordinates>[^/]+?)(?:\.json)?$",
        views.PointAreasApi.as_view(),
        name="point",
    ),
    re_path(
        r"^postcode/(?P<postcode>[^/]+?)(?:\.json)?$", views.PostcodeApi.as_view(), name="postcode"
    ),
    re_path(
        r"^area/(?P<area>[A-Za-z0-9]+)\.geojson$",
        views.AreaGeoJSONApi.as_view(),
        name="area-geojson",
    ),
    re_path(r"^area/(?P<area>[A-Za-z0-9]+)(?:\.json)?$", views.AreaApi.as_view(), name="area"),
    re_path(
        r"^areas/(?P<types>[A-Za-z,]+)(?:\.json)?$", views.AreasByTypeApi.as_view(), name="areas"
    ),
    re_path(
        r"^code/(?P<code_type>[a-z_]+)/(?P<code>[A-Za-z0-9]+)(?:\.json)?$",
        views.CodeRedirectApi.as_view(),
        name="code",
    ),
]
