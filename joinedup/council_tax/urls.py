from django.urls import path

from joinedup.council_tax import views

app_name = "council_tax"

urlpatterns = [
    path("council-tax/", views.find_account, name="find"),
    path("council-tax/account/", views.account, name="account"),
    path("council-tax/account/pay/", views.pay, name="pay"),
    path("council-tax/account/leave/", views.leave, name="leave"),
    path("council-tax/account/link/", views.link, name="link"),
    path("council-tax/linked/<int:liable_person_id>/remove/", views.unlink, name="unlink"),
    path("staff/council-tax/", views.staff_search, name="staff-search"),
    path("staff/council-tax/accounts/<int:account_id>/", views.staff_account, name="staff-account"),
    path("staff/council-tax/accounts/<int:account_id>/bill/", views.staff_bill, name="staff-bill"),
    path("staff/council-tax/accounts/<int:account_id>/link/", views.staff_link, name="staff-link"),
    path(
        "staff/council-tax/accounts/<int:account_id>/links/<int:liable_person_id>/remove/",
        views.staff_unlink,
        name="staff-unlink",
    ),
    path(
        "staff/council-tax/payments/<uuid:payment_id>/refund/",
        views.staff_refund,
        name="staff-refund",
    ),
]
