"""Who may do what in the field (on top of :mod:`inspections.access`).

An inspector or team lead writes only their own partner's checklists, for visits of
their own team, while the action day is released or in progress. Once the day is closed
(not yet reported) a save the device recorded on the action day's date still arrives: a
tablet that was offline when the coordinator closed the day must not lose it. Such a late
save is audited with ``after_close`` (the day's code), and the plan page counts them.
The reading side is unchanged: field pages list released and in-progress days only.
The checklists a
partner fills at a visit are those of its tasks there (``VisitTask``), restricted to the
premises' sector, plus the human-trafficking indicators at every visit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.db import connections
from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from gis.models import Premises
from inspections.access import AFTERMATH_STATUSES, PARTICIPANT_STATUSES, team_visits
from inspections.models import (
    TRAFFICKING_COMPETENCY,
    ActionDay,
    ChecklistTemplate,
    ChecklistVersion,
    Team,
    Visit,
    VisitTask,
)
from partners.models import (
    AuditEntry,
    Competency,
    Municipality,
    Person,
    Role,
    person_of,
)

WRITABLE_STATUSES = (ActionDay.Status.RELEASED, ActionDay.Status.IN_PROGRESS)
# Statuses whose team still receives the saves recorded on the day (see late_refusal).
LATE_STATUSES = (ActionDay.Status.CLOSED,)
# Apps that build on the day's findings (a joint report signed by a partner) register
# here a check ``(visit, partner_id) -> reason`` that refuses a late save ("" lets it in).
LATE_SAVE_CHECKS: list[Callable[[Visit, int], str]] = []
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
    """For each visit (by pk), the current checklist versions the user's partner fills:
    of each shared checklist, the partner's own published copy, else the visit's city's,
    else the shared one (see :func:`in_force`)."""
    person = person_of(user)
    if person is None:
        return {}
    competencies: dict[int, set[int]] = defaultdict(set)
    tasks = VisitTask.objects.filter(visit__in=visits, partner_id=person.partner_id)
    for visit_id, competency_id in tasks.values_list("visit_id", "competency_id"):
        competencies[visit_id].add(competency_id)
    wanted = {competency for found in competencies.values() for competency in found}
    cities = _cities(visits)
    templates = list(
        ChecklistTemplate.objects.filter(
            Q(competency_id__in=wanted) | Q(competency__code=TRAFFICKING_COMPETENCY)
        )
        .filter(Q(municipality__isnull=True) | Q(municipality_id__in=set(cities.values())))
        .filter(Q(owner_partner__isnull=True) | Q(owner_partner_id=person.partner_id))
        .select_related("competency")
        .prefetch_related("sectors")
    )
    versions = current_versions(templates)
    result: dict[int, list[ChecklistVersion]] = {}
    for visit in visits:
        applying = [
            template
            for template in in_force(templates, versions, cities.get(visit.pk))
            if _applies(template, visit, competencies[visit.pk])
        ]
        # The trafficking indicators come last: each partner's own checks first.
        applying.sort(key=lambda template: template.competency.code == TRAFFICKING_COMPETENCY)
        result[visit.pk] = [versions[template.pk] for template in applying]
    return result


def _cities(visits: list[Visit]) -> dict[int, int]:
    """Each visit's municipality (by visit pk), read from its action day when the visit
    came with it."""
    cities = {
        visit.pk: visit.action_day.municipality_id
        for visit in visits
        if Visit.action_day.is_cached(visit)
    }
    others = [visit.pk for visit in visits if visit.pk not in cities]
    if others:
        rows = Visit.objects.filter(pk__in=others).values_list("pk", "action_day__municipality_id")
        cities.update(dict(rows))
    return cities


def in_force(
    templates: list[ChecklistTemplate],
    versions: dict[int, ChecklistVersion],
    municipality_id: int | None,
) -> list[ChecklistTemplate]:
    """Of the published templates (the user's partner's and shared ones), those in force
    in the city: one per shared entry, a partner's own copy before the city's copy
    before the shared original; another city's copies never."""
    best: dict[int, ChecklistTemplate] = {}
    for template in templates:
        if template.pk not in versions:
            continue
        if template.municipality_id not in (None, municipality_id):
            continue
        current = best.get(template.root_id)
        if current is None or _precedence(template) > _precedence(current):
            best[template.root_id] = template
    return [template for template in templates if best.get(template.root_id) is template]


