"""Planning an action day: life cycle, proposals by competency, teams, routes, conflicts
and the bad input a coordinator can make."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inspections import actions
from inspections.conflicts import find_conflicts
from inspections.models import ActionDay, InvalidTransition, Team, Visit, VisitTask
from partners.models import AuditEntry, Competency, SharingProtocol
from tests.base import CastTestCase
from tests.cast import make_partner, make_user
from tests.planning_fixtures import give_trafficking_check, make_action_day, make_premises


class PlanningTestCase(CastTestCase):
    def setUp(self) -> None:
        give_trafficking_check(self.police)
        self.day = make_action_day(self.cast)
        actions.set_partners(
            action_day=self.day,
            user=self.coordinator,
            version=self.day.version,
            partners=[self.police, self.social],
        )

    def add(self, *premises: Any) -> list[Visit]:
        return actions.add_visits(
            action_day=self.day, user=self.coordinator, version=self.day.version, premises=premises
        )

    def team(self, name: str, lead: Any, *members: Any) -> Team:
        return actions.save_team(
            action_day=self.day,
            user=self.coordinator,
            version=self.day.version,
            name=name,
            lead=lead,
            members=list(members),
        )

    def kinds(self) -> list[str]:
        return [conflict.kind for conflict in find_conflicts(self.day)]


class LifeCycleTests(PlanningTestCase):
    def test_status_moves_only_along_the_life_cycle(self) -> None:
        with self.assertRaises(InvalidTransition):
            self.day.release()
        self.day.plan()
        self.day.release()
        self.assertIsNotNone(self.day.released_at)
        with self.assertRaises(InvalidTransition):
            self.day.close()
        self.day.start()
        self.day.close()
        self.day.mark_reported()
        with self.assertRaises(InvalidTransition):
            self.day.plan()

    def test_end_before_start_is_refused_and_nothing_saved(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            make_action_day(self.cast, title="Backwards", starts_at=time(16), ends_at=time(9))
        self.assertIn("ends_at", caught.exception.message_dict)
        self.assertFalse(ActionDay.objects.filter(title="Backwards").exists())

    def test_creation_is_audited(self) -> None:
        entry = AuditEntry.objects.filter(object_code=str(self.day.code)).first()
        self.assertIsNotNone(entry)


class ProposalTests(PlanningTestCase):
    def test_sector_rules_propose_partners_and_trafficking_check_at_every_visit(self) -> None:
        car_wash = make_premises(self.city_a, 1, sector="car_wash")
        house = make_premises(self.city_a, 2, sector=None)
        self.add(car_wash, house)
        tasks = {
            (task.visit.premises_id, task.competency.code): task.partner
            for task in VisitTask.objects.select_related("competency", "visit")
        }
        self.assertEqual(tasks[(car_wash.pk, "undeclared-work")], self.social)
        self.assertEqual(tasks[(car_wash.pk, "trafficking-indicators")], self.police)
        self.assertIsNone(tasks[(car_wash.pk, "planning-environment")])  # nobody holds it
        self.assertIn((house.pk, "trafficking-indicators"), tasks)  # whatever the angle
        visit = Visit.objects.get(premises=car_wash)
        self.assertIn(visit.entry_partner, {self.police, self.social})
        self.assertTrue(visit.entry_basis)

    def test_premises_of_another_municipality_is_refused(self) -> None:
        foreign = make_premises(self.city_b, 9)
        with self.assertRaises(ValidationError):
            self.add(make_premises(self.city_a, 1), foreign)
        self.assertFalse(Visit.objects.exists())

    def test_adding_the_same_premises_twice_makes_one_visit(self) -> None:
        premises = make_premises(self.city_a, 1)
        self.add(premises)
        self.add(premises)
        self.assertEqual(Visit.objects.count(), 1)

    def test_a_partner_joining_later_takes_open_tasks(self) -> None:
        premises = make_premises(self.city_a, 1, sector="car_wash")
        self.add(premises)
        environment = make_partner(
            "environment",
            "Environment",
            "local",
            self.city_a,
            competencies=(Competency.objects.get(code="planning-environment"),),
        )
        actions.set_partners(
            action_day=self.day,
            user=self.coordinator,
            version=self.day.version,
            partners=[self.police, self.social, environment],
        )
        task = VisitTask.objects.get(competency__code="planning-environment")
        self.assertEqual(task.partner, environment)


class TeamTests(PlanningTestCase):
    def test_person_of_a_partner_not_taking_part_is_refused(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.team("Team 1", self.police_inspector, self.clerk)
        self.assertIn("participating partner", str(caught.exception))
        self.assertFalse(self.day.teams.exists())

    def test_person_of_another_city_is_refused(self) -> None:
        stranger = make_user("federal-b", self.social, ["inspector"], self.city_b)
        with self.assertRaises(ValidationError):
            self.team("Team 1", self.social_inspector, stranger)

    def test_stale_version_is_a_clear_conflict_and_nothing_is_saved(self) -> None:
        seen = self.day.version
        self.team("Team 1", self.police_inspector)  # the first coordinator saves
        with self.assertRaises(actions.StalePlan) as caught:
            actions.save_team(
                action_day=ActionDay.objects.get(pk=self.day.pk),
                user=self.coordinator,
                version=seen,
                name="Team 2",
                lead=self.social_inspector,
                members=[],
            )
        self.assertIn("Someone else changed this plan", str(caught.exception))
        self.assertEqual(list(self.day.teams.values_list("name", flat=True)), ["Team 1"])


class RouteTests(PlanningTestCase):
    def test_routes_and_slots_for_each_team(self) -> None:
        premises = [make_premises(self.city_a, n, sector=None) for n in range(1, 7)]
        self.add(*premises)
        team_1 = self.team("Team 1", self.police_inspector, self.social_inspector)
        for visit in Visit.objects.all():
            actions.assign_visit(
                visit=visit, team=team_1, user=self.coordinator, version=visit.action_day.version
            )
        self.day.refresh_from_db()
        actions.plan_routes(action_day=self.day, user=self.coordinator, version=self.day.version)
        visits = list(Visit.objects.order_by("route_order"))
        self.assertEqual([v.route_order for v in visits], [1, 2, 3, 4, 5, 6])
        slots = [(visit.slot_start, visit.slot_end) for visit in visits]
        self.assertNotIn(None, [moment for slot in slots for moment in slot])
        # The briefing is at 8:30; teams leave at 9:00 and the first slot starts after travel.
        self.assertEqual(str(slots[0][0])[:2], "09")
        for (_, end), (start, _) in zip(slots, slots[1:], strict=False):
            self.assertLessEqual(str(end), str(start))
        self.assertEqual(self.kinds(), [])


class ConflictTests(PlanningTestCase):
    def test_person_in_two_teams(self) -> None:
        self.team("Team 1", self.police_inspector)
        self.team("Team 2", self.social_inspector, self.police_inspector)
        self.assertIn("person_in_two_teams", self.kinds())

    def test_person_on_two_overlapping_action_days(self) -> None:
        self.team("Team 1", self.police_inspector)
        other = make_action_day(self.cast, title="Other day", starts_at=time(13), ends_at=time(18))
        actions.set_partners(
            action_day=other, user=self.coordinator, version=other.version, partners=[self.police]
        )
        actions.save_team(
            action_day=other,
            user=self.coordinator,
            version=other.version,
            name="A",
            lead=self.police_inspector,
            members=[],
        )
        self.assertIn("person_on_two_days", self.kinds())

    def test_competency_no_team_member_holds(self) -> None:
        self.add(make_premises(self.city_a, 1, sector="car_wash"))
        team = self.team("Team 1", self.police_inspector)
        actions.assign_visit(
            visit=Visit.objects.get(), team=team, user=self.coordinator, version=self.day.version
        )
        conflicts = [c for c in find_conflicts(self.day) if c.kind == "competency_uncovered"]
        self.assertEqual(len(conflicts), 1)
        self.assertIn("Team 1", conflicts[0].message)

    def test_conflicts_name_the_person_and_the_checks_nobody_can_do(self) -> None:
        self.add(make_premises(self.city_a, 1, sector="car_wash"))
        team = self.team("Team 1", self.police_inspector)
        self.team("Team 2", self.police_inspector)
        actions.assign_visit(
            visit=Visit.objects.get(), team=team, user=self.coordinator, version=self.day.version
        )
        messages = {conflict.kind: conflict.message for conflict in find_conflicts(self.day)}
        self.assertEqual(messages["person_in_two_teams"], "Police is in two teams: Team 1, Team 2.")
        task_titles = [task.competency.title for task in VisitTask.objects.all()]
        uncovered = [title for title in task_titles if title not in police_titles(self.police)]
        self.assertTrue(uncovered)
        self.assertTrue(messages["competency_uncovered"].endswith(", ".join(uncovered) + "."))

    def test_partner_with_checks_but_nobody_in_a_team(self) -> None:
        self.add(make_premises(self.city_a, 1, sector="car_wash"))
        self.team("Team 1", self.police_inspector)
        tasked = set(VisitTask.objects.values_list("partner__short_name", flat=True))
        conflicts = [c for c in find_conflicts(self.day) if c.kind == "partner_without_people"]
        self.assertEqual(
            [c.message for c in conflicts],
            [
                f"{name} has checks to do but nobody in any team."
                for name in sorted(tasked - {None, self.police.short_name})
            ],
        )
        self.assertTrue(conflicts)

    def test_the_conflict_check_costs_the_same_queries_for_few_or_many_visits(self) -> None:
        team = self.team("Team 1", self.police_inspector, self.social_inspector)

        def count(visits: int, start: int) -> int:
            self.add(
                *(make_premises(self.city_a, start + n, sector="car_wash") for n in range(visits))
            )
            Visit.objects.update(team=team)
            with CaptureQueriesContext(connection) as queries:
                find_conflicts(self.day)
            return len(queries)

        self.assertEqual(count(2, 100), count(20, 200))

    def test_overlapping_slots_in_a_team(self) -> None:
        first, second = make_premises(self.city_a, 1), make_premises(self.city_a, 2)
        self.add(first, second)
        team = self.team("Team 1", self.police_inspector, self.social_inspector)
        Visit.objects.update(team=team, slot_start=time(10), slot_end=time(11))
        self.assertIn("overlapping_slots", self.kinds())

    def test_partner_without_sharing_protocol(self) -> None:
        tax = make_partner("tax", "Tax", "federal", self.city_a)
        actions.set_partners(
            action_day=self.day,
            user=self.coordinator,
            version=self.day.version,
            partners=[self.police, tax],
        )
        conflicts = [c for c in find_conflicts(self.day) if c.kind == "no_sharing_protocol"]
        self.assertEqual([c.message.split()[0] for c in conflicts], ["Tax"])

    def test_expired_protocol_counts_as_none(self) -> None:
        SharingProtocol.objects.update(valid_to=timezone.localdate())
        self.assertIn("no_sharing_protocol", self.kinds())

    def test_premises_visited_recently(self) -> None:
        premises = make_premises(self.city_a, 1)
        earlier = make_action_day(
            self.cast, title="Earlier", date=timezone.localdate() + timedelta(days=1)
        )
        Visit.objects.create(action_day=earlier, premises=premises, status=Visit.Status.DONE)
        self.add(premises)
        self.assertIn("recently_visited", self.kinds())

    def test_release_refused_while_conflicts_remain(self) -> None:
        self.add(make_premises(self.city_a, 1))
        actions.change_status(
            action_day=self.day,
            user=self.coordinator,
            version=self.day.version,
            status=ActionDay.Status.PLANNED,
        )
        with self.assertRaises(ValidationError) as caught:
            actions.change_status(
                action_day=self.day,
                user=self.coordinator,
                version=self.day.version,
                status=ActionDay.Status.RELEASED,
            )
        self.assertIn("no team", " ".join(caught.exception.messages))
        self.day.refresh_from_db()
        self.assertEqual(self.day.status, ActionDay.Status.PLANNED)


def police_titles(partner: Any) -> set[str]:
    return {competency.title for competency in partner.competencies.all()}
