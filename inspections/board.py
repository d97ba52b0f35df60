"""The live board of an action day: every visit's status per team, and the
coordinator's move of a visit to another team during the day.

Rules: a move names the plan version it was based on; if the plan changed meanwhile the
move is refused and nothing changes (optimistic locking on ``ActionDay.version``). Only
visits that have not started or had no access may move; a visit that had no access is
planned again for its new team. A closed day's plan no longer changes. Once the day is
released, a move that would add a conflict (a team due in two places at once, a check
nobody in the new team can do) is refused with the reason, by the same gate as every
change on the plan page (``actions.no_new_conflicts``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Max
from django.utils.translation import gettext as _

from inspections import actions
from inspections.models import ActionDay, Evidence, Finding, FindingAnswer, Team, Visit
from partners import audit
from partners.models import AuditEntry

MOVABLE_STATUSES = (Visit.Status.PLANNED, Visit.Status.NO_ACCESS)
MOVABLE_DAY_STATUSES = (
    ActionDay.Status.DRAFT,
    ActionDay.Status.PLANNED,
    ActionDay.Status.RELEASED,
    ActionDay.Status.IN_PROGRESS,
)


class MoveRefused(Exception):
    """A move the rules do not allow."""


@dataclass
class Column:
    team: Team | None
    visits: list[Visit]

    @property
    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for visit in self.visits:
            counts[visit.status] = counts.get(visit.status, 0) + 1
        return counts


def columns(action_day: ActionDay) -> list[Column]:
    """One column per team in name order, then the visits without a team (if any)."""
    visits = list(
        action_day.visits.select_related("premises", "team").order_by(
            F("route_order").asc(nulls_last=True), F("slot_start").asc(nulls_last=True), "pk"
        )
    )
    result = [
        Column(team, [visit for visit in visits if visit.team_id == team.pk])
        for team in action_day.teams.order_by("name")
    ]
    unassigned = [visit for visit in visits if visit.team_id is None]
    if unassigned:
        result.append(Column(None, unassigned))
    return result


@dataclass
class Totals:
    """The day's totals at the head of the board: how far the visits are and how much
    the field has sent. Counts only: no finding's content reaches the board."""

    visits: int
    by_status: dict[str, int]
    findings: int
    photos: int

    @property
    def ended(self) -> int:
        return sum(self.by_status.get(status, 0) for status in ENDED_STATUSES)


ENDED_STATUSES = (Visit.Status.DONE, Visit.Status.NO_ACCESS, Visit.Status.CLOSED)


def totals(action_day: ActionDay) -> Totals:
    by_status = dict(action_day.visits.order_by().values_list("status").annotate(count=Count("pk")))
    photo_answers = FindingAnswer.objects.filter(
        finding__visit__action_day=action_day, kind="photo"
    ).values_list("value", flat=True)
    named = {sha for value in photo_answers if isinstance(value, list) for sha in value}
    return Totals(
        visits=sum(by_status.values()),
        by_status=by_status,
        findings=Finding.objects.filter(visit__action_day=action_day).count(),
        # Photos that arrived; a photo still on a tablet is named but not yet here.
        photos=Evidence.objects.filter(sha256__in=named).count(),
    )


def can_move(action_day: ActionDay, visit: Visit) -> bool:
    return action_day.status in MOVABLE_DAY_STATUSES and visit.status in MOVABLE_STATUSES


@transaction.atomic
def move_visit(
    *, action_day: ActionDay, visit: Visit, team: Team, version: int, user: Any
) -> Visit:
    """Put ``visit`` at the end of ``team``'s route, or raise actions.StalePlan,
    MoveRefused or (a new conflict) ValidationError; a refusal changes nothing."""
    if visit.action_day_id != action_day.pk or team.action_day_id != action_day.pk:
        raise MoveRefused(_("This visit or team is not part of this action day."))
    if not can_move(action_day, visit):
        raise MoveRefused(_("This visit can no longer be moved."))
    with actions.no_new_conflicts(action_day):
        actions.bump_version(action_day, version)
        previous = visit.team
        put_last(visit, team)
    audit.record(
        user,
        AuditEntry.Action.CHANGE,
        visit,
        municipality=action_day.municipality,
        moved_from=previous.name if previous else "",
        moved_to=team.name,
        version=action_day.version,
    )
    return visit


def put_last(visit: Visit, team: Team) -> None:
    last = team.visits.exclude(pk=visit.pk).aggregate(last=Max("route_order"))["last"]
    visit.team = team
    visit.route_order = (last or 0) + 1
    if visit.status == Visit.Status.NO_ACCESS:
        visit.status = Visit.Status.PLANNED
        visit.finished_at = None
    visit.save(update_fields=["team", "route_order", "status", "finished_at"])
