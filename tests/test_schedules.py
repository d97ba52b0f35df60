"""The recurring tasks come from `manage.py ensure_schedules`, which every deploy and
`make demo` run: an installation without the demo data refreshes risk every night."""

from __future__ import annotations

import io
import re
from datetime import time, timedelta
from pathlib import Path

from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone
from django_q.models import Schedule

from gis.tasks_schedule import REFRESH_RISK
from partners.models import Municipality

ROOT = Path(__file__).resolve().parent.parent


def snapshot() -> list[dict]:
    return list(Schedule.objects.order_by("name").values())


class EnsureSchedulesTests(TestCase):
    def test_an_installation_without_the_demo_gets_the_nightly_risk_refresh(self) -> None:
        self.assertFalse(Municipality.objects.exists(), "no demo data loaded")
        self.assertFalse(Schedule.objects.exists())
        out = io.StringIO()
        call_command("ensure_schedules", stdout=out)
        schedule = Schedule.objects.get(name=REFRESH_RISK)
        self.assertEqual(schedule.func, "gis.risk.refresh_all")
        self.assertEqual(schedule.schedule_type, Schedule.DAILY)
        self.assertEqual(schedule.repeats, -1, "it repeats for ever")
        next_run = timezone.localtime(schedule.next_run)
        self.assertEqual(next_run.date(), timezone.localdate() + timedelta(days=1))
        self.assertEqual(next_run.time(), time(3, 0), "at night, when nobody works")
        self.assertIn(REFRESH_RISK, out.getvalue())

    def test_running_it_twice_changes_nothing(self) -> None:
        call_command("ensure_schedules", stdout=io.StringIO())
        first = snapshot()
        self.assertTrue(first)
        call_command("ensure_schedules", stdout=io.StringIO())
        self.assertEqual(snapshot(), first)

    def test_a_retimed_schedule_keeps_its_time_and_follows_a_moved_function(self) -> None:
        call_command("ensure_schedules", stdout=io.StringIO())
        later = timezone.now() + timedelta(days=3)
        Schedule.objects.filter(name=REFRESH_RISK).update(
            next_run=later, schedule_type=Schedule.WEEKLY, func="gis.old_place.refresh_all"
        )
        call_command("ensure_schedules", stdout=io.StringIO())
        schedule = Schedule.objects.get(name=REFRESH_RISK)
        self.assertEqual(schedule.next_run, later)
        self.assertEqual(schedule.schedule_type, Schedule.WEEKLY)
        self.assertEqual(schedule.func, "gis.risk.refresh_all")
        self.assertEqual(Schedule.objects.filter(name=REFRESH_RISK).count(), 1)


def test_make_demo_creates_the_schedules_right_after_migrating() -> None:
    makefile = (ROOT / "Makefile").read_text()
    demo = re.search(r"^demo:.*?\n((?:\t.*\n)+)", makefile, re.M)
    assert demo, "the demo target"
    lines = [line.strip() for line in demo.group(1).splitlines()]
    migrate = next(i for i, line in enumerate(lines) if "migrate" in line)
    assert "ensure_schedules" in lines[migrate + 1]


def test_load_demo_creates_no_schedule_of_its_own() -> None:
    """load_demo calls the same function as the command, not a copy of its own."""
    source = (ROOT / "demo/management/commands/load_demo.py").read_text()
    assert "from partners.schedules import ensure_schedules" in source
    assert "Schedule.objects" not in source
