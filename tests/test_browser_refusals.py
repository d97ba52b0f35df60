"""In headless Chromium: a refused click shows the server's reason beside what was
clicked, and what the user chose or typed stays in the form."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from inspections import actions
from tests.cast import build_cast, make_partner
from tests.conftest import wait_until
from tests.planning_fixtures import give_trafficking_check, make_action_day, make_premises
from tests.test_browser_planning import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.first_database_only,
    pytest.mark.django_db(transaction=True),
]


def planned_day_without_teams() -> Any:
    cast = build_cast()
    give_trafficking_check(cast.police)
    day = make_action_day(cast)
    premises = [make_premises(cast.city_a, n, sector=None, name=f"Shop {n}") for n in (1, 2)]
    actions.set_partners(
        action_day=day, user=cast.coordinator, version=day.version, partners=[cast.police]
    )
    actions.add_visits(
        action_day=day, user=cast.coordinator, version=day.version, premises=premises
    )
    actions.change_status(
        action_day=day, user=cast.coordinator, version=day.version, status="planned"
    )
    return day


def test_refused_planning_actions_show_their_reason_and_keep_the_input(
    live_server: Any, page: Any, screenshot: Any
) -> None:
    day = planned_day_without_teams()
    page.set_viewport_size({"width": 1400, "height": 1000})
    log_in(page, live_server, "coordinator")
    page.goto(live_server.url + reverse("action-day-plan", args=[day.code]))
    status_bar = page.locator(".status-bar")

    # Release with open conflicts: the reason appears in the status bar, nothing moves.
    with page.expect_response(lambda r: "/plan/status/" in r.url and r.status == 400):
        page.get_by_role("button", name="Release to the participants").click()
    alert = status_bar.get_by_role("alert")
    expect(alert).to_contain_text("have no team yet")
    expect(alert).to_contain_text("Shop 1")
    expect(status_bar.locator(".badge")).to_have_text("Planned")
    screenshot("refusal-release")

    # Dropping the human-trafficking check: the reason beside that visit's form, and the
    # choices made in it are still there.
    row = page.locator("tr", has_text="Shop 2")
    row.get_by_text("Adjust").click()
    form = row.locator("form", has=page.get_by_label("Check", exact=True))
    check = form.get_by_label("Check", exact=True)
    (chosen,) = check.select_option(label="Human-trafficking indicators")
    with page.expect_response(lambda r: "/plan/adjust/" in r.url and r.status == 400):
        form.get_by_role("button", name="Save").click()
    refusal = row.get_by_role("alert")
    expect(refusal).to_contain_text("made at every visit")
    expect(refusal).to_be_visible()
    expect(check).to_have_value(chosen)
    # The earlier alert belongs to the release button and stays with it.
    expect(page.get_by_role("alert")).to_have_count(2)
    screenshot("refusal-adjust")

    # A second try that succeeds clears that form's alert.
    check.select_option(index=0)
    form.get_by_label("Partner whose power gives entry").select_option(label="Police")
    with page.expect_response(lambda r: "/plan/adjust/" in r.url and r.status == 200):
        form.get_by_role("button", name="Save").click()
    wait_until(page, "() => !document.querySelector('.htmx-request, .htmx-settling')")
    expect(page.locator("tr", has_text="Shop 2").get_by_role("alert")).to_have_count(0)


def test_a_refusal_without_a_message_still_says_something(
    live_server: Any, page: Any, screenshot: Any
) -> None:
    """A refusal from outside the contract (an expired session's CSRF check, a page
    removed meanwhile) still tells the user the click did not go through."""
    day = planned_day_without_teams()
    log_in(page, live_server, "coordinator")
    page.goto(live_server.url + reverse("action-day-plan", args=[day.code]))
    # Another tab logs out: the next change is refused by the CSRF check.
    page.context.clear_cookies()
    with page.expect_response(lambda r: "/plan/routes/" in r.url and r.status == 403):
        page.get_by_role("button", name="Propose routes and slots").click()
    expect(page.get_by_role("alert")).to_contain_text("not allowed")
    screenshot("refusal-forbidden")


def test_a_refusal_on_another_page_shows_the_reason_its_answer_carries(
    live_server: Any, page: Any, screenshot: Any
) -> None:
    """The partner × competency matrix answers a refused toggle with its own error cell:
    the same mechanism reads the reason from it and shows it beside the checkbox."""
    build_cast()
    log_in(page, live_server, "coordinator")
    page.goto(live_server.url + reverse("competency-matrix"))
    box = page.get_by_label("Police may check Fire safety and evacuation")
    form = page.locator("form", has=box)
    # The partner was removed in another tab meanwhile.
    form.locator("input[name=partner]").evaluate(
        "(input) => { input.value = '00000000-0000-0000-0000-000000000000'; }"
    )
    with page.expect_response(lambda r: "/competencies/toggle/" in r.url and r.status == 400):
        box.check()
    alert = page.locator("td", has=box).get_by_role("alert")
    expect(alert).to_contain_text("does not work for your municipality")
    expect(box).to_be_checked()
    screenshot("refusal-competency-matrix")


def released_day() -> Any:
    cast = build_cast()
    give_trafficking_check(cast.police)
    day = make_action_day(cast)
    premises = [make_premises(cast.city_a, n, sector=None, name=f"Shop {n}") for n in (1, 2)]
    who: dict[str, Any] = {"action_day": day, "user": cast.coordinator}
    actions.set_partners(**who, version=day.version, partners=[cast.police, cast.social])
    actions.add_visits(**who, version=day.version, premises=premises)
    team = actions.save_team(
        **who,
        version=day.version,
        name="Team 1",
        lead=cast.police_inspector,
        members=[cast.social_inspector],
    )
    for visit in day.visits.all():
        actions.assign_visit(visit=visit, team=team, user=cast.coordinator, version=day.version)
    actions.plan_routes(**who, version=day.version)
    for status in ("planned", "released"):
        actions.change_status(**who, version=day.version, status=status)
    make_partner("fire-a", "Fire", "local", cast.city_a)
    return day


def test_after_release_a_partner_without_protocol_is_refused_and_the_day_starts(
    live_server: Any, page: Any, screenshot: Any
) -> None:
    day = released_day()
    page.set_viewport_size({"width": 1400, "height": 1000})
    log_in(page, live_server, "coordinator")
    page.goto(live_server.url + reverse("action-day-plan", args=[day.code]))
    body = page.locator("#plan-body")
    body.get_by_text("Participating partners").click()
    body.get_by_label("Fire", exact=True).check()
    with page.expect_response(lambda r: "/plan/partners/" in r.url and r.status == 400):
        body.get_by_role("button", name="Save partners").click()
    alert = body.get_by_role("alert")
    expect(alert).to_contain_text("Fire takes part without a sharing protocol")
    expect(alert).to_contain_text("back to “Planned”")
    expect(body.get_by_label("Fire", exact=True)).to_be_checked()
    expect(page.locator("#conflicts")).to_contain_text("No conflicts")
    screenshot("refusal-partner-after-release")

    page.get_by_role("button", name="Start the day").click()
    expect(page.locator(".status-bar .badge")).to_have_text("In progress")
