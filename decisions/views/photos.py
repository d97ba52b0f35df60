"""The ZIP of a joint report's photos for the mayor's file (decisions.photo_archive)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from decisions import access, photo_archive
from partners import audit
from partners.models import AuditEntry


@login_required
def report_photos(request: HttpRequest, code: str) -> HttpResponseBase:
    """Whoever reads the report takes its photos; a photo missing from storage sends nothing."""
    report = access.get_report_for_user(request, code)
    try:
        photos = photo_archive.photos_of(report)
    except photo_archive.PhotosMissing:
        messages.error(
            request, _("A photo of this report is missing from storage; no archive was made.")
        )
        return redirect("report-detail", code=report.code)
    audit.record(
        request.user,
        AuditEntry.Action.EXPORT,
        report,
        version=report.version,
        photos=[photo.sha256 for photo in photos],
    )
    response = StreamingHttpResponse(
        photo_archive.stream_zip(report, photos), content_type="application/zip"
    )
    filename = photo_archive.archive_name(report)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
