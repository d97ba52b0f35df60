"""Accessible to everyone (WCAG 2.1 AA, which the EU directive requires of public-sector
apps), in headless Chromium.

axe-core checks every main page of every role of the demo city against the rules tagged
wcag2a, wcag2aa, wcag21a and wcag21aa: each role logs in once and follows the links from
its home page and navigation. A page (a URL name) is checked once, by the first role that
reaches it, except the pages whose content is the role's own (home, the field app). Folded
``<details>`` are opened first, so the forms inside them are checked too.

Keyboard use: on the planner, Tab reaches the panel's controls without stopping on the
map's markers (the candidate list is the keyboard's way to pick premises), and a change
made in the panel keeps the user's place; after a failed save, focus is on the reason.
"""

from __future__ import annotations

from collections import deque
from typing import Any
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.urls import Resolver404, resolve, reverse
from playwright.sync_api import expect

from gis.models import Premises
from inspections import actions
from tests.cast import PASSWORD, build_cast
from tests.conftest import SCREENSHOTS, wait_until
from tests.planning_fixtures import make_action_day, make_premises
from tests.seeded import reseed_catalogues

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

DEMO_PASSWORD = "demo"
# The coordinator reaches the most pages, so the others mostly add their own.
ROLES = ["coordinator", "admin", "police", "social", "fire", "mayor", "clerk", "analyst"]
WCAG_21_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
# Pages whose content is the role's own: checked for every role that reaches them.
PER_ROLE = {"home", "field-day", "field-visit", "field-checklist-form"}
# Links that are no page: downloads, logging out, the language switch, the admin site.
NOT_PAGES = {
    "logout",
    "set_language",
    "gis-map-export",
    "report-pdf",
    "report-photos",
    "document-download",
    "decision-figures-csv",
    "action-day-invite",
    "action-day-invites",
    "action-day-map",
    "checklist-export",
    "healthz",
    "readyz",
}
# What the crawl must reach, so that a broken login or navigation cannot pass unseen.
MAIN_PAGES = {
    "home",
    "action-day-list",
    "action-day-create",
    "action-day-plan",
    "action-day-briefing",
    "action-day-board",
    "field-day",
    "field-visit",
    # A visit links its checklists' shared pages (one per version, ?visit= names it).
    "field-checklist-form",
    "gis-map",
    "gis-risk-list",
    "gis-premises-detail",
    "gis-imports",
    "gis-lookup",
    "report-list",
    "report-detail",
    "decision-start",
    "decision-detail",
    "decision-register",
    "permit-register",
    "decision-figures",
    "closed-days",
    "partner-list",
    "people-list",
    "competency-matrix",
    "protocol-list",
    "checklist-list",
    "audit-log",
    "subject-access",
    # The case work, behind its one entry in the menu.
    "hub",
    "case-list",
    "case",
    "signal-file",
    "triage-queue",
    "meeting-list",
    "subject-register",
}
# The case work's pages lie one step further from the menu, behind its overview.
MAX_DEPTH = 4

AXE_SCRIPT = Axe().axe_script


def log_in(context: Any, live_server: Any, username: str, password: str = DEMO_PASSWORD) -> Any:
    """A page of ``context`` with ``username`` logged in, in English. axe-core is added to
    every page the context opens (through the browser's debugging protocol, which the
    Content-Security-Policy allows), so it is sent to the browser only once."""
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    context.add_init_script(script=AXE_SCRIPT)
    page = context.new_page()
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + "/")
    return page


def page_name(live_server: Any, url: str) -> str | None:
    """The URL name of a link to one of our pages, or None for anything else."""
    parts = urlsplit(url)
    if parts.netloc != urlsplit(live_server.url).netloc or "." in parts.path.rsplit("/", 1)[-1]:
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    if match.namespace == "admin" or parts.path.startswith("/api/"):
        return None
    return None if match.url_name in NOT_PAGES else match.url_name


def violations(page: Any, where: str) -> list[str]:
    """axe's WCAG 2.1 A/AA violations on the page as it stands, one line per element."""
    page.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    found = page.evaluate("(options) => axe.run(document, options)", WCAG_21_AA)["violations"]
    return [
        f"{where}: {violation['id']} at {node['target']} — {violation['help']}"
        for violation in found
        for node in violation["nodes"]
    ]


