from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceRequestsConfig(AppConfig):
    name = "joinedup.service_requests"
    label = "service_requests"
    verbose_name = "Service requests"

    def ready(self) -> None:
        from joinedup.catalogue.flows import register_flow
        from joinedup.service_requests import notifications  # noqa: F401  (registers templates)
        from joinedup.service_requests.routes import FLOW_KEY

        register_flow(FLOW_KEY, url_name="service_requests:report", label=str(_("Report it")))

        from joinedup.crm import registry
        from joinedup.service_requests.providers import ServiceRequestProvider

        registry.register(ServiceRequestProvider())
