from django.apps import AppConfig


class GovukPaySandboxConfig(AppConfig):
    name = "joinedup.integrations.govuk_pay.sandbox"
    label = "govuk_pay_sandbox"
    verbose_name = "GOV.UK Pay sandbox provider"
