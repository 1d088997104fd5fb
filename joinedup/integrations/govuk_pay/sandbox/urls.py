from django.urls import path

from joinedup.integrations.govuk_pay.sandbox import views
from joinedup.integrations.govuk_pay.sandbox.api import views as api

app_name = "govuk_pay_sandbox"

urlpatterns = [
    path("v1/payments", api.PaymentsApi.as_view(), name="payments"),
    path("v1/payments/<str:payment_id>", api.PaymentDetailApi.as_view(), name="payment"),
    path("v1/payments/<str:payment_id>/events", api.PaymentEventsApi.as_view(), name="events"),
    path("v1/payments/<str:payment_id>/cancel", api.PaymentCancelApi.as_view(), name="cancel"),
    path("v1/payments/<str:payment_id>/refunds", api.PaymentRefundsApi.as_view(), name="refunds"),
    path(
        "v1/payments/<str:payment_id>/refunds/<str:refund_id>",
        api.PaymentRefundDetailApi.as_view(),
        name="refund",
    ),
    path("secure/<str:token>/", views.card_details, name="card-details"),
    path("secure/<str:token>/confirm/", views.confirm, name="confirm"),
    path("secure/<str:token>/cancel/", views.cancel, name="cancel-payment"),
]
