from django.contrib.auth import views as auth_views
from django.urls import path

from joinedup.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-in/verify/", views.mfa_verify, name="mfa-verify"),
    path("sign-in/authenticator/", views.mfa_enrol, name="mfa-enrol"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("staff/", views.staff_home, name="staff-home"),
    path("staff/organisations/<slug:slug>/", views.organisation_detail, name="organisation-detail"),
    path(
        "staff/organisations/<slug:slug>/audit/",
        views.organisation_audit,
        name="organisation-audit",
    ),
]
