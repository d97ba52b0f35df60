"""Planning an action day: routes and slots for 40 visits in 8 teams and 200 visits in 20
teams (floor: computing the straight-line distance matrices of the same points), and
the planning page and its HTMX answers at 40 and 200 visits (floor: the no-op page),
with SQL query counts that must not grow with the visits.

``plan_fragment`` is the coordinator's most frequent click: moving a visit to another
team (the team menu of its row), answered with the two teams' tables and what depends
on them. ``plan_routes_fragment`` is "Propose routes and slots", which reorders every
team and so redraws every team's table."""

from __future__ import annotations

import functools
import io
import random
from collections.abc import Callable
from datetime import time, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from bench.harness import best_of, count_queries, report
from gis.models import Premises
from inspections import actions, routing
from inspections.models import ActionDay, Team, Visit
from partners.models import Municipality, Partner

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def build_day(visits: int, teams: int) -> ActionDay:
    halle = Municipality.objects.get(code="23027")
    coordinator = User.objects.get(username="coordinator")
    day = actions.create_action_day(
        user=coordinator,
        municipality=halle,
        title=f"Bench {visits}",
        date=timezone.localdate() + timedelta(days=visits),
        starts_at=time(8),
        ends_at=time(23),
        briefing_time=time(7, 30),
        briefing_lon=4.2231,
        briefing_lat=50.7140,
        visit_minutes=5,
    )
    actions.set_partners(
        action_day=day,
        user=coordinator,
        version=day.version,
        partners=Partner.objects.filter(slug="pz-zennevallei"),
    )
    premises = list(Premises.objects.filter(municipality=halle).order_by("?")[:visits])
    actions.add_visits(action_day=day, user=coordinator, version=day.version, premises=premises)
    police = User.objects.filter(person__partner__slug="pz-zennevallei").first()
    created = [
        actions.save_team(
            action_day=day,
            user=coordinator,
            version=day.version,
            name=f"Team {n + 1}",
            lead=police,
            members=[],
        )
        for n in range(teams)
    ]
    rows = list(day.visits.all())
    for index, visit in enumerate(rows):
        visit.team = created[index % teams]
    Visit.objects.bulk_update(rows, ["team"])
    return day


def floor_matrices(day: ActionDay) -> None:
    start = (day.briefing_lon, day.briefing_lat)
    by_team: dict[int, list[routing.Point]] = {}
    for team, lon, lat in day.visits.values_list("team", "premises__lon", "premises__lat"):
        by_team.setdefault(team, []).append((lon, lat))
    for points in by_team.values():
        routing.distance_matrix([start, *points])  # type: ignore[list-item]


def run() -> None:
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    random.seed(1)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="coordinator"))
    noop = best_of(lambda: client.get("/healthz"), repeat=20)
    for visits, teams in [(40, 8), (200, 20)]:
        day = build_day(visits, teams)
        user = User.objects.get(username="coordinator")

        def plan(day: ActionDay = day, user: User = user) -> None:
            day.refresh_from_db()
            actions.plan_routes(action_day=day, user=user, version=day.version)

        floor = best_of(functools.partial(floor_matrices, day), repeat=5)
        ours = best_of(plan, repeat=5)
        report(f"routes_{visits}v_{teams}t", ours=ours, floor=floor)

        url = f"/inspections/{day.code}/plan/"

        def page(url: str = url) -> None:
            assert client.get(url).status_code == 200

        first, second = day.teams.order_by("name")[:2]

        def move(day: ActionDay = day, teams: tuple[Team, Team] = (first, second)) -> None:
            # Back and forth between two teams, one visit per click.
            day.refresh_from_db()
            visit = day.visits.filter(team__in=teams).order_by("pk").first()
            assert visit is not None
            other = teams[1] if visit.team_id == teams[0].pk else teams[0]
            data = {"version": day.version, "visit": visit.code, "team": other.pk}
            response = client.post(f"/inspections/{day.code}/plan/assign/", data, **HTMX)
            assert response.status_code == 200, response.status_code

        def routes(day: ActionDay = day) -> None:
            day.refresh_from_db()
            response = client.post(
                f"/inspections/{day.code}/plan/routes/", {"version": day.version}, **HTMX
            )
            assert response.status_code == 200, response.status_code

        measured: list[tuple[str, Callable[[], None]]] = [
            ("plan_page", page),
            ("plan_fragment", move),
            ("plan_routes_fragment", routes),
        ]
        for name, function in measured:
            queries = count_queries(function)
            report(
                f"{name}_{visits}v", ours=best_of(function, repeat=5), floor=noop, queries=queries
            )
