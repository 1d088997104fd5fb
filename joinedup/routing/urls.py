from django.urls import path

from joinedup.routing import views

app_name = "routing"

urlpatterns = [
    path("", views.start, name="start"),
    path("find/", views.find, name="find"),
    path("where/", views.where, name="where"),
]
