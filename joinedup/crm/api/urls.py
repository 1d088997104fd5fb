from django.urls import path

from joinedup.crm.api import views

app_name = "crm-api"

urlpatterns = [
    path("people/", views.PersonSearchApi.as_view(), name="person-search"),
    path("people/<uuid:public_id>/", views.PersonGetApi.as_view(), name="person-get"),
    path(
        "people/<uuid:public_id>/contacts/",
        views.ContactEventCreateApi.as_view(),
        name="contact-event-create",
    ),
]
