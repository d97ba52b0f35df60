"""Helpers to build action days for tests: premises in Halle and a plan around them."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from django.utils import timezone

from gis.models import Premises, Sector
from inspections import actions
from inspections.models import ActionDay
from partners.models import Competency, Municipality

HALLE_CENTRE = (4.2345, 50.7346)


def make_premises(
    municipality: Municipality,
    number: int,
    *,
    sector: str | None = "car_wash",
    lon: float | None = None,
    lat: float | None = None,
    name: str = "",
) -> Premises:
    return Premises.objects.create(
        municipality=municipality,
        external_id=f"P{number}",
        name=name or f"Premises {number}",
        address=f"Bergensesteenweg {number}, 1502 Halle",
        sector=Sector.objects.get(code=sector) if sector else None,
        lon=lon if lon is not None else HALLE_CENTRE[0] + number * 0.001,
        lat=lat if lat is not None else HALLE_CENTRE[1] + (number % 7) * 0.0007,
        source_x=0.0,
        source_y=0.0,
        source_crs="EPSG:31370",
    )


def next_week() -> date:
    return timezone.localdate() + timedelta(days=7)


def make_action_day(cast: Any, **fields: Any) -> ActionDay:
    defaults: dict[str, Any] = {
        "title": "Actiedag Stationsbuurt",
        "date": next_week(),
        "starts_at": time(9, 0),
        "ends_at": time(16, 0),
        "briefing_place": "Politiekantoor",
        "briefing_time": time(8, 30),
        "briefing_lon": HALLE_CENTRE[0],
        "briefing_lat": HALLE_CENTRE[1],
    }
    defaults.update(fields)
    return actions.create_action_day(user=cast.coordinator, municipality=cast.city_a, **defaults)


def give_trafficking_check(partner: Any) -> None:
    partner.competencies.add(Competency.objects.get(code="trafficking-indicators"))
