"""The premises register's recurring tasks, as django-q2 schedules."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone
from django_q.models import Schedule

REFRESH_RISK = "gis: refresh risk scores"


def ensure_schedules() -> list[Schedule]:
    """Create the schedules once; calling again changes nothing (found by name), so a
    schedule an administrator retimed keeps its time. Only the function follows the code,
    should it have moved."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    # Nightly, when nobody works: scores fade with the age of their signals.
    first_run = timezone.make_aware(datetime.combine(tomorrow, time(3, 0)))
    func = "gis.risk.refresh_all"
    schedule, _ = Schedule.objects.get_or_create(
        name=REFRESH_RISK,
        defaults={
            "func": func,
            "schedule_type": Schedule.DAILY,
            "next_run": first_run,
            "repeats": -1,
        },
    )
    if schedule.func != func:
        schedule.func = func
        schedule.save(update_fields=["func"])
    return [schedule]
