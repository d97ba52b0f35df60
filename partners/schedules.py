"""Every recurring task of the installation, as django-q2 schedules.

Each app that has recurring work says so in its own ``tasks_schedule`` module with an
``ensure_schedules()`` function returning the schedules it made sure of; this module finds
those modules through the installed apps, so the platform depends on no app by name.
``manage.py ensure_schedules`` (run on every deploy and by ``make demo``) and ``load_demo``
both call :func:`ensure_schedules`, so an installation without the demo data refreshes
risk every night all the same.
"""

from __future__ import annotations

from importlib import import_module

from django.apps import apps
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
