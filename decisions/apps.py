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
        # A case lists the joint reports and decisions on its premises among its outcomes.
        from cases.outcomes import register as register_case_outcome
        from decisions.case_outcomes import decision_outcomes, report_outcomes

        register_case_outcome(report_outcomes)
        register_case_outcome(decision_outcomes)
        # The documents, for partners/' backup.
        from decisions import records

        records.register()
