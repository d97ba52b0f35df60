"""Identification numbers stay unique and gapless when decisions are taken at the same
moment (real threads, each with its own database connection; run on PostgreSQL too)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone, translation

from decisions import actions
from decisions.models import Decision, DecisionCounter
from tests.cast import build_cast
from tests.decision_fixtures import build_report_day, final_report, type_version
from tests.test_decisions import THB, ready_closure

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(work: list[Callable[[], Any]]) -> list[Any]:
    barrier = threading.Barrier(len(work))
    results: list[Any] = [None] * len(work)

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = work[index]()
        except Exception as error:  # the test inspects what each thread met
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_identifications_given_concurrently_are_unique_and_gapless() -> None:
    cast = build_cast()
    year = timezone.localdate().year
    results = run_together([lambda: actions.next_identification(cast.city_a, year)] * 12)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(results) == [f"23027-{year}-{n:04d}" for n in range(1, 13)]
    assert DecisionCounter.objects.get(municipality=cast.city_a, year=year).last == 12
    # Another municipality counts on its own.
    assert actions.next_identification(cast.city_b, year) == f"63049-{year}-0001"


def test_decisions_taken_at_once_each_get_their_own_number() -> None:
    cast = build_cast()
    built = build_report_day(cast, photos=0)
    report = final_report(cast, built)
    drafts = [
        ready_closure(
            actions.start_decision(report=report, type_version=type_version(THB), user=cast.mayor)
        )
        for _ in range(6)
    ]

    def take(decision: Decision) -> Callable[[], Decision]:
        return lambda: actions.finalise(decision=decision, user=cast.mayor, overlap_confirmed=True)

    results = run_together([take(decision) for decision in drafts])
    assert not [r for r in results if isinstance(r, Exception)], results
    numbers = sorted(Decision.objects.values_list("identification", flat=True))
    year = drafts[0].decision_date.year  # type: ignore[union-attr]
    assert numbers == [f"23027-{year}-{n:04d}" for n in range(1, 7)]


def test_of_two_overlapping_closures_taken_at_once_one_needs_the_overlap_confirmed() -> None:
    cast = build_cast()
    built = build_report_day(cast, photos=0)
    report = final_report(cast, built)
    drafts = [
        ready_closure(
            actions.start_decision(report=report, type_version=type_version(THB), user=cast.mayor)
        )
        for _ in range(2)
    ]

    def take(decision: Decision) -> Callable[[], Decision]:
        def in_english() -> Decision:
            # Each thread starts in the default language; the reason is read in English.
            with translation.override("en"):
                return actions.finalise(decision=decision, user=cast.mayor)

        return in_english

    results = run_together([take(decision) for decision in drafts])
    refused = [r for r in results if isinstance(r, actions.DecisionRefused)]
    assert len(refused) == 1, results
    assert "Confirm the overlap" in str(refused[0])
    assert Decision.objects.exclude(identification="").count() == 1
