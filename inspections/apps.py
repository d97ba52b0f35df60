from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections")

    def ready(self) -> None:
        # gis/ shows signals raised by findings; it learns their texts only through its
        # registry, never by importing inspections/.
        from gis.signal_text import register_labeller
        from inspections.signal_labels import checklist_questions

        register_labeller(checklist_questions)
        # A case lists the action days planned for it among its outcomes.
        from cases.outcomes import register as register_case_outcome
        from inspections.case_planning import action_day_outcomes

        register_case_outcome(action_day_outcomes)
        # What inspections hold, for partners/' backup, purge and right of access.
        from inspections import records

        records.register()
