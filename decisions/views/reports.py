"""Joint reports: the list of closed days' visits, compiling, reading and signing a
report, its PDF, and the action-day report. Every read is audited."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from decisions import access, day_report, documents, reports
from decisions.access import REPORT_ROLES, has, may_sign
from decisions.facts import ReportRefused
from decisions.forms import AmendForm, SignOffForm
from decisions.models import Document, JointReport
from decisions.rendering import report_context
from inspections.access import AFTERMATH_STATUSES, get_action_day_for_user, visible_action_days
from partners import audit
from partners.http import HtmxHttpRequest
from partners.models import AuditEntry, Role


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    visits = (
        access.reportable_visits(request.user)
        .select_related("action_day", "premises")
        .prefetch_related(
            Prefetch("joint_reports", queryset=JointReport.objects.order_by("-version"))
        )
        .order_by("-action_day__date", "action_day__title", "route_order")
    )
    to_sign = [
        report
        for report in access.visible_reports(request.user)
        .filter(status=JointReport.Status.DRAFT)
        .select_related("visit__premises", "visit__action_day")
        if signable_partners(request.user, report)
    ]
    context = {
        "visits": visits,
        "to_sign": to_sign,
        "can_compile": has(request.user, *REPORT_ROLES),
    }
    return render(request, "decisions/report_list.html", context)


@login_required
@require_POST
def report_compile(request: HttpRequest, code: str) -> HttpResponse:
    visit = access.get_reportable_visit(request, code)
    form = AmendForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        report = reports.compile_report(visit=visit, user=request.user, reason=reason)
    except ReportRefused as refusal:
        messages.error(request, str(refusal))
        latest = reports.latest_report(visit)
        return redirect("report-detail", code=latest.code) if latest else redirect("report-list")
    messages.success(
        request, _("The joint report was compiled; it now awaits each partner's sign-off.")
    )
    return redirect("report-detail", code=report.code)


def signable_partners(user: Any, report: JointReport) -> list[tuple[int, str]]:
    signed = set(report.sign_offs.values_list("partner_id", flat=True))
    return [
        (section["partner_id"], section["partner_name"])
        for section in report.content.get("partners", [])
        if section["partner_id"] not in signed and may_sign(user, report, section["partner_id"])
    ]


def detail_context(request: HttpRequest, report: JointReport, **extra: Any) -> dict[str, Any]:
    language = (get_language() or "nl")[:2]
    partners = [] if report.is_final else signable_partners(request.user, report)
    versions = report.visit.joint_reports.order_by("-version")
    return {
        **report_context(report, language),
        "pdf": report.current_pdf(),
        "sign_form": SignOffForm(partners=partners) if partners else None,
        "amend_form": AmendForm() if report.is_final else None,
        "can_compile": access.reportable_visits(request.user).filter(pk=report.visit_id).exists(),
        "can_decide": has(request.user, Role.MAYORS_OFFICE) and report.is_final,
        "versions": versions,
        "missing": report.missing_sign_offs(),
        "decisions": access.visible_decisions(request.user).filter(joint_report=report),
        **extra,
    }


@login_required
def report_detail(request: HtmxHttpRequest, code: str) -> HttpResponse:
    report = access.get_report_for_user(request, code)
    if request.htmx and request.GET.get("part") == "pdf":
        return render(
            request,
            "decisions/report_detail.html#pdf",
            {"report": report, "pdf": report.current_pdf()},
        )
    audit.record(request.user, AuditEntry.Action.READ, report, version=report.version)
    return render(request, "decisions/report_detail.html", detail_context(request, report))


@login_required
@require_POST
def report_sign(request: HttpRequest, code: str) -> HttpResponse:
    report = access.get_report_for_user(request, code)
    form = SignOffForm(request.POST, partners=signable_partners(request.user, report))
    if not form.is_valid():
        context = detail_context(request, report, sign_form=form)
        return render(request, "decisions/report_detail.html", context, status=400)
    try:
        report = reports.sign_off(
            report=report,
            partner_id=form.cleaned_data["partner"],
            user=request.user,
            mention_further_information=form.cleaned_data["mention_further_information"],
        )
    except ReportRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("The report is final.") if report.is_final else _("Your sign-off was recorded."),
        )
    return redirect("report-detail", code=report.code)


@login_required
@require_POST
def report_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """Queue the PDF of this version (a draft's is marked as such)."""
    report = access.get_report_for_user(request, code)
    documents.report_document(report=report, user=request.user)
    audit.record(request.user, AuditEntry.Action.EXPORT, report, pdf="generate")
    messages.success(request, _("The PDF is being generated."))
    return redirect("report-detail", code=report.code)


def document_readable(user: Any, document: Document) -> bool:
    if document.joint_report_id is not None:
        return access.visible_reports(user).filter(pk=document.joint_report_id).exists()
    return access.visible_decisions(user).filter(documents=document).exists()


@login_required
def document_download(request: HttpRequest, code: str) -> FileResponse:
    document = Document.objects.filter(code=code, state=Document.State.DONE).first()
    if document is None or not document_readable(request.user, document):
        raise Http404("No such document")
    try:
        stream = document.file.open("rb")
    except (FileNotFoundError, ValueError) as missing:
        raise Http404("No such document") from missing
    audit.record(
        request.user, AuditEntry.Action.EXPORT, document, kind=document.kind, sha256=document.sha256
    )
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=documents.download_name(document),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def get_summary_day(request: HttpRequest, code: str) -> Any:
    if not has(request.user, *REPORT_ROLES, Role.ANALYST):
        raise Http404("No such action day")
    action_day = get_action_day_for_user(request, code)
    if action_day.status not in AFTERMATH_STATUSES:
        raise Http404("Not closed yet")
    return action_day


@login_required
def action_day_report(request: HttpRequest, code: str) -> HttpResponse:
    action_day = get_summary_day(request, code)
    audit.record(request.user, AuditEntry.Action.READ, action_day, report="summary")
    return render(request, "decisions/action_day_report.html", day_report.summary(action_day))


@login_required
def action_day_report_pdf(request: HttpRequest, code: str) -> HttpResponse:
    action_day = get_summary_day(request, code)
    audit.record(request.user, AuditEntry.Action.EXPORT, action_day, report="summary")
    response = HttpResponse(day_report.summary_pdf(action_day), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="action-day-{action_day.date:%Y%m%d}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def closed_days(request: HttpRequest) -> HttpResponse:
    """Closed action days whose summary the user may read."""
    if not has(request.user, *REPORT_ROLES, Role.ANALYST):
        raise Http404("No summaries for you")
    days = (
        visible_action_days(request.user)
        .filter(status__in=AFTERMATH_STATUSES)
        .select_related("municipality")
    )
    return render(request, "decisions/closed_days.html", {"days": days.order_by("-date")})
