"""What decisions/ adds to gis/ and inspections/ through their registries:

- the permit desk's lookup shows "flagged" for premises with a decision in force, and
  for premises of the same operator (enterprise number) — never why;
- the planner warns when a planned visit targets premises with a decision in force;
- the premises page lists the premises' decisions and final joint reports, for those
  who may read them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from decisions.access import REGISTER_ROLES, has, visible_decisions, visible_reports
from decisions.models import Decision, JointReport, ReportSignOff
from gis.history import HistoryEntry
from gis.models import Premises
from inspections.conflicts import Conflict
from inspections.models import ActionDay, Visit


def flagged_by_decisions(premises: Sequence[Premises]) -> set[int]:
    numbers = {item.enterprise_number for item in premises if item.enterprise_number}
    in_force = Decision.objects.in_force().filter(
        Q(premises__in=[item.pk for item in premises]) | Q(enterprise_number__in=numbers)
    )
    hit_premises = set(in_force.values_list("premises_id", flat=True))
    hit_numbers = set(
        in_force.exclude(enterprise_number="").values_list("enterprise_number", flat=True)
    )
    return {
        item.pk
        for item in premises
        if item.pk in hit_premises
        or (item.enterprise_number and item.enterprise_number in hit_numbers)
    }


def decisions_in_force_conflicts(action_day: ActionDay, visits: list[Visit]) -> list[Conflict]:
    planned = {visit.premises_id: visit for visit in visits if visit.status == Visit.Status.PLANNED}
    if not planned:
        return []
    in_force = (
        Decision.objects.in_force(action_day.date)
        .filter(premises_id__in=planned)
        .values_list("premises", "expires_on")
    )
    conflicts = []
    for premises, expires_on in in_force:
        until = formats.date_format(expires_on) if expires_on else "—"
        conflicts.append(
            Conflict(
                "decision_in_force",
                _("%(premises)s has a decision in force until %(until)s.")
                % {"premises": planned[premises].premises, "until": until},
                (str(planned[premises].code),),
            )
        )
    return conflicts


def premises_history(user: Any, premises: Premises) -> list[HistoryEntry]:
    if not has(user, *REGISTER_ROLES):
        return []
    entries = []
    decisions = (
        visible_decisions(user)
        .filter(premises=premises)
        .select_related("type_version__decision_type")
    )
    for decision in decisions:
        period = ""
        if decision.effective_from:
            period = formats.date_format(decision.effective_from)
            if decision.expires_on:
                period += " – " + formats.date_format(decision.expires_on)
        entries.append(
            HistoryEntry(
                on=decision.decision_date or decision.created_at.date(),
                kind="decision",
                title=" · ".join(
                    (decision.type_version.decision_type.title, decision.get_status_display())
                ),
                text=" · ".join(part for part in (decision.identification, period) if part),
                url=reverse("decision-detail", args=[decision.code]),
            )
        )
    reports = visible_reports(user).filter(
        visit__premises=premises, status=JointReport.Status.FINAL
    )
    for report in reports.select_related("visit__action_day"):
        entries.append(
            HistoryEntry(
                on=report.visit.action_day.date,
                kind="report",
                title=_("Joint report %(number)s, version %(version)s")
                % {"number": report.number, "version": report.version},
                text=report.visit.action_day.title,
                url=reverse("report-detail", args=[report.code]),
            )
        )
    return entries


def signed_report_refusal(visit: Visit, partner_id: int) -> str:
    """A partner that signed the joint report of a visit takes no late field saves for
    it: what it signed would no longer be what the report says."""
    if ReportSignOff.objects.filter(report__visit=visit, partner_id=partner_id).exists():
        return _(
            "Your organisation has signed the joint report of this visit: ask the "
            "mayor's office for a new version of the report."
        )
    return ""


def register_all() -> None:
    from gis import flags, history
    from inspections import conflicts, field_access

    flags.register_flag_source(flagged_by_decisions)
    history.register(premises_history)
    if decisions_in_force_conflicts not in conflicts.EXTRA_CHECKS:
        conflicts.EXTRA_CHECKS.append(decisions_in_force_conflicts)
    if signed_report_refusal not in field_access.LATE_SAVE_CHECKS:
        field_access.LATE_SAVE_CHECKS.append(signed_report_refusal)
