from django.urls import path

from joinedup.core.api import views

app_name = "core-api"

urlpatterns = [
    path("caller/", views.CallerGetApi.as_view(), name="caller"),
]
