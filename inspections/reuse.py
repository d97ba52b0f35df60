"""Reusing earlier action days: copy one as a template, or plan a re-inspection of some
of a closed day's premises.

Rules: only a coordinator of the day's municipality reuses it; what is created is a draft
in that same municipality (sector rules belong to the municipality and are untouched).
Copies start afresh: every visit planned, nothing started. Each workflow is one
transaction and writes one audit row (CREATE).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from inspections.access import AFTERMATH_STATUSES, coordinated_municipalities
from inspections.models import ActionDay, Team, Visit, VisitTask
from partners import audit
from partners.models import AuditEntry

# Copied as they are; status, release, version and dates are the new day's own.
DAY_FIELDS = (
    "municipality",
    "starts_at",
    "ends_at",
    "zone",
    "lead_partner",
    "briefing_place",
    "briefing_time",
    "briefing_lon",
    "briefing_lat",
    "priorities",
    "sharing_protocol",
    "travel_speed_kmh",
    "visit_minutes",
    "recent_visit_days",
)
VISIT_FIELDS = ("premises", "route_order", "slot_start", "slot_end", "entry_partner", "entry_basis")


class ReuseRefused(Exception):
    """A copy or re-inspection the rules do not allow; nothing was created."""


def check_coordinator(user: Any, action_day: ActionDay) -> None:
    if not coordinated_municipalities(user).filter(pk=action_day.municipality_id).exists():
        raise ReuseRefused(_("You do not coordinate action days of this municipality."))


def check_future(on: date) -> None:
    if on <= timezone.localdate():
        raise ReuseRefused(_("Choose a date in the future."))


def new_day_from(source: ActionDay, *, title: str, on: date, user: Any) -> ActionDay:
    day = ActionDay(
        title=title[:200],
        date=on,
        coordinator=user,
        copied_from=source,
        status=ActionDay.Status.DRAFT,
        **{name: getattr(source, name) for name in DAY_FIELDS},
    )
    day.save()
    day.partners.set(source.partners.all())
    return day


def copy_tasks(source: Visit, target: Visit) -> None:
    VisitTask.objects.bulk_create(
        VisitTask(visit=target, competency_id=task.competency_id, partner_id=task.partner_id)
        for task in source.tasks.all()
    )


@transaction.atomic
def copy_action_day(
    *, source: ActionDay, on: date, user: Any, with_visits: bool = True
) -> ActionDay:
    """A new draft on ``on`` like ``source``: same partners, teams and members, zone,
    briefing and priorities; its visits (with tasks and team) unless ``with_visits`` is
    false, all planned again."""
    check_coordinator(user, source)
    check_future(on)
    copy = new_day_from(source, title=f"{source.title} ({_('copy')})", on=on, user=user)
    teams: dict[int, Team] = {}
    for team in source.teams.prefetch_related("members"):
        teams[team.pk] = Team.objects.create(action_day=copy, name=team.name, lead=team.lead)
        teams[team.pk].members.set(team.members.all())
    visits = 0
    if with_visits:
        for visit in source.visits.prefetch_related("tasks"):
            new = Visit.objects.create(
                action_day=copy,
                team=teams.get(visit.team_id) if visit.team_id else None,
                **{name: getattr(visit, name) for name in VISIT_FIELDS},
            )
            copy_tasks(visit, new)
            visits += 1
    audit.record(user, AuditEntry.Action.CREATE, copy, copied_from=str(source.code), visits=visits)
    return copy


@transaction.atomic
def plan_reinspection(
    *,
    visits: Sequence[Visit],
    user: Any,
    into: ActionDay | None = None,
    on: date | None = None,
) -> ActionDay:
    """Visit again the premises of ``visits`` (all of one closed day): added to the draft
    ``into``, or to a new draft on ``on``. Each new visit points at the one it repeats
    and keeps its entry partner, legal basis and tasks; teams and slots are planned anew.
    The re-inspection carries out the closed day's case too (:func:`carry_the_case`).
    Refused, creating nothing, if a premises is already on the target day."""
    if not visits:
        raise ReuseRefused(_("Choose at least one visit."))
    source = ActionDay.objects.get(pk=visits[0].action_day_id)  # as it is now
    if any(visit.action_day_id != source.pk for visit in visits):
        raise ReuseRefused(_("The visits must come from one action day."))
    check_coordinator(user, source)
    if source.status not in AFTERMATH_STATUSES:
        raise ReuseRefused(_("Re-inspections are planned from a closed action day."))
    if into is None:
        if on is None:
            raise ReuseRefused(_("Choose a date or an existing draft."))
        check_future(on)
        title = _("Re-inspection: %(title)s") % {"title": source.title}
        into = new_day_from(source, title=title, on=on, user=user)
    else:
        check_coordinator(user, into)
        if into.status != ActionDay.Status.DRAFT or into.municipality_id != source.municipality_id:
            raise ReuseRefused(_("Re-inspections are added to a draft of the same municipality."))
        taken = set(into.visits.values_list("premises_id", flat=True))
        doubles = [str(visit.premises) for visit in visits if visit.premises_id in taken]
        if doubles:
            raise ReuseRefused(
                _("Already on that action day: %(premises)s.") % {"premises": ", ".join(doubles)}
            )
    for visit in visits:
        new = Visit.objects.create(
            action_day=into,
            premises_id=visit.premises_id,
            entry_partner_id=visit.entry_partner_id,
            entry_basis=visit.entry_basis,
            reinspection_of=visit,
        )
        copy_tasks(visit, new)
    carry_the_case(source, into)
    audit.record(
        user,
        AuditEntry.Action.CREATE,
        into,
        reinspection_of=[str(visit.code) for visit in visits],
        source=str(source.code),
        case=into.case.number if into.case is not None else "",
    )
    return into


def carry_the_case(source: ActionDay, target: ActionDay) -> None:
    """A re-inspection checks what the case's day found, so it belongs to the same case
    and the case shows it among its outcomes. A draft already carrying out another case
    keeps its own; a closed case takes no more action days."""
    if source.case_id is None or target.case_id is not None:
        return
    case = Case.objects.exclude(state=Case.State.CLOSED).filter(pk=source.case_id).first()
    if case is None:
        return
    target.case = case
    target.save(update_fields=["case"])
