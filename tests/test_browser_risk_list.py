"""The risk list in the browser: a column heading sorts the list in place (HTMX), a second
click turns the order round, a filter changed afterwards keeps the order, and the CSV
link follows both; the coordinator's home shows the coming action days."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from gis.models import Sector
from tests.cast import build_cast
from tests.gis_factories import make_premises
from tests.planning_fixtures import make_action_day
from tests.test_browser_offline import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.first_database_only,
    pytest.mark.django_db(transaction=True),
]


def names(page: Any) -> list[str]:
    return page.locator("table.risk-list tbody tr td:first-child a").all_inner_texts()


def test_risk_list_sorts_by_heading_and_keeps_the_order_when_filtering(
    live_server: Any, page: Any, screenshot: Any
) -> None:
    cast = build_cast()
    bar = Sector.objects.get(code="bar")
    make_premises(cast.city_a, 1, name="Carwash Zuid", risk_score=3.4)
    make_premises(cast.city_a, 2, name="Café Markt", sector=bar, risk_score=2.0)
    make_premises(cast.city_a, 3, name="Bar Aurora", sector=bar, risk_score=1.0)
    make_premises(cast.city_a, 4, name="Bakkerij", risk_score=0.5)
    log_in(page, live_server.url, "coordinator")
    page.goto(live_server.url + reverse("gis-risk-list"))
    assert names(page) == ["Carwash Zuid", "Café Markt", "Bar Aurora", "Bakkerij"]

    page.locator("th a.sort-link", has_text="Premises").click()
    expect(page.locator('th[aria-sort="ascending"]')).to_contain_text("Premises")
    assert names(page) == ["Bakkerij", "Bar Aurora", "Café Markt", "Carwash Zuid"]
    assert "sort=name" in page.url
    page.locator("th a.sort-link", has_text="Premises").click()
    expect(page.locator('th[aria-sort="descending"]')).to_contain_text("Premises")
    assert names(page) == ["Carwash Zuid", "Café Markt", "Bar Aurora", "Bakkerij"]

    # A filter chosen now keeps the order the heading set.
    page.get_by_label("Sector").select_option(label=bar.title_en)
    expect(page.locator("table.risk-list tbody tr")).to_have_count(2)
    assert names(page) == ["Café Markt", "Bar Aurora"]
    href = page.locator("#risk-csv").get_attribute("href")
    assert href is not None and "sort=-name" in href and f"sector={bar.pk}" in href
    screenshot("risk-list-sorted")


def test_coordinator_home_shows_today_and_the_coming_days(
    live_server: Any, page: Any, screenshot: Any
) -> None:
    cast = build_cast()
    today = timezone.localdate()
    make_action_day(cast, title="Actie vandaag", date=today)
    make_action_day(cast, title="Actie volgende week", date=today + timedelta(days=7))
    log_in(page, live_server.url, "coordinator")
    panel = page.locator("#action-days-panel")
    expect(panel.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    expect(panel.get_by_role("row", name="Actie vandaag")).to_contain_text("Draft")
    panel.get_by_role("link", name="Plan of Actie volgende week").click()
    expect(page.get_by_role("heading", name="Actie volgende week")).to_be_visible()
    page.go_back()
    expect(page.locator("#action-days-panel")).to_be_visible()
    screenshot("home-action-days")
