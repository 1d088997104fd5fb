from django.urls import path

from joinedup.integrations.govuk_notify import views

app_name = "govuk_notify"

urlpatterns = [path("staff/messages/", views.outbox, name="outbox")]
