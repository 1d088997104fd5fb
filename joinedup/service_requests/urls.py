from django.urls import path

from joinedup.service_requests import staff_views, views

app_name = "service_requests"

urlpatterns = [
    path("report/", views.report, name="report"),
    path("report/map/", views.report_map, name="report-map"),
    path("report/details/", views.report_details, name="report-details"),
    path("report/sent/<int:pk>/<str:key>/", views.report_sent, name="report-sent"),
    path("requests/<int:pk>/", views.track, name="track"),
    path("requests/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("requests/<int:pk>/follow/", views.follow, name="follow"),
    path("requests/<int:pk>/photos/<int:photo_pk>.jpg", views.photo, name="photo"),
    path("staff/requests/", staff_views.queue, name="queue"),
    path("staff/requests/export.csv", staff_views.export_csv, name="export"),
    path("staff/requests/map/", staff_views.queue_map, name="map"),
    path("staff/requests/<int:pk>/", staff_views.case, name="case"),
    # Before case-action, whose <str:action> would otherwise take "person".
    path("staff/requests/<int:pk>/person/", staff_views.person_link, name="person-link"),
    path(
        "staff/requests/<int:pk>/person/unlink/",
        staff_views.person_unlink,
        name="person-unlink",
    ),
    path("staff/requests/<int:pk>/<str:action>/", staff_views.case_action, name="case-action"),
    path(
        "staff/requests/<int:pk>/photos/<int:photo_pk>/original",
        staff_views.original_photo,
        name="original-photo",
    ),
]
