"""The registers and the figures.

- The decisions register: every decision taken in a municipality, by identification.
- The register of refused, suspended and withdrawn permits, searchable by operator and
  by enterprise number (typed in any of its usual forms).
- The steering committee's figures, and an anonymised CSV for ARIEC/RIEC reporting:
  counts per month, sector, partner and measure; no names of people or operators, no
  addresses, no identifiers. Counts are of the answers usable by the city, as the joint
reports and the action-day report count them (never what a partner only shares with
the other partners or keeps to itself). A
  count below ``SMALL_COUNT`` leaves as "<5": one closure of a car wash in a month of a
  small town names the car wash as surely as its address would.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from decisions.facts import is_infraction, is_measure, usable_by_city
from decisions.models import PERMIT_MEASURES, Decision, JointReport, Measure
from decisions.models.records import DecisionQuerySet
from gis.identifiers import normalise_enterprise_number
from inspections.access import AFTERMATH_STATUSES
from inspections.models import ActionDay, FindingAnswer, Visit
from partners.models import Municipality

CSV_COLUMNS = ("month", "sector", "partner", "measure", "count")
# Counts below this leave the municipality only as "<5" (statistical small-cell rule).
SMALL_COUNT = 5


def permit_register(decisions: DecisionQuerySet, query: str = "") -> DecisionQuerySet:
    found = decisions.decided().filter(measure__in=PERMIT_MEASURES)
    query = query.strip()
    if not query:
        return found
    rule = Q(operator_name__icontains=query)
    digits = re.sub(r"\D", "", query)
    if len(digits) >= 9:
        try:
            rule |= Q(enterprise_number=normalise_enterprise_number(query))
        except ValueError:
            rule |= Q(enterprise_number__contains=digits[-9:])
    return found.filter(rule)


def closed_days(municipalities: QuerySet[Municipality]) -> QuerySet[ActionDay]:
    return ActionDay.objects.filter(municipality__in=municipalities, status__in=AFTERMATH_STATUSES)


def in_period(
    days: QuerySet[ActionDay],
    decisions: DecisionQuerySet,
    start: date | None,
    end: date | None,
) -> tuple[QuerySet[ActionDay], DecisionQuerySet]:
    """Days held and decisions taken between ``start`` and ``end`` (both included)."""
    if start:
        days = days.filter(date__gte=start)
        decisions = decisions.filter(decision_date__gte=start)
    if end:
        days = days.filter(date__lte=end)
        decisions = decisions.filter(decision_date__lte=end)
    return days, decisions


def figures(
    municipalities: QuerySet[Municipality],
    *,
    start: date | None = None,
    end: date | None = None,
) -> dict[str, Any]:
    days, decisions = in_period(
        closed_days(municipalities),
        Decision.objects.filter(municipality__in=municipalities).decided(),
        start,
        end,
    )
    visits = Visit.objects.filter(action_day__in=days)
    infractions: Counter[str] = Counter()
    measures: Counter[str] = Counter()
    for row in usable_counts_rows(visits):
        partner = row.finding.partner.short_name
        infractions[partner] += is_infraction(row)
        measures[partner] += is_measure(row)
    return {
        "action_days": days.count(),
        "visits": visits.count(),
        "outcomes": list(visits.values_list("status").annotate(n=Count("pk")).order_by("status")),
        "infractions": sorted(infractions.items()),
        "measures": sorted(measures.items()),
        "final_reports": JointReport.objects.filter(
            visit__in=visits, status=JointReport.Status.FINAL
        ).count(),
        # Each measure by its name in the reader's language ("Closure", "Fermeture").
        "decisions": [
            (str(Measure(measure).label), count)
            for measure, count in decisions.values_list("measure")
            .annotate(n=Count("pk"))
            .order_by("measure")
        ],
    }


def usable_counts_rows(visits: QuerySet[Visit]) -> Iterable[FindingAnswer]:
    return (
        usable_by_city(
            FindingAnswer.objects.filter(finding__visit__in=visits, kind__in=("yes_no", "decimal"))
        )
        .select_related(
            "finding__partner", "finding__visit__action_day", "finding__visit__premises__sector"
        )
        .iterator(chunk_size=2000)
    )


def anonymised_rows(
    municipalities: QuerySet[Municipality],
    *,
    start: date | None = None,
    end: date | None = None,
) -> list[tuple[str, str, str, str, int]]:
    counted: Counter[tuple[str, str, str, str]] = Counter()
    days, decided = in_period(
        closed_days(municipalities),
        Decision.objects.filter(municipality__in=municipalities).decided(),
        start,
        end,
    )
    visits = Visit.objects.filter(action_day__in=days).select_related(
        "action_day", "premises__sector"
    )
    for visit in visits:
        counted[(f"{visit.action_day.date:%Y-%m}", sector_code(visit), "", "visit")] += 1
    for row in usable_counts_rows(Visit.objects.filter(action_day__in=days)):
        visit = row.finding.visit
        key = (f"{visit.action_day.date:%Y-%m}", sector_code(visit), row.finding.partner.slug)
        if is_infraction(row):
            counted[(*key, "infraction")] += 1
        if is_measure(row):
            counted[(*key, "measure_on_the_spot")] += 1
    for decision in decided.select_related("premises__sector"):
        month = f"{decision.decision_date:%Y-%m}" if decision.decision_date else ""
        sector = decision.premises.sector.code if decision.premises.sector else ""
        counted[(month, sector, "", f"decision_{decision.measure}")] += 1
    return sorted((*key, count) for key, count in counted.items())


def sector_code(visit: Visit) -> str:
    return visit.premises.sector.code if visit.premises.sector else ""


def anonymised_csv(
    municipalities: QuerySet[Municipality],
    *,
    start: date | None = None,
    end: date | None = None,
) -> str:
    stream = io.StringIO()
    writer = csv.writer(stream)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(
        (*key, count if count >= SMALL_COUNT else f"<{SMALL_COUNT}")
        for *key, count in anonymised_rows(municipalities, start=start, end=end)
    )
    return stream.getvalue()
