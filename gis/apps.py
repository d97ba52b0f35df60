from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GisConfig(AppConfig):
    name = "gis"
    verbose_name = _("Premises register")

    def ready(self) -> None:
        # partners/ backs up, purges and answers the right of access for every app; it
        # learns what gis/ holds only from this registration.
        from gis import records

        records.register()
