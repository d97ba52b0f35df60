"""Every recurring task of the installation, as django-q2 schedules.

Each app that has recurring work says so in its own ``tasks_schedule`` module with an
``ensure_schedules()`` function returning the schedules it made sure of; this module finds
those modules through the installed apps, so the platform depends on no app by name.
``manage.py ensure_schedules`` (run on every deploy and by ``make demo``) and ``load_demo``
both call :func:`ensure_schedules`, so an installation without the demo data refreshes
risk every night all the same.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from importlib import import_module

from django.apps import apps
from django.utils import timezone
from django.utils.module_loading import module_has_submodule
from django_q.models import Schedule

MODULE = "tasks_schedule"


def ensure_schedules() -> list[Schedule]:
    """Create every app's schedules that are missing; running it again changes nothing."""
    schedules: list[Schedule] = []
    for app in apps.get_app_configs():
        if not module_has_submodule(app.module, MODULE):
            continue
        module = import_module(f"{app.name}.{MODULE}")
        schedules.extend(module.ensure_schedules())
    return schedules


def ensure_daily(name: str, func: str, at: time) -> Schedule:
    """The daily schedule ``name`` running ``func``, first tomorrow at ``at`` (local
    time). Found by name, so calling again changes nothing and a schedule an
    administrator retimed keeps its time; only the function follows the code, should it
    have moved."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    schedule, _ = Schedule.objects.get_or_create(
        name=name,
        defaults={
            "func": func,
            "schedule_type": Schedule.DAILY,
            "next_run": timezone.make_aware(datetime.combine(tomorrow, at)),
            "repeats": -1,
        },
    )
    if schedule.func != func:
        schedule.func = func
        schedule.save(update_fields=["func"])
    return schedule