def _precedence(template: ChecklistTemplate) -> int:
    return 2 if template.owner_partner_id else 1 if template.municipality_id else 0


def _applies(template: ChecklistTemplate, visit: Visit, competencies: set[int]) -> bool:
    if template.competency.code != TRAFFICKING_COMPETENCY and (
        template.competency_id not in competencies
    ):
        return False
    sectors = {sector.pk for sector in template.sectors.all()}
    return not sectors or visit.premises.sector_id in sectors


def team_visit_for(user: Any, visit_code: Any) -> Visit | None:
    """A visit of the user's teams whatever the day's status: writers check the status
    themselves (see :func:`late_refusal`), so that a closed day says why. With its action
    day, city and premises, in one query.

    The same rule as :func:`inspections.access.team_visits` (a visit of a team the user
    leads or is a member of, on a day of a city the user works for, or of any city for
    a superuser) on a released, started, closed or reported day."""
    if not is_field_worker(user):
        return None
    connection = connections[Visit.objects.db]
    code = Visit._meta.get_field("code").get_db_prep_value(visit_code, connection)
    sql = _TEAM_VISIT + ("" if user.is_superuser else _IN_USERS_CITIES) + "LIMIT 1"
    params: list[Any] = [code, user.pk, user.pk, *_TEAM_VISIT_STATUSES]
    if not user.is_superuser:
        params.append(user.pk)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    visit, day, city, premises = written_instances(
        connection, row, (Visit, VISIT_COLUMNS), (ActionDay, DAY_COLUMNS),
        (Municipality, CITY_COLUMNS), (Premises, PREMISES_COLUMNS),
    )  # fmt: skip
    day.municipality = city
    visit.action_day = day
    visit.premises = premises
    assert isinstance(visit, Visit)
    return visit


def late_refusal(visit: Visit, partner_id: int | None, recorded_at: datetime) -> str:
    """Why a save recorded at ``recorded_at`` no longer reaches this visit ("" when it
    does): a closed day takes what was recorded on its date, unless a registered check
    refuses it; a reported day takes nothing more."""
    day = visit.action_day
    if day.status in WRITABLE_STATUSES:
        return ""
    names = {"title": day.title, "day": formats.date_format(day.date)}
    if day.status not in LATE_STATUSES:
        return (
            _("The action day “%(title)s” of %(day)s has been reported: it takes no more saves.")
            % names
        )
    recorded_on = timezone.localdate(recorded_at) if timezone.is_aware(recorded_at) else None
    if recorded_on != day.date:
        return _(
            "The action day “%(title)s” of %(day)s is closed: it only takes what was "
            "recorded on that day, and this was recorded on %(other)s."
        ) % (names | {"other": formats.date_format(recorded_on or recorded_at.date())})
    for check in LATE_SAVE_CHECKS:
        if partner_id is not None and (reason := check(visit, partner_id)):
            return reason
    return ""


def late_detail(visit: Visit) -> dict[str, Any]:
    """What a save's audit row adds when it arrives after its day was closed."""
    if visit.action_day.status in WRITABLE_STATUSES:
        return {}
    return {"after_close": str(visit.action_day.code)}


def late_saves(action_day: ActionDay) -> int:
    """How many saves of the field reached this day after it was closed."""
    return AuditEntry.objects.filter(detail__after_close=str(action_day.code)).count()


def write_refusal(user: Any, visit: Visit | None, version: ChecklistVersion) -> str:
    """Why the user may not record this checklist at this visit ("" when they may), the
    day's status aside: a closed day's saves are judged by :func:`late_refusal`."""
    if not is_field_worker(user):
        return _("Only inspectors and team leads record findings.")
    if visit is None or not team_visits(user).filter(pk=visit.pk).exists():
        return _("This visit is not one of your team's.")
    if visit.action_day.status not in WRITABLE_STATUSES + AFTERMATH_STATUSES:
        return _("The action day is not released yet.")
    return checklist_refusal(user, visit, version)


def checklist_refusal(user: Any, visit: Visit, version: ChecklistVersion) -> str:
    """Why the user may not record this checklist at this visit of their team ("" when
    they may): it is not one their partner fills there."""
    found = checklist_at_visit(user, visit, version.code, published=False)
    if found is None or not found.fills:  # type: ignore[attr-defined]
        return _("This checklist is not your partner's at this visit.")
    return ""


