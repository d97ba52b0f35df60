"""The planning screen through HTTP: secrecy, HTMX fragments, bad input, concurrency."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections import actions
from inspections.models import ActionDay, Visit
from partners.models import AuditEntry
from tests.base import CastTestCase
from tests.planning_fixtures import give_trafficking_check, make_action_day, make_premises

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


class PlanViewTestCase(CastTestCase):
    def setUp(self) -> None:
        self.client.cookies["django_language"] = "en"
        give_trafficking_check(self.police)
        self.day = make_action_day(self.cast)
        self.premises = [make_premises(self.city_a, n, sector=None) for n in range(1, 4)]
        self.url = reverse("action-day-plan", args=[self.day.code])

    def post(self, name: str, data: dict[str, Any], **extra: Any) -> Any:
        self.day.refresh_from_db()
        data = {"version": self.day.version, **data}
        return self.client.post(reverse(name, args=[self.day.code]), data, **extra)


class PlanAccessTests(PlanViewTestCase):
    def test_coordinator_sees_plan_and_the_view_is_audited(self) -> None:
        self.client.force_login(self.coordinator)
        response = self.client.get(self.url)
        self.assertContains(response, "Actiedag Stationsbuurt")
        self.assertTrue(
            AuditEntry.objects.filter(action="read", object_code=str(self.day.code)).exists()
        )

    def test_secret_day_is_a_404_for_everyone_else(self) -> None:
        for user in (self.police_inspector, self.clerk, self.mayor, self.outsider):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url).status_code, 404, user)
            response = self.client.get(reverse("action-day-list"))
            self.assertNotContains(response, "Actiedag Stationsbuurt")

    def test_participant_sees_day_in_list_after_release_but_cannot_plan(self) -> None:
        actions.set_partners(
            action_day=self.day,
            user=self.coordinator,
            version=self.day.version,
            partners=[self.police],
        )
        ActionDay.objects.filter(pk=self.day.pk).update(status=ActionDay.Status.RELEASED)
        self.client.force_login(self.police_inspector)
        self.assertContains(self.client.get(reverse("action-day-list")), "Actiedag Stationsbuurt")
        self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_inspector_cannot_change_a_plan(self) -> None:
        self.client.force_login(self.police_inspector)
        response = self.post("plan-add-visits", {"premises": [str(self.premises[0].code)]})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Visit.objects.exists())


class PlanChangeTests(PlanViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.coordinator)

    def test_add_visits_answers_with_the_visits_without_a_team_and_a_trigger(self) -> None:
        response = self.post(
            "plan-add-visits", {"premises": [str(p.code) for p in self.premises[:2]]}, **HTMX
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("plan-changed", response["HX-Trigger"])
        self.assertEqual(response["HX-Reswap"], "none")
        self.assertNotContains(response, 'id="plan-body"')
        self.assertContains(response, 'id="plan-team-none" hx-swap-oob="true"')
        self.assertContains(response, "2 visits")
        self.assertContains(response, "Premises 2")
        self.assertEqual(Visit.objects.count(), 2)

    def test_area_drawn_on_the_map_adds_premises_inside_it(self) -> None:
        inside = self.premises[0]
        ring = [
            [inside.lon - 0.0004, inside.lat - 0.0004],
            [inside.lon + 0.0004, inside.lat - 0.0004],
            [inside.lon + 0.0004, inside.lat + 0.0004],
            [inside.lon - 0.0004, inside.lat + 0.0004],
        ]
        import json

        self.post("plan-add-visits", {"polygon": json.dumps(ring), "min_risk": ""}, **HTMX)
        self.assertEqual(list(Visit.objects.values_list("premises", flat=True)), [inside.pk])

    def test_premises_of_another_city_is_refused_with_a_message(self) -> None:
        foreign = make_premises(self.city_b, 9)
        response = self.post("plan-add-visits", {"premises": [str(foreign.code)]}, **HTMX)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Visit.objects.exists())

    def test_empty_selection_gets_a_clear_message(self) -> None:
        response = self.post("plan-add-visits", {}, **HTMX)
        self.assertContains(response, "Choose at least one premises", status_code=400)

    def test_stale_version_is_409_and_nothing_lost(self) -> None:
        self.post("plan-add-visits", {"premises": [str(self.premises[0].code)]}, **HTMX)
        response = self.client.post(
            reverse("plan-add-visits", args=[self.day.code]),
            {"version": 1, "premises": [str(self.premises[1].code)]},
            **HTMX,
        )
        self.assertContains(response, "Someone else changed this plan", status_code=409)
        self.assertEqual(Visit.objects.count(), 1)

    def test_team_with_a_person_outside_the_partners_is_refused(self) -> None:
        response = self.post("plan-team", {"name": "Team 1", "lead": self.clerk.pk}, **HTMX)
        self.assertContains(response, "not with a participating partner", status_code=400)
        self.assertFalse(self.day.teams.exists())

    def test_full_flow_to_release(self) -> None:
        self.post("plan-partners", {"partners": [self.police.pk, self.social.pk]}, **HTMX)
        self.post("plan-add-visits", {"premises": [str(p.code) for p in self.premises]}, **HTMX)
        self.post(
            "plan-team",
            {
                "name": "Team 1",
                "lead": self.police_inspector.pk,
                "members": [self.social_inspector.pk],
            },
            **HTMX,
        )
        team = self.day.teams.get()
        for visit in Visit.objects.all():
            self.post("plan-assign", {"visit": str(visit.code), "team": team.pk}, **HTMX)
        self.post("plan-routes", {}, **HTMX)
        self.post("plan-status", {"status": "planned"}, **HTMX)
        response = self.post("plan-status", {"status": "released"}, **HTMX)
        self.assertEqual(response.status_code, 200)
        self.day.refresh_from_db()
        self.assertEqual(self.day.status, ActionDay.Status.RELEASED)
        self.assertFalse(Visit.objects.filter(slot_start__isnull=True).exists())

    def test_plan_body_queries_do_not_grow_with_visits(self) -> None:
        self.post("plan-partners", {"partners": [self.police.pk, self.social.pk]}, **HTMX)
        self.post(
            "plan-team",
            {
                "name": "Team 1",
                "lead": self.police_inspector.pk,
                "members": [self.social_inspector.pk],
            },
            **HTMX,
        )

        def count(n_visits: int) -> int:
            extra = [
                make_premises(self.city_a, 100 + i + n_visits * 100, sector="car_wash")
                for i in range(n_visits)
            ]
            self.post("plan-add-visits", {"premises": [str(p.code) for p in extra]}, **HTMX)
            Visit.objects.update(team=self.day.teams.get())
            with CaptureQueriesContext(connection) as queries:
                self.post("plan-routes", {}, **HTMX)
            return len(queries)

        self.assertEqual(count(3), count(30))

    def test_plan_page_queries_do_not_grow_with_teams(self) -> None:
        """Each team's edit form offers the same people, read once for the page."""
        self.post("plan-partners", {"partners": [self.police.pk, self.social.pk]}, **HTMX)
        url = reverse("action-day-plan", args=[self.day.code])

        def count(teams: int) -> int:
            while self.day.teams.count() < teams:
                name = f"Team {self.day.teams.count() + 1}"
                self.post("plan-team", {"name": name, "lead": self.police_inspector.pk}, **HTMX)
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(url)
            self.assertEqual(response.status_code, 200)
            return len(queries)

        # From two teams on, the one lead is in two places: that conflict names them.
        self.assertEqual(count(2), count(5))
        page = self.client.get(url).content.decode()
        # Every card's lead menu and member boxes offer the partners' people, the team's
        # lead chosen.
        for number in range(1, 6):
            lead_menu = page.split(f'id="team{number}-lead"')[1].split("</select>")[0]
            self.assertIn(f'value="{self.police_inspector.pk}" selected', lead_menu)
            self.assertIn(f'value="{self.social_inspector.pk}"', lead_menu)
            self.assertIn(f'id="team{number}-members_', page)


