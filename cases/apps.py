from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    """The case work around an action day: signals from every desk, subjects and their
    links, case files, case meetings and the instruments they choose. Builds on partners
    and gis; inspections and decisions link back to a case through registries
    (:mod:`cases.outcomes`), never the other way round."""

    name = "cases"
    verbose_name = _("Cases")
