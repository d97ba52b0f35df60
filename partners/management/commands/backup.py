from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from partners.backup import Summary, create_backup

HEADLINES = {
    "inspections.finding": "findings",
    "inspections.evidence": "photos",
    "decisions.jointreport": "reports",
    "decisions.decision": "decisions",
    "inspections.actionday": "action days",
    "gis.premises": "premises",
    "partners.auditentry": "audit entries",
}


def describe(summary: Summary) -> str:
    parts = [
        f"{summary.counts[label]} {name}"
        for label, name in HEADLINES.items()
        if label in summary.counts
    ]
    rows = sum(summary.counts.values())
    return f"{rows} rows ({', '.join(parts)}), {summary.files} files, {summary.bytes} bytes"


class Command(BaseCommand):
    help = (
        "Back up the whole installation into one .tar.gz: every app's rows as portable "
        "JSON and every uploaded file (photos, briefing packs), with a sealed manifest "
        "holding the SHA-256 of each file. Reads the database in one transaction. Set "
        "BACKUP_KEY to sign the manifest with an HMAC."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path, help="the archive to write, e.g. integra.tar.gz")

    def handle(self, *args: Any, **options: Any) -> None:
        summary = create_backup(options["out"])
        self.stdout.write(f"Backed up {describe(summary)} to {options['out']}")