class PartialAnswerTests(PlanViewTestCase):
    """A change answers with the parts it touched, swapped out of band, in a number of
    queries that does not depend on the number of visits."""

    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.coordinator)
        self.post("plan-partners", {"partners": [self.police.pk, self.social.pk]}, **HTMX)
        for name in ("Team A", "Team B", "Team C"):
            self.post("plan-team", {"name": name, "lead": self.police_inspector.pk}, **HTMX)
        self.teams = {team.name: team for team in self.day.teams.all()}

    def add_visits(self, count: int, team: str, start: int) -> list[Visit]:
        extra = [make_premises(self.city_a, start + n, sector="car_wash") for n in range(count)]
        self.post("plan-add-visits", {"premises": [str(p.code) for p in extra]}, **HTMX)
        visits = list(Visit.objects.filter(premises__in=extra))
        Visit.objects.filter(pk__in=[visit.pk for visit in visits]).update(team=self.teams[team])
        return visits

    def test_moving_a_visit_answers_with_the_team_it_left_and_the_one_it_joined(self) -> None:
        moved = self.add_visits(2, "Team A", 100)[0]
        self.add_visits(2, "Team C", 200)
        team_b = self.teams["Team B"]
        response = self.post("plan-assign", {"visit": str(moved.code), "team": team_b.pk}, **HTMX)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["HX-Reswap"], "none")
        self.assertNotIn("plan-changed", response.get("HX-Trigger", ""))
        for name in ("Team A", "Team B"):
            self.assertContains(
                response, f'id="plan-team-{self.teams[name].pk}" hx-swap-oob="true"'
            )
            self.assertContains(response, f'id="team-edit-summary-{self.teams[name].pk}"')
        self.assertNotContains(response, f'id="plan-team-{self.teams["Team C"].pk}"')
        self.assertNotContains(response, 'id="plan-body"')
        self.assertNotContains(response, 'id="plan-team-none"')
        self.day.refresh_from_db()
        self.assertContains(
            response, f'id="plan-version" name="version" value="{self.day.version}"'
        )
        self.assertContains(response, 'id="conflicts" hx-swap-oob="true"')
        # The visit now shows in Team B, with Team B chosen in its menu.
        section_b = response.content.decode().split(f'id="plan-team-{team_b.pk}"')[1]
        self.assertIn(str(moved.code), section_b.split('class="team-section"')[0])
        self.assertIn(f'<option value="{team_b.pk}" selected>Team B</option>', section_b)

    def test_removing_a_visit_redraws_its_team_and_refreshes_the_candidates(self) -> None:
        visit = self.add_visits(2, "Team C", 100)[0]
        response = self.post("plan-remove-visit", {"visit": str(visit.code)}, **HTMX)
        self.assertEqual(response.status_code, 200)
        self.assertIn("plan-changed", response["HX-Trigger"])
        self.assertContains(response, f'id="plan-team-{self.teams["Team C"].pk}"')
        self.assertNotContains(response, f'id="plan-team-{self.teams["Team A"].pk}"')
        self.assertNotContains(response, str(visit.code))
        self.assertContains(response, "1 visit")

    def test_a_refused_move_changes_nothing_and_swaps_nothing(self) -> None:
        visit = self.add_visits(1, "Team A", 100)[0]
        response = self.client.post(
            reverse("plan-assign", args=[self.day.code]),
            {"version": 1, "visit": str(visit.code), "team": self.teams["Team B"].pk},
            **HTMX,
        )
        self.assertContains(response, "Someone else changed this plan", status_code=409)
        self.assertNotContains(response, "hx-swap-oob", status_code=409)
        visit.refresh_from_db()
        self.assertEqual(visit.team, self.teams["Team A"])

    def test_moving_a_visit_costs_the_same_queries_for_few_or_many_visits(self) -> None:
        def count(per_team: int, start: int) -> int:
            for name in ("Team A", "Team B", "Team C"):
                self.add_visits(per_team, name, start)
                start += 100
            moved = Visit.objects.filter(team=self.teams["Team A"]).first()
            assert moved is not None
            with CaptureQueriesContext(connection) as queries:
                response = self.post(
                    "plan-assign",
                    {"visit": str(moved.code), "team": self.teams["Team B"].pk},
                    **HTMX,
                )
            self.assertEqual(response.status_code, 200)
            return len(queries)

        self.assertEqual(count(2, 1000), count(20, 5000))

    def test_the_case_card_is_redrawn_alone(self) -> None:
        response = self.post("plan-case", {"case": ""}, **HTMX)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'id="case-part" hx-swap-oob="true"')
        self.assertNotContains(response, 'class="team-section"')


