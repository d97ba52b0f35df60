from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from partners.privacy import plan_purge, purge_personal_data


class Command(BaseCommand):
    help = (
        "Purge the personal data of closed cases older than RETENTION_DAYS: free-text and "
        "photo answers of the findings of closed or reported action days held before the "
        "cutoff, their photos (unless a kept finding shares them), the notes on their "
        "visits, and the descriptions of signals received before the cutoff; uploaded GIS "
        "layers IMPORT_UPLOAD_DAYS after their import. Counts, "
        "indicators, reports and decisions stay. One audit entry records the counts. "
        "--dry-run lists what would go and changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list only, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["dry_run"]:
            plan = plan_purge()
            self.stdout.write("\n".join(plan.lines()))
            self.stdout.write("Dry run: nothing was removed.")
            return
        plan = purge_personal_data()
        self.stdout.write("\n".join(plan.lines()))
        self.stdout.write("Purged; the audit log records it.")
