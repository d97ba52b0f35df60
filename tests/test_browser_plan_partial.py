"""In headless Chromium: a change to one visit swaps only the parts of the plan it
touched. The other teams' tables stay the very same DOM nodes, and a form drawn before
the change (with the version of that time) still saves, because every request sends
the plan's current version."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from inspections import actions
from inspections.models import Team, Visit
from tests.cast import build_cast
from tests.planning_fixtures import give_trafficking_check, make_action_day, make_premises
from tests.test_browser_planning import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.first_database_only,
    pytest.mark.django_db(transaction=True),
]


def same_node(page: Any, key: str, element_id: str) -> bool:
    """Whether the element now carrying ``element_id`` is the node remembered as ``key``."""
    return bool(
        page.evaluate(
            "([key, id]) => window.__kept[key] === document.getElementById(id)", [key, element_id]
        )
    )


def test_moving_a_visit_swaps_only_the_two_teams_it_touches(live_server: Any, page: Any) -> None:
    cast = build_cast()
    give_trafficking_check(cast.police)
    day = make_action_day(cast)
    actions.set_partners(
        action_day=day, user=cast.coordinator, version=day.version, partners=[cast.police]
    )
    for name in ("Team A", "Team B", "Team C"):
        actions.save_team(
            action_day=day,
            user=cast.coordinator,
            version=day.version,
            name=name,
            lead=cast.police_inspector,
            members=[],
        )
    teams = {team.name: team for team in Team.objects.filter(action_day=day)}
    premises = [make_premises(cast.city_a, number, sector=None) for number in range(1, 7)]
    actions.add_visits(
        action_day=day, user=cast.coordinator, version=day.version, premises=premises
    )
    visits = list(Visit.objects.filter(action_day=day).order_by("premises__external_id"))
    for index, visit in enumerate(visits):
        visit.team = teams[("Team A", "Team B", "Team C")[index % 3]]
        visit.save(update_fields=["team"])
    moved = next(visit for visit in visits if visit.team == teams["Team A"])
    later = next(visit for visit in visits if visit.team == teams["Team C"])
    section = {name: f"plan-team-{team.pk}" for name, team in teams.items()}

    page.set_viewport_size({"width": 1400, "height": 1000})
    log_in(page, live_server, "coordinator")
    page.goto(live_server.url + reverse("action-day-plan", args=[day.code]))
    expect(page.locator("#visit-count")).to_have_text("6 visits")
    page.evaluate(
        """(ids) => { window.__kept = {};
            for (const [name, id] of Object.entries(ids)) {
                window.__kept[name] = document.getElementById(id); } }""",
        {**section, "partners": "partners-card", "picker": "candidates"},
    )

    with page.expect_response(lambda r: "/plan/assign/" in r.url):
        page.locator(f"#team-{moved.code}").select_option(label="Team B")
    row_in_b = page.locator(f"#{section['Team B']} tr[data-visit='{moved.code}']")
    expect(row_in_b).to_have_count(1)
    expect(page.locator(f"#{section['Team A']} tr[data-visit='{moved.code}']")).to_have_count(0)
    expect(page.locator(f"#team-edit-summary-{teams['Team B'].pk}")).to_contain_text("3 visits")
    expect(page.locator(f"#team-edit-summary-{teams['Team A'].pk}")).to_contain_text("1 visit")
    # The two touched tables were swapped; Team C's table, the partners and the
    # candidates beside the map are the nodes the page had before.
    assert not same_node(page, "Team A", section["Team A"])
    assert not same_node(page, "Team B", section["Team B"])
    assert same_node(page, "Team C", section["Team C"])
    assert same_node(page, "partners", "partners-card")
    assert same_node(page, "picker", "candidates")

    # A row of Team C was drawn before the move, with the version of that time: it still
    # saves, as the request carries the plan's current version.
    with page.expect_response(lambda r: "/plan/assign/" in r.url) as answer:
        page.locator(f"#team-{later.code}").select_option(label="Team A")
    assert answer.value.status == 200
    expect(page.locator(f"#{section['Team A']} tr[data-visit='{later.code}']")).to_have_count(1)
    expect(page.get_by_role("alert")).to_have_count(0)
    assert not same_node(page, "Team C", section["Team C"])

    # A reload draws the same plan from the database.
    page.reload()
    expect(page.locator(f"#{section['Team B']} tr[data-visit='{moved.code}']")).to_have_count(1)
    expect(page.locator(f"#{section['Team A']} tr[data-visit='{later.code}']")).to_have_count(1)
    assert Visit.objects.get(pk=moved.pk).team == teams["Team B"]
    assert Visit.objects.get(pk=later.pk).team == teams["Team A"]
