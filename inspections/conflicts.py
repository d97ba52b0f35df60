"""Conflicts in an action day's plan, recomputed on every change and shown live.

The plan is read once, as plain values where a check needs no more (who is in which
team, which partner each person belongs to, which competencies each visit's checks
need), and each check works on that reading: the panel costs the same dozen queries for
12 visits or 200, and names people and competencies only for the conflicts it reports.
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
from partners.models import Competency, Partner, Person, SharingProtocol

FINISHED_VISIT = (Visit.Status.DONE, Visit.Status.NO_ACCESS, Visit.Status.CLOSED)


@dataclass(frozen=True)
class Conflict:
    kind: str
    message: str
    visit_codes: tuple[str, ...] = field(default=())


@dataclass
class Staffing:
    """Who makes the day's visits: each team's name and people (members and lead), and
    the partner of each of those people who has one."""

    team_names: dict[int, str]
    people_of: dict[int, set[int]]
    partner_of: dict[int, int]


# What the checks read of a visit, its premises (to name it) and its team.
VISIT_FIELDS = (
    *("code", "action_day", "premises", "team", "slot_start", "slot_end", "status"),
    *(f"premises__{name}" for name in ("name", "address", "parcel_key", "lat", "lon")),
    *("premises__last_inspected_on", "team__name"),
)


def read_staffing(action_day: ActionDay, teams: list[Team] | None = None) -> Staffing:
    """``teams``: the day's teams, when the caller has read them already."""
    team_names: dict[int, str] = {}
    people_of: dict[int, set[int]] = {}
    rows = (
        action_day.teams.values_list("pk", "name", "lead")
        if teams is None
        else [(team.pk, team.name, team.lead_id) for team in teams]
    )
    for pk, name, lead in rows:
        team_names[pk] = name
        people_of[pk] = {lead} if lead else set()
    for team, member in Team.members.through.objects.filter(
        team__action_day=action_day
    ).values_list("team", "user"):
        people_of[team].add(member)
    people = set().union(*people_of.values()) if people_of else set()
    partner_of = dict(
        Person.objects.filter(user__in=people).order_by().values_list("user", "partner")
    )
    return Staffing(team_names, people_of, partner_of)


def conflict_visits(action_day: ActionDay) -> list[Visit]:
    """The day's visits with no more than the checks read."""
    return list(action_day.visits.select_related("premises", "team").only(*VISIT_FIELDS))


def find_conflicts(
    action_day: ActionDay,
    visits: list[Visit] | None = None,
    partners: list[Partner] | None = None,
    teams: list[Team] | None = None,
) -> list[Conflict]:
    """Every conflict of the plan. ``visits``: all the day's visits, ``partners``: the
    day's partners by short name, and ``teams``: its teams, when the caller has read
    them already."""
    staffing = read_staffing(action_day, teams)
    if visits is None:
        visits = conflict_visits(action_day)
    if partners is None:
        partners = list(action_day.partners.order_by("short_name"))
    # Each visit's checks, as (competency, partner) pairs.
    tasks: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for visit, competency, partner in VisitTask.objects.filter(
        visit__action_day=action_day
    ).values_list("visit", "competency", "partner"):
        tasks[visit].append((competency, partner))
    return [
        *people_in_two_places(action_day, staffing),
        *uncovered_competencies(visits, staffing, tasks),
        *unassigned_visits(visits),
        *overlapping_slots(visits),
        *slots_after_closing(action_day, visits),
        *partners_without_protocol(action_day, partners),
        *partners_without_people(partners, staffing, tasks),
        *recently_visited(action_day, visits),
        *extra_checks(action_day, visits),
    ]


def names(user_ids: set[int]) -> dict[int, str]:
    users = get_user_model().objects.filter(pk__in=user_ids)
    return {user.pk: user.get_full_name() or user.get_username() for user in users}


