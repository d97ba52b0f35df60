"""In headless Chromium: a coordinator opens a shared checklist, may not change it, adapts
it for their city, adds a question to the copy and publishes it; the shared one stays."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from inspections.models import ChecklistTemplate
from tests.cast import build_cast
from tests.field_fixtures import seed_field_checklists
from tests.test_browser_planning import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.first_database_only,
    pytest.mark.django_db(transaction=True),
]


def test_coordinator_adapts_a_shared_checklist_for_their_city(
    live_server: Any, page: Any, screenshot: Any
) -> None:
    seed_field_checklists()
    cast = build_cast()
    log_in(page, live_server, "coordinator")
    page.goto(live_server.url + reverse("checklist-list"))
    shared = page.get_by_role("row").filter(has_text="Fire safety")
    expect(shared).to_contain_text("Shared by every city")
    shared.get_by_role("link", name="v1").click()

    # The shared checklist offers no draft of its own, only the city's copy (its status
    # first: a count of none would also hold on the list the click is leaving).
    expect(page.get_by_role("status")).to_contain_text("shared by every city")
    expect(page.get_by_role("button", name="New draft from this version")).to_have_count(0)
    page.get_by_role("button", name="Adapt for Halle").click()

    expect(page.get_by_role("heading", name="Add a question")).to_be_visible()
    expect(page.get_by_text("Fire safety and evacuation · Halle")).to_be_visible()
    page.get_by_label("Name").last.fill("extinguisher_checked")
    page.get_by_label("Type").last.select_option("yes_no")
    page.get_by_label("Question (Dutch)").last.fill("Brandblusser gekeurd?")
    page.get_by_role("button", name="Add question").click()
    expect(page.locator("#question-extinguisher_checked")).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", name="Fire safety")).to_contain_text("Published")
    screenshot("checklist-adapted")

    copy = ChecklistTemplate.objects.get(municipality=cast.city_a)
    current = copy.current_version()
    assert current is not None and current.question("extinguisher_checked") is not None
    original = ChecklistTemplate.objects.get(slug="fire-safety").current_version()
    assert original is not None and original.question("extinguisher_checked") is None