def written_columns(alias: str, model: Any) -> tuple[list[str], str]:
    """The model's fields (a checklist version's definition aside: it is read once per
    process) and its columns for a written-out statement's SELECT, of the table ``alias``;
    :func:`written_instances` reads them back."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname != "definition"]
    return names, ", ".join(f'{alias}."{f.column}"' for f in model._meta.concrete_fields
                            if f.attname != "definition")  # fmt: skip


_VERSION_COLUMNS = written_columns("v", ChecklistVersion)
TEMPLATE_COLUMNS = written_columns("t", ChecklistTemplate)
_COMPETENCY_COLUMNS = written_columns("c", Competency)

# One statement, written out: the ORM takes longer to build it than the database to run
# it. Table and column names come from the models; every value is a parameter: the
# trafficking code, the visit, the partner, the city, the partner, the published status;
# the visit, the partner; the premises' sector; the version's code.
_CHECKLIST_AT_VISIT = f"""
SELECT {_VERSION_COLUMNS[1]}, {TEMPLATE_COLUMNS[1]}, {_COMPETENCY_COLUMNS[1]},
  (SELECT r.id FROM {ChecklistTemplate._meta.db_table} r
     INNER JOIN {Competency._meta.db_table} rc ON rc.id = r.competency_id
   WHERE COALESCE(r.adapted_from_id, r.id) = COALESCE(t.adapted_from_id, t.id)
     AND (rc.code = %s
          OR EXISTS (SELECT 1 FROM {VisitTask._meta.db_table} k WHERE k.visit_id = %s
                     AND k.partner_id = %s AND k.competency_id = r.competency_id))
     AND (r.municipality_id IS NULL OR r.municipality_id = %s)
     AND (r.owner_partner_id IS NULL OR r.owner_partner_id = %s)
     AND EXISTS (SELECT 1 FROM {ChecklistVersion._meta.db_table} p
                 WHERE p.template_id = r.id AND p.status = %s)
   ORDER BY CASE WHEN r.owner_partner_id IS NOT NULL THEN 2
                 WHEN r.municipality_id IS NOT NULL THEN 1 ELSE 0 END DESC,
            rc.code ASC, r.slug ASC
   LIMIT 1) AS in_force_id,
  EXISTS (SELECT 1 FROM {VisitTask._meta.db_table} k WHERE k.visit_id = %s
          AND k.partner_id = %s AND k.competency_id = t.competency_id) AS has_task,
  EXISTS (SELECT 1 FROM {ChecklistTemplate.sectors.through._meta.db_table} s
          WHERE s.checklisttemplate_id = t.id) AS sectored,
  EXISTS (SELECT 1 FROM {ChecklistTemplate.sectors.through._meta.db_table} s
          WHERE s.checklisttemplate_id = t.id AND s.sector_id = %s) AS in_sector
FROM {ChecklistVersion._meta.db_table} v
  INNER JOIN {ChecklistTemplate._meta.db_table} t ON t.id = v.template_id
  INNER JOIN {Competency._meta.db_table} c ON c.id = t.competency_id
