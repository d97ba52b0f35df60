"""Who may do what in the field (on top of :mod:`inspections.access`).

An inspector or team lead writes only their own partner's checklists, for visits of
their own team, while the action day is released or in progress. The checklists a
partner fills at a visit are those of its tasks there (``VisitTask``), restricted to the
premises' sector, plus the human-trafficking indicators at every visit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from inspections.access import team_visits
from inspections.models import (
    TRAFFICKING_COMPETENCY,
    ActionDay,
    ChecklistTemplate,
    ChecklistVersion,
    Visit,
    VisitTask,
)
from partners.models import Role, person_of

WRITABLE_STATUSES = (ActionDay.Status.RELEASED, ActionDay.Status.IN_PROGRESS)
FIELD_ROLES = (Role.INSPECTOR, Role.TEAM_LEAD)


def is_field_worker(user: Any) -> bool:
    person = person_of(user)
    return person is not None and person.has_role(*FIELD_ROLES)


def field_visits(user: Any) -> QuerySet[Visit]:
    """The visits of the user's teams on days that are released or in progress."""
    if not is_field_worker(user):
        return Visit.objects.none()
    return team_visits(user).filter(action_day__status__in=WRITABLE_STATUSES)


def field_days(user: Any) -> QuerySet[ActionDay]:
    return (
        ActionDay.objects.filter(visits__in=field_visits(user))
        .distinct()
        .order_by("date", "starts_at")
    )


def current_versions(templates: Iterable[ChecklistTemplate]) -> dict[int, ChecklistVersion]:
    """The latest published version of each template, by template pk."""
    latest: dict[int, ChecklistVersion] = {}
    published = ChecklistVersion.objects.filter(
        template__in=list(templates), status=ChecklistVersion.Status.PUBLISHED
    ).select_related("template")
    for version in published.order_by("template_id", "number"):
        latest[version.template_id] = version
    return latest


def checklists_by_visit(user: Any, visits: list[Visit]) -> dict[int, list[ChecklistVersion]]:
    """For each visit (by pk), the current checklist versions the user's partner fills."""
    person = person_of(user)
    if person is None:
        return {}
    competencies: dict[int, set[int]] = defaultdict(set)
    tasks = VisitTask.objects.filter(visit__in=visits, partner_id=person.partner_id)
    for visit_id, competency_id in tasks.values_list("visit_id", "competency_id"):
        competencies[visit_id].add(competency_id)
    wanted = {competency for found in competencies.values() for competency in found}
    templates = list(
        ChecklistTemplate.objects.filter(
            Q(competency_id__in=wanted) | Q(competency__code=TRAFFICKING_COMPETENCY)
        )
        .select_related("competency")
        .prefetch_related("sectors")
    )
    versions = current_versions(templates)
    result: dict[int, list[ChecklistVersion]] = {}
    for visit in visits:
        result[visit.pk] = [
            versions[template.pk]
            for template in templates
            if template.pk in versions and _applies(template, visit, competencies[visit.pk])
        ]
        # The trafficking indicators come last: each partner's own checks first.
        result[visit.pk].sort(
            key=lambda version: version.template.competency.code == TRAFFICKING_COMPETENCY
        )
    return result


def _applies(template: ChecklistTemplate, visit: Visit, competencies: set[int]) -> bool:
    if template.competency.code != TRAFFICKING_COMPETENCY and (
        template.competency_id not in competencies
    ):
        return False
    sectors = {sector.pk for sector in template.sectors.all()}
    return not sectors or visit.premises.sector_id in sectors


def write_refusal(user: Any, visit: Visit | None, version: ChecklistVersion) -> str:
    """Why the user may not record this checklist at this visit ("" when they may)."""
    if not is_field_worker(user):
        return "Only inspectors and team leads record findings."
    if visit is None or not team_visits(user).filter(pk=visit.pk).exists():
        return "This visit is not one of your team's."
    if visit.action_day.status not in WRITABLE_STATUSES:
        return "The action day is not released or is already closed."
    allowed = {v.template_id for v in checklists_by_visit(user, [visit]).get(visit.pk, [])}
    if version.template_id not in allowed:
        return "This checklist is not your partner's at this visit."
    return ""
