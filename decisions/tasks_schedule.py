"""The decisions' recurring tasks, as django-q2 schedules."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone
from django_q.models import Schedule

REFRESH_STATUSES = "decisions: bring statuses up to date"


def ensure_schedules() -> list[Schedule]:
    """Create the schedules once; calling again changes nothing (found by name), so a
    schedule an administrator retimed keeps its time. Only the function follows the code,
    should it have moved."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    # Just after midnight: a measure whose last day was yesterday reads as expired in
    # the registers and the figures from the first morning on. Pages already show it so
    # (decisions.actions.shown_as_of_today); this writes it.
    first_run = timezone.make_aware(datetime.combine(tomorrow, time(0, 15)))
    func = "decisions.actions.refresh_all_statuses"
    schedule, _ = Schedule.objects.get_or_create(
        name=REFRESH_STATUSES,
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
