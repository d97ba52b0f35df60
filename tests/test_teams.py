"""Teams on the planning screen: made, changed (name, lead, members) and deleted by the
coordinator; the form offers only people the workflow accepts."""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from inspections.models import ActionDay, Team, Visit, VisitTask
from partners.models import AuditEntry, Competency, Role
from tests.base import CastTestCase
from tests.cast import make_user
from tests.planning_fixtures import give_trafficking_check, make_action_day, make_premises

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


class TeamCase(CastTestCase):
    def setUp(self) -> None:
        self.client.cookies["django_language"] = "en"
        self.client.force_login(self.coordinator)
        give_trafficking_check(self.police)
        self.day = make_action_day(self.cast)
        self.post("plan-partners", {"partners": [self.police.pk, self.social.pk]})
        self.post(
            "plan-team",
            {"name": "Team 1", "lead": self.police_inspector.pk},
        )
        self.team = self.day.teams.get()

    def post(self, name: str, data: dict[str, Any], **extra: Any) -> Any:
        self.day.refresh_from_db()
        data = {"version": self.day.version, **data}
        return self.client.post(reverse(name, args=[self.day.code]), data, **HTMX, **extra)

    def plan_page(self) -> str:
        return self.client.get(reverse("action-day-plan", args=[self.day.code])).content.decode()


class EditTeamTests(TeamCase):
    def test_coordinator_renames_a_team_and_changes_lead_and_members(self) -> None:
        response = self.post(
            "plan-team",
            {
                "team": self.team.pk,
                "name": "Team Noord",
                "lead": self.social_inspector.pk,
                "members": [self.police_inspector.pk],
            },
        )
        self.assertContains(response, "“Team Noord” was saved")
        self.team.refresh_from_db()
        assert self.team.name == "Team Noord" and self.team.lead == self.social_inspector
        assert set(self.team.members.all()) == {self.police_inspector, self.social_inspector}
        assert self.day.teams.count() == 1
        entry = AuditEntry.objects.filter(detail__renamed_from="Team 1").get()
        assert entry.detail["team"] == "Team Noord" and entry.detail["lead"] == "social"

    def test_the_plan_page_offers_each_team_filled_in_for_editing(self) -> None:
        page = self.plan_page()
        assert "Edit Team 1 (0 visits)" in page
        assert 'value="Team 1"' in page
        assert re.search(rf'<option value="{self.police_inspector.pk}" selected>', page)
        assert "Delete Team 1" in page

    def test_renaming_to_the_name_of_another_team_is_refused(self) -> None:
        self.post("plan-team", {"name": "Team 2", "lead": self.social_inspector.pk})
        response = self.post(
            "plan-team",
            {"team": self.team.pk, "name": "Team 2", "lead": self.police_inspector.pk},
        )
        self.assertContains(response, "There is already a team called Team 2", status_code=400)
        self.team.refresh_from_db()
        assert self.team.name == "Team 1"

    def test_a_team_of_another_day_cannot_be_changed_through_this_one(self) -> None:
        other = make_action_day(self.cast, title="Other day")
        foreign = Team.objects.create(action_day=other, name="Elsewhere")
        response = self.post(
            "plan-team", {"team": foreign.pk, "name": "Taken", "lead": self.police_inspector.pk}
        )
        assert response.status_code == 400
        foreign.refresh_from_db()
        assert foreign.name == "Elsewhere"

    def test_other_roles_and_other_cities_cannot_change_teams(self) -> None:
        for user in (self.outsider, self.police_inspector, self.mayor, self.clerk):
            self.client.force_login(user)
            data = {"team": self.team.pk, "name": "Hijacked", "lead": self.police_inspector.pk}
            assert self.post("plan-team", data).status_code == 404, user
            assert self.post("plan-team-delete", {"team": self.team.pk}).status_code == 404
        self.team.refresh_from_db()
        assert self.team.name == "Team 1"


