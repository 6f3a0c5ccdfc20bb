from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "caravan.demo"
    label = "demo"
    verbose_name = "Demo network"
