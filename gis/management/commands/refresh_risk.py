from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gis.risk import refresh_all


class Command(BaseCommand):
    help = (
        "Recompute every premises' risk score from its signals. Scores fade with the age "
        "of their signals even when nothing new arrives, so this runs nightly (the "
        "django-q2 schedule 'gis: refresh risk scores'). Premises without signals go "
        "back to 0."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--on",
            type=date.fromisoformat,
            default=None,
            help="Score as on this date (YYYY-MM-DD) instead of today.",
        )

    def handle(self, *args: Any, on: date | None = None, **options: Any) -> None:
        changed = refresh_all(on=on)
        self.stdout.write(f"Risk scores refreshed: {changed} changed.")
