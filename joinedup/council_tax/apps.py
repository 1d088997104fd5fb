from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilTaxConfig(AppConfig):
    name = "joinedup.council_tax"
    label = "council_tax"
    verbose_name = "Council tax"

    def ready(self) -> None:
        from joinedup.catalogue.flows import register_flow

        # The front door sends residents of partner billing authorities here.
        register_flow("council-tax", url_name="council_tax:find", label=_("Pay your council tax"))

        from joinedup.council_tax.providers import CouncilTaxProvider
        from joinedup.crm import registry

        registry.register(CouncilTaxProvider())
