"""In headless Chromium: the permit clerk reports a company with its enterprise number
(a mistyped number is refused with the reason and nothing is filed), the coordinator
finds it in the triage queue, verifies it and opens a case from it, and the clerk's
"My signals" then reads "In treatment" and nothing of the case."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cases.models import Case, DeskSignal
from tests.cast import build_cast
from tests.conftest import SCREENSHOTS
from tests.test_browser_map import log_in

# The browser's part of filing and triaging a signal; test_cases_signals.py runs the
# same rules and queries on both databases, so make test walks this on the first only.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.first_database_only,
]


def test_clerks_signal_goes_through_triage_and_the_clerk_sees_only_its_status(
    live_server: Any, page: Any, browser: Any, screenshot: Any
) -> None:
    build_cast()
    base = live_server.url
    log_in(page, base, "clerk")
    page.goto(base + reverse("cases:signal-file"))
    page.get_by_label("A company", exact=True).check()
    page.get_by_label("Name of the company or person").fill("Lotus Wellness BV")
    page.get_by_label("Enterprise number").fill("0123 456 748")
    page.get_by_label("What you saw").fill("Six mattresses behind the massage parlour.")
    page.get_by_role("button", name="File the signal").click()
    expect(page.get_by_text("the check digits fail")).to_be_visible()
    assert not DeskSignal.objects.exists()

    page.get_by_label("Enterprise number").fill("BE 0123.456.749")
    page.get_by_role("button", name="File the signal").click()
    page.wait_for_url(base + reverse("cases:my-signals"))
    row = page.locator("table.my-signals tbody tr", has_text="Lotus Wellness BV")
    expect(row).to_contain_text("Received")
    expect(row).to_contain_text("0123.456.749")

    coordinator = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-BE")
    triage = coordinator.new_page()
    log_in(triage, base, "coordinator")
    triage.goto(base + reverse("cases:triage-queue"))
    triage.locator("table.triage-queue").get_by_role("link", name="Lotus Wellness BV").click()
    expect(triage.get_by_text("Six mattresses behind the massage parlour.")).to_be_visible()
    triage.get_by_role("button", name="Verify the signal").click()
    expect(triage.get_by_text("The signal is verified and in treatment.")).to_be_visible()
    # In the team of no case yet: opening one is what the page offers, already unfolded.
    expect(triage.get_by_text("You are in the team of no open case")).to_be_visible()
    triage.get_by_label("Title of the case").fill("Lotus massage parlours")
    triage.get_by_label("Phenomenon").select_option("human_trafficking")
    triage.get_by_role("button", name="Open the case").click()
    expect(triage.get_by_text("A case was opened from the signal.")).to_be_visible()
    case = Case.objects.get()
    expect(triage.locator("dl.facts")).to_contain_text(case.number)
    SCREENSHOTS.mkdir(exist_ok=True)
    triage.screenshot(path=str(SCREENSHOTS / "signal-triage.png"), full_page=True)
    coordinator.close()

    page.goto(base + reverse("cases:my-signals"))
    row = page.locator("table.my-signals tbody tr", has_text="Lotus Wellness BV")
    expect(row).to_contain_text("In treatment")
    assert case.number not in page.content()
    assert "Lotus massage parlours" not in page.content()
    screenshot("my-signals-in-treatment")
