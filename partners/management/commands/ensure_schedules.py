from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from partners.schedules import ensure_schedules


class Command(BaseCommand):
    help = (
        "Create the recurring tasks every installation needs (the nightly risk refresh and "
        "the others each app declares) as django-q2 schedules. Run it after migrate on every "
        "deploy. Idempotent: a schedule that exists, even one an administrator retimed, is "
        "left as it is."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for schedule in ensure_schedules():
            when = timezone.localtime(schedule.next_run) if schedule.next_run else "-"
            self.stdout.write(f"{schedule.name}: {schedule.func}, next run {when}")
