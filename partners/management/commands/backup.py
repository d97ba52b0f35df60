from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from partners.backup import CHECKSUM_ONLY, Summary, create_backup, headlines


def describe(summary: Summary) -> str:
    # The counts each app registered as worth naming (findings, photos, reports…).
    parts = [
        f"{summary.counts[label]} {name}"
        for label, name in headlines().items()
        if label in summary.counts
    ]
    rows = sum(summary.counts.values())
    return f"{rows} rows ({', '.join(parts)}), {summary.files} files, {summary.bytes} bytes"


def protection(summary: Summary, *, restoring: bool = False) -> str:
    """How far the manifest can be trusted: an operator must not take a checksum for a
    seal."""
    if summary.sealed:
        if restoring:
            return "The manifest's HMAC seal matches BACKUP_KEY: nobody without the key changed it."
        return "The manifest is sealed with an HMAC keyed with BACKUP_KEY."
    if restoring:
        return (
            "This backup was made without BACKUP_KEY: its manifest carries a checksum, not "
            "a seal, so the checks show it was not damaged, not that nobody changed it."
        )
    return CHECKSUM_ONLY


class Command(BaseCommand):
    help = (
        "Back up the whole installation into one .tar.gz: every app's rows as portable "
        "JSON Lines and every stored file (photos, briefing packs, documents, uploads), "
        "with a manifest holding the SHA-256 of each file. Reads the database in one "
        "transaction and streams rows and files into the archive. Without BACKUP_KEY the "
        "manifest carries only a checksum, which anyone who can change the archive can "
        "recompute; set BACKUP_KEY to seal it with an HMAC."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path, help="the archive to write, e.g. integra.tar.gz")

    def handle(self, *args: Any, **options: Any) -> None:
        summary = create_backup(options["out"])
        self.stdout.write(f"Backed up {describe(summary)} to {options['out']}")
        self.stdout.write(protection(summary))
