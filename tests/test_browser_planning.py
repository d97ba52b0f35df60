"""In headless Chromium: the coordinator plans an action day from the map to release,
then starts and closes it from the same page."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from gis.models import Premises
from inspections.models import ActionDay, Visit
from tests.cast import PASSWORD, build_cast
from tests.conftest import wait_until
from tests.planning_fixtures import give_trafficking_check, make_premises, next_week

pytestmark = [
    pytest.mark.browser,
    pytest.mark.first_database_only,
    pytest.mark.django_db(transaction=True),
]


def log_in(page: Any, live_server: Any, username: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + "/")


def settled(page: Any) -> None:
    """Wait until htmx has swapped and settled the last answer (and wired its forms)."""
    wait_until(
        page, "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


def test_coordinator_plans_from_the_map_to_release_then_closes_the_day(
    live_server: Any, page: Any, screenshot: Any
) -> None:
    cast = build_cast()
    give_trafficking_check(cast.police)
    for number in range(1, 7):
        make_premises(cast.city_a, number, sector=None)
    Premises.objects.update(risk_score=2.0)
    page.set_viewport_size({"width": 1400, "height": 1000})
    log_in(page, live_server, "coordinator")

    page.goto(live_server.url + reverse("action-day-create"))
    page.get_by_label("Title").fill("Actiedag Stationsbuurt")
    page.get_by_label("Date").fill(next_week().isoformat())
    page.get_by_label("Start", exact=True).fill("09:00")
    page.get_by_label("End", exact=True).fill("16:00")
    page.get_by_label("Briefing time").fill("08:30")
    page.get_by_role("button", name="Create and choose premises").click()
    expect(page.get_by_role("heading", name="Actiedag Stationsbuurt")).to_be_visible()
    day = ActionDay.objects.get()

    # Pick three premises by clicking their markers on the map, then add them.
    markers = page.locator("#plan-map path.leaflet-interactive")
    expect(markers).to_have_count(6)
    wait_until(
        page,
        """() => {
            const box = document.getElementById("plan-map").getBoundingClientRect();
            return [...document.querySelectorAll("#plan-map path.leaflet-interactive")].every(
                (marker) => {
                    const r = marker.getBoundingClientRect();
                    return r.left >= box.left && r.right <= box.right
                        && r.top >= box.top && r.bottom <= box.bottom;
                });
        }""",
    )
    checked = page.locator("#candidates input[type=checkbox]:checked")
    for index in range(3):
        # Dispatched on the marker itself: a tooltip may cover the next one.
        markers.nth(index).dispatch_event("click")
        expect(checked).to_have_count(index + 1)
    page.get_by_role("button", name="Add the selected premises").click()
    expect(page.locator("#plan-body")).to_contain_text("3 visits")

    # Partners, a team, assignments, routes.
    body = page.locator("#plan-body")
    # The partners section is open while no partner takes part yet.
    body.get_by_label("Police", exact=True).check()
    body.get_by_label("Social Inspection", exact=True).check()
    with page.expect_response(lambda r: "/plan/partners/" in r.url):
        body.get_by_role("button", name="Save partners").click()
    settled(page)
    body.get_by_text("New team").click()
    body.get_by_label("Team name").fill("Team 1")
    body.get_by_label("Team lead").select_option(label="Police (Police)")
    body.get_by_label("Social (Social Inspection)").check()
    with page.expect_response(lambda r: "/plan/teams/" in r.url):
        body.get_by_role("button", name="Save team").click()
    settled(page)
    # Read the visits from the page: the test must not hold the database while the
    # server writes to it.
    unassigned = page.locator(
        "tr:has(select[name=team] option[value='']:checked) select[name=team]"
    )
    expect(unassigned).to_have_count(3)
    for remaining in (2, 1, 0):
        with page.expect_response(lambda r: "/plan/assign/" in r.url):
            unassigned.first.select_option(label="Team 1")
        settled(page)
        expect(unassigned).to_have_count(remaining)
    with page.expect_response(lambda r: "/plan/routes/" in r.url):
        page.get_by_role("button", name="Propose routes and slots").click()
    expect(page.locator("#conflicts")).to_contain_text("No conflicts")
    screenshot("planning-before-release")

    page.get_by_role("button", name="Mark as planned").click()
    expect(page.get_by_role("button", name="Release to the participants")).to_be_visible()
    page.get_by_role("button", name="Release to the participants").click()
    expect(page.locator(".status-bar .badge")).to_have_text("Released")
    day.refresh_from_db()
    assert day.status == ActionDay.Status.RELEASED
    assert not Visit.objects.filter(slot_start__isnull=True).exists()
    assert Visit.objects.filter(team__name="Team 1").count() == 3
    screenshot("planning-released")

    page.get_by_role("button", name="Start the day").click()
    expect(page.locator(".status-bar .badge")).to_have_text("In progress")
    # The running day's plan is read-only: no control that the server would refuse.
    expect(page.locator(".status-bar")).to_contain_text("The plan no longer changes")
    for control in ("Add the selected premises", "Save partners", "Propose routes and slots"):
        expect(page.get_by_role("button", name=control)).to_have_count(0)
    expect(page.locator("#plan-body select, #plan-body input[type=checkbox]")).to_have_count(0)
    screenshot("planning-in-progress")
    page.get_by_role("button", name="Close the day").click()
    expect(page.locator(".status-bar .badge")).to_have_text("Closed")
    expect(page.get_by_role("status").first).to_contain_text("The action day is now “Closed”.")
    expect(page.get_by_role("alert")).to_have_count(0)
    day.refresh_from_db()
    assert day.status == ActionDay.Status.CLOSED
    screenshot("planning-closed")