class AdjustmentTests(PlanViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.coordinator)
        self.post("plan-partners", {"partners": [self.police.pk, self.social.pk]}, **HTMX)
        self.post("plan-add-visits", {"premises": [str(self.premises[0].code)]}, **HTMX)
        self.visit = Visit.objects.get()

    def test_coordinator_gives_a_check_to_a_partner_and_sets_entry(self) -> None:
        from partners.models import Competency

        undeclared = Competency.objects.get(code="undeclared-work")
        response = self.post(
            "plan-adjust-visit",
            {
                "visit": str(self.visit.code),
                "competency": undeclared.pk,
                "partner": self.social.pk,
                "entry_partner": self.social.pk,
            },
            **HTMX,
        )
        self.assertEqual(response.status_code, 200)
        self.visit.refresh_from_db()
        self.assertEqual(self.visit.entry_partner, self.social)
        self.assertEqual(
            self.visit.entry_basis,
            "Sociaal Strafwetboek art. 23-39 (bevoegdheden van de sociaal inspecteurs)",
        )
        self.assertTrue(
            self.visit.tasks.filter(competency=undeclared, partner=self.social).exists()
        )

    def test_trafficking_check_cannot_be_dropped(self) -> None:
        from partners.models import Competency

        trafficking = Competency.objects.get(code="trafficking-indicators")
        response = self.post(
            "plan-adjust-visit",
            {"visit": str(self.visit.code), "competency": trafficking.pk},
            **HTMX,
        )
        self.assertContains(response, "every visit", status_code=400)
        self.assertTrue(self.visit.tasks.filter(competency=trafficking).exists())

    def test_partner_not_taking_part_is_refused(self) -> None:
        response = self.post(
            "plan-adjust-visit",
            {"visit": str(self.visit.code), "entry_partner": self.permits.pk},
            **HTMX,
        )
        self.assertEqual(response.status_code, 400)


