from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "joinedup.crm"
    label = "crm"
    verbose_name = "Shared citizen record"

    def ready(self) -> None:
        from joinedup.crm import providers, registry

        for provider in providers.PROVIDERS:
            registry.register(provider)
