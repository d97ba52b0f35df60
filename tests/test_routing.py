"""Routes and slots: nearest neighbour improved by 2-opt, over straight-line distances."""

from __future__ import annotations

import itertools
import random
from datetime import time

from inspections import routing


def brute_force_length(start: routing.Point, stops: list[routing.Point]) -> float:
    matrix = routing.distance_matrix([start, *stops])
    return min(
        routing.route_length(list(order), matrix)
        for order in itertools.permutations(range(1, len(stops) + 1))
    )


def test_distance_is_great_circle() -> None:
    halle_town_hall = (4.2369, 50.7339)
    brussels_grand_place = (4.3525, 50.8467)
    assert 14.8 < routing.distance_km(halle_town_hall, brussels_grand_place) < 15.1


def test_points_on_a_line_are_visited_in_order() -> None:
    start = (4.20, 50.73)
    stops = [(4.25, 50.73), (4.21, 50.73), (4.23, 50.73), (4.22, 50.73), (4.24, 50.73)]
    order = routing.plan_route(start, stops)
    assert [stops[index][0] for index in order] == [4.21, 4.22, 4.23, 4.24, 4.25]


def test_two_opt_is_close_to_optimal_on_small_random_sets() -> None:
    rng = random.Random(7)
    for _ in range(20):
        start = (4.23, 50.73)
        stops = [(4.2 + rng.random() * 0.08, 50.7 + rng.random() * 0.06) for _ in range(7)]
        matrix = routing.distance_matrix([start, *stops])
        ours = routing.route_length([i + 1 for i in routing.plan_route(start, stops)], matrix)
        assert ours <= brute_force_length(start, stops) * 1.10


def test_two_opt_never_lengthens_nearest_neighbour() -> None:
    rng = random.Random(11)
    points = [(4.2 + rng.random() * 0.1, 50.7 + rng.random() * 0.1) for _ in range(40)]
    matrix = routing.distance_matrix([(4.25, 50.75), *points])
    greedy = routing.nearest_neighbour(matrix)
    improved = routing.two_opt(list(greedy), matrix)
    assert sorted(improved) == sorted(greedy)
    assert routing.route_length(improved, matrix) <= routing.route_length(greedy, matrix)


def test_slots_follow_speed_and_duration() -> None:
    start = (4.2300, 50.7300)
    one_km_east = (4.2300 + 1 / (111.32 * 0.6327), 50.7300)
    slots = routing.propose_slots(
        start,
        [one_km_east, one_km_east],
        first_departure=time(9, 0),
        speed_kmh=30,
        visit_minutes=40,
    )
    assert slots[0].start == time(9, 2)  # 1 km at 30 km/h, rounded up to whole minutes
    assert slots[0].end == time(9, 42)
    assert slots[1].start == time(9, 42) and slots[1].end == time(10, 22)


def test_empty_route() -> None:
    assert routing.plan_route((4.2, 50.7), []) == []
