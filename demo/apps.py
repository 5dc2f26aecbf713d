from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The synthetic demo insurer (`seed_demo`): kept out of the production apps, loaded by `make run`."""

    name = "demo"
    verbose_name = "デモデータ"
