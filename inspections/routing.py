"""Ordering a team's visits into a route and proposing time slots.

A route starts at the briefing point and visits every premises once: nearest neighbour
first, then improved by 2-opt (reverse a stretch whenever that shortens the route),
over straight-line (great-circle) distances. Slots follow from a travel speed and a
visit duration. Pure functions over coordinates, so they are easy to test and bench.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

EARTH_RADIUS_KM = 6371.0088
Point = tuple[float, float]  # (lon, lat) in WGS84


def add_minutes(moment: time, minutes: float) -> time:
    return (datetime.combine(date.min, moment) + timedelta(minutes=minutes)).time()


def distance_km(a: Point, b: Point) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def distance_matrix(points: Sequence[Point]) -> list[list[float]]:
    return [[distance_km(a, b) for b in points] for a in points]


def route_length(order: Sequence[int], matrix: list[list[float]]) -> float:
    """Length of start (index 0) → order[0] → … → order[-1] (an open route)."""
    stops = [0, *order]
    return sum(matrix[stops[i]][stops[i + 1]] for i in range(len(stops) - 1))


def nearest_neighbour(matrix: list[list[float]]) -> list[int]:
    remaining = set(range(1, len(matrix)))
    order, here = [], 0
    while remaining:
        here = min(remaining, key=lambda candidate: (matrix[here][candidate], candidate))
        order.append(here)
        remaining.remove(here)
    return order


def two_opt(order: list[int], matrix: list[list[float]]) -> list[int]:
    """Reverse stretches of the open route while that makes it shorter."""
    stops = [0, *order]
    improved = True
    while improved:
        improved = False
        for i in range(1, len(stops) - 1):
            for j in range(i + 1, len(stops)):
                before = matrix[stops[i - 1]][stops[i]]
                after = matrix[stops[i - 1]][stops[j]]
                if j + 1 < len(stops):
                    before += matrix[stops[j]][stops[j + 1]]
                    after += matrix[stops[i]][stops[j + 1]]
                if after < before - 1e-9:
                    stops[i : j + 1] = reversed(stops[i : j + 1])
                    improved = True
    return stops[1:]


def plan_route(start: Point, stops: Sequence[Point]) -> list[int]:
    """Indices into ``stops`` in the order to visit them from ``start``."""
    if not stops:
        return []
    matrix = distance_matrix([start, *stops])
    order = two_opt(nearest_neighbour(matrix), matrix)
    return [index - 1 for index in order]


@dataclass(frozen=True)
class Slot:
    start: time
    end: time
    travel_km: float


def propose_slots(
    start: Point,
    stops: Sequence[Point],
    *,
    first_departure: time,
    speed_kmh: float,
    visit_minutes: int,
) -> list[Slot]:
    """Slots for visiting ``stops`` in the given order, leaving ``start`` at
    ``first_departure``; travel times rounded up to whole minutes."""
    slots, here, clock = [], start, first_departure
    for stop in stops:
        travel = distance_km(here, stop)
        arrive = add_minutes(clock, math.ceil(travel / speed_kmh * 60))
        leave = add_minutes(arrive, visit_minutes)
        slots.append(Slot(arrive, leave, round(travel, 3)))
        here, clock = stop, leave
    return slots
