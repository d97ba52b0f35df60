"""The field side of the demo: the checklists the demo action day's partners fill."""

from __future__ import annotations

from gis.models import Sector
from inspections.field_access import current_versions
from inspections.field_catalogue import seed_checklists
from inspections.models import (
    TRAFFICKING_COMPETENCY,
    ActionDay,
    ChecklistTemplate,
    ChecklistVersion,
    VisitTask,
)
from partners.models import Competency


def load_field_demo(action_day: ActionDay) -> list[ChecklistVersion]:
    """Make sure a published checklist exists for every competency checked at the day's
    visits, and the human-trafficking indicators (they come with the seed, so usually
    nothing changes). Idempotent; returns the checklist versions the day uses."""
    seed_checklists(ChecklistTemplate, ChecklistVersion, Competency, Sector)
    codes = set(
        VisitTask.objects.filter(visit__action_day=action_day, partner__isnull=False)
        .values_list("competency__code", flat=True)
        .distinct()
    )
    codes.add(TRAFFICKING_COMPETENCY)
    templates = ChecklistTemplate.objects.filter(competency__code__in=codes)
    return sorted(current_versions(templates).values(), key=lambda version: version.template.slug)
