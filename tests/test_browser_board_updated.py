"""The live board in the browser: a visit done in the field shows on the next poll, with
the day's totals and the time of the update, without reloading the page."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from inspections.models import ActionDay
from inspections.sync import record_visit_outcome
from tests.cast import build_cast
from tests.day_fixtures import build_day
from tests.test_browser_offline import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.first_database_only,
]


def test_board_shows_a_visit_done_with_the_new_totals_and_update_time(
    live_server: Any, page: Any, screenshot: Any
) -> None:
    cast = build_cast()
    day = build_day(cast, status=ActionDay.Status.IN_PROGRESS, on=timezone.localdate())
    log_in(page, live_server.url, "coordinator")
    page.goto(live_server.url + reverse("action-day-board", args=[day.action_day.code]))
    done = page.locator('[data-total="done"] dd')
    expect(done).to_have_text("0 of 5")
    updated = page.locator("#board-updated time")
    first = updated.get_attribute("datetime")

    visit = day.visits["Car Wash Donut"]
    for action in ("start", "done"):
        record_visit_outcome(
            user=cast.police_inspector, visit_code=visit.code, action=action, at=timezone.now()
        )
    # The board polls every 10 seconds: the next answer brings the change.
    card = page.locator(f"#visit-{visit.code}")
    expect(card.locator(".visit-status")).to_have_text("Done", timeout=15000)
    expect(done).to_have_text("1 of 5")
    assert updated.get_attribute("datetime") != first
    expect(page.locator("#board-updated")).to_contain_text("Updated")
    screenshot("live-board-totals")
