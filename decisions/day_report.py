"""The action-day report for the coordinator and the steering committee: visits and
their outcomes, infractions and measures taken on the spot per partner and per sector,
the joint reports and the decisions that followed.

Counts are of the answers usable by the city, the ones the joint reports are made of
(:func:`decisions.facts.usable_by_city`): an infraction the report of a visit leaves out is
not counted for the day either. Answers shareable only among the partners, or internal to
one, were never the city's to count. The whole day is read in four queries, whatever its
number of visits, report versions and decisions, and only what its rows print: a
report's snapshot, a premises' footprint or a decision's text are left in the database.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any, NamedTuple

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import translation

from decisions.facts import is_infraction, is_measure, usable_by_city
from decisions.models import Decision, JointReport
from decisions.rendering import html_to_pdf
from inspections.models import ActionDay, FindingAnswer, Visit


class Answer(NamedTuple):
    """What the day's counts read of one answer (see :class:`decisions.facts.Countable`)."""

    visit_id: int
    partner: str
    question: str
    kind: str
    value: Any
    legal_reference: str
    indicator_id: int | None


def answer_rows(action_day: ActionDay) -> list[Answer]:
    """The day's answers usable by the city, as plain rows: a day of 40 visits holds
    hundreds, and only their counts are printed."""
    rows = (
        usable_by_city(FindingAnswer.objects.filter(finding__visit__action_day=action_day))
        .order_by()
        .values_list(
            "finding__visit_id",
            "finding__partner__short_name",
            "question",
            "kind",
            "value",
            "legal_reference",
            "indicator_id",
        )
    )
    return [Answer(*row) for row in rows]


def day_visits(action_day: ActionDay) -> list[Visit]:
    """The day's visits with what their rows print: the premises' label and sector, each
    joint report's version and status, each decision's measure and status (never a
    report's snapshot, which is the bulk of its row)."""
    reports = JointReport.objects.order_by("-version").only("visit_id", "version", "status")
    decisions = Decision.objects.only("joint_report_id", "measure", "status")
    return list(
        action_day.visits.select_related("premises__sector")
        .only(
            "action_day",
            "status",
            "premises__name",
            "premises__address",
            "premises__parcel_key",
            "premises__lat",
            "premises__lon",
            "premises__sector__title_nl",
            "premises__sector__title_fr",
            "premises__sector__title_en",
        )
        .prefetch_related(
            Prefetch("joint_reports", queryset=reports),
            Prefetch("joint_reports__decisions", queryset=decisions),
        )
    )


def summary(action_day: ActionDay) -> dict[str, Any]:
    visits = day_visits(action_day)
    sector_of = {visit.pk: sector_title(visit) for visit in visits}
    per_visit: dict[int, Counter[str]] = defaultdict(Counter)
    per_partner: dict[str, Counter[str]] = defaultdict(Counter)
    per_sector: dict[str, Counter[str]] = defaultdict(Counter)
    for row in answer_rows(action_day):
        sector = sector_of.get(row.visit_id, "")
        for kind, hit in (("infractions", is_infraction(row)), ("measures", is_measure(row))):
            if hit:
                per_visit[row.visit_id][kind] += 1
                per_partner[row.partner][kind] += 1
                per_sector[sector][kind] += 1
    for visit in visits:
        per_sector[sector_of[visit.pk]]["visits"] += 1
    return {
        "action_day": action_day,
        "visits": [visit_row(visit, per_visit[visit.pk], sector_of[visit.pk]) for visit in visits],
        "outcomes": outcome_counts(visits),
        "partners": sorted(per_partner.items()),
        "sectors": sorted(per_sector.items()),
        "totals": {
            "visits": len(visits),
            "infractions": sum(counter["infractions"] for counter in per_partner.values()),
            "measures": sum(counter["measures"] for counter in per_partner.values()),
            "reports": sum(1 for visit in visits if visit_report(visit) is not None),
            "decisions": sum(len(row_decisions(visit)) for visit in visits),
        },
    }


def sector_title(visit: Visit) -> str:
    return visit.premises.sector.title if visit.premises.sector else "—"


def visit_report(visit: Visit) -> JointReport | None:
    reports = list(visit.joint_reports.all())
    return reports[0] if reports else None


def row_decisions(visit: Visit) -> list[Decision]:
    return [decision for report in visit.joint_reports.all() for decision in report.decisions.all()]


def visit_row(visit: Visit, counts: Counter[str], sector: str) -> dict[str, Any]:
    return {
        "visit": visit,
        "sector": sector,
        "infractions": counts["infractions"],
        "measures": counts["measures"],
        "report": visit_report(visit),
        "decisions": row_decisions(visit),
    }


def outcome_counts(visits: list[Visit]) -> list[tuple[str, int]]:
    counted = Counter(visit.status for visit in visits)
    return [(str(label), counted[value]) for value, label in Visit.Status.choices if counted[value]]


def summary_html(action_day: ActionDay) -> str:
    with translation.override(action_day.municipality.language):
        return render_to_string("decisions/action_day_report_pdf.html", summary(action_day))


def summary_pdf(action_day: ActionDay) -> bytes:
    return html_to_pdf(summary_html(action_day))
