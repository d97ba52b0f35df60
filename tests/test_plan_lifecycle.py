"""An action day's life cycle from the planning screen, and the release gate: after
release the plan stays free of conflicts, and a day never starts with one open."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse

from inspections.models import ActionDay, Visit
from partners.models import SharingProtocol
from tests.base import CastTestCase
from tests.cast import make_partner
from tests.planning_fixtures import give_trafficking_check, make_action_day, make_premises

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


class ReleasedPlanTestCase(CastTestCase):
    """A day planned without conflicts through the screen, then released."""

    def setUp(self) -> None:
        self.client.cookies["django_language"] = "en"
        self.client.force_login(self.coordinator)
        give_trafficking_check(self.police)
        self.day = make_action_day(self.cast)
        premises = [make_premises(self.city_a, n, sector=None) for n in range(1, 3)]
        self.post("plan-partners", {"partners": [self.police.pk, self.social.pk]})
        self.post("plan-add-visits", {"premises": [str(p.code) for p in premises]})
        self.post(
            "plan-team",
            {
                "name": "Team 1",
                "lead": self.police_inspector.pk,
                "members": [self.social_inspector.pk],
            },
        )
        team = self.day.teams.get()
        for visit in Visit.objects.all():
            self.post("plan-assign", {"visit": str(visit.code), "team": team.pk})
        self.post("plan-routes", {})
        self.post("plan-status", {"status": "planned"})
        response = self.post("plan-status", {"status": "released"})
        self.assertEqual(response.status_code, 200, response.content)

    def post(self, name: str, data: dict[str, Any], **extra: Any) -> Any:
        self.day.refresh_from_db()
        data = {"version": self.day.version, **data}
        return self.client.post(reverse(name, args=[self.day.code]), data, **HTMX, **extra)

    def status(self) -> str:
        self.day.refresh_from_db()
        return self.day.status


class LifeCycleTests(ReleasedPlanTestCase):
    def test_coordinator_starts_and_closes_the_day_from_the_plan(self) -> None:
        self.assertEqual(self.post("plan-status", {"status": "in_progress"}).status_code, 200)
        response = self.post("plan-status", {"status": "closed"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(self.status(), ActionDay.Status.CLOSED)

    def test_closing_without_htmx_lands_on_the_plan_with_the_new_status(self) -> None:
        self.post("plan-status", {"status": "in_progress"})
        self.day.refresh_from_db()
        response = self.client.post(
            reverse("plan-status", args=[self.day.code]),
            {"version": self.day.version, "status": "closed"},
            follow=True,
        )
        self.assertContains(response, "The action day is now “Closed”.")
        self.assertEqual(self.status(), ActionDay.Status.CLOSED)

    def test_plan_of_a_day_in_progress_still_cannot_change(self) -> None:
        self.post("plan-status", {"status": "in_progress"})
        extra = make_premises(self.city_a, 9, sector=None)
        response = self.post("plan-add-visits", {"premises": [str(extra.code)]})
        self.assertContains(response, "can no longer be changed", status_code=400)
        self.assertEqual(Visit.objects.count(), 2)

    def test_a_closed_day_cannot_be_reopened(self) -> None:
        self.post("plan-status", {"status": "in_progress"})
        self.post("plan-status", {"status": "closed"})
        response = self.post("plan-status", {"status": "in_progress"})
        self.assertContains(response, "cannot go from", status_code=400)
        self.assertEqual(self.status(), ActionDay.Status.CLOSED)

    def test_a_released_day_offers_the_way_back_to_planned(self) -> None:
        page = self.client.get(reverse("action-day-plan", args=[self.day.code]))
        self.assertContains(page, 'value="planned"')
        self.assertContains(page, "Back to planned")

    def test_the_day_in_progress_offers_its_closing_button(self) -> None:
        self.post("plan-status", {"status": "in_progress"})
        page = self.client.get(reverse("action-day-plan", args=[self.day.code]))
        self.assertContains(page, 'value="closed"')
        self.assertContains(page, "The plan no longer changes")


class ReleaseGateTests(ReleasedPlanTestCase):
    def test_partner_without_protocol_is_refused_after_release(self) -> None:
        fire = make_partner("fire-a", "Fire", "local", self.city_a)
        partners = [self.police.pk, self.social.pk, fire.pk]
        response = self.post("plan-partners", {"partners": partners})
        self.assertContains(response, "Fire takes part without a sharing protocol", status_code=400)
        self.assertContains(response, "Nothing was changed", status_code=400)
        self.assertEqual(set(self.day.partners.all()), {self.police, self.social})
        self.assertEqual(self.status(), ActionDay.Status.RELEASED)

    def test_person_in_two_teams_is_refused_after_release(self) -> None:
        response = self.post(
            "plan-team", {"name": "Team 2", "lead": self.social_inspector.pk, "members": []}
        )
        self.assertContains(response, "is in two teams", status_code=400)
        self.assertEqual(list(self.day.teams.values_list("name", flat=True)), ["Team 1"])

    def test_person_in_two_teams_is_refused_while_the_day_runs(self) -> None:
        """The plan cannot change while the day runs; the gate holds there too."""
        self.post("plan-status", {"status": "in_progress"})
        response = self.post(
            "plan-team", {"name": "Team 2", "lead": self.social_inspector.pk, "members": []}
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.day.teams.count(), 1)

    def test_a_change_that_adds_no_conflict_goes_through_after_release(self) -> None:
        response = self.post("plan-routes", {})
        self.assertEqual(response.status_code, 200, response.content)

    def test_the_refusal_says_how_to_rework_the_plan(self) -> None:
        extra = make_premises(self.city_a, 9, sector=None)
        response = self.post("plan-add-visits", {"premises": [str(extra.code)]})
        self.assertContains(response, "have no team yet", status_code=400)
        self.assertContains(response, "back to “Planned”", status_code=400)
        self.assertEqual(Visit.objects.count(), 2)

    def test_back_to_planned_the_plan_changes_again(self) -> None:
        self.post("plan-status", {"status": "planned"})
        extra = make_premises(self.city_a, 9, sector=None)
        response = self.post("plan-add-visits", {"premises": [str(extra.code)]})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Visit.objects.count(), 3)

    def test_a_day_does_not_start_with_open_conflicts(self) -> None:
        # The protocol lapses after release: a conflict nobody's change created.
        SharingProtocol.objects.update(valid_to=date(2025, 12, 31))
        response = self.post("plan-status", {"status": "in_progress"})
        self.assertContains(response, "without a sharing protocol", status_code=400)
        self.assertEqual(self.status(), ActionDay.Status.RELEASED)

    def test_an_existing_conflict_does_not_block_other_changes(self) -> None:
        SharingProtocol.objects.update(valid_to=date(2025, 12, 31))
        response = self.post("plan-routes", {})
        self.assertEqual(response.status_code, 200, response.content)


# The forms that change the plan, by the address they post to.
EDITING_URLS = (
    "plan-add-visits",
    "plan-partners",
    "plan-team",
    "plan-team-delete",
    "plan-assign",
    "plan-remove-visit",
    "plan-routes",
    "plan-adjust-visit",
)


class ReadOnlyPlanTests(ReleasedPlanTestCase):
    """A day in progress or closed keeps its plan: its page shows it without the
    controls that the server would refuse, and keeps the status buttons."""

    def page(self) -> str:
        response = self.client.get(reverse("action-day-plan", args=[self.day.code]))
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def editing_forms(self, body: str) -> list[str]:
        return [
            name
            for name in EDITING_URLS
            if f'action="{reverse(name, args=[self.day.code])}"' in body
        ]

    def test_a_released_plan_still_offers_every_editing_control(self) -> None:
        body = self.page()
        self.assertEqual(self.editing_forms(body), list(EDITING_URLS))
        self.assertIn("Propose routes and slots", body)
        self.assertNotIn("The plan no longer changes", body)

    def test_the_plan_of_a_day_in_progress_is_read_only(self) -> None:
        self.post("plan-status", {"status": "in_progress"})
        body = self.page()
        self.assertEqual(self.editing_forms(body), [])
        for control in ("Add the selected premises", "Save partners", "New team", "Remove "):
            self.assertNotIn(control, body)
        self.assertIn("The plan no longer changes", body)
        self.assertIn("Close the day", body)
        # What the plan is stays readable: partners, teams with their people, visits.
        self.assertIn("Team 1", body)
        self.assertIn(self.police.name, body)
        self.assertEqual(body.count("data-visit="), 2)

    def test_the_plan_of_a_closed_day_is_read_only(self) -> None:
        self.post("plan-status", {"status": "in_progress"})
        self.post("plan-status", {"status": "closed"})
        body = self.page()
        self.assertEqual(self.editing_forms(body), [])
        self.assertIn("The plan no longer changes", body)
        self.assertNotIn("Propose routes and slots", body)
