from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = _("Reports and decisions")

    def ready(self) -> None:
        # decisions/ builds on gis/ and inspections/; they learn of it only through
        # their registries, never by importing it.
        from decisions import hooks

        hooks.register_all()
        # The documents, for partners/' backup.
        from decisions import records

        records.register()
