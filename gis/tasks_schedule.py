"""The premises register's recurring tasks, as django-q2 schedules."""

from __future__ import annotations

from datetime import time

from django_q.models import Schedule

from partners.schedules import ensure_daily

REFRESH_RISK = "gis: refresh risk scores"


def ensure_schedules() -> list[Schedule]:
    # Nightly, when nobody works: scores fade with the age of their signals.
    return [ensure_daily(REFRESH_RISK, "gis.risk.refresh_all", time(3, 0))]