class OfferedPeopleTests(TeamCase):
    def test_the_form_offers_only_people_the_workflow_accepts(self) -> None:
        # The clerk's partner does not take part; the outsider works for another city;
        # a police officer of city B only is not with the city.
        elsewhere = make_user("elsewhere", self.police, [Role.INSPECTOR], self.city_b)
        page = self.plan_page()
        new_team = page[page.index("New team") :]
        for offered in ("Police (Police)", "Social (Social Inspection)"):
            assert offered in new_team, offered
        for refused in (self.clerk, self.outsider, self.mayor, self.coordinator, elsewhere):
            assert f'value="{refused.pk}"' not in new_team, refused

    def test_a_person_not_offered_is_refused_with_the_reason(self) -> None:
        response = self.post(
            "plan-team", {"team": self.team.pk, "name": "Team 1", "lead": self.clerk.pk}
        )
        self.assertContains(response, "not with a participating partner", status_code=400)
        self.team.refresh_from_db()
        assert self.team.lead == self.police_inspector

    def test_a_member_whose_partner_left_the_day_is_named_on_the_edit_form(self) -> None:
        self.post(
            "plan-team",
            {
                "team": self.team.pk,
                "name": "Team 1",
                "lead": self.police_inspector.pk,
                "members": [self.social_inspector.pk],
            },
        )
        self.post("plan-partners", {"partners": [self.police.pk]})
        page = self.plan_page()
        assert "taken out when you save: Social." in page


class DeleteTeamTests(TeamCase):
    def test_a_team_without_visits_is_deleted(self) -> None:
        response = self.post("plan-team-delete", {"team": self.team.pk})
        self.assertContains(response, "“Team 1” was deleted")
        assert not self.day.teams.exists()
        assert AuditEntry.objects.filter(detail__deleted_team="Team 1").exists()
        assert "Edit Team 1" not in response.content.decode()

    def test_a_team_with_visits_is_refused_with_the_reason(self) -> None:
        premises = make_premises(self.city_a, 1, sector=None)
        self.post("plan-add-visits", {"premises": [str(premises.code)]})
        visit = Visit.objects.get()
        self.post("plan-assign", {"visit": str(visit.code), "team": self.team.pk})
        self.day.refresh_from_db()
        version = self.day.version
        response = self.post("plan-team-delete", {"team": self.team.pk})
        self.assertContains(
            response,
            "Team 1 still has 1 visit: give it to another team first.",
            status_code=400,
        )
        self.day.refresh_from_db()
        assert self.day.teams.get() == self.team and self.day.version == version
        visit.refresh_from_db()
        assert visit.team == self.team

    def test_without_htmx_the_answer_is_the_plan_page_with_the_message(self) -> None:
        self.day.refresh_from_db()
        response = self.client.post(
            reverse("plan-team-delete", args=[self.day.code]),
            {"version": self.day.version, "team": self.team.pk},
            follow=True,
        )
        self.assertContains(response, "“Team 1” was deleted")

    def test_a_stale_version_deletes_nothing(self) -> None:
        response = self.client.post(
            reverse("plan-team-delete", args=[self.day.code]),
            {"version": 1, "team": self.team.pk},
            **HTMX,
        )
        self.assertContains(response, "Someone else changed this plan", status_code=409)
        assert self.day.teams.exists()

    def test_after_release_a_deletion_that_would_leave_checks_without_people_is_refused(
        self,
    ) -> None:
        self.post("plan-team", {"name": "Team 2", "lead": self.social_inspector.pk})
        premises = make_premises(self.city_a, 1, sector=None)
        self.post("plan-add-visits", {"premises": [str(premises.code)]})
        visit = Visit.objects.get()
        self.post("plan-assign", {"visit": str(visit.code), "team": self.team.pk})
        undeclared = Competency.objects.get(code="undeclared-work")
        VisitTask.objects.create(visit=visit, competency=undeclared, partner=self.social)
        ActionDay.objects.filter(pk=self.day.pk).update(status=ActionDay.Status.RELEASED)
        team_2 = self.day.teams.get(name="Team 2")
        response = self.post("plan-team-delete", {"team": team_2.pk})
        self.assertContains(
            response,
            "Social Inspection has checks to do but nobody in any team.",
            status_code=400,
        )
        assert self.day.teams.filter(name="Team 2").exists()
