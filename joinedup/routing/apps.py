from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "joinedup.routing"
    verbose_name = _("Front door routing")
