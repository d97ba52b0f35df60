"""What reports and decisions did for a case: the joint reports and the decisions on
the case's premises since the case was opened, for the case page and its evaluation.
Registered in DecisionsConfig.ready; each list applies decisions' own access rules for
the reader (a partner who may not read the register sees none of its decisions)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from cases.models import Case, Subject
from cases.outcomes import Outcome
from decisions.access import visible_decisions, visible_reports
from decisions.models import JointReport


def case_premises_ids(case: Case) -> Any:
    return Subject.objects.filter(
        cases=case, kind=Subject.Kind.PREMISES, premises__isnull=False
    ).values("premises")


def report_outcomes(user: Any, case: Case) -> list[Outcome]:
    reports = (
        visible_reports(user)
        .filter(
            visit__premises__in=case_premises_ids(case),
            created_at__gte=case.opened_at,
            status=JointReport.Status.FINAL,
        )
        .select_related("visit__premises")
    )
    return [
        Outcome(
            on=(report.finalised_at or report.created_at).date(),
            kind="joint_report",
            title=_("Joint report %(number)s") % {"number": report.number or "–"},
            text=str(report.visit.premises),
            url=reverse("report-detail", kwargs={"code": report.code}),
        )
        for report in reports
    ]


def decision_outcomes(user: Any, case: Case) -> list[Outcome]:
    decisions = (
        visible_decisions(user)
        .filter(premises__in=case_premises_ids(case), created_at__gte=case.opened_at)
        .select_related("type_version__decision_type", "premises")
    )
    outcomes = []
    for decision in decisions:
        parts = [str(decision.type_version.decision_type), str(decision.get_status_display())]
        if decision.expires_on:
            parts.append(
                _("in force until %(day)s") % {"day": formats.date_format(decision.expires_on)}
            )
        outcomes.append(
            Outcome(
                on=decision.decision_date or decision.created_at.date(),
                kind="decision",
                title=str(decision),
                text=f"{decision.premises}: " + ", ".join(parts),
                url=reverse("decision-detail", kwargs={"code": decision.code}),
            )
        )
    return outcomes
