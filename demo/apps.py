from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo city: the last app of the chain, so it may build on every other one."""

    name = "demo"
    verbose_name = "Demo"
