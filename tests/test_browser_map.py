"""In headless Chromium: the coordinator's map with a few hundred premises, an HTMX
filter that redraws the markers, and a popup that explains a score."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from gis.models import Premises
from gis.risk import refresh
from tests.cast import PASSWORD, build_cast
from tests.conftest import wait_until
from tests.gis_factories import (
    HALLE_LAT,
    HALLE_LON,
    bulk_premises,
    make_premises,
    make_signal,
    square_zone,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.first_database_only,
]


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(base + reverse("login"))
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(base + "/")
    # The assertions below read the English interface.
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])


# The popup is opaque, inside the map, and the map stood still over two frames.
POPUP_AT_REST = """async () => {
    const popup = document.querySelector(".leaflet-popup");
    if (!popup || getComputedStyle(popup).opacity !== "1") return false;
    const where = () => JSON.stringify(popup.getBoundingClientRect());
    const before = where();
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    const box = popup.getBoundingClientRect();
    const map = document.getElementById("map").getBoundingClientRect();
    return where() === before && box.top >= map.top && box.bottom <= map.bottom
        && box.left >= map.left && box.right <= map.right;
}"""


def marker_count(page: Any) -> int:
    return int(page.locator("#map").get_attribute("data-markers") or -1)


def test_coordinator_filters_the_map_and_opens_an_explained_popup(
    live_server: Any, page: Any, screenshot: Any
) -> None:
    cast = build_cast()
    bulk_premises(cast.city_a, 0, 300)
    Premises.objects.update(risk_score=0, flagged_manually=False)
    # Four premises flagged by their signals, far enough apart to stay unclustered.
    flagged = [
        make_premises(
            cast.city_a,
            1000 + number,
            name=f"Carwash {number}",
            lon=HALLE_LON - 0.02 + number * 0.015,
            lat=HALLE_LAT - 0.015,
        )
        for number in range(4)
    ]
    for item in flagged:
        make_signal(item, "no-dimona", "id-papers-held", days_ago=12, partner=cast.social)
    refresh(flagged)
    square_zone(cast.city_a, "Centrum", HALLE_LON - 0.03, HALLE_LAT - 0.025, 0.06)

    log_in(page, live_server.url, "coordinator")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server.url + reverse("gis-map"))
    wait_until(page, "() => document.getElementById('map').dataset.markers !== undefined")
    assert marker_count(page) == 304
    page.locator(".risk-cluster").first.wait_for()
    screenshot("map-clusters")
    expect(page.get_by_text("304 premises")).to_be_visible()

    with page.expect_response(lambda response: "flagged=on" in response.url) as answer:
        page.get_by_label("Flagged only").check()
    assert answer.value.status == 200
    wait_until(page, "() => document.getElementById('map').dataset.markers === '4'")
    expect(page.get_by_text("4 premises")).to_be_visible()
    assert "flagged=on" in page.url, "the filter is in the address bar"

    page.locator(".risk-marker.risk-high").first.click()
    popup = page.locator(".leaflet-popup-content .premises-popup")
    popup.wait_for()
    assert "Identity papers held by the operator" in popup.inner_text()
    assert "Carwash" in popup.inner_text()
    # The popup fades in and the map pans to show it: shoot once both are over.
    wait_until(page, POPUP_AT_REST)
    screenshot("map-coordinator")
    assert errors == []