def people_in_two_places(action_day: ActionDay, staffing: Staffing) -> list[Conflict]:
    teams_of: dict[int, list[str]] = defaultdict(list)
    for team, people in staffing.people_of.items():
        for person in people:
            teams_of[person].append(staffing.team_names[team])
    everyone = set(teams_of)
    doubled = sorted(
        (person, sorted(teams)) for person, teams in teams_of.items() if len(teams) > 1
    )
    other_days = ActionDay.objects.filter(
        date=action_day.date, starts_at__lt=action_day.ends_at, ends_at__gt=action_day.starts_at
    ).exclude(pk=action_day.pk)
    busy = (
        Team.objects.filter(action_day__in=other_days)
        .filter(Q(members__in=everyone) | Q(lead__in=everyone))
        .values_list("members", "lead", "action_day__title")
    )
    # In the order found, each person and day once.
    elsewhere = list(
        dict.fromkeys(
            (person, title) for member, lead, title in busy for person in {member, lead} & everyone
        )
    )
    if not (doubled or elsewhere):
        return []
    labels = names({person for person, _teams in doubled} | {person for person, _ in elsewhere})
    return [
        *(
            Conflict(
                "person_in_two_teams",
                _("%(person)s is in two teams: %(teams)s.")
                % {"person": labels[person], "teams": ", ".join(teams)},
            )
            for person, teams in doubled
        ),
        *(
            Conflict(
                "person_on_two_days",
                _("%(person)s also takes part in “%(day)s” at the same time.")
                % {"person": labels[person], "day": title},
            )
            for person, title in elsewhere
        ),
    ]


def uncovered_competencies(
    visits: list[Visit], staffing: Staffing, tasks: dict[int, list[tuple[int, int]]]
) -> list[Conflict]:
    """A visit needs each of its tasks' competencies held by a partner of someone in
    the team that makes it."""
    held: dict[int, set[int]] = defaultdict(set)
    for partner, competency in Partner.competencies.through.objects.filter(
        partner__in=set(staffing.partner_of.values())
    ).values_list("partner", "competency"):
        held[partner].add(competency)
    covered_by_team = {
        team: set().union(
            *(held[staffing.partner_of[p]] for p in people if p in staffing.partner_of)
        )
        for team, people in staffing.people_of.items()
    }
    # Each visit made by a team with the competencies nobody in it holds, and its team.
    missing_of: dict[Visit, tuple[list[int], str]] = {}
    for visit in visits:
        if visit.team_id is None:
            continue
        covered = covered_by_team.get(visit.team_id, set())
        missing = [
            competency for competency, _partner in tasks[visit.pk] if competency not in covered
        ]
        if missing:
            missing_of[visit] = (missing, staffing.team_names[visit.team_id])
    if not missing_of:
        return []
    needed = {competency for missing, _team in missing_of.values() for competency in missing}
    titles = {
        competency.pk: competency.title for competency in Competency.objects.filter(pk__in=needed)
    }
    return [
        Conflict(
            "competency_uncovered",
            _("%(premises)s: nobody in %(team)s can check %(missing)s.")
            % {
                "premises": visit.premises,
                "team": team,
                "missing": ", ".join(titles[competency] for competency in missing),
            },
            (str(visit.code),),
        )
        for visit, (missing, team) in missing_of.items()
    ]


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


def partners_without_protocol(action_day: ActionDay, partners: list[Partner]) -> list[Conflict]:
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
        for partner in partners
        if partner.pk not in covered
    ]


def partners_without_people(
    partners: list[Partner], staffing: Staffing, tasks: dict[int, list[tuple[int, int]]]
) -> list[Conflict]:
    staffed = set(staffing.partner_of.values())
    tasked = {partner for checks in tasks.values() for _competency, partner in checks}
    return [
        Conflict(
            "partner_without_people",
            _("%(partner)s has checks to do but nobody in any team.")
            % {"partner": partner.short_name},
        )
        for partner in partners
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
