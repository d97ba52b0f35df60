"""Exports of what happened on action days: the findings (CSV or XLSX) for whoever may
read them, and the offline HTML map of a day's plan for its coordinators. Every export
is audited (EXPORT) with what it contained."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language

from inspections import daymap, exports
from inspections.access import get_action_day_for_user
from inspections.forms.exports import FindingsExportForm
from partners import audit
from partners.access import require_role
from partners.http import HtmxHttpRequest
from partners.models import AuditEntry, Role

EXPORT_ROLES = (
    Role.COORDINATOR,
    Role.ANALYST,
    Role.MAYORS_OFFICE,
    Role.INSPECTOR,
    Role.TEAM_LEAD,
)


@login_required
def findings_export(request: HtmxHttpRequest) -> HttpResponseBase:
    """The filter form; with a format chosen and valid filters, the file itself."""
    require_role(request, *EXPORT_ROLES)
    form = FindingsExportForm(request.GET or None, user=request.user)
    if not request.GET:
        return render(request, "inspections/findings_export.html", {"form": form})
    if not form.is_valid():
        return render(request, "inspections/findings_export.html", {"form": form}, status=400)
    answers = exports.export_rows(request.user, form.filters())
    day = form.cleaned_data.get("action_day")
    audit.record(
        request.user,
        AuditEntry.Action.EXPORT,
        day,
        object_type="inspections.FindingsExport",
        rows=answers.count(),
        **form.described(),
    )
    language = (get_language() or "nl")[:2]
    name = export_name(day.date.isoformat() + "-" + slugify(day.title) if day else "")
    if form.cleaned_data["format"] == "xlsx":
        workbook = FileResponse(
            exports.xlsx_file(answers.iterator(chunk_size=500), language),
            as_attachment=True,
            filename=f"{name}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        workbook["Cache-Control"] = "private, no-store"
        return workbook
    response = StreamingHttpResponse(
        exports.csv_lines(answers.iterator(chunk_size=500), language),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


def export_name(about: str) -> str:
    return f"findings-{about or timezone.localdate().isoformat()}"


@login_required
def day_map_download(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """The plan of the day as one HTML file that opens without a network."""
    action_day = get_action_day_for_user(request, code, plannable=True)
    html = daymap.day_map_html(action_day)
    audit.record(request.user, AuditEntry.Action.EXPORT, action_day, map="html")
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    filename = f"map-{action_day.date.isoformat()}-{slugify(action_day.title)}.html"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
