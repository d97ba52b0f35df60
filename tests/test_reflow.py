"""Reflow (WCAG 1.4.10), in headless Chromium: at 320 CSS px wide (a 1280 px screen at
400 % zoom) the demo city's busiest pages scroll only up and down. Nothing sticks out
sideways: every control and every line of text lies within the width of the page, except
inside a data table's or a map's own box, which scrolls or pans on its own."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from gis.models import Premises
from inspections.models import ActionDay
from tests.conftest import SCREENSHOTS
from tests.seeded import reseed_catalogues
from tests.test_accessibility import load, log_in, start_draft_decision

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PHONE = {"width": 320, "height": 800}

# Elements that stick out of the page's width, outside a box of their own that scrolls or
# pans (a data table's .table-scroll, the field app's header links, a Leaflet map), as
# "tag#id.class (left–right)".
STICKING_OUT = """() => {
    const width = document.documentElement.clientWidth;
    const boxed = (element) => {
        for (let box = element.parentElement; box; box = box.parentElement) {
            if (box.classList.contains("leaflet-container")) return true;
            if (["auto", "scroll"].includes(getComputedStyle(box).overflowX)) return true;
        }
        return false;
    };
    const out = [];
    for (const element of document.querySelectorAll("body *")) {
        if (boxed(element) || element.closest(".visually-hidden, .skip-link, [hidden]")) continue;
        const box = element.getBoundingClientRect();
        if (box.width === 0 || box.height === 0) continue;
        if (box.left < -1 || box.right > width + 1) {
            const name = element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
                + (typeof element.className === "string" && element.className
                    ? "." + element.className.trim().split(/\\s+/).join(".") : "");
            out.push(`${name} (${Math.round(box.left)}–${Math.round(box.right)})`);
        }
    }
    return out;
}"""


def assert_reflows(page: Any, name: str) -> None:
    page.evaluate("() => window.scrollTo(0, 0)")
    expect(page.locator("h1").first).to_be_in_viewport()
    scroll_width, client_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"reflow-{name}.png"), full_page=True)
    assert scroll_width <= client_width, f"{name} scrolls sideways: {scroll_width} px wide"
    assert page.evaluate(STICKING_OUT) == [], f"{name}: sticking out at 320 px"


@pytest.mark.once_per_make_test
def test_busiest_pages_reflow_at_320_css_pixels(live_server: Any, browser: Any) -> None:
    reseed_catalogues()  # the demo builds on them; an earlier test's flush removed them
    call_command("load_demo", verbosity=0)
    # The longest premises name of the demo (an address point's key when it has no name
    # of its own) must wrap like any other.
    Premises.objects.filter(pk=Premises.objects.order_by("-risk_score")[0].pk).update(
        name="Handelsvennootschap-Bergensesteenweg-Nachtwinkel-en-Carwash-Halle-Zuid"
    )
    day = ActionDay.objects.get(status=ActionDay.Status.RELEASED)

    coordinator = browser.new_context(viewport=PHONE)
    page = log_in(coordinator, live_server, "coordinator")
    load(page, live_server.url + reverse("gis-risk-list"))
    apply = page.get_by_role("button", name="Apply filters")
    apply.scroll_into_view_if_needed()
    expect(apply).to_be_in_viewport()
    assert_reflows(page, "risk-list")
    # The table's last column is reached by scrolling its own box.
    table = page.locator(".table-scroll").first
    table.evaluate("(box) => { box.scrollIntoView(); box.scrollLeft = box.scrollWidth; }")
    expect(table.locator("th").last).to_be_in_viewport()

    load(page, live_server.url + reverse("gis-map"))
    assert_reflows(page, "premises-map")
    load(page, live_server.url + reverse("action-day-plan", args=[day.code]))
    assert_reflows(page, "planner")
    coordinator.close()

    mayor = browser.new_context(viewport=PHONE)
    page = log_in(mayor, live_server, "mayor")
    start_draft_decision(page, live_server)
    expect(page.get_by_role("button", name="Save the draft")).to_be_visible()
    assert_reflows(page, "decision-form")
    mayor.close()

    police = browser.new_context(viewport=PHONE)
    page = log_in(police, live_server, "police")
    load(page, live_server.url + reverse("field-day"))
    assert_reflows(page, "field-day")
    visit = page.locator("a.field-visit-link").first.get_attribute("href")
    load(page, live_server.url + str(visit))
    assert_reflows(page, "field-visit")
    police.close()
