"""Reusing an action day: copy it as a template; plan a re-inspection from a closed day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections import reuse
from inspections.models import ActionDay, Visit, VisitTask
from partners.models import AuditEntry
from tests.base import CastTestCase
from tests.day_fixtures import build_day


class ReuseCase(CastTestCase):
    def setUp(self) -> None:
        self.day = build_day(
            self, status=ActionDay.Status.CLOSED, on=timezone.localdate() - timedelta(days=30)
        )
        self.source = self.day.action_day
        for visit in self.day.visits.values():
            visit.finish(Visit.Status.DONE)
            visit.save()
        self.later = timezone.localdate() + timedelta(days=14)
        self.client.cookies["django_language"] = "en"


class CopyTests(ReuseCase):
    def test_copy_keeps_partners_teams_members_and_visits_and_resets_statuses(self) -> None:
        copy = reuse.copy_action_day(source=self.source, on=self.later, user=self.coordinator)
        assert copy.title == "Actiedag Stationsbuurt (copy)"
        assert copy.status == ActionDay.Status.DRAFT and copy.version == 1
        assert copy.copied_from == self.source and copy.date == self.later
        assert copy.zone == self.source.zone and copy.briefing_place == "Politiekantoor Halle"
        assert copy.priorities == self.source.priorities
        assert set(copy.partners.all()) == set(self.source.partners.all())
        teams = {team.name: team for team in copy.teams.all()}
        assert set(teams) == {"Team 1", "Team 2", "Team 3"}
        assert list(teams["Team 1"].members.all()) == [self.police_inspector]
        assert teams["Team 1"].lead == self.police_inspector
        visits = list(copy.visits.select_related("team", "premises"))
        assert len(visits) == 5
        assert {visit.status for visit in visits} == {Visit.Status.PLANNED}
        assert all(visit.finished_at is None for visit in visits)
        donut = next(v for v in visits if v.premises.name == "Car Wash Donut")
        assert donut.team == teams["Team 1"] and donut.route_order == 1
        assert donut.entry_partner == self.police and donut.tasks.count() == 2
        # The source is untouched.
        assert self.source.visits.filter(status=Visit.Status.DONE).count() == 5
        assert VisitTask.objects.filter(visit__action_day=self.source).count() == 10
        entry = AuditEntry.objects.get(action=AuditEntry.Action.CREATE, object_code=str(copy.code))
        assert entry.detail["copied_from"] == str(self.source.code)

    def test_copy_without_visits(self) -> None:
        copy = reuse.copy_action_day(
            source=self.source, on=self.later, user=self.coordinator, with_visits=False
        )
        assert copy.teams.count() == 3 and copy.visits.count() == 0

    def test_copy_needs_a_future_date(self) -> None:
        with pytest.raises(reuse.ReuseRefused):
            reuse.copy_action_day(
                source=self.source, on=timezone.localdate(), user=self.coordinator
            )
        assert ActionDay.objects.count() == 1

    def test_copy_of_another_municipality_day_is_impossible(self) -> None:
        with pytest.raises(reuse.ReuseRefused):
            reuse.copy_action_day(source=self.source, on=self.later, user=self.outsider)
        self.client.force_login(self.outsider)
        url = reverse("action-day-copy", args=[self.source.code])
        assert self.client.get(url).status_code == 404
        assert self.client.post(url, {"on": self.later.isoformat()}).status_code == 404
        assert ActionDay.objects.count() == 1

    def test_only_coordinators_copy(self) -> None:
        url = reverse("action-day-copy", args=[self.source.code])
        for user in (self.police_inspector, self.mayor, self.clerk, self.analyst):
            self.client.force_login(user)
            assert self.client.post(url, {"on": self.later.isoformat()}).status_code == 404
        assert ActionDay.objects.count() == 1

    def test_copy_page_creates_the_draft_and_goes_to_its_plan(self) -> None:
        self.client.force_login(self.coordinator)
        url = reverse("action-day-copy", args=[self.source.code])
        assert self.client.get(url).status_code == 200
        response = self.client.post(url, {"on": self.later.isoformat(), "with_visits": "on"})
        copy = ActionDay.objects.get(copied_from=self.source)
        assert response.status_code == 302
        assert response["Location"] == reverse("action-day-plan", args=[copy.code])
        assert copy.visits.count() == 5

    def test_copy_page_with_a_past_date_shows_the_error_and_creates_nothing(self) -> None:
        self.client.force_login(self.coordinator)
        url = reverse("action-day-copy", args=[self.source.code])
        response = self.client.post(url, {"on": "2020-01-01"})
        assert response.status_code == 400
        assert "Choose a date in the future." in response.content.decode()
        assert ActionDay.objects.count() == 1


class ReinspectionTests(ReuseCase):
    def visits(self, *names: str) -> list[Visit]:
        return [self.day.visits[name] for name in names]

    def test_reinspection_on_a_new_draft_links_each_visit_to_the_one_it_repeats(self) -> None:
        chosen = self.visits("Car Wash Donut", "Office Clumsy")
        target = reuse.plan_reinspection(visits=chosen, user=self.coordinator, on=self.later)
        assert target.status == ActionDay.Status.DRAFT and target.date == self.later
        assert target.municipality == self.city_a
        new = {visit.reinspection_of_id: visit for visit in target.visits.all()}
        assert set(new) == {visit.pk for visit in chosen}
        repeat = new[chosen[0].pk]
        assert repeat.premises == chosen[0].premises and repeat.status == Visit.Status.PLANNED
        assert repeat.team is None and repeat.tasks.count() == 2
        assert AuditEntry.objects.filter(
            action=AuditEntry.Action.CREATE, object_code=str(target.code)
        ).exists()

    def test_reinspection_added_to_an_existing_draft(self) -> None:
        draft = reuse.copy_action_day(
            source=self.source, on=self.later, user=self.coordinator, with_visits=False
        )
        target = reuse.plan_reinspection(
            visits=self.visits("Massage Wilby"), user=self.coordinator, into=draft
        )
        assert target == draft
        assert draft.visits.get().reinspection_of == self.day.visits["Massage Wilby"]

    def test_premises_already_on_the_draft_refuses_and_adds_nothing(self) -> None:
        draft = reuse.copy_action_day(source=self.source, on=self.later, user=self.coordinator)
        with pytest.raises(reuse.ReuseRefused):
            reuse.plan_reinspection(
                visits=self.visits("Car Wash Donut"), user=self.coordinator, into=draft
            )
        assert draft.visits.count() == 5

    def test_only_from_a_closed_day(self) -> None:
        ActionDay.objects.filter(pk=self.source.pk).update(status=ActionDay.Status.RELEASED)
        visits = list(Visit.objects.filter(action_day=self.source)[:1])
        with pytest.raises(reuse.ReuseRefused):
            reuse.plan_reinspection(visits=visits, user=self.coordinator, on=self.later)

    def test_other_municipality_cannot_reinspect(self) -> None:
        with pytest.raises(reuse.ReuseRefused):
            reuse.plan_reinspection(
                visits=self.visits("Car Wash Donut"), user=self.outsider, on=self.later
            )
        self.client.force_login(self.outsider)
        url = reverse("action-day-reinspect", args=[self.source.code])
        assert self.client.get(url).status_code == 404

    def test_reinspect_page_plans_the_chosen_visits(self) -> None:
        self.client.force_login(self.coordinator)
        url = reverse("action-day-reinspect", args=[self.source.code])
        page = self.client.get(url)
        assert page.status_code == 200 and "Night shop Trilby" in page.content.decode()
        chosen = self.visits("Night shop Trilby", "Restaurant Balisto")
        data = {"visits": [str(visit.code) for visit in chosen], "on": self.later.isoformat()}
        response = self.client.post(url, data)
        assert response.status_code == 302
        target = ActionDay.objects.exclude(pk=self.source.pk).get()
        assert response["Location"] == reverse("action-day-plan", args=[target.code])
        assert {v.reinspection_of_id for v in target.visits.all()} == {v.pk for v in chosen}

    def test_reinspect_page_needs_a_target(self) -> None:
        self.client.force_login(self.coordinator)
        url = reverse("action-day-reinspect", args=[self.source.code])
        data = {"visits": [str(self.day.visits["Office Clumsy"].code)]}
        response = self.client.post(url, data)
        assert response.status_code == 400
        assert "Choose an existing draft or a date" in response.content.decode()
        assert ActionDay.objects.count() == 1


class LinkTests(ReuseCase):
    def test_briefing_page_offers_copy_and_reinspection_to_the_coordinator(self) -> None:
        self.client.force_login(self.coordinator)
        body = self.client.get(reverse("action-day-briefing", args=[self.source.code])).content
        assert reverse("action-day-copy", args=[self.source.code]).encode() in body
        assert reverse("action-day-reinspect", args=[self.source.code]).encode() in body

    def test_participants_are_not_offered_reuse(self) -> None:
        self.client.force_login(self.police_inspector)
        body = self.client.get(reverse("action-day-briefing", args=[self.source.code])).content
        assert reverse("action-day-copy", args=[self.source.code]).encode() not in body
