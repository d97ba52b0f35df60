"""In headless Chromium: no page breaks its Content-Security-Policy. Every main page,
the map and the planning screen included, is opened with a listener for
``securitypolicyviolation`` events and for CSP messages on the console; none may come."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from inspections.models import ActionDay
from tests.cast import PASSWORD, build_cast
from tests.conftest import wait_until
from tests.field_fixtures import build_field_day, seed_field_checklists, version_of
from tests.planning_fixtures import make_action_day

pytestmark = [
    pytest.mark.browser,
    pytest.mark.first_database_only,
    pytest.mark.django_db(transaction=True),
]

LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(event.violatedDirective + ' ' + event.blockedURI);
});
"""


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(base + reverse("login"))
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(base + "/")


def visit_all(page: Any, base: str, paths: list[str]) -> dict[str, list[str]]:
    console: list[str] = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    found: dict[str, list[str]] = {}
    for path in paths:
        console.clear()
        response = page.goto(base + path)
        assert response is not None and response.status == 200, (path, response)
        page.wait_for_load_state("networkidle")
        violations = page.evaluate("window.__cspViolations || []")
        if violations or console:
            found[path] = [*violations, *console]
    return found


def test_no_main_page_violates_the_content_security_policy(live_server: Any, page: Any) -> None:
    cast = build_cast()
    seed_field_checklists()
    field = build_field_day(cast)
    draft = make_action_day(cast, title="Secret day")
    assert draft.status == ActionDay.Status.DRAFT
    page.add_init_script(LISTEN)
    base = live_server.url

    coordinator_pages = [
        reverse("home"),
        reverse("action-day-list"),
        reverse("action-day-create"),
        reverse("action-day-plan", args=[draft.code]),
        reverse("action-day-board", args=[field.day.code]),
        reverse("action-day-briefing", args=[field.day.code]),
        reverse("gis-map"),
        reverse("gis-map") + "?flagged=on",
        reverse("gis-risk-list"),
        reverse("gis-imports"),
        reverse("gis-lookup"),
        reverse("gis-premises-detail", args=[field.visits[0].premises.code]),
        reverse("partner-list"),
        reverse("people-list"),
        reverse("competency-matrix"),
        reverse("protocol-list"),
    ]
    log_in(page, base, "coordinator")
    assert visit_all(page, base, coordinator_pages) == {}

    page.context.clear_cookies()
    version = version_of("police-identities")
    inspector_pages = [
        reverse("field-day"),
        reverse("field-visit", args=[field.visits[0].code]),
        reverse("field-checklist", args=[field.visits[0].code, version.code]),
    ]
    log_in(page, base, "police")
    assert visit_all(page, base, inspector_pages) == {}


def test_an_injected_inline_script_is_blocked_and_reported(live_server: Any, page: Any) -> None:
    """The listener works: an inline script added to the page is refused by the policy."""
    build_cast()
    page.add_init_script(LISTEN)
    page.goto(live_server.url + reverse("login"))
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = true'; document.body.appendChild(s); }"
    )
    # The violation event comes after the refusal, in a task of its own.
    wait_until(page, "() => window.__cspViolations.some((v) => v.startsWith('script-src'))")
    assert page.evaluate("window.__ran === undefined")
    assert any("script-src" in v for v in page.evaluate("window.__cspViolations"))
