"""The network in the browser: an analyst opens a company's page, sees its network within
two steps drawn (each subject named), picks a second subject by typing its name and
sees what connects the two, link by link."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.cast import build_cast
from tests.test_browser_offline import log_in
from tests.test_cases_network import wilby

# The browser's part of the network view; test_cases_network.py runs the same rules and
# queries (the Wilby network, what connects two subjects) on both databases, so make
# test walks this on the first only.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.first_database_only,
]


class Cast:
    """``wilby`` takes the cast's attributes from a class, as a test case has them."""

    def __init__(self) -> None:
        cast = build_cast()
        self.coordinator = cast.coordinator
        self.city_a = cast.city_a


def test_subject_page_draws_the_network_and_finds_what_connects_two_subjects(
    live_server: Any, page: Any, screenshot: Any
) -> None:
    subjects = wilby(Cast())  # type: ignore[arg-type]
    company = subjects["company1"]
    log_in(page, live_server.url, "analyst")
    page.goto(live_server.url + reverse("cases:subject-detail", args=[company.code]))
    svg = page.locator("section.subject-network svg.network-svg")
    expect(svg).to_be_visible()
    for name in ("Ward Wilby", "Parlour 1", "Wilby Company 3"):
        expect(svg.locator("a.network-node", has_text=name)).to_have_count(1)
    expect(page.locator("table.network-links")).to_contain_text("manager")
    screenshot("cases-network-subject")

    # The second subject is picked by typing: the page offers matches as one types.
    second = page.get_by_label("Second subject")
    second.fill("Rita")
    expect(page.locator("#subject-options option")).to_have_count(1)
    second.fill("Rita Resident")
    page.get_by_role("button", name="Show what connects them").click()
    result = page.locator("section.connect-result")
    expect(result).to_contain_text("One shortest path between Wilby Company 1 and Rita Resident")
    expect(result.locator("ol.connect-paths li")).to_have_text(
        "Wilby Company 1 → Ward Wilby → Wilby Company 3 → Parlour 4 → Rita Resident"
    )
    expect(result.locator("svg.network-svg a.network-node")).to_have_count(5)
    screenshot("cases-network-connect")
