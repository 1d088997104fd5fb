from django.urls import path

from joinedup.routing.api import views

app_name = "routing-api"

urlpatterns = [
    path("route", views.RouteApi.as_view(), name="route"),
]
