"""An action day that carries out a case: the coordinator ties a planned day to one of
their open cases from the plan page, and nobody ties a day to a case that is not theirs."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.urls import reverse

from cases.actions.files import move_case, open_case
from cases.models import Case, Phenomenon
from inspections.models import ActionDay
from partners.models import AuditEntry, Role
from tests.base import CastTestCase
from tests.cast import make_user
from tests.planning_fixtures import make_action_day

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


class CaseDayTests(CastTestCase):
    def setUp(self) -> None:
        self.client.cookies["django_language"] = "en"
        self.day = make_action_day(self.cast)
        self.case = open_case(
            municipality=self.city_a,
            user=self.coordinator,
            title="Massagesalons Wilby",
            phenomenon=Phenomenon.PROSTITUTION,
        )
        self.plan = reverse("action-day-plan", args=[self.day.code])

    def post_case(self, user: User, case: Case | None, **extra: Any) -> Any:
        self.client.force_login(user)
        self.day.refresh_from_db()
        data = {"version": self.day.version, "case": str(case.code) if case else ""}
        return self.client.post(reverse("plan-case", args=[self.day.code]), data, **extra)

    def test_coordinator_in_the_team_ties_the_day_to_the_case(self) -> None:
        response = self.post_case(self.coordinator, self.case, **HTMX)
        self.assertContains(response, f"The day now carries out case {self.case.number}.")
        self.day.refresh_from_db()
        self.assertEqual(self.day.case, self.case)
        self.assertTrue(
            AuditEntry.objects.filter(
                action="change", object_code=str(self.day.code), detail__case=self.case.number
            ).exists()
        )
        page = self.client.get(self.plan)
        self.assertContains(page, f"This day carries out case {self.case.number}")

    def test_untying_the_day_leaves_no_case(self) -> None:
        self.post_case(self.coordinator, self.case)
        self.post_case(self.coordinator, None)
        self.day.refresh_from_db()
        self.assertIsNone(self.day.case)

    def test_a_coordinator_outside_the_case_team_cannot_tie_the_day_to_it(self) -> None:
        colleague = make_user("colleague", self.city, [Role.COORDINATOR], self.city_a)
        page = self.client_for(colleague).get(self.plan)
        self.assertNotContains(page, self.case.number)
        response = self.post_case(colleague, self.case)
        self.assertEqual(response.status_code, 302)
        self.day.refresh_from_db()
        self.assertIsNone(self.day.case)

    def test_a_closed_case_is_not_offered(self) -> None:
        for state in ("analysis", "meeting", "approach_chosen", "actions", "monitoring"):
            move_case(case=self.case, user=self.coordinator, to_state=state, approach="integrated")
        move_case(case=self.case, user=self.coordinator, to_state="closed", evaluation="Done.")
        response = self.post_case(self.coordinator, self.case, **HTMX)
        self.assertEqual(response.status_code, 400)
        self.day.refresh_from_db()
        self.assertIsNone(self.day.case)

    def test_a_stale_plan_changes_nothing(self) -> None:
        self.client.force_login(self.coordinator)
        data = {"version": self.day.version - 1 or 99, "case": str(self.case.code)}
        ActionDay.objects.filter(pk=self.day.pk).update(version=self.day.version + 1)
        response = self.client.post(reverse("plan-case", args=[self.day.code]), data, **HTMX)
        self.assertEqual(response.status_code, 409)
        self.day.refresh_from_db()
        self.assertIsNone(self.day.case)

    def client_for(self, user: User) -> Any:
        self.client.force_login(user)
        return self.client
