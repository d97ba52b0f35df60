"""Conflicts in an action day's plan, recomputed on every change and shown live.

Each check is a query or two over the whole day, never one per visit, so the panel
costs the same for 12 visits or 200.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _

from inspections.models import ActionDay, Team, Visit, VisitTask
from partners.models import Partner, Person, SharingProtocol

FINISHED_VISIT = (Visit.Status.DONE, Visit.Status.NO_ACCESS, Visit.Status.CLOSED)


@dataclass(frozen=True)
class Conflict:
    kind: str
    message: str
    visit_codes: tuple[str, ...] = field(default=())


def find_conflicts(action_day: ActionDay, visits: list[Visit] | None = None) -> list[Conflict]:
    """Every conflict of the plan. ``visits``: all the day's visits when the caller has
    read them already, with their premises, team and tasks' competencies."""
    teams = list(action_day.teams.prefetch_related("members"))
    if visits is None:
        visits = list(
            action_day.visits.select_related("premises", "team").prefetch_related(
                "tasks__competency"
            )
        )
    return [
        *people_in_two_places(action_day, teams),
        *uncovered_competencies(visits, teams),
        *unassigned_visits(visits),
        *overlapping_slots(visits),
        *slots_after_closing(action_day, visits),
        *partners_without_protocol(action_day),
        *partners_without_people(action_day, teams),
        *recently_visited(action_day, visits),
        *extra_checks(action_day, visits),
    ]


def team_people(team: Team) -> set[int]:
    people = {member.pk for member in team.members.all()}
    if team.lead_id:
        people.add(team.lead_id)
    return people


def names(user_ids: set[int]) -> dict[int, str]:
    users = get_user_model().objects.filter(pk__in=user_ids)
    return {user.pk: user.get_full_name() or user.get_username() for user in users}


def people_in_two_places(action_day: ActionDay, teams: list[Team]) -> list[Conflict]:
    conflicts = []
    teams_of: dict[int, list[str]] = defaultdict(list)
    for team in teams:
        for person in team_people(team):
            teams_of[person].append(team.name)
    everyone = set(teams_of)
    labels = names(everyone)
    for person, team_names in sorted(teams_of.items()):
        if len(team_names) > 1:
            conflicts.append(
                Conflict(
                    "person_in_two_teams",
                    _("%(person)s is in two teams: %(teams)s.")
                    % {"person": labels[person], "teams": ", ".join(sorted(team_names))},
                )
            )
    other_days = ActionDay.objects.filter(
        date=action_day.date, starts_at__lt=action_day.ends_at, ends_at__gt=action_day.starts_at
    ).exclude(pk=action_day.pk)
    busy = (
        Team.objects.filter(action_day__in=other_days)
        .filter(Q(members__in=everyone) | Q(lead__in=everyone))
        .values_list("members", "lead", "action_day__title")
    )
    reported: set[tuple[int, str]] = set()
    for member, lead, title in busy:
        for person in {member, lead} & everyone:
            if (person, title) not in reported:
                reported.add((person, title))
                conflicts.append(
                    Conflict(
                        "person_on_two_days",
                        _("%(person)s also takes part in “%(day)s” at the same time.")
                        % {"person": labels[person], "day": title},
                    )
                )
    return conflicts


def uncovered_competencies(visits: list[Visit], teams: list[Team]) -> list[Conflict]:
    """A visit needs each of its tasks' competencies held by a partner of someone in
    the team that makes it."""
    people = set().union(*(team_people(team) for team in teams)) if teams else set()
    partner_of = dict(Person.objects.filter(user__in=people).values_list("user", "partner"))
    held: dict[int, set[int]] = defaultdict(set)
    for partner, competency in Partner.competencies.through.objects.filter(
        partner__in=set(partner_of.values())
    ).values_list("partner", "competency"):
        held[partner].add(competency)
    people_of = {team.pk: team_people(team) for team in teams}
    conflicts = []
    for visit in visits:
        if visit.team is None:
            continue
        partners = {partner_of[p] for p in people_of.get(visit.team.pk, ()) if p in partner_of}
        covered = set().union(*(held[partner] for partner in partners)) if partners else set()
        missing = [
            task.competency.title for task in visit.tasks.all() if task.competency_id not in covered
        ]
        if missing:
            conflicts.append(
                Conflict(
                    "competency_uncovered",
                    _("%(premises)s: nobody in %(team)s can check %(missing)s.")
                    % {
                        "premises": visit.premises,
                        "team": visit.team.name,
                        "missing": ", ".join(missing),
                    },
                    (str(visit.code),),
                )
            )
    return conflicts