WHERE v.code = %s
"""  # noqa: S608


def checklist_at_visit(
    user: Any, visit: Visit, code: Any, *, published: bool = True
) -> ChecklistVersion | None:
    """The checklist version with this code (published only, unless ``published`` is
    False), with its template and competency, or None when there is none, in one
    query; its ``fills`` says whether the user's partner fills it at ``visit`` (a visit
    of their team, with its premises and action day).

    The same rule as :func:`checklists_by_visit`, whose current versions list the
    checklists a partner fills: a version of a checklist in force at the visit (of the
    published checklists sharing its shared entry, visible to the partner in the
    visit's city and of the partner's tasks there or the trafficking indicators, the one
    of highest precedence, the first in the catalogue's order among equals), of one of
    the partner's tasks there or the trafficking indicators, for the premises' sector."""
    person = person_of(user)
    # No partner: nothing matches a partner, the version is still told apart.
    partner_id = person.partner_id if person is not None else -1
    connection = connections[ChecklistVersion.objects.db]
    code_value = ChecklistVersion._meta.get_field("code").get_db_prep_value(code, connection)
    status = ChecklistVersion.Status.PUBLISHED
    sql = _CHECKLIST_AT_VISIT + ("AND v.status = %s" if published else "")
    params: list[Any] = [TRAFFICKING_COMPETENCY, visit.pk, partner_id,
                         visit.action_day.municipality_id, partner_id, status,
                         visit.pk, partner_id, visit.premises.sector_id, code_value]  # fmt: skip
    if published:
        params.append(status)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    found, template, competency = written_instances(
        connection, row[:-4], (ChecklistVersion, _VERSION_COLUMNS),
        (ChecklistTemplate, TEMPLATE_COLUMNS), (Competency, _COMPETENCY_COLUMNS),
    )  # fmt: skip
    assert isinstance(found, ChecklistVersion) and isinstance(template, ChecklistTemplate)
    assert isinstance(competency, Competency)
    template.competency = competency
    found.template = template
    in_force_id, has_task, sectored, in_sector = row[-4:]
    found.fills = (  # type: ignore[attr-defined]
        person is not None
        and in_force_id == template.pk
        and (competency.code == TRAFFICKING_COMPETENCY or bool(has_task))
        and (not sectored or bool(in_sector))
    )
    return found


def written_instances(
    connection: Any, row: Iterable[Any], *parts: tuple[Any, tuple[list[str], str]]
) -> list[Any]:
    """The model instances a written-out statement's row holds, one per ``(model,
    columns)`` of ``parts`` in the row's order, with their values as the ORM gives them
    back (UUIDs, aware datetimes, JSON)."""
    values = list(row)
    instances = []
    for model, (names, _sql) in parts:
        converters = _converters(model, tuple(names), connection)
        converted = []
        for value, column_converters in zip(values[: len(names)], converters, strict=True):
            for converter, column in column_converters:
                value = converter(value, column, connection)
            converted.append(value)
        instances.append(model.from_db(connection.alias, names, converted))
        values = values[len(names) :]
    assert not values, "the row holds more than its parts"
    return instances


# The converters of each model's columns, by database: looking them up costs more than
# the conversion itself.
_CONVERTERS: dict[tuple[Any, tuple[str, ...], str], list[list[tuple[Any, Any]]]] = {}


def _converters(model: Any, names: tuple[str, ...], connection: Any) -> list[list[tuple[Any, Any]]]:
    key = (model, names, connection.alias)
    found = _CONVERTERS.get(key)
    if found is None:
        fields = {field.attname: field for field in model._meta.concrete_fields}
        found = []
        for name in names:
            column = fields[name].get_col(model._meta.db_table)
            converters = connection.ops.get_db_converters(column)
            converters += column.get_db_converters(connection)
            found.append([(converter, column) for converter in converters])
        _CONVERTERS[key] = found
    return found


# Also the start of the field sync's written-out reads (inspections.sync).
VISIT_COLUMNS = written_columns("vi", Visit)
DAY_COLUMNS = written_columns("d", ActionDay)
CITY_COLUMNS = written_columns("m", Municipality)
PREMISES_COLUMNS = written_columns("p", Premises)
# The statuses of days whose team visits a writer finds: a participant's (see
# inspections.access.team_visits) that a writer reads (see team_visit_for).
_TEAM_VISIT_STATUSES = [
    str(status)
    for status in WRITABLE_STATUSES + AFTERMATH_STATUSES
    if status in PARTICIPANT_STATUSES
]

# One statement, written out as _CHECKLIST_AT_VISIT: the visit's code, the user (lead),
# the user (member), the statuses; then, unless a superuser, the user (of the cities).
_TEAM_VISIT = f"""
SELECT {VISIT_COLUMNS[1]}, {DAY_COLUMNS[1]}, {CITY_COLUMNS[1]}, {PREMISES_COLUMNS[1]}
FROM {Visit._meta.db_table} vi
  INNER JOIN {Team._meta.db_table} tm ON tm.id = vi.team_id
  INNER JOIN {ActionDay._meta.db_table} d ON d.id = vi.action_day_id
  INNER JOIN {Municipality._meta.db_table} m ON m.id = d.municipality_id
  INNER JOIN {Premises._meta.db_table} p ON p.id = vi.premises_id
WHERE vi.code = %s
  AND (tm.lead_id = %s
       OR EXISTS (SELECT 1 FROM {Team.members.through._meta.db_table} tmm
                  WHERE tmm.team_id = tm.id AND tmm.user_id = %s))
  AND d.status IN ({", ".join(["%s"] * len(_TEAM_VISIT_STATUSES))})
"""  # noqa: S608
_IN_USERS_CITIES = f"""  AND d.municipality_id IN (
    SELECT pm.municipality_id FROM {Person.municipalities.through._meta.db_table} pm
      INNER JOIN {Person._meta.db_table} pp ON pp.id = pm.person_id
    WHERE pp.user_id = %s)
"""  # noqa: S608
