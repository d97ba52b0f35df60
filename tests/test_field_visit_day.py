"""A visit is started and finished on the day of its action, at a time of that day: a
released day starts with its first visit on its own date; a device that syncs in the
evening keeps the times it recorded; ten days ahead is refused with the reason."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from inspections.models import ActionDay, Visit
from partners.models import AuditEntry
from tests.base import CastTestCase
from tests.field_fixtures import build_field_day


def at(day: Any, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def earlier_today(fraction: float) -> datetime:
    """A moment that has already passed today, whatever the hour the suite runs at: the
    given fraction of the time since local midnight. A fixed hour such as 00:40 is still
    ahead when the suite runs just after midnight, and a time ahead is refused."""
    midnight = at(timezone.localdate(), 0)
    return midnight + (timezone.now() - midnight) * fraction


class VisitDayTests(CastTestCase):
    def setUp(self) -> None:
        self.field = build_field_day(self.cast)
        self.visit = self.field.visits[0]
        self.client.force_login(self.police_inspector)
        # The reasons are read in English here; their translations are the locale's.
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def outcome(self, action: str, when: datetime | None) -> Any:
        body: dict[str, Any] = {"action": action}
        if when is not None:
            body["at"] = when.isoformat()
        return self.client.post(
            f"/api/v1/visits/{self.visit.code}/outcome",
            json.dumps(body),
            content_type="application/json",
        )

    def move_day(self, days: int, status: str = ActionDay.Status.RELEASED) -> None:
        ActionDay.objects.filter(pk=self.field.day.pk).update(
            date=timezone.localdate() + timedelta(days=days), status=status
        )

    def assert_not_started(self) -> None:
        self.visit.refresh_from_db()
        self.assertEqual(self.visit.status, Visit.Status.PLANNED)
        self.assertIsNone(self.visit.started_at)
        self.assertIsNone(self.visit.finished_at)

    def test_a_visit_ten_days_ahead_cannot_be_started_or_finished(self) -> None:
        self.move_day(10)
        for action in ("start", "done", "no_access"):
            response = self.outcome(action, timezone.now())
            self.assertEqual(response.status_code, 400, action)
            self.assertIn("action day", response.json()["detail"])
        self.assert_not_started()
        self.assertEqual(
            ActionDay.objects.get(pk=self.field.day.pk).status, ActionDay.Status.RELEASED
        )

    def test_a_time_on_the_action_date_sent_ahead_of_it_is_refused(self) -> None:
        self.move_day(10)
        response = self.outcome("start", at(self.field.day.date + timedelta(days=10), 10))
        self.assertEqual(response.status_code, 400)
        self.assertIn("future", response.json()["detail"])
        self.assert_not_started()

    def test_a_time_of_another_date_is_refused_on_the_action_day(self) -> None:
        self.move_day(0, ActionDay.Status.IN_PROGRESS)
        response = self.outcome("start", timezone.now() - timedelta(days=1))
        self.assertEqual(response.status_code, 400)
        self.assert_not_started()

    def test_the_first_visit_started_on_the_action_date_starts_a_released_day(self) -> None:
        response = self.outcome("start", timezone.now())
        self.assertEqual(response.status_code, 200, response.content)
        day = ActionDay.objects.get(pk=self.field.day.pk)
        self.assertEqual(day.status, ActionDay.Status.IN_PROGRESS)
        self.assertTrue(
            AuditEntry.objects.filter(
                object_code=str(day.code), user=self.police_inspector, action="change"
            ).exists()
        )

    def test_an_evening_sync_keeps_the_times_recorded_during_the_day(self) -> None:
        started, finished = earlier_today(0.25), earlier_today(0.5)
        self.assertEqual(self.outcome("start", started).status_code, 200)
        self.assertEqual(self.outcome("done", finished).status_code, 200)
        self.visit.refresh_from_db()
        self.assertEqual((self.visit.started_at, self.visit.finished_at), (started, finished))

    def test_a_visit_cannot_end_before_it_started(self) -> None:
        self.assertEqual(self.outcome("start", earlier_today(0.5)).status_code, 200)
        response = self.outcome("done", earlier_today(0.25))
        self.assertEqual(response.status_code, 400)
        self.visit.refresh_from_db()
        self.assertEqual(self.visit.status, Visit.Status.UNDERWAY)

    def test_a_visit_done_marks_its_premises_inspected_on_the_action_date(self) -> None:
        self.outcome("start", timezone.now())
        self.outcome("done", timezone.now())
        self.visit.premises.refresh_from_db()
        self.assertEqual(self.visit.premises.last_inspected_on, self.field.day.date)
        other = self.field.visits[1]
        self.client.post(
            f"/api/v1/visits/{other.code}/outcome",
            json.dumps({"action": "no_access"}),
            content_type="application/json",
        )
        other.premises.refresh_from_db()
        self.assertIsNone(other.premises.last_inspected_on)

    def test_the_page_without_javascript_says_why_a_visit_ahead_cannot_start(self) -> None:
        self.move_day(10)
        url = reverse("field-visit", args=[self.visit.code])
        response = self.client.post(url, {"action": "start"})
        self.assertEqual(response.status_code, 400)
        self.assertIn(b"action day", response.content)
        self.assert_not_started()