def crawl(page: Any, live_server: Any, role: str, checked: set[str]) -> tuple[set[str], list[str]]:
    """Follow the links from the role's home page and axe every page no other role
    checked before (another role's page is not followed further). Returns the URL names
    the role reached and the violations found."""
    reached: set[str] = set()
    problems: list[str] = []
    queue = deque([(live_server.url + "/", 0)])
    while queue:
        url, depth = queue.popleft()
        name = page_name(live_server, url)
        if name is None or name in reached:
            continue
        reached.add(name)
        if name in checked and name not in PER_ROLE:
            continue
        checked.add(name)
        load(page, url)
        problems += violations(page, f"{role} on {name} ({urlsplit(url).path})")
        if depth < MAX_DEPTH:
            # Resolved from the attribute: an <a> inside an SVG (the network view) has an
            # object, not a string, as its ``href``.
            links = page.eval_on_selector_all(
                "a[href]",
                "links => links.map((a) => new URL(a.getAttribute('href'), document.baseURI).href)",
            )
            queue.extend((link.split("#")[0], depth + 1) for link in links)
    return reached, problems


def load(page: Any, url: str) -> None:
    """Open a page and wait until it is complete: the field app until its data has come
    (it prepares the day for offline use), any other page until htmx is idle."""
    field = urlsplit(url).path.startswith("/field/")
    response = page.goto(url, wait_until="networkidle" if field else "load")
    assert response is not None and response.ok, f"{url} answered {response}"
    settled(page)


def start_draft_decision(page: Any, live_server: Any) -> list[str]:
    """The mayor's office drafts a decision from the first final joint report; the
    violations on the way."""
    page.goto(live_server.url + reverse("report-list"))
    page.locator("main a[href*='/decisions/reports/']").first.click()
    page.get_by_role("link", name="Draft a decision").click()
    # The click only starts the navigation: axe reads the page it leads to.
    page.wait_for_url("**/decisions/reports/*/decide/")
    settled(page)
    problems = violations(page, "mayor on the decision type choice")
    page.locator("main select").first.select_option(index=1)
    page.get_by_role("button", name="Start the draft").click()
    expect(page.get_by_role("heading", name="Draft decision")).to_be_visible()
    return problems + violations(page, "mayor on the draft decision form")


@pytest.mark.once_per_make_test
def test_every_main_page_of_every_role_has_no_wcag_21_aa_violation(
    live_server: Any, browser: Any
) -> None:
    reseed_catalogues()  # the demo builds on them; an earlier test's flush removed them
    call_command("load_demo", verbosity=0)
    checked: set[str] = set()
    reached: set[str] = set()
    problems: list[str] = []
    anonymous = browser.new_context()
    anonymous.add_init_script(script=AXE_SCRIPT)
    login = anonymous.new_page()
    login.goto(live_server.url + reverse("login"), wait_until="networkidle")
    problems += violations(login, "anyone on the login page")
    anonymous.close()
    for role in ROLES:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = log_in(context, live_server, role)
        names, found = crawl(page, live_server, role, checked)
        reached |= names
        problems += found
        assert "home" in names, f"{role} did not reach their home page"
        if role == "mayor":
            problems += start_draft_decision(page, live_server)
            reached.add("decision-start")
        context.close()
    assert reached >= MAIN_PAGES, f"Not reached: {sorted(MAIN_PAGES - reached)}"
    assert not problems, "axe found WCAG 2.1 AA violations:\n" + "\n".join(problems)


# Keyboard use ---------------------------------------------------------------------------


def focused(page: Any) -> dict[str, Any]:
    return page.evaluate(
        """() => {
            const element = document.activeElement;
            return {
                tag: element.tagName.toLowerCase(),
                id: element.id,
                text: (element.labels && element.labels.length ? element.labels[0] : element)
                    .textContent.replace(/\\s+/g, " ").trim(),
                inPanel: Boolean(element.closest("#plan-body")),
                marker: Boolean(element.closest(".leaflet-marker-pane, .leaflet-overlay-pane")),
                details: element.closest("details") ? element.closest("details").id : "",
            };
        }"""
    )


