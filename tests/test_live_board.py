"""The live board: every visit's status per team, polled; the coordinator moves a visit
to another team with optimistic locking; team members watch read-only."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from inspections.models import ActionDay, Visit
from partners.models import AuditEntry
from tests.base import CastTestCase
from tests.cast import PASSWORD, build_cast
from tests.day_fixtures import build_day


class BoardCase(CastTestCase):
    def setUp(self) -> None:
        self.day = build_day(self, status=ActionDay.Status.IN_PROGRESS, on=timezone.localdate())
        self.action_day = self.day.action_day
        self.url = reverse("action-day-board", args=[self.action_day.code])
        self.move_url = reverse("action-day-board-move", args=[self.action_day.code])
        self.client.cookies["django_language"] = "en"

    def move(self, visit: Visit, team_name: str, version: int, **headers: str) -> Any:
        data = {
            "visit": str(visit.code),
            "team": str(self.day.teams[team_name].pk),
            "version": str(version),
        }
        return self.client.post(self.move_url, data, headers=headers)

    def team_name(self, visit: Visit) -> str:
        team = Visit.objects.get(pk=visit.pk).team
        assert team is not None
        return team.name

    def version(self) -> int:
        return ActionDay.objects.get(pk=self.action_day.pk).version


class BoardViewTests(BoardCase):
    def test_board_shows_every_visit_status_per_team_column(self) -> None:
        donut = self.day.visits["Car Wash Donut"]
        donut.begin()
        donut.save()
        clumsy = self.day.visits["Office Clumsy"]
        clumsy.finish(Visit.Status.NO_ACCESS)
        clumsy.save()
        self.client.force_login(self.coordinator)
        response = self.client.get(self.url)
        assert response.status_code == 200
        body = response.content.decode()
        columns = [column for column in response.context["columns"]]
        assert [column.team.name for column in columns] == ["Team 1", "Team 2", "Team 3"]
        assert [v.premises.name for v in columns[0].visits] == ["Car Wash Donut", "Massage Wilby"]
        assert "status-underway" in body and "status-no_access" in body
        assert "Underway" in body and "No access" in body and "10:40" in body

    def test_fragment_polls_every_ten_seconds(self) -> None:
        self.client.force_login(self.coordinator)
        response = self.client.get(self.url, headers={"HX-Request": "true"})
        body = response.content.decode()
        assert response.status_code == 200
        assert body.lstrip().startswith('<div id="board-columns"')
        assert 'hx-trigger="every 10s"' in body and "<html" not in body

    def test_coordinator_sees_move_forms_with_the_plan_version(self) -> None:
        self.client.force_login(self.coordinator)
        body = self.client.get(self.url).content.decode()
        assert body.count('class="move-form"') == 5
        assert 'name="version" value="1"' in body

    def test_participants_watch_read_only_once_released(self) -> None:
        self.client.force_login(self.police_inspector)
        response = self.client.get(self.url)
        body = response.content.decode()
        assert response.status_code == 200
        assert "move-form" not in body and "Restaurant Balisto" in body
        assert self.move(self.day.visits["Car Wash Donut"], "Team 2", 1).status_code == 404
        assert self.team_name(self.day.visits["Car Wash Donut"]) == "Team 1"

    def test_before_release_members_get_404(self) -> None:
        ActionDay.objects.filter(pk=self.action_day.pk).update(status=ActionDay.Status.PLANNED)
        self.client.force_login(self.police_inspector)
        assert self.client.get(self.url).status_code == 404

    def test_outsider_clerk_mayor_and_analyst_get_404(self) -> None:
        for user in (self.outsider, self.clerk, self.mayor, self.analyst):
            self.client.force_login(user)
            assert self.client.get(self.url).status_code == 404, user
            assert self.move(self.day.visits["Car Wash Donut"], "Team 2", 1).status_code == 404


class MoveTests(BoardCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.coordinator)
        self.visit = self.day.visits["Office Clumsy"]

    def test_move_with_current_version_moves_and_bumps_the_version(self) -> None:
        response = self.move(self.visit, "Team 3", 1, **{"HX-Request": "true"})
        assert response.status_code == 200
        visit = Visit.objects.get(pk=self.visit.pk)
        assert self.team_name(visit) == "Team 3" and visit.route_order == 2
        assert self.version() == 2
        body = response.content.decode()
        assert "moved to Team 3" in body and 'name="version" value="2"' in body
        entry = AuditEntry.objects.get(action=AuditEntry.Action.CHANGE, object_code=str(visit.code))
        assert entry.detail["moved_to"] == "Team 3" and entry.municipality == self.city_a

    def test_move_with_stale_version_is_a_409_and_changes_nothing(self) -> None:
        ActionDay.objects.filter(pk=self.action_day.pk).update(version=3)
        response = self.move(self.visit, "Team 3", 2, **{"HX-Request": "true"})
        assert response.status_code == 409
        body = response.content.decode()
        assert "Nothing was changed" in body and 'role="alert"' in body
        assert 'name="version" value="3"' in body
        assert self.team_name(self.visit) == "Team 2"
        assert self.version() == 3
        assert not AuditEntry.objects.filter(action=AuditEntry.Action.CHANGE).exists()

    def test_second_of_two_moves_on_the_same_board_is_refused(self) -> None:
        assert self.move(self.visit, "Team 3", 1).status_code == 302
        other = self.day.visits["Massage Wilby"]
        assert self.move(other, "Team 3", 1).status_code == 409
        assert self.team_name(other) == "Team 1"

    def test_no_access_visit_moves_and_is_planned_again(self) -> None:
        self.visit.finish(Visit.Status.NO_ACCESS)
        self.visit.save()
        assert self.move(self.visit, "Team 3", 1).status_code == 302
        visit = Visit.objects.get(pk=self.visit.pk)
        assert visit.status == Visit.Status.PLANNED and visit.finished_at is None

    def test_finished_visit_cannot_move(self) -> None:
        self.visit.finish(Visit.Status.DONE)
        self.visit.save()
        response = self.move(self.visit, "Team 3", 1, **{"HX-Request": "true"})
        assert response.status_code == 422
        assert self.team_name(self.visit) == "Team 2"
        assert self.version() == 1

    def test_team_of_another_day_is_refused(self) -> None:
        other = build_day_copy_team(self)
        data = {"visit": str(self.visit.code), "team": str(other), "version": "1"}
        response = self.client.post(self.move_url, data, headers={"HX-Request": "true"})
        assert response.status_code == 422 and "data-refusal" in response.content.decode()
        assert self.version() == 1

    def test_closed_day_has_no_move_forms_and_refuses_moves(self) -> None:
        ActionDay.objects.filter(pk=self.action_day.pk).update(status=ActionDay.Status.CLOSED)
        assert "move-form" not in self.client.get(self.url).content.decode()
        response = self.move(self.visit, "Team 3", 1, **{"HX-Request": "true"})
        assert response.status_code == 422
        assert "can no longer be moved" in response.content.decode()
        assert self.team_name(self.visit) == "Team 2"


class ConflictGateTests(BoardCase):
    """On a running day the board is the coordinator's way to change the plan: a move
    that adds a conflict is refused with the reason, as on the plan page."""

    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.coordinator)

    def assert_refused(self, response: Any, reason: str) -> None:
        assert response.status_code == 422
        body = response.content.decode()
        assert "data-refusal" in body and "Nothing was changed" in body and reason in body
        assert self.version() == 1
        assert not AuditEntry.objects.filter(action=AuditEntry.Action.CHANGE).exists()

    def test_move_that_puts_a_team_in_two_places_at_once_is_refused(self) -> None:
        # Team 3 visits the night shop at 10:00, the car wash's slot too.
        donut = self.day.visits["Car Wash Donut"]
        response = self.move(donut, "Team 3", 1, **{"HX-Request": "true"})
        self.assert_refused(response, "Team 3: the slots of")
        assert "Car Wash Donut" in response.content.decode()
        assert self.team_name(donut) == "Team 1"

    def test_move_that_leaves_a_partners_checks_uncovered_is_refused(self) -> None:
        # Team 1 (police) covers every check of the massage parlour; team 3 (fire) cannot.
        wilby = self.day.visits["Massage Wilby"]
        wilby.tasks.filter(competency__code="undeclared-work").delete()
        response = self.move(wilby, "Team 3", 1, **{"HX-Request": "true"})
        self.assert_refused(response, "nobody in Team 3 can check")
        assert self.team_name(wilby) == "Team 1"

    def test_refused_move_without_htmx_returns_to_the_board_with_the_reason(self) -> None:
        donut = self.day.visits["Car Wash Donut"]
        response = self.move(donut, "Team 3", 1)
        assert response.status_code == 302 and response.url == self.url
        page = self.client.get(self.url).content.decode()
        assert "Team 3: the slots of" in page
        assert self.team_name(donut) == "Team 1"

    def test_harmless_move_goes_through_beside_conflicts_already_there(self) -> None:
        # Every visit already misses a check somewhere: only a new conflict blocks.
        page = self.client.get(reverse("action-day-plan", args=[self.action_day.code]))
        assert "nobody in Team 2 can check" in page.content.decode()
        clumsy = self.day.visits["Office Clumsy"]
        response = self.move(clumsy, "Team 3", 1, **{"HX-Request": "true"})
        assert response.status_code == 200
        assert self.team_name(clumsy) == "Team 3" and self.version() == 2

    def test_move_on_a_released_day_is_gated_too(self) -> None:
        ActionDay.objects.filter(pk=self.action_day.pk).update(status=ActionDay.Status.RELEASED)
        donut = self.day.visits["Car Wash Donut"]
        response = self.move(donut, "Team 3", 1, **{"HX-Request": "true"})
        self.assert_refused(response, "take the day back to “Planned”")
        assert self.team_name(donut) == "Team 1"


def build_day_copy_team(case: BoardCase) -> int:
    from inspections.models import Team

    other = ActionDay.objects.create(
        municipality=case.city_a,
        title="Other",
        date=case.action_day.date,
        starts_at=case.action_day.starts_at,
        ends_at=case.action_day.ends_at,
        coordinator=case.coordinator,
    )
    return Team.objects.create(action_day=other, name="Elsewhere").pk


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.first_database_only
def test_board_moves_a_visit_and_shows_a_conflict_in_the_browser(
    live_server: Any, page: Any, screenshot: Any
) -> None:
    cast = build_cast()
    day = build_day(cast, status=ActionDay.Status.IN_PROGRESS, on=timezone.localdate())
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Gebruikersnaam").fill("coordinator")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(live_server.url + "/")
    # The assertions below read the English interface.
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(live_server.url + reverse("action-day-board", args=[day.action_day.code]))
    card = page.locator(f"#visit-{day.visits['Office Clumsy'].code}")
    card.locator("select").select_option(label="Team 3")
    with page.expect_response(lambda response: "/board/move/" in response.url) as answer:
        card.get_by_role("button").click()
    assert answer.value.status == 200
    expect(page.get_by_role("status").filter(has_text="moved to Team 3")).to_be_visible()
    assert Visit.objects.get(pk=day.visits["Office Clumsy"].pk).team == day.teams["Team 3"]
    screenshot("live-board")
    # Someone else changes the plan: this board's next move is refused, not applied.
    ActionDay.objects.filter(pk=day.action_day.pk).update(version=F("version") + 1)
    card = page.locator(f"#visit-{day.visits['Massage Wilby'].code}")
    card.locator("select").select_option(label="Team 2")
    with page.expect_response(lambda response: "/board/move/" in response.url) as answer:
        card.get_by_role("button").click()
    assert answer.value.status == 409
    expect(page.get_by_role("alert")).to_contain_text("Nothing was changed")
    assert Visit.objects.get(pk=day.visits["Massage Wilby"].pk).team == day.teams["Team 1"]
    # Team 3 is due at the night shop at 10:00: the car wash's slot cannot join it.
    card = page.locator(f"#visit-{day.visits['Car Wash Donut'].code}")
    card.locator("select").select_option(label="Team 3")
    with page.expect_response(lambda response: "/board/move/" in response.url) as answer:
        card.get_by_role("button").click()
    assert answer.value.status == 422
    refusal = card.locator(".refusal")
    expect(refusal).to_contain_text("Team 3: the slots of")
    expect(card.locator("select")).to_have_value(str(day.teams["Team 3"].pk))
    screenshot("live-board-refused-move")
    assert Visit.objects.get(pk=day.visits["Car Wash Donut"].pk).team == day.teams["Team 1"]
