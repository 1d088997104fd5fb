from django.urls import path

from joinedup.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.my_account, name="my-account"),
    path("records/<slug:category>/", views.section, name="section"),
    path("create/", views.sign_up, name="sign-up"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("sign-in/", views.ResidentSignInView.as_view(), name="sign-in"),
    path("password-reset/", views.password_reset, name="password-reset"),
    path(
        "password-reset/<str:uidb64>/<str:token>/",
        views.password_reset_confirm,
        name="password-reset-confirm",
    ),
    path("one-login/", views.one_login_start, name="one-login-start"),
    path("one-login/callback/", views.one_login_callback, name="one-login-callback"),
    path("consent/", views.consent_change, name="consent"),
    path("privacy/", views.privacy, name="privacy"),
    path("download/", views.download, name="download"),
    path("erasure/", views.erasure, name="erasure"),
]
