"""Premises, zones and signals for the gis tests, made directly with the ORM."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from gis.models import Indicator, Premises, Sector, Signal, Zone
from gis.search import premises_key
from partners.models import Municipality, Partner

# Halle, around its market square.
HALLE_LON, HALLE_LAT = 4.2345, 50.7336


def make_premises(municipality: Municipality, number: int, **fields: Any) -> Premises:
    defaults: dict[str, Any] = {
        "name": f"Premises {number}",
        "address": f"Teststraat {number}, 1500 Halle",
        "lon": HALLE_LON + (number % 50) * 0.0007,
        "lat": HALLE_LAT + (number // 50) * 0.0005,
        "source_x": 0.0,
        "source_y": 0.0,
        "source_crs": "EPSG:4326",
    }
    defaults.update(fields)
    return Premises.objects.create(
        municipality=municipality, external_id=f"{municipality.code}-{number}", **defaults
    )


def bulk_premises(municipality: Municipality, start: int, count: int) -> list[Premises]:
    """``count`` premises numbered from ``start``, in one statement."""
    sector = Sector.objects.order_by("code").first()
    return Premises.objects.bulk_create(
        Premises(
            municipality=municipality,
            external_id=f"{municipality.code}-{number}",
            name=f"Premises {number}",
            address=f"Bulkstraat {number}, 1500 Halle",
            search_key=premises_key(f"Premises {number}", f"Bulkstraat {number}, 1500 Halle"),
            sector=sector if number % 3 == 0 else None,
            lon=HALLE_LON + (number % 100) * 0.0004,
            lat=HALLE_LAT + (number // 100) * 0.0003,
            source_x=0.0,
            source_y=0.0,
            source_crs="EPSG:4326",
            risk_score=(number % 7) * 0.6,
            flagged_manually=number % 97 == 0,
        )
        for number in range(start, start + count)
    )


def make_signal(
    premises: Premises,
    *indicator_codes: str,
    days_ago: int = 0,
    partner: Partner | None = None,
    user: User | None = None,
    source: str = Signal.Source.NEIGHBOUR,
    confidentiality: str = Signal.Confidentiality.CITY,
    description: str = "",
) -> Signal:
    signal = Signal.objects.create(
        premises=premises,
        source=source,
        received_on=timezone.localdate() - timedelta(days=days_ago),
        description=description,
        confidentiality=confidentiality,
        recorded_by=user,
        recorded_by_partner=partner,
    )
    signal.indicators.set(Indicator.objects.filter(code__in=indicator_codes))
    return signal


def square_zone(
    municipality: Municipality, name: str, west: float, south: float, size: float
) -> Zone:
    east, north = west + size, south + size
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return Zone.objects.create(
        municipality=municipality,
        external_id=name.lower(),
        kind=Zone.Kind.NEIGHBOURHOOD,
        name=name,
        geometry={"type": "Polygon", "coordinates": [ring]},
        west=west,
        south=south,
        east=east,
        north=north,
        source_crs="EPSG:4326",
    )


def days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)
