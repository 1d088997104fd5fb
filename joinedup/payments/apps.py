from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "joinedup.payments"
    label = "payments"
    verbose_name = "Payments and the ledger"

    def ready(self) -> None:
        from joinedup.payments import notifications  # noqa: F401  (registers templates)
