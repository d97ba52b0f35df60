"""In headless Chromium: the coordinator schedules a case meeting under the city's
protocol, invites the social inspector, puts the case on the agenda, records the
integrated approach with a social inspection as the action, then plans an action day
from the case page and lands on the draft day's plan with the case's premises."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cases.actions.files import add_member, open_case
from cases.actions.meetings import add_instrument
from cases.models import Phenomenon, Subject
from inspections.models import ActionDay
from tests.cast import build_cast
from tests.planning_fixtures import make_premises
from tests.test_browser_planning import log_in

# The browser's part of a case meeting; test_cases_meetings.py runs the same rules and
# queries on both databases, so make test walks this on the first only.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.first_database_only,
]


def test_a_meeting_chooses_the_integrated_approach_and_plans_the_action_day(
    live_server: Any, page: Any, screenshot: Any
) -> None:
    cast = build_cast()
    parlours = [make_premises(cast.city_a, number, name=f"Parlour {number}") for number in (1, 2)]
    case = open_case(
        municipality=cast.city_a,
        user=cast.coordinator,
        title="Massage parlours on the ring road",
        phenomenon=Phenomenon.PROSTITUTION,
        subjects=[
            Subject.objects.create(
                municipality=cast.city_a, kind="premises", name=p.name, premises=p
            )
            for p in parlours
        ],
    )
    add_member(case=case, person=cast.social_inspector.person, user=cast.coordinator)
    add_instrument(
        municipality=cast.city_a,
        user=cast.coordinator,
        partner=cast.social,
        kind="social",
        title="Social inspection",
    )

    log_in(page, live_server, "coordinator")
    page.get_by_role("link", name="Cases", exact=True).click()
    page.get_by_role("link", name="Case meetings").click()
    page.get_by_label("Title").fill("Local operational meeting")
    page.get_by_label("Date").fill(timezone.localdate().isoformat())
    page.get_by_label("Under a sharing protocol").check()
    page.get_by_role("combobox", name="Sharing protocol").select_option(label="Protocol A")
    page.get_by_role("button", name="Schedule the meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Local operational meeting")

    page.get_by_label("Person").select_option(label="Social (Social Inspection)")
    page.get_by_role("button", name="Invite").click()
    expect(page.locator(".messages")).to_contain_text("was invited")
    page.get_by_label("Case").select_option(label=str(case))
    page.get_by_role("button", name="Put on the agenda").click()
    expect(page.locator(".messages")).to_contain_text("is on the agenda")

    decision = page.locator(".decision-form")
    decision.get_by_label("Approach").select_option(label="Integrated approach")
    row = decision.locator(".action-row").first
    row.get_by_label("Instrument").select_option(label="Social Inspection: Social inspection")
    row.get_by_label("Deadline").fill((timezone.localdate() + timedelta(days=30)).isoformat())
    decision.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".messages")).to_contain_text("decision on case")
    expect(page.locator(".agenda-item")).to_contain_text("Integrated approach")
    screenshot("case-meeting-decision")

    page.goto(live_server.url + reverse("cases:case", kwargs={"code": case.code}))
    actions = page.locator("#case-meetings")
    expect(actions).to_contain_text("Social inspection")
    actions.get_by_role("button", name="Plan an action day").click()
    page.wait_for_url(re.compile(r"/inspections/[0-9a-f-]{36}/plan/$"))
    day = ActionDay.objects.get(case=case)
    assert page.url.endswith(reverse("action-day-plan", kwargs={"code": day.code}))
    expect(page.locator("body")).to_contain_text("Parlour 1")
    expect(page.locator("body")).to_contain_text("Parlour 2")
    assert day.status == ActionDay.Status.DRAFT
    screenshot("case-meeting-action-day")
