from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeleconsultConfig(AppConfig):
    name = "caravan.teleconsult"
    label = "teleconsult"
    verbose_name = _("Teleconsultation")

    def ready(self) -> None:
        from . import metrics

        metrics.register()
