"""The demo city's action days: "Actiedag Stationsbuurt Lembeek" today (released, 12
visits, 3 teams, 6 partners; `police`, `social` and `fire` take part) and a closed action
day from last month. Built through the same workflows as the planning screen.

Idempotent: an action day is only built when no day of that title exists yet.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from gis.demo import SCENARIO
from gis.models import Premises
from inspections import actions, sync
from inspections.models import TRAFFICKING_COMPETENCY, ActionDay, Visit, VisitTask
from partners.models import Municipality, Partner, SharingProtocol

TODAY_TITLE = "Actiedag Stationsbuurt Lembeek"
LAST_MONTH_TITLE = "Controleactie Zennevallei"
PARTNERS = [
    "pz-zennevallei",
    "sociale-inspectie",
    "hvz-vbw",
    "stad-halle-omgeving",
    "stad-halle-wonen",
    "tsw",
]
# team name, lead, members, sectors of the scenario premises it visits
TEAMS = [
    ("Team 1", "police", ["social", "environment"], ["car_wash", "massage_parlour"]),
    ("Team 2", "police2", ["fire", "labour"], ["restaurant", "bar", "office"]),
    ("Team 3", "police3", ["housing"], ["housing", "night_shop"]),
]
# The briefing at the police post in Lembeek.
BRIEFING = ("Politiepost Lembeek, Bergensesteenweg", 4.2231, 50.7140)


@transaction.atomic
def load(municipality: Municipality) -> None:
    coordinator = get_user_model().objects.get(username="coordinator")
    if not ActionDay.objects.filter(municipality=municipality, title=LAST_MONTH_TITLE).exists():
        build_closed_day(municipality, coordinator)
    if not ActionDay.objects.filter(municipality=municipality, title=TODAY_TITLE).exists():
        build_todays_day(municipality, coordinator)


def scenario_premises(municipality: Municipality) -> list[Premises]:
    names = [name for name, *_ in SCENARIO if name]
    named = list(Premises.objects.filter(municipality=municipality, name__in=names))
    house = (
        Premises.objects.filter(
            municipality=municipality, sector__code="housing", signals__isnull=False
        )
        .order_by("-risk_score")
        .first()
    )
    return named + ([house] if house else [])


def new_day(municipality: Municipality, coordinator: Any, *, title: str, day: date) -> ActionDay:
    protocol = SharingProtocol.objects.filter(municipality=municipality).first()
    action_day = actions.create_action_day(
        user=coordinator,
        municipality=municipality,
        title=title,
        date=day,
        starts_at=time(9, 0),
        ends_at=time(16, 0),
        briefing_place=BRIEFING[0],
        briefing_time=time(8, 30),
        briefing_lon=BRIEFING[1],
        briefing_lat=BRIEFING[2],
        lead_partner=Partner.objects.get(slug="pz-zennevallei"),
        sharing_protocol=protocol,
        priorities="Mensenhandel en economische uitbuiting; woonst op de werkplek; vergunningen.",
    )
    actions.set_partners(
        action_day=action_day,
        user=coordinator,
        version=action_day.version,
        partners=Partner.objects.filter(slug__in=PARTNERS),
    )
    return action_day


def staff_and_route(
    action_day: ActionDay,
    coordinator: Any,
    premises: list[Premises],
    teams: list[tuple[str, str, list[str], list[str]]],
) -> None:
    users = {user.username: user for user in get_user_model().objects.all()}
    actions.add_visits(
        action_day=action_day, user=coordinator, version=action_day.version, premises=premises
    )
    visits = list(action_day.visits.select_related("premises__sector"))
    for name, lead, members, sectors in teams:
        team = actions.save_team(
            action_day=action_day,
            user=coordinator,
            version=action_day.version,
            name=name,
            lead=users[lead],
            members=[users[member] for member in members],
        )
        for visit in visits:
            if visit.premises.sector and visit.premises.sector.code in sectors:
                visit.action_day = action_day
                actions.assign_visit(
                    visit=visit, team=team, user=coordinator, version=action_day.version
                )
    drop_checks_nobody_can_do(action_day)
    actions.plan_routes(action_day=action_day, user=coordinator, version=action_day.version)


def drop_checks_nobody_can_do(action_day: ActionDay) -> None:
    """The coordinator's adjustment: checks no one in the visit's team can make are left
    for another day (the human-trafficking check stays, whoever makes it)."""
    for visit in action_day.visits.select_related("team").prefetch_related(
        "team__members__person", "team__lead__person"
    ):
        if visit.team is None:
            continue
        people = [*visit.team.members.all(), *([visit.team.lead] if visit.team.lead else [])]
        partners = {person.person.partner_id for person in people}
        VisitTask.objects.filter(visit=visit).exclude(partner__in=partners).exclude(
            competency__code=TRAFFICKING_COMPETENCY
        ).delete()


def build_todays_day(municipality: Municipality, coordinator: Any) -> None:
    action_day = new_day(municipality, coordinator, title=TODAY_TITLE, day=timezone.localdate())
    staff_and_route(action_day, coordinator, scenario_premises(municipality), TEAMS)
    for status in (ActionDay.Status.PLANNED, ActionDay.Status.RELEASED):
        actions.change_status(
            action_day=action_day, user=coordinator, version=action_day.version, status=status
        )
    try:
        from inspections.demo_field import load_field_demo
    except ImportError:
        return
    load_field_demo(action_day)


# Called with last month's day while it is still in progress, its visits ended: the
# findings of that day are recorded there, through the field's own sync code (the
# decisions app adds the ones its joint report and closure rest on).
CLOSED_DAY_FIELD_WORK: list[Callable[[ActionDay], None]] = []


def on_closed_day_field_work(hook: Callable[[ActionDay], None]) -> Callable[[ActionDay], None]:
    """Register ``hook(action_day)`` to record field work on last month's day."""
    if hook not in CLOSED_DAY_FIELD_WORK:
        CLOSED_DAY_FIELD_WORK.append(hook)
    return hook