def shoot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def settled(page: Any) -> None:
    wait_until(
        page, "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


def planned_day(cast: Any) -> Any:
    """A day in city A with partners and a team, and eight premises to choose from."""
    day = make_action_day(cast)
    actions.set_partners(
        action_day=day, user=cast.coordinator, version=day.version, partners=[cast.police]
    )
    actions.save_team(
        action_day=day,
        user=cast.coordinator,
        version=day.version,
        name="Team 1",
        lead=cast.police_inspector,
        members=[],
    )
    for number in range(1, 9):
        make_premises(cast.city_a, number, name=f"Car wash {number}")
    # Candidates are premises with a risk.
    Premises.objects.update(risk_score=2.0)
    return day


@pytest.mark.first_database_only
def test_planner_tab_reaches_the_panel_before_any_marker_and_a_new_team_keeps_focus(
    live_server: Any, browser: Any
) -> None:
    cast = build_cast()
    day = planned_day(cast)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = log_in(context, live_server, "coordinator", PASSWORD)
    page.goto(live_server.url + reverse("action-day-plan", args=[day.code]))
    markers = page.locator("#plan-map .leaflet-overlay-pane path.leaflet-interactive")
    expect(markers).to_have_count(8)

    visited = []
    for _ in range(120):
        page.keyboard.press("Tab")
        now = focused(page)
        visited.append(now)
        if now["inPanel"]:
            break
    assert visited[-1]["inPanel"], f"Tab never reached the panel: {visited}"
    assert not any(stop["marker"] for stop in visited), "Tab stopped on a marker first"
    assert "Car wash 1" in " ".join(stop["text"] for stop in visited), (
        "the candidate list is in the Tab order"
    )

    # Add a team with the keyboard only: the panel is replaced, the place is kept.
    page.locator("#new-team > summary").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "team-name"
    page.keyboard.type("Team Noord")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")  # the first person offered as lead
    page.locator("#new-team-save").focus()
    with page.expect_response(lambda response: "/plan/teams/" in response.url):
        page.keyboard.press("Enter")
    settled(page)
    expect(page.locator("#plan-body")).to_contain_text("“Team Noord” was saved.")
    now = focused(page)
    assert (now["tag"], now["details"]) == ("summary", "new-team"), now
    shoot(page, "a11y-planner-focus-after-new-team")
    # Enter unfolds the form again, right where the user was.
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "team-name"
    context.close()


@pytest.mark.first_database_only
def test_a_refused_save_puts_focus_on_its_reason(live_server: Any, browser: Any) -> None:
    cast = build_cast()
    day = planned_day(cast)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = log_in(context, live_server, "coordinator", PASSWORD)
    page.goto(live_server.url + reverse("action-day-plan", args=[day.code]))
    page.locator("#new-team > summary").focus()
    page.keyboard.press("Enter")
    page.locator("#team-name").fill("Team 1")
    page.locator("#new-team").get_by_label("Team lead").select_option(index=1)
    page.locator("#new-team-save").focus()
    with page.expect_response(lambda response: "/plan/teams/" in response.url):
        page.keyboard.press("Enter")
    reason = page.locator("#new-team .refusal[role=alert]")
    expect(reason).to_have_text("There is already a team called Team 1.")
    expect(reason).to_be_focused()
    # What was typed stays, one Shift+Tab away.
    expect(page.locator("#team-name")).to_have_value("Team 1")
    shoot(page, "a11y-refused-save-focus")
    context.close()


@pytest.mark.first_database_only
def test_a_form_sent_back_with_errors_puts_focus_on_the_first_wrong_field(
    live_server: Any, browser: Any
) -> None:
    build_cast()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = log_in(context, live_server, "coordinator", PASSWORD)
    page.goto(live_server.url + reverse("action-day-create"))
    page.get_by_role("button", name="Create and choose premises").click()
    first_wrong = page.locator("main [aria-invalid=true]").first
    expect(first_wrong).to_be_focused()
    # The field's description is its error, so a screen reader reads why.
    described_by = first_wrong.get_attribute("aria-describedby") or ""
    error = page.locator(f"[id='{described_by.split()[-1]}']")
    expect(error).to_have_class("errorlist")
    expect(error).not_to_be_empty()
    context.close()
