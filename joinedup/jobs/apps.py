from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "joinedup.jobs"
    label = "jobs"
    verbose_name = "Background jobs"

    def ready(self) -> None:
        # Tasks register themselves when their module is imported; import every
        # installed app's `tasks` module so a worker knows them all.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("tasks")
