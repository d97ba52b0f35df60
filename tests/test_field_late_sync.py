"""Saves a tablet made offline on the day reach the server after the coordinator closed
the day: once, audited, counted on the plan page. A reported day, or a save of another
date, is refused with the reason; the team and partner rules stay as they are."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from inspections import actions
from inspections.field_access import LATE_SAVE_CHECKS
from inspections.models import ActionDay, Evidence, Finding, Submission, Visit
from partners.models import AuditEntry
from tests.base import CastTestCase
from tests.field_fixtures import build_field_day, jpeg_bytes, version_of

POLICE_ANSWERS = {"persons_present": 5, "identities_checked": 5, "irregular_stay": "no"}
SOCIAL_ANSWERS = {"workers_present": 5, "without_dimona": "no"}


class LateSyncTestCase(CastTestCase):
    def setUp(self) -> None:
        self.field = build_field_day(self.cast, status=ActionDay.Status.IN_PROGRESS)
        self.day = self.field.day
        self.visit = self.field.visits[0]
        # The reasons are read in English here; their translations are the locale's.
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        # Recorded on the tablet during the day, before the coordinator closed it.
        self.recorded_at = timezone.now()

    def close_day(self) -> None:
        self.day.refresh_from_db()
        actions.change_status(
            action_day=self.day,
            user=self.coordinator,
            version=self.day.version,
            status=ActionDay.Status.CLOSED,
        )

    def report_day(self) -> None:
        ActionDay.objects.filter(pk=self.day.pk).update(status=ActionDay.Status.REPORTED)

    def finding(self, **changes: Any) -> dict[str, Any]:
        data = {
            "client_id": str(uuid.uuid4()),
            "visit": str(self.visit.code),
            "template_version": str(version_of("police-identities").code),
            "answers": POLICE_ANSWERS,
            "base_version": None,
            "recorded_at": self.recorded_at.isoformat(),
        }
        return data | changes

    def post(self, data: dict[str, Any], user: Any = None) -> Any:
        self.client.force_login(user or self.police_inspector)
        return self.client.post(
            "/api/v1/findings", json.dumps(data), content_type="application/json"
        )

    def outcome(self, action: str, user: Any = None, at: Any = None, visit: Any = None) -> Any:
        self.client.force_login(user or self.police_inspector)
        body = {"action": action, "at": (at or self.recorded_at).isoformat()}
        return self.client.post(
            f"/api/v1/visits/{(visit or self.visit).code}/outcome",
            json.dumps(body),
            content_type="application/json",
        )

    def late_audit_rows(self) -> int:
        return AuditEntry.objects.filter(detail__after_close=str(self.day.code)).count()


class ClosedDayTakesTheDaysSavesTests(LateSyncTestCase):
    def test_finding_saved_offline_on_the_day_arrives_once_after_the_close(self) -> None:
        data = self.finding()
        self.close_day()
        first = self.post(data)
        self.assertEqual(first.status_code, 201, first.content)
        again = self.post(data)
        self.assertEqual(again.status_code, 200, again.content)
        self.assertEqual(again.json()["finding"], first.json()["finding"])
        self.assertEqual(Submission.objects.count(), 1)
        self.assertEqual(Finding.objects.get().answers["persons_present"], 5)
        self.assertEqual(self.late_audit_rows(), 1)

    def test_visit_outcome_recorded_on_the_day_arrives_after_the_close(self) -> None:
        self.close_day()
        self.assertEqual(self.outcome("start").status_code, 200)
        done = self.outcome("done")
        self.assertEqual(done.status_code, 200, done.content)
        self.assertEqual(self.outcome("done").status_code, 200)
        self.visit.refresh_from_db()
        self.assertEqual(self.visit.status, Visit.Status.DONE)
        self.assertEqual(self.late_audit_rows(), 2)

    def test_photo_of_a_late_finding_arrives(self) -> None:
        photo = jpeg_bytes()
        sha = hashlib.sha256(photo).hexdigest()
        data = self.finding(
            template_version=str(version_of("social-employment").code),
            answers=SOCIAL_ANSWERS | {"documents": [sha]},
        )
        self.close_day()
        self.assertEqual(self.post(data, user=self.social_inspector).status_code, 201)
        url = f"/api/v1/findings/{data['client_id']}/evidence/{sha}"
        first = self.client.put(url, photo, content_type="image/jpeg")
        again = self.client.put(url, photo, content_type="image/jpeg")
        self.assertEqual((first.status_code, again.status_code), (201, 200), first.content)
        self.assertEqual(Evidence.objects.count(), 1)
        self.assertTrue(Finding.objects.get().is_complete)
        self.assertEqual(self.late_audit_rows(), 2)

    def test_coordinator_sees_on_the_plan_page_that_saves_arrived_after_the_close(self) -> None:
        plan = reverse("action-day-plan", args=[self.day.code])
        self.client.force_login(self.coordinator)
        self.day.refresh_from_db()
        closed = self.client.post(
            reverse("plan-status", args=[self.day.code]),
            {"status": "closed", "version": self.day.version},
        )
        self.assertLess(closed.status_code, 400, closed.content)
        self.assertNotContains(self.client.get(plan), "arrived after the day was closed")
        self.post(self.finding())
        self.outcome("start")
        self.client.force_login(self.coordinator)
        self.assertContains(self.client.get(plan), "2 saves of the field arrived after the day")


class LateSavesRefusedTests(LateSyncTestCase):
    def assert_gone(self, response: Any, *words: str) -> None:
        self.assertEqual(response.status_code, 410, response.content)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        detail = response.json()["detail"]
        for word in (self.day.title, *words):
            self.assertIn(word, detail)

    def test_save_recorded_on_another_date_is_refused_naming_the_day(self) -> None:
        self.close_day()
        self.recorded_at = timezone.now() + timedelta(days=1)
        self.assert_gone(self.post(self.finding()), "closed")
        self.assert_gone(self.outcome("start", at=timezone.now() - timedelta(days=1)), "closed")
        self.assertFalse(Submission.objects.exists())
        self.assertEqual(Visit.objects.get(pk=self.visit.pk).status, Visit.Status.PLANNED)

    def test_reported_day_refuses_late_saves_with_the_reason(self) -> None:
        self.close_day()
        self.report_day()
        self.assert_gone(self.post(self.finding()), "reported")
        self.assert_gone(self.outcome("done"), "reported")
        self.assertFalse(Submission.objects.exists())

    def test_replay_of_a_save_taken_before_the_report_still_answers(self) -> None:
        data = self.finding()
        self.close_day()
        self.assertEqual(self.post(data).status_code, 201)
        self.report_day()
        self.assertEqual(self.post(data).status_code, 200)
        self.assertEqual(Submission.objects.count(), 1)

    def test_a_registered_check_refuses_a_late_save_with_its_reason(self) -> None:
        def signed(visit: Visit, partner_id: int) -> str:
            return "Your partner signed the joint report." if partner_id == self.police.pk else ""

        LATE_SAVE_CHECKS.append(signed)
        self.addCleanup(LATE_SAVE_CHECKS.remove, signed)
        self.close_day()
        response = self.post(self.finding())
        self.assertEqual(response.status_code, 410)
        self.assertEqual(response.json()["detail"], "Your partner signed the joint report.")
        social = self.finding(
            template_version=str(version_of("social-employment").code), answers=SOCIAL_ANSWERS
        )
        self.assertEqual(self.post(social, user=self.social_inspector).status_code, 201)


class ClosedDayKeepsTheAccessRulesTests(LateSyncTestCase):
    def test_other_teams_inspector_is_still_refused(self) -> None:
        self.close_day()
        response = self.outcome("start", visit=self.field.other_visit)
        self.assertEqual(response.status_code, 403)
        other = self.finding(visit=str(self.field.other_visit.code))
        self.assertEqual(self.post(other).status_code, 403)

    def test_other_partner_outsider_and_coordinator_are_still_refused(self) -> None:
        self.close_day()
        for user in (self.social_inspector, self.outsider, self.coordinator):
            self.assertEqual(self.post(self.finding(), user=user).status_code, 403, user)
        self.assertEqual(self.outcome("start", user=self.outsider).status_code, 403)
        self.assertFalse(Submission.objects.exists())

    def test_closed_day_is_not_listed_nor_opened_in_the_field_pages(self) -> None:
        self.close_day()
        self.client.force_login(self.police_inspector)
        self.assertEqual(self.client.get("/api/v1/me/assignments").json(), [])
        page = reverse("field-visit", args=[self.visit.code])
        self.assertEqual(self.client.get(page).status_code, 404)
