"""In headless Chromium: log in, land on the home page, use the competency matrix."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from partners.models import Partner
from tests.cast import PASSWORD, build_cast

pytestmark = [
    pytest.mark.browser,
    pytest.mark.first_database_only,
    pytest.mark.django_db(transaction=True),
]


def test_coordinator_logs_in_and_sees_home_in_dutch(
    live_server: Any, page: Any, screenshot: Any
) -> None:
    build_cast()
    page.goto(live_server.url + reverse("home"))
    assert "/accounts/login/" in page.url
    page.get_by_label("Gebruikersnaam").fill("coordinator")
    page.get_by_label("Wachtwoord").fill("wrong")
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("alert")).to_be_visible()
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(live_server.url + "/")
    expect(page.get_by_role("heading", name="Welkom, Coordinator")).to_be_visible()
    expect(page.get_by_text("Halle").first).to_be_visible()
    screenshot("home-coordinator")


def test_matrix_toggle_saves_through_htmx_without_reload(
    live_server: Any, page: Any, screenshot: Any
) -> None:
    cast = build_cast()
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Gebruikersnaam").fill("coordinator")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + reverse("competency-matrix"))
    checkbox = page.get_by_label("Police mag Brandveiligheid en evacuatie controleren")
    assert not checkbox.is_checked()
    with page.expect_response(lambda response: "toggle" in response.url) as answer:
        checkbox.check()
    assert answer.value.status == 200
    page.locator("td.saved").wait_for()
    assert cast.police.competencies.filter(code="fire-safety").exists()
    screenshot("competency-matrix")
    # The page was not reloaded: htmx swapped only the cell.
    assert Partner.objects.get(pk=cast.police.pk).competencies.count() == 2


def test_language_switch_in_the_browser(live_server: Any, page: Any) -> None:
    build_cast()
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Taal").select_option("fr")
    expect(page.get_by_role("heading", name="Se connecter à Integra")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
