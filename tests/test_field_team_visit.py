"""The sync's one-query look-up of a visit of the user's team finds exactly the visits
the access rule of team visits lets through (team lead or member, a city the user works
for or any city for a superuser, a day from its release on), for every status of the day,
and reads the visit, its day, city and premises as the ORM reads them."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.models import User

from inspections.access import AFTERMATH_STATUSES, team_visits
from inspections.field_access import WRITABLE_STATUSES, is_field_worker, team_visit_for
from inspections.models import ActionDay, Team, Visit
from partners.models import Role
from tests.base import CastTestCase
from tests.cast import make_user
from tests.field_fixtures import build_field_day, make_premises, night_shift


def values(instance: Any) -> dict[str, Any]:
    return {
        field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields
    }


class TeamVisitForTests(CastTestCase):
    def setUp(self) -> None:
        self.field = build_field_day(self.cast)
        night = night_shift(self.cast)
        # A superuser inspector of city B only, a team lead who no longer works for city A
        # and a member of a team of city B.
        boss = make_user("boss", self.police, [Role.INSPECTOR], self.city_b)
        boss.is_superuser = True
        boss.save()
        moved = make_user("moved", self.police, [Role.TEAM_LEAD], self.city_b)
        Team.objects.create(action_day=self.field.day, name="Team 3", lead=moved)
        self.field.team_1.members.add(boss)
        self.moved_visit = Visit.objects.create(
            action_day=self.field.day,
            premises=make_premises(self.cast, 50),
            team=Team.objects.get(name="Team 3"),
        )
        self.users = [
            self.coordinator, self.police_inspector, self.social_inspector, self.mayor,
            self.clerk, self.analyst, self.outsider, night, boss, moved,
        ]  # fmt: skip
        self.visits = [*self.field.visits, self.field.other_visit, self.moved_visit]

    def expected(self, user: User, visit: Visit) -> bool:
        statuses = WRITABLE_STATUSES + AFTERMATH_STATUSES
        visits = team_visits(user).filter(action_day__status__in=statuses, code=visit.code)
        return is_field_worker(user) and visits.exists()

    def test_it_finds_what_the_rule_of_team_visits_finds(self) -> None:
        found_seen = checked = 0
        for status in ActionDay.Status.values:
            ActionDay.objects.filter(pk=self.field.day.pk).update(status=status)
            for user in self.users:
                user = User.objects.select_related("person").get(pk=user.pk)
                for visit in self.visits:
                    found = team_visit_for(user, visit.code)
                    expected = self.expected(user, visit)
                    self.assertEqual(found is not None, expected, (status, user, visit))
                    checked += 1
                    found_seen += expected
                self.assertIsNone(team_visit_for(user, uuid.uuid4()))
        self.assertGreater(found_seen, 20)
        self.assertGreater(checked, 200)

    def test_it_reads_the_visit_its_day_city_and_premises_as_the_orm_does(self) -> None:
        visit = self.field.visits[1]
        found = team_visit_for(self.police_inspector, str(visit.code))
        assert found is not None
        orm = Visit.objects.select_related("action_day__municipality", "premises").get(pk=visit.pk)
        self.assertEqual(values(found), values(orm))
        self.assertEqual(values(found.action_day), values(orm.action_day))
        self.assertEqual(values(found.action_day.municipality), values(orm.action_day.municipality))
        self.assertEqual(values(found.premises), values(orm.premises))
        self.assertTrue(Visit.action_day.is_cached(found) and Visit.premises.is_cached(found))
        self.assertFalse(found._state.adding)
