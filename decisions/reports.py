"""Joint-report workflows: compile a version, sign it off, amend a final one. Each is one
transaction that writes its audit row.

Rules:

- A visit has at most one version awaiting sign-off. Compiling again while it waits
  replaces its snapshot and voids the sign-offs given so far (they signed other facts).
- The first version gets the report's number (municipality, year it is compiled,
  counter); an amendment keeps it, so the number cites the report and the version says
  which text.
- A partner signs the snapshot as it is (its SHA-256 is kept with the sign-off); when
  the last partner signs, the report is final, its PDF is queued, and nothing of it
  changes again. An amendment is a new version compiled from the findings as they are.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from decisions import documents
from decisions.access import may_sign
from decisions.facts import ReportRefused, canonical_hash, compile_content
from decisions.models import JointReport, JointReportCounter, ReportSignOff
from inspections.access import AFTERMATH_STATUSES
from inspections.models import Visit
from partners import audit, numbering
from partners.models import AuditEntry


def latest_report(visit: Visit) -> JointReport | None:
    return visit.joint_reports.order_by("-version").first()


@transaction.atomic
def compile_report(*, visit: Visit, user: Any, reason: str = "") -> JointReport:
    """A new version (or the waiting draft refreshed) from the visit's findings."""
    visit = (
        Visit.objects.select_for_update(of=("self",))
        .select_related(
            "action_day__municipality",
            "action_day__lead_partner",
            "premises__sector",
            "entry_partner",
        )
        .get(pk=visit.pk)
    )
    if visit.action_day.status not in AFTERMATH_STATUSES:
        raise ReportRefused(_("A joint report is compiled once the action day is closed."))
    content = compile_content(visit)
    latest = latest_report(visit)
    if latest is not None and not latest.is_final:
        latest.sign_offs.all().delete()
        latest.content = content
        latest.content_sha256 = canonical_hash(content)
        latest.save(update_fields=["content", "content_sha256"])
        audit.record(user, AuditEntry.Action.CHANGE, latest, recompiled=True)
        return latest
    if latest is not None and not reason.strip():
        raise ReportRefused(_("The report is final: say why it is amended."))
    municipality = visit.action_day.municipality
    number = latest.number if latest is not None and latest.number else ""
    report = JointReport.objects.create(
        municipality=municipality,
        visit=visit,
        number=number
        or numbering.next_in_year(JointReportCounter, municipality, timezone.localdate().year),
        version=(latest.version + 1) if latest else 1,
        content=content,
        content_sha256=canonical_hash(content),
        amends=latest,
        amendment_reason=reason.strip(),
        created_by=user,
    )
    audit.record(
        user, AuditEntry.Action.CREATE, report, number=report.number, version=report.version
    )
    return report


@transaction.atomic
def sign_off(
    *, report: JointReport, partner_id: int, user: Any, mention_further_information: bool
) -> JointReport:
    report = JointReport.objects.select_for_update().get(pk=report.pk)
    if report.is_final:
        raise ReportRefused(_("This report is final; amend it with a new version instead."))
    if partner_id not in report.partner_ids():
        raise ReportRefused(_("This partner has no findings in this report."))
    if not may_sign(user, report, partner_id):
        raise ReportRefused(_("Only the partner's team lead or its inspector signs for it."))
    if report.sign_offs.filter(partner_id=partner_id).exists():
        raise ReportRefused(_("This partner has already signed this version."))
    ReportSignOff.objects.create(
        report=report,
        partner_id=partner_id,
        signed_by=user,
        signed_at=timezone.now(),
        content_sha256=report.content_sha256,
        mention_further_information=mention_further_information,
    )
    audit.record(user, AuditEntry.Action.CHANGE, report, signed_for=partner_id)
    if not report.missing_sign_offs():
        report.status = JointReport.Status.FINAL
        report.finalised_at = timezone.now()
        report.save(update_fields=["status", "finalised_at"])
        documents.report_document(report=report, user=user)
    return report
