"""In headless Chromium: the coordinator edits a team (name, lead, members) and deletes
one, on the planning screen; a team with visits is refused with the reason."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from inspections import actions
from inspections.models import Team
from partners.models import Role
from tests.cast import build_cast, make_user
from tests.conftest import wait_until
from tests.planning_fixtures import give_trafficking_check, make_action_day, make_premises
from tests.test_browser_planning import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.first_database_only,
    pytest.mark.django_db(transaction=True),
]


def settled(page: Any) -> None:
    wait_until(
        page, "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


def unfold(details: Any) -> None:
    """Open a <details> unless it is open already (a refused change leaves the page as it
    was, a saved one re-renders it folded)."""
    if not details.evaluate("(element) => element.open"):
        details.locator("> summary").click()


def test_coordinator_edits_and_deletes_teams(live_server: Any, page: Any, screenshot: Any) -> None:
    cast = build_cast()
    give_trafficking_check(cast.police)
    make_user("agent", cast.police, [Role.INSPECTOR], cast.city_a)
    day = make_action_day(cast)
    actions.set_partners(
        action_day=day, user=cast.coordinator, version=day.version, partners=[cast.police]
    )
    for name, lead in (("Team 1", cast.police_inspector), ("Team 2", None)):
        actions.save_team(
            action_day=day,
            user=cast.coordinator,
            version=day.version,
            name=name,
            lead=lead,
            members=[],
        )
    visits = actions.add_visits(
        action_day=day,
        user=cast.coordinator,
        version=day.version,
        premises=[make_premises(cast.city_a, 1, sector=None)],
    )
    actions.assign_visit(
        visit=visits[0],
        team=day.teams.get(name="Team 1"),
        user=cast.coordinator,
        version=day.version,
    )
    page.set_viewport_size({"width": 1400, "height": 1000})
    log_in(page, live_server, "coordinator")
    page.goto(live_server.url + reverse("action-day-plan", args=[day.code]))

    body = page.locator("#plan-body")
    unfold(body.locator("#teams"))
    team_1 = body.locator("details.team-edit[data-team='Team 1']")
    unfold(team_1)
    # Only people of the participating partner who work for the city are offered.
    lead = team_1.get_by_label("Team lead")
    expect(lead.locator("option")).to_have_text(["---------", "Agent (Police)", "Police (Police)"])
    expect(team_1.get_by_label("Social (Social Inspection)")).to_have_count(0)
    team_1.get_by_label("Team name").fill("Team Noord")
    lead.select_option(label="Agent (Police)")
    team_1.get_by_label("Police (Police)").check()
    screenshot("teams-editing")
    with page.expect_response(lambda r: "/plan/teams/" in r.url):
        team_1.get_by_role("button", name="Save changes").click()
    settled(page)
    expect(body.get_by_role("status")).to_have_text("“Team Noord” was saved.")
    heading = body.locator("h3.team-heading").filter(has_text="Team Noord")
    expect(heading).to_contain_text("lead: Agent")
    expect(body.locator("h3.team-heading").filter(has_text="Team 2")).to_contain_text("no lead yet")

    # A team with visits cannot go: the page says why, and nothing changes.
    unfold(body.locator("#teams"))
    noord = body.locator("details.team-edit[data-team='Team Noord']")
    unfold(noord)
    with page.expect_response(lambda r: "/plan/teams/delete/" in r.url):
        noord.get_by_role("button", name="Delete Team Noord").click()
    settled(page)
    expect(page.get_by_role("alert")).to_contain_text(
        "Team Noord still has 1 visit: give it to another team first."
    )
    screenshot("teams-delete-refused")

    unfold(body.locator("#teams"))
    team_2 = body.locator("details.team-edit[data-team='Team 2']")
    unfold(team_2)
    with page.expect_response(lambda r: "/plan/teams/delete/" in r.url):
        team_2.get_by_role("button", name="Delete Team 2").click()
    settled(page)
    expect(body.get_by_role("status")).to_have_text("“Team 2” was deleted.")
    expect(body.locator("details.team-edit")).to_have_count(1)
    screenshot("teams-after-delete")
    assert list(Team.objects.values_list("name", flat=True)) == ["Team Noord"]
    noord_team = Team.objects.get()
    assert noord_team.lead is not None and noord_team.lead.username == "agent"
    assert set(noord_team.members.values_list("username", flat=True)) == {"agent", "police"}
