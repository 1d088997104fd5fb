from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "joinedup.accounts"
    label = "accounts"
    verbose_name = "Resident accounts"

    def ready(self) -> None:
        from joinedup.accounts import notifications  # noqa: F401  (registers the template)
