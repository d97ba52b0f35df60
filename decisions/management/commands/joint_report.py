import hashlib
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from decisions.facts import ReportRefused
from decisions.rendering import render_report
from inspections.models import Visit


class Command(BaseCommand):
    help = (
        "Write the joint report of a visit as PDF/A: the latest version (or --report-version N), "
        "rendered exactly as the worker renders it, so a final report's file has the SHA-256 "
        "recorded for it. Compiles nothing: a report is compiled in the app."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("visit", help="the visit's code (UUID)")
        parser.add_argument("-o", "--output", required=True, help="the PDF file to write")
        parser.add_argument("--report-version", dest="report_version", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            visit = Visit.objects.get(code=options["visit"])
        except (Visit.DoesNotExist, ValueError, ValidationError) as error:
            raise CommandError(f"No such visit: {options['visit']}") from error
        reports = visit.joint_reports.select_related("municipality").order_by("-version")
        if options["report_version"] is not None:
            reports = reports.filter(version=options["report_version"])
        report = reports.first()
        if report is None:
            raise CommandError("No joint report for this visit: compile one in the app first.")
        self.stdout.write(f"Rendering version {report.version} ({report.get_status_display()})…")
        try:
            content = render_report(report)
        except ReportRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        Path(options["output"]).write_bytes(content)
        self.stdout.write(
            self.style.SUCCESS(
                f"{options['output']}: {len(content)} bytes, "
                f"SHA-256 {hashlib.sha256(content).hexdigest()}"
            )
        )
