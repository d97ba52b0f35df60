from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from partners.backup import BackupError, restore_backup, verify_backup
from partners.management.commands.backup import describe, protection


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup` into an empty, freshly migrated installation. "
        "Everything is checked first (archive complete, manifest matching its checksum, or "
        "its HMAC seal when made with BACKUP_KEY, every file's size "
        "and SHA-256, row counts, photos hash to their names); a damaged backup is refused "
        "and nothing changes. The database is loaded in one transaction and compared with "
        "the backup before it commits. --check only verifies."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="the backup (.tar.gz or its folder)")
        parser.add_argument("--check", action="store_true", help="verify only, restore nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["check"]:
                summary = verify_backup(options["archive"])
                action = "Checked"
            else:
                summary = restore_backup(options["archive"])
                action = "Restored"
        except BackupError as error:
            raise CommandError(f"Backup refused, nothing restored: {error}") from error
        self.stdout.write(
            f"{action} {describe(summary)}; {summary.photos_verified} photos verified"
        )
        self.stdout.write(protection(summary, restoring=True))
        self.stdout.write("verified")
