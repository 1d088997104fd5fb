from django.apps import AppConfig


class CouncilTaxConfig(AppConfig):
    name = "joinedup.council_tax"
    label = "council_tax"
    verbose_name = "Council tax"
