"""The coordinator's map and its HTMX filter fragment at 1,000 and 10,000 premises,
against the floor of the no-op page. The SQL query count must not grow with the number
of premises; time and bytes grow with the marker data only."""

from __future__ import annotations

import functools
import random
from datetime import timedelta

from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from bench.harness import best_of, count_queries, report

HALLE_LON, HALLE_LAT = 4.2345, 50.7336
# A municipality of the benchmark's own, around Halle's position: the page benchmark
# loads the demo city (Halle, 23027) into the same database afterwards, and premises
# of this one must not end up in its action days.
CITY_CODE = "98027"


def cast() -> User:
    from partners.models import Municipality, Partner, Person, Role

    city, _ = Municipality.objects.get_or_create(
        code=CITY_CODE, defaults={"name": "Kaartstad", "language": "nl", "country": "BE"}
    )
    partner, _ = Partner.objects.get_or_create(
        slug="bench-map-city",
        defaults={
            "name": "City of Kaartstad",
            "short_name": "Kaartstad",
            "level": "local",
            "country": "BE",
        },
    )
    partner.municipalities.add(city)
    user, created = User.objects.get_or_create(username="bench-map-coordinator")
    if created:
        person = Person.objects.create(user=user, partner=partner, roles=[Role.COORDINATOR])
        person.municipalities.add(city)
    return user


def add_premises(total: int) -> None:
    """Grow the city's register to ``total`` premises; every tenth has two signals."""
    from gis.models import Indicator, Premises, Sector, Signal
    from gis.risk import refresh
    from partners.models import Municipality

    city = Municipality.objects.get(code=CITY_CODE)
    start = Premises.objects.filter(municipality=city).count()
    sectors = list(Sector.objects.all())
    rng = random.Random(total)
    created = Premises.objects.bulk_create(
        [
            Premises(
                municipality=city,
                external_id=f"bench-{number}",
                name=f"Premises {number}",
                address=f"Benchstraat {number}, 1500 Halle",
                sector=rng.choice(sectors),
                lon=HALLE_LON + rng.uniform(-0.04, 0.04),
                lat=HALLE_LAT + rng.uniform(-0.03, 0.03),
                source_x=0.0,
                source_y=0.0,
                source_crs="EPSG:4326",
                last_inspected_on=(
                    timezone.localdate() - timedelta(days=rng.randint(1, 900))
                    if rng.random() < 0.5
                    else None
                ),
            )
            for number in range(start, total)
        ],
        batch_size=1000,
    )
    indicators = list(Indicator.objects.all())
    with_signals = created[::10]
    signals = Signal.objects.bulk_create(
        Signal(
            premises=premises,
            source=Signal.Source.NEIGHBOUR,
            received_on=timezone.localdate() - timedelta(days=rng.randint(0, 700)),
        )
        for premises in with_signals
        for _ in range(2)
    )
    through = Signal.indicators.through
    through.objects.bulk_create(
        through(signal_id=signal.pk, indicator_id=indicator.pk)
        for signal in signals
        for indicator in rng.sample(indicators, 2)
    )
    refresh(with_signals)


def neighbourhood() -> int:
    """A neighbourhood over a quarter of the premises' extent (a triangle, so that the
    outline, not only its bounding box, decides); its pk for the zone filter."""
    from gis.models import Zone
    from partners.models import Municipality

    west, south, east, north = HALLE_LON - 0.04, HALLE_LAT - 0.03, HALLE_LON, HALLE_LAT
    zone, _ = Zone.objects.get_or_create(
        municipality=Municipality.objects.get(code=CITY_CODE),
        external_id="bench-neighbourhood",
        defaults={
            "kind": Zone.Kind.NEIGHBOURHOOD,
            "name": "Bench neighbourhood",
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[west, south], [east, south], [west, north], [west, south]]],
            },
            "west": west,
            "south": south,
            "east": east,
            "north": north,
            "source_crs": "EPSG:4326",
        },
    )
    return zone.pk


def run() -> None:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(cast())
    zone = neighbourhood()

    def get(url: str, **headers: str) -> int:
        response = client.get(url, **headers)  # type: ignore[arg-type]
        assert response.status_code == 200, (url, response.status_code)
        return len(response.content)

    floor = best_of(lambda: get("/healthz"), repeat=20)
    queries: dict[str, set[int]] = {"page": set(), "fragment": set(), "zone_fragment": set()}
    for total, label in [(1_000, "1k"), (10_000, "10k")]:
        add_premises(total)
        for name, url, headers in [
            ("page", "/gis/map/", {}),
            (
                "fragment",
                "/gis/map/?band=&min_score=1&never_inspected=",
                {"HTTP_HX_REQUEST": "true"},
            ),
            ("zone_fragment", f"/gis/map/?zone={zone}", {"HTTP_HX_REQUEST": "true"}),
        ]:
            request = functools.partial(get, url, **headers)
            count = count_queries(request)
            queries[name].add(count)
            report(
                f"map_{name}_{label}",
                ours=best_of(request, repeat=5),
                floor=floor,
                queries=count,
                bytes=request(),
                gzip_bytes=get(url, HTTP_ACCEPT_ENCODING="gzip", **headers),
            )
    for name, counts in queries.items():
        assert len(counts) == 1, f"the map {name}'s query count grew with the premises: {counts}"
