from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "joinedup.demo"
    label = "demo"
    verbose_name = "Demonstration partnership"
