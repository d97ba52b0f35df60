"""An action day in city A built with the ORM: three teams, five premises, tasks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from gis.models import Premises, Zone
from inspections.models import ActionDay, Team, Visit, VisitTask
from partners.models import Competency, Municipality, Person, Role
from tests.cast import make_user

# Team 1: the car wash and the massage parlour; team 2: the restaurant and the office
# building; team 3: the night shop.
PLAN = {
    "Team 1": [("Car Wash Donut", "Bergensesteenweg 120"), ("Massage Wilby", "Basiliekstraat 7")],
    "Team 2": [("Restaurant Balisto", "Grote Markt 3"), ("Office Clumsy", "Leide 44")],
    "Team 3": [("Night shop Trilby", "Stationsstraat 9")],
}


@dataclass
class Day:
    action_day: ActionDay
    teams: dict[str, Team]
    visits: dict[str, Visit]
    fire_inspector: User


def make_premises(municipality: Municipality, number: int, name: str, address: str) -> Premises:
    return Premises.objects.create(
        municipality=municipality,
        external_id=f"T{number}",
        name=name,
        address=f"{address}, 1500 Halle",
        sector=None,
        lon=4.23 + number * 0.002,
        lat=50.73 + (number % 3) * 0.0015,
        source_x=145000.0 + number,
        source_y=160000.0 + number,
        source_crs="EPSG:31370",
    )


def make_zone(municipality: Municipality) -> Zone:
    ring = [[4.225, 50.725], [4.245, 50.725], [4.245, 50.738], [4.225, 50.738], [4.225, 50.725]]
    return Zone.objects.create(
        municipality=municipality,
        external_id="Z1",
        name="Stationsbuurt",
        geometry={"type": "Polygon", "coordinates": [ring]},
        west=4.225,
        south=50.725,
        east=4.245,
        north=50.738,
        source_crs="EPSG:4326",
    )


def build_day(case: Any, *, status: str = ActionDay.Status.RELEASED, on: date | None = None) -> Day:
    """The day of ``case`` (a CastTestCase): police lead team 1, social team 2, a fire
    inspector team 3."""
    fire_inspector = make_user("fire", case.city, [Role.INSPECTOR], case.city_a)
    Person.objects.filter(user=case.police_inspector).update(phone="+32 470 11 11 11")
    Person.objects.filter(user=case.social_inspector).update(phone="+32 470 22 22 22")
    Person.objects.filter(user=case.coordinator).update(phone="+32 2 356 00 00")
    action_day = ActionDay.objects.create(
        municipality=case.city_a,
        title="Actiedag Stationsbuurt",
        date=on or timezone.localdate() + timedelta(days=7),
        starts_at=time(9, 0),
        ends_at=time(16, 0),
        coordinator=case.coordinator,
        lead_partner=case.police,
        briefing_place="Politiekantoor Halle",
        briefing_time=time(8, 30),
        briefing_lon=4.228,
        briefing_lat=50.731,
        priorities="Human trafficking indicators at every visit.",
        zone=make_zone(case.city_a),
        status=status,
    )
    action_day.partners.set([case.police, case.social, case.city])
    leads = {
        "Team 1": case.police_inspector,
        "Team 2": case.social_inspector,
        "Team 3": fire_inspector,
    }
    public_order = Competency.objects.get(code="police-public-order")
    undeclared = Competency.objects.get(code="undeclared-work")
    teams, visits = {}, {}
    number = 0
    for name, stops in PLAN.items():
        team = Team.objects.create(action_day=action_day, name=name, lead=leads[name])
        team.members.set([leads[name]])
        teams[name] = team
        for order, (premises_name, address) in enumerate(stops, start=1):
            number += 1
            start = time(9 + order, 40 if name == "Team 2" else 0)
            visit = Visit.objects.create(
                action_day=action_day,
                premises=make_premises(case.city_a, number, premises_name, address),
                team=team,
                route_order=order,
                slot_start=start,
                slot_end=time(start.hour, start.minute + 15),
                entry_partner=case.police,
                entry_basis="Wet op het politieambt art. 26",
            )
            VisitTask.objects.create(visit=visit, competency=public_order, partner=case.police)
            VisitTask.objects.create(visit=visit, competency=undeclared, partner=case.social)
            visits[premises_name] = visit
    return Day(action_day, teams, visits, fire_inspector)
