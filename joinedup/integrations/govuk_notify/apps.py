from django.apps import AppConfig


class GovukNotifyConfig(AppConfig):
    name = "joinedup.integrations.govuk_notify"
    label = "govuk_notify"
    verbose_name = "GOV.UK Notify"

    def ready(self) -> None:
        # The messages sent to a person are part of their record (category `messages`).
        from joinedup.crm import registry
        from joinedup.integrations.govuk_notify.person_data import MessagesProvider

        registry.register(MessagesProvider())
