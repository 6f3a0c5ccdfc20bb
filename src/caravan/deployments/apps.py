from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeploymentsConfig(AppConfig):
    name = "caravan.deployments"
    label = "deployments"
    verbose_name = _("Deployments")

    def ready(self):
        from .metrics import register

        # Agreements count "experts deployed" and "person-months on site" from the postings of programmes citing them.
        register()
