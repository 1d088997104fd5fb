from django.apps import AppConfig


class GovukNotifyConfig(AppConfig):
    name = "joinedup.integrations.govuk_notify"
    label = "govuk_notify"
    verbose_name = "GOV.UK Notify"