def unassigned_visits(visits: list[Visit]) -> list[Conflict]:
    loose = [visit for visit in visits if visit.team_id is None]
    if not loose:
        return []
    return [
        Conflict(
            "visit_without_team",
            _("%(count)d visit(s) have no team yet: %(premises)s.")
            % {
                "count": len(loose),
                "premises": ", ".join(str(visit.premises) for visit in loose[:5]),
            },
            tuple(str(visit.code) for visit in loose),
        )
    ]


def overlapping_slots(visits: list[Visit]) -> list[Conflict]:
    by_team: dict[int, list[Visit]] = defaultdict(list)
    for visit in visits:
        if visit.team_id and visit.slot_start and visit.slot_end:
            by_team[visit.team_id].append(visit)
    conflicts = []
    for team_visits in by_team.values():
        team_visits.sort(key=lambda visit: visit.slot_start)  # type: ignore[arg-type, return-value]
        for first, second in zip(team_visits, team_visits[1:], strict=False):
            if first.slot_overlaps(second):
                conflicts.append(
                    Conflict(
                        "overlapping_slots",
                        _("%(team)s: the slots of %(first)s and %(second)s overlap.")
                        % {"team": first.team, "first": first.premises, "second": second.premises},
                        (str(first.code), str(second.code)),
                    )
                )
    return conflicts


def slots_after_closing(action_day: ActionDay, visits: list[Visit]) -> list[Conflict]:
    late = [visit for visit in visits if visit.slot_end and visit.slot_end > action_day.ends_at]
    if not late:
        return []
    return [
        Conflict(
            "after_closing",
            _("%(count)d visit(s) end after the end of the day (%(end)s).")
            % {"count": len(late), "end": formats.time_format(action_day.ends_at)},
            tuple(str(visit.code) for visit in late),
        )
    ]


def partners_without_protocol(action_day: ActionDay) -> list[Conflict]:
    covered = set(
        SharingProtocol.objects.in_force(action_day.date)
        .filter(municipality_id=action_day.municipality_id)
        .values_list("parties", flat=True)
    )
    return [
        Conflict(
            "no_sharing_protocol",
            _("%(partner)s takes part without a sharing protocol with %(city)s.")
            % {"partner": partner.short_name, "city": action_day.municipality},
        )
        for partner in action_day.partners.order_by("short_name")
        if partner.pk not in covered
    ]


def partners_without_people(action_day: ActionDay, teams: list[Team]) -> list[Conflict]:
    people = set().union(*(team_people(team) for team in teams)) if teams else set()
    staffed = set(Person.objects.filter(user__in=people).values_list("partner", flat=True))
    tasked = set(
        VisitTask.objects.filter(visit__action_day=action_day).values_list("partner", flat=True)
    )
    return [
        Conflict(
            "partner_without_people",
            _("%(partner)s has checks to do but nobody in any team.")
            % {"partner": partner.short_name},
        )
        for partner in action_day.partners.order_by("short_name")
        if partner.pk in tasked and partner.pk not in staffed
    ]


def recently_visited(action_day: ActionDay, visits: list[Visit]) -> list[Conflict]:
    since = action_day.date - timedelta(days=action_day.recent_visit_days)
    premises_ids = [visit.premises_id for visit in visits]
    earlier = dict(
        Visit.objects.filter(
            premises__in=premises_ids,
            status__in=FINISHED_VISIT,
            action_day__date__gte=since,
            action_day__date__lt=action_day.date,
        ).values_list("premises", "action_day__date")
    )
    conflicts = []
    for visit in visits:
        last = earlier.get(visit.premises_id) or visit.premises.last_inspected_on
        if last and since <= last < action_day.date:
            conflicts.append(
                Conflict(
                    "recently_visited",
                    _("%(premises)s was inspected on %(date)s, less than %(days)d days before.")
                    % {
                        "premises": visit.premises,
                        "date": formats.date_format(last),
                        "days": action_day.recent_visit_days,
                    },
                    (str(visit.code),),
                )
            )
    return conflicts


def extra_checks(action_day: ActionDay, visits: list[Visit]) -> list[Conflict]:
    """Checks that belong to later stages (a decision in force on a premises) plug in here."""
    conflicts: list[Conflict] = []
    for check in EXTRA_CHECKS:
        conflicts.extend(check(action_day, visits))
    return conflicts


EXTRA_CHECKS: list = []
