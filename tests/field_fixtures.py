"""A released action day for the field tests: team 1 (the police and the social
inspector) visits car washes, team 2 (a police officer outside the cast) visits a night
shop. The plan has no conflicts, so the day can start."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import time

from django.contrib.auth.models import User
from django.utils import timezone
from PIL import Image

from gis.models import Premises, Sector
from inspections.models import (
    ActionDay,
    ChecklistTemplate,
    ChecklistVersion,
    Team,
    Visit,
    VisitTask,
)
from partners.models import Competency, Role
from tests.cast import Cast, make_user


@dataclass
class FieldDay:
    day: ActionDay
    team_1: Team
    team_2: Team
    visits: list[Visit]
    other_visit: Visit


def make_premises(cast: Cast, number: int, sector: str = "car_wash") -> Premises:
    return Premises.objects.create(
        municipality=cast.city_a,
        external_id=f"field-{number}",
        name=f"Carwash {number}",
        address=f"Bergensesteenweg {number}, 1500 Halle",
        sector=Sector.objects.get(code=sector),
        lon=4.23 + number * 0.002,
        lat=50.73 + number * 0.001,
        source_x=145000 + number,
        source_y=160000 + number,
        source_crs="EPSG:31370",
    )


def build_field_day(
    cast: Cast, *, status: str = ActionDay.Status.RELEASED, visits: int = 3
) -> FieldDay:
    day = ActionDay.objects.create(
        municipality=cast.city_a,
        title="Flexactie carwashes",
        date=timezone.localdate(),
        starts_at=time(9, 0),
        ends_at=time(17, 0),
        coordinator=cast.coordinator,
        status=status,
        briefing_place="Politiehuis Halle",
    )
    day.partners.set([cast.police, cast.social])
    team_1 = Team.objects.create(action_day=day, name="Team 1", lead=cast.police_inspector)
    team_1.members.set([cast.police_inspector, cast.social_inspector])
    competencies = {c.code: c for c in Competency.objects.all()}
    cast.police.competencies.add(competencies["identity-residence"])
    team_2 = Team.objects.create(action_day=day, name="Team 2", lead=night_shift(cast))
    made = []
    for number in range(1, visits + 1):
        visit = Visit.objects.create(
            action_day=day,
            premises=make_premises(cast, number),
            team=team_1,
            route_order=number,
            slot_start=time(9 + number, 0),
            slot_end=time(9 + number, 40),
        )
        VisitTask.objects.create(
            visit=visit, competency=competencies["identity-residence"], partner=cast.police
        )
        VisitTask.objects.create(
            visit=visit, competency=competencies["undeclared-work"], partner=cast.social
        )
        made.append(visit)
    other = Visit.objects.create(
        action_day=day,
        premises=make_premises(cast, 99, "night_shop"),
        team=team_2,
        route_order=1,
    )
    VisitTask.objects.create(
        visit=other, competency=competencies["identity-residence"], partner=cast.police
    )
    return FieldDay(day=day, team_1=team_1, team_2=team_2, visits=made, other_visit=other)


def night_shift(cast: Cast) -> User:
    """A police officer of team 2: nobody of the cast sees that team's visit."""
    user = User.objects.filter(username="police-night").first()
    return user or make_user("police-night", cast.police, [Role.INSPECTOR], cast.city_a)


def version_of(slug: str) -> ChecklistVersion:
    template = ChecklistTemplate.objects.get(slug=slug)
    version = template.current_version()
    assert version is not None
    return version


def jpeg_bytes(color: str = "red", size: tuple[int, int] = (64, 48)) -> bytes:
    stream = io.BytesIO()
    Image.new("RGB", size, color).save(stream, format="JPEG")
    return stream.getvalue()


def png_bytes(color: str = "blue") -> bytes:
    stream = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(stream, format="PNG")
    return stream.getvalue()


def seed_field_checklists() -> None:
    """The checklists come with a migration, but a transactional test's flush removes
    them: restore them (and the other catalogues) first."""
    from gis.models import Sector as SectorModel
    from inspections.field_catalogue import seed_checklists
    from tests.cast import seed_catalogues

    seed_catalogues()
    if not ChecklistTemplate.objects.exists():
        seed_checklists(ChecklistTemplate, ChecklistVersion, Competency, SectorModel)