class CreateFormTests(PlanViewTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.coordinator)

    def data(self, **changes: Any) -> dict[str, Any]:
        from tests.planning_fixtures import next_week

        data = {
            "municipality": self.city_a.pk,
            "title": "Nieuwe actie",
            "date": next_week().isoformat(),
            "starts_at": "09:00",
            "ends_at": "16:00",
            "travel_speed_kmh": 25,
            "visit_minutes": 40,
            "recent_visit_days": 90,
        }
        data.update(changes)
        return data

    def test_a_day_in_the_past_is_refused(self) -> None:
        response = self.client.post(reverse("action-day-create"), self.data(date="2020-01-01"))
        self.assertContains(response, "cannot be planned in the past")
        self.assertFalse(ActionDay.objects.filter(title="Nieuwe actie").exists())

    def test_an_end_before_the_start_is_refused(self) -> None:
        response = self.client.post(
            reverse("action-day-create"), self.data(starts_at="16:00", ends_at="09:00")
        )
        self.assertContains(response, "The end must be after the start")
        self.assertFalse(ActionDay.objects.filter(title="Nieuwe actie").exists())

    def test_another_citys_zone_is_refused(self) -> None:
        from gis.models import Zone

        zone = Zone.objects.create(
            municipality=self.city_b,
            external_id="z",
            name="B zone",
            geometry={"type": "Polygon", "coordinates": []},
            west=0,
            south=0,
            east=1,
            north=1,
            source_crs="EPSG:4326",
        )
        response = self.client.post(reverse("action-day-create"), self.data(zone=zone.pk))
        self.assertEqual(response.status_code, 200)
        self.assertFalse(ActionDay.objects.filter(title="Nieuwe actie").exists())

    def test_valid_day_is_created_and_leads_to_the_plan(self) -> None:
        response = self.client.post(reverse("action-day-create"), self.data())
        day = ActionDay.objects.get(title="Nieuwe actie")
        self.assertRedirects(response, reverse("action-day-plan", args=[day.code]))

    def test_outsider_cannot_create_for_city_a(self) -> None:
        self.client.force_login(self.outsider)
        response = self.client.post(reverse("action-day-create"), self.data())
        self.assertContains(response, "Select a valid choice")
        self.assertFalse(ActionDay.objects.filter(title="Nieuwe actie").exists())


class SectorRuleTests(PlanViewTestCase):
    def test_coordinator_toggles_a_rule_through_htmx(self) -> None:
        from inspections.models import SectorRule

        self.client.force_login(self.coordinator)
        self.assertContains(self.client.get(reverse("sector-rules")), "Car wash")
        data = {
            "municipality": self.city_a.code,
            "sector": "car_wash",
            "competency": "fire-safety",
            "needed": "on",
        }
        response = self.client.post(reverse("sector-rule-toggle"), data, **HTMX)
        self.assertContains(response, "checked")
        self.assertTrue(
            SectorRule.objects.filter(
                municipality=self.city_a, sector__code="car_wash", competency__code="fire-safety"
            ).exists()
        )

    def test_outsider_cannot_change_city_a_rules(self) -> None:
        self.client.force_login(self.outsider)
        data = {
            "municipality": self.city_a.code,
            "sector": "car_wash",
            "competency": "fire-safety",
            "needed": "on",
        }
        response = self.client.post(reverse("sector-rule-toggle"), data, **HTMX)
        self.assertEqual(response.status_code, 400)

    def test_inspector_has_no_rules_page(self) -> None:
        self.client.force_login(self.police_inspector)
        self.assertEqual(self.client.get(reverse("sector-rules")).status_code, 403)