def build_closed_day(municipality: Municipality, coordinator: Any) -> None:
    """Last month's day: other premises on the arterial roads, all visited. The team
    lead records each visit's start and end with that day's times through the sync
    API's own function, which also marks the premises inspected."""
    held_on = timezone.localdate() - timedelta(days=30)
    action_day = new_day(municipality, coordinator, title=LAST_MONTH_TITLE, day=held_on)
    excluded = [premises.pk for premises in scenario_premises(municipality)]
    premises = list(
        Premises.objects.filter(
            municipality=municipality,
            sector__code__in=["bar", "restaurant", "night_shop", "car_wash"],
        )
        .exclude(pk__in=excluded)
        .order_by("external_id")[:6]
    )
    teams = [
        ("Team A", "police", ["social", "fire"], ["bar", "restaurant", "night_shop", "car_wash"])
    ]
    staff_and_route(action_day, coordinator, premises, teams)
    for status in (
        ActionDay.Status.PLANNED,
        ActionDay.Status.RELEASED,
        ActionDay.Status.IN_PROGRESS,
    ):
        actions.change_status(
            action_day=action_day, user=coordinator, version=action_day.version, status=status
        )
    lead = get_user_model().objects.get(username="police")
    outcomes = [Visit.Status.DONE] * 5 + [Visit.Status.NO_ACCESS]
    for visit, outcome in zip(action_day.visits.order_by("route_order"), outcomes, strict=False):
        started = timezone.make_aware(datetime.combine(held_on, visit.slot_start or time(9, 30)))
        for action, at in (("start", started), (outcome, started + timedelta(minutes=35))):
            sync.record_visit_outcome(user=lead, visit_code=visit.code, action=action, at=at)
    for hook in CLOSED_DAY_FIELD_WORK:
        hook(action_day)
    action_day.refresh_from_db()
    actions.change_status(
        action_day=action_day,
        user=coordinator,
        version=action_day.version,
        status=ActionDay.Status.CLOSED,
    )
