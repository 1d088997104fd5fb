from django.urls import path

from joinedup.crm import views

app_name = "crm"

urlpatterns = [
    path("people/", views.person_list, name="person-list"),
    path("people/new/", views.person_create, name="person-create"),
    path("people/<uuid:public_id>/", views.person_detail, name="person-detail"),
    path(
        "people/<uuid:public_id>/contacts/new/",
        views.contact_event_create,
        name="contact-event-create",
    ),
    path(
        "people/<uuid:public_id>/contact-details/new/",
        views.contact_details_add,
        name="contact-details-add",
    ),
    path("people/<uuid:public_id>/merge/<uuid:other_id>/", views.person_merge, name="person-merge"),
    path("people/<uuid:public_id>/access-log/", views.person_access_log, name="person-access-log"),
    path(
        "people/<uuid:public_id>/subject-access/",
        views.person_subject_access,
        name="person-subject-access",
    ),
    path("merges/<int:merge_id>/undo/", views.person_unmerge, name="person-unmerge"),
    path("erasure-requests/", views.erasure_request_list, name="erasure-request-list"),
    path(
        "erasure-requests/<int:request_id>/",
        views.erasure_request_detail,
        name="erasure-request-detail",
    ),
    path("agreements/", views.agreement_list, name="agreement-list"),
    path("agreements/new/", views.agreement_create, name="agreement-create"),
    path("agreements/<str:reference>/", views.agreement_detail, name="agreement-detail"),
    path("agreements/<str:reference>/sign/", views.agreement_sign, name="agreement-sign"),
]
