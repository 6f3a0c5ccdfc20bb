from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "caravan.training"
    label = "training"
    verbose_name = _("Training and seminars")

    def ready(self) -> None:
        # Courses held and people trained count toward the agreements they cite.
        from . import providers

        providers.register()
