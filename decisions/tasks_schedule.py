"""The decisions' recurring tasks, as django-q2 schedules."""

from __future__ import annotations

from datetime import time

from django_q.models import Schedule

from partners.schedules import ensure_daily

REFRESH_STATUSES = "decisions: bring statuses up to date"


def ensure_schedules() -> list[Schedule]:
    # Just after midnight: a measure whose last day was yesterday reads as expired in
    # the registers and the figures from the first morning on. Pages already show it so
    # (decisions.actions.shown_as_of_today); this writes it.
    return [ensure_daily(REFRESH_STATUSES, "decisions.actions.refresh_all_statuses", time(0, 15))]
