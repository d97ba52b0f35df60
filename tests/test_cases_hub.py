"""The case work has one entry in the menu, "Cases", leading to an overview of its pages
that each role may use; the menu stays on one line at 1280 px for every role, in each
language."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from cases.actions.files import open_case
from cases.actions.signals import file_signal
from cases.models import Phenomenon
from tests.base import CastTestCase
from tests.cast import build_cast
from tests.test_browser_planning import log_in

OLD_MENU_NAMES = ("My cases", "Case meetings", "Signal triage", "Report a signal", "Subjects")
HUB = reverse("cases:hub")


def menu(html: str) -> str:
    """The main menu's part of a page."""
    start = html.index('<nav class="main-menu"')
    return html[start : html.index("</nav>", start)]


class MenuTests(CastTestCase):
    def test_the_menu_holds_one_entry_for_the_case_work(self) -> None:
        for user in (self.coordinator, self.police_inspector, self.clerk, self.analyst):
            self.client.force_login(user)
            html = menu(self.client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").text)
            assert html.count(f'href="{HUB}"') == 1, user
            for name in OLD_MENU_NAMES:
                assert f">{name}<" not in html, (user, name)

    def test_the_menu_entry_reads_dossiers_in_dutch_and_french(self) -> None:
        self.client.force_login(self.coordinator)
        for language in ("nl", "fr"):
            self.client.cookies["django_language"] = language
            html = menu(self.client.get(reverse("home")).text)
            assert f'<a href="{HUB}">Dossiers</a>' in html


class HubTests(CastTestCase):
    def links(self, user: Any) -> set[str]:
        self.client.force_login(user)
        self.client.cookies["django_language"] = "en"
        response = self.client.get(HUB)
        assert response.status_code == 200
        main = response.text[response.text.index("<main") :]
        named = {
            "My cases": "cases:case-list",
            "Report a signal": "cases:signal-file",
            "My signals": "cases:my-signals",
            "Signal triage": "cases:triage-queue",
            "Case meetings": "cases:meeting-list",
            "Subjects": "cases:subject-register",
            "Open a case": "cases:case-new",
        }
        return {name for name, route in named.items() if f'href="{reverse(route)}"' in main}

    def test_the_coordinator_reaches_every_page_of_the_case_work(self) -> None:
        assert self.links(self.coordinator) == {
            "My cases",
            "Report a signal",
            "My signals",
            "Signal triage",
            "Case meetings",
            "Subjects",
            "Open a case",
        }

    def test_an_inspector_reaches_cases_signals_and_meetings_but_not_triage(self) -> None:
        assert self.links(self.police_inspector) == {
            "My cases",
            "Report a signal",
            "My signals",
            "Case meetings",
        }

    def test_the_permit_clerk_reports_and_follows_signals(self) -> None:
        assert self.links(self.clerk) == {"My cases", "Report a signal", "My signals"}

    def test_the_analyst_reaches_the_subject_register(self) -> None:
        assert self.links(self.analyst) == {
            "My cases",
            "Report a signal",
            "My signals",
            "Case meetings",
            "Subjects",
        }

    def test_the_counts_tell_where_work_waits_and_name_nothing(self) -> None:
        case = open_case(
            municipality=self.city_a,
            user=self.coordinator,
            title="Car washes on the ring road",
            phenomenon=Phenomenon.LABOUR_EXPLOITATION,
        )
        file_signal(
            municipality=self.city_a,
            user=self.clerk,
            about="address",
            address="Basiliekstraat 12, 1500 Halle",
            observed_on=date(2026, 1, 10),
            what_was_seen="Mattresses behind the shop.",
        )
        self.client.force_login(self.coordinator)
        self.client.cookies["django_language"] = "en"
        text = self.client.get(HUB).text
        assert "You are in the team of 1 open case." in text
        assert "1 signal waits to be triaged." in text
        assert case.title not in text and case.number not in text
        assert "Basiliekstraat" not in text

    def test_the_outsider_counts_nothing_of_city_a(self) -> None:
        file_signal(
            municipality=self.city_a,
            user=self.clerk,
            about="address",
            address="Basiliekstraat 12, 1500 Halle",
            observed_on=date(2026, 1, 10),
            what_was_seen="Mattresses behind the shop.",
        )
        self.client.force_login(self.outsider)
        self.client.cookies["django_language"] = "en"
        text = self.client.get(HUB).text
        assert "No signal waits to be triaged." in text
        assert "You are in the team of 0 open cases." in text

    def test_the_overview_needs_a_login(self) -> None:
        response = self.client.get(HUB)
        assert response.status_code == 302 and reverse("login") in response["Location"]

    def test_the_overview_reads_dutch_by_default(self) -> None:
        self.client.force_login(self.coordinator)
        with translation.override("nl"):
            title = translation.gettext("Cases")
        assert f"<h1>{title}</h1>" in self.client.get(HUB).text


# In the browser ----------------------------------------------------------------------

ROLES = ("coordinator", "police", "social", "mayor", "clerk", "analyst", "outsider")


def menu_rows(page: Any) -> int:
    """How many rows the main menu's links take."""
    tops = page.eval_on_selector_all(
        "header nav.main-menu a", "links => links.map((a) => Math.round(a.offsetTop))"
    )
    return len(set(tops))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.first_database_only
def test_the_menu_is_one_line_at_1280_px_for_every_role_and_language(
    live_server: Any, browser: Any
) -> None:
    cast = build_cast()
    # The administrator sees the most: give the coordinator the role and staff access.
    cast.coordinator.person.roles = ["coordinator", "admin"]
    cast.coordinator.person.save()
    cast.coordinator.is_staff = True
    cast.coordinator.save()
    for role in ROLES:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        log_in(page, live_server, role)
        for language in ("nl", "fr", "en"):
            page.locator("#language-select").select_option(language)
            expect(page.locator("html")).to_have_attribute("lang", language)
            expect(page.locator("header nav.main-menu a").first).to_be_visible()
            assert menu_rows(page) == 1, (role, language)
            header = page.locator("header.topbar").bounding_box()
            assert header is not None and header["height"] <= 100, (role, language, header)
        context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.first_database_only
def test_the_police_reach_a_case_meeting_and_the_clerk_their_signals_through_cases(
    live_server: Any, page: Any
) -> None:
    build_cast()
    log_in(page, live_server, "police")
    page.locator("header nav").get_by_role("link", name="Cases", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases")
    expect(page.locator("main").get_by_role("link", name="Signal triage")).to_have_count(0)
    page.locator("main").get_by_role("link", name="Case meetings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Case meetings")

    page.context.clear_cookies()
    log_in(page, live_server, "clerk")
    page.locator("header nav").get_by_role("link", name="Cases", exact=True).click()
    expect(page.locator("main").get_by_role("link", name="Case meetings")).to_have_count(0)
    page.locator("main").get_by_role("link", name="My signals").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My signals")
