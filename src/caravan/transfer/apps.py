from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransferConfig(AppConfig):
    name = "caravan.transfer"
    label = "transfer"
    verbose_name = _("Technique transfer")

    def ready(self):
        from .metrics import register

        # Agreements count "techniques transferred" from the plans that cite them.
        register()
