"""In headless Chromium: a coordinator opens a case, takes the police and the social
inspection into its team and records an entry; the police officer reads it and adds an
internal one; the social inspector sees the first and only that the police have an
internal entry, not what it says."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.cast import build_cast
from tests.test_browser_planning import log_in

# The browser's part of the case file's team and entries; test_cases_file.py runs
# the same rules and queries on both databases, so make test walks this on the first only.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.first_database_only,
]


def record_entry(page: Any, fact: str, source: str, sharing: str) -> None:
    page.get_by_label("Fact", exact=True).fill(fact)
    page.get_by_label("Source", exact=True).fill(source)
    page.get_by_label("Kind of source").select_option(label="Closed source")
    page.get_by_label("Date of the fact").fill("2026-01-15")
    page.get_by_label("Who may read it").select_option(label=sharing)
    page.get_by_role("button", name="Record the entry").click()


def test_a_case_team_shares_entries_and_keeps_internal_ones_home(
    live_server: Any, page: Any, screenshot: Any
) -> None:
    build_cast()
    log_in(page, live_server, "coordinator")
    page.get_by_role("link", name="Cases", exact=True).click()
    page.get_by_role("link", name="My cases").click()
    page.get_by_role("link", name="Open a case").click()
    page.get_by_label("Title").fill("Massage parlours on the ring road")
    page.get_by_label("Phenomenon").select_option(label="Exploitation of prostitution")
    page.get_by_role("button", name="Open the case").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Massage parlours")
    case_url = page.url

    for person in ("Police (Police)", "Social (Social Inspection)"):
        page.get_by_label("Person").select_option(label=person)
        page.get_by_role("button", name="Add to the team").click()
        expect(page.locator(".messages")).to_contain_text("joined the case team")
    team = page.locator(".case-team")
    expect(team).to_contain_text("Police")
    expect(team).to_contain_text("Social Inspection")
    record_entry(
        page, "Three parlours open until 4 a.m.", "Wardens' report", "Shareable with the case team"
    )
    expect(page.locator(".case-entries")).to_contain_text("Three parlours open until 4 a.m.")

    page.context.clear_cookies()
    log_in(page, live_server, "police")
    page.goto(case_url)
    expect(page.locator(".case-entries")).to_contain_text("Three parlours open until 4 a.m.")
    record_entry(
        page, "Informant names the manager", "Police informant file", "Internal to the partner"
    )
    expect(page.locator(".case-entries")).to_contain_text("Informant names the manager")

    page.context.clear_cookies()
    log_in(page, live_server, "social")
    page.goto(live_server.url + reverse("cases:case-list"))
    page.get_by_role("link", name="-0001").click()
    entries = page.locator("#entry_form")
    expect(entries).to_contain_text("Three parlours open until 4 a.m.")
    expect(entries).to_contain_text("An internal entry of Police from")
    expect(entries).not_to_contain_text("Informant names the manager")
    expect(page.locator("body")).not_to_contain_text("Police informant file")
    screenshot("case-file-internal-entry")
