from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "caravan.partnerships"
    label = "partnerships"
    verbose_name = _("Agreements and visits")

    def ready(self) -> None:
        from . import providers

        providers.register()
