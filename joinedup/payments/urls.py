from django.urls import path

from joinedup.payments import views

app_name = "payments"

urlpatterns = [
    path("payments/return/<str:token>/", views.payment_return, name="return"),
    path("payments/webhooks/govuk-pay/", views.govuk_pay_webhook, name="govuk-pay-webhook"),
    path(
        "staff/organisations/<slug:slug>/reconciliation/",
        views.reconciliation_reports,
        name="reconciliation",
    ),
]
