"""The action-day report for the coordinator and the steering committee: visits and
their outcomes, infractions and measures taken on the spot per partner and per sector,
the joint reports and the decisions that followed.

Counts are of the answers usable by the city, the ones the joint reports are made of
(:func:`decisions.facts.usable_by_city`): an infraction the report of a visit leaves out is
not counted for the day either. Answers shareable only among the partners, or internal to
one, were never the city's to count. The whole day is read in a fixed number of queries,
whatever its number of visits.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import translation

from decisions.facts import is_infraction, is_measure, usable_by_city
from decisions.models import Decision, JointReport
from decisions.rendering import html_to_pdf
from inspections.models import ActionDay, FindingAnswer, Visit


def answer_rows(action_day: ActionDay) -> list[FindingAnswer]:
    return list(
        usable_by_city(FindingAnswer.objects.filter(finding__visit__action_day=action_day))
        .select_related("finding__partner")
        .only(
            "question",
            "kind",
            "value",
            "legal_reference",
            "indicator_id",
            "finding__visit_id",
            "finding__partner__short_name",
        )
    )


def summary(action_day: ActionDay) -> dict[str, Any]:
    visits = list(
        action_day.visits.select_related("premises__sector", "team").prefetch_related(
            Prefetch("joint_reports", queryset=JointReport.objects.order_by("-version")),
            Prefetch(
                "joint_reports__decisions",
                queryset=Decision.objects.select_related("type_version__decision_type"),
            ),
        )
    )
    sector_of = {visit.pk: sector_title(visit) for visit in visits}
    per_visit: dict[int, Counter[str]] = defaultdict(Counter)
    per_partner: dict[str, Counter[str]] = defaultdict(Counter)
    per_sector: dict[str, Counter[str]] = defaultdict(Counter)
    for row in answer_rows(action_day):
        partner = row.finding.partner.short_name
        sector = sector_of.get(row.finding.visit_id, "")
        for kind, hit in (("infractions", is_infraction(row)), ("measures", is_measure(row))):
            if hit:
                per_visit[row.finding.visit_id][kind] += 1
                per_partner[partner][kind] += 1
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
