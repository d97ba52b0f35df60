"""In headless Chromium at tablet size: open the day online, lose the network, reload,
fill two checklists with a photo, reload again (nothing lost), come back online: the
server holds exactly the two findings and the photo, and the outbox is empty."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from inspections import conditions
from inspections.models import Evidence, Finding, Submission, Visit
from tests.cast import PASSWORD, build_cast
from tests.condition_cases import ANSWERS, CONDITIONS
from tests.conftest import SCREENSHOTS, wait_until
from tests.field_fixtures import build_field_day, jpeg_bytes, seed_field_checklists

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.first_database_only,
]
STATIC = Path(__file__).resolve().parent.parent / "static"
TABLET = {"width": 768, "height": 1024}


@pytest.fixture
def tablet(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=TABLET, locale="nl-BE", service_workers="allow")
    yield context
    context.close()


def shoot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def log_in(page: Any, base: str, username: str) -> None:
    """Sign in; the pages are then in English, whatever the catalogues hold."""
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    page.goto(base + reverse("login"))
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(base + "/")


def outbox_size(page: Any) -> int:
    return page.evaluate("async () => (await IntegraStore.all('outbox')).length")


def test_a_day_filled_offline_is_sent_once_when_back_online(live_server: Any, tablet: Any) -> None:
    seed_field_checklists()
    cast = build_cast()
    field = build_field_day(cast)
    visit = field.visits[0]
    page = tablet.new_page()
    log_in(page, live_server.url, "social")

    page.goto(live_server.url + reverse("field-day"))
    expect(page.get_by_role("heading", name="My action day")).to_be_visible()
    expect(page.locator("#field-ready")).to_have_attribute("data-state", "ready", timeout=15000)
    wait_until(page, "() => navigator.serviceWorker.controller !== null", timeout=10)
    expect(page.locator(".field-map-stop")).to_have_count(3)
    shoot(page, "field-day-tablet")

    tablet.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", name="My action day")).to_be_visible()
    expect(page.locator("#field-connection")).to_be_visible()

    page.locator(f'a[data-visit="{visit.code}"]').click()
    expect(page.get_by_role("heading", name=visit.premises.name)).to_be_visible()
    page.locator('#visit-outcomes button[value="start"]').click()
    expect(page.locator("#field-outbox-count")).to_have_text("1")

    # The social inspection's checklist: conditions, a required answer, a photo.
    page.locator(".field-checklist-link").first.click()
    expect(page.locator("#checklist-form")).to_be_visible()
    page.locator("#q-workers_present").fill("5")
    expect(page.locator("#wrap-without_dimona_count")).to_be_hidden()
    page.locator('#wrap-without_dimona input[value="yes"]').check()
    expect(page.locator("#wrap-without_dimona_count")).to_be_visible()
    page.locator('#wrap-contracts input[value="none"]').check()
    expect(page.locator("#wrap-part_time_schedules")).to_be_hidden()
    page.locator("#checklist-save").click()
    expect(page.locator("#error-without_dimona_count")).to_be_visible()
    page.locator("#q-without_dimona_count").fill("3")
    photo = {
        "name": "documents.jpg",
        "mimeType": "image/jpeg",
        "buffer": jpeg_bytes("red", (640, 480)),
    }
    page.locator("#q-documents").set_input_files(photo)
    expect(page.locator('[data-photos="documents"] img')).to_have_count(1)
    page.locator("#checklist-save").click()
    expect(page.locator("#form-status")).to_have_attribute("data-state", "saved")
    shoot(page, "field-checklist-tablet")

    # The trafficking indicators, from the visit page reached offline.
    page.goto(live_server.url + reverse("field-visit", args=[visit.code]))
    page.locator(".field-checklist-link").last.click()
    for name in ("papers_held", "interpreter_present", "debt"):
        page.locator(f'#wrap-{name} input[value="no"]').check()
    page.locator("#q-victims_count").fill("1")
    page.locator('#wrap-referred input[value="yes"]').check()
    page.locator("#checklist-save").click()
    expect(page.locator("#form-status")).to_have_attribute("data-state", "saved")

    # Reloading offline loses nothing: the outbox and the photo are still there.
    page.goto(live_server.url + reverse("field-visit", args=[visit.code]))
    page.reload()
    expect(page.locator("#field-outbox-count")).to_have_text("3")
    assert outbox_size(page) == 3
    page.locator(".field-checklist-link").first.click()
    expect(page.locator('[data-photos="documents"] img')).to_have_count(1)
    expect(page.locator("#q-without_dimona_count")).to_have_value("3")
    assert Submission.objects.count() == 0
    shoot(page, "field-outbox-offline-tablet")

    tablet.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#field-outbox-count")).to_have_text("0", timeout=15000)
    assert outbox_size(page) == 0
    assert Finding.objects.filter(visit=visit).count() == 2
    assert Submission.objects.count() == 2
    assert Evidence.objects.count() == 1
    finding = Finding.objects.get(visit=visit, template__slug="social-employment")
    assert finding.is_complete
    assert finding.answers["documents"] == [Evidence.objects.get().sha256]
    visit.refresh_from_db()
    assert visit.status == Visit.Status.UNDERWAY


def test_phone_size_keeps_touch_targets_large(live_server: Any, browser: Any) -> None:
    seed_field_checklists()
    cast = build_cast()
    field = build_field_day(cast)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-BE")
    page = context.new_page()
    log_in(page, live_server.url, "police")
    page.goto(live_server.url + reverse("field-visit", args=[field.visits[0].code]))
    for locator in ("#visit-outcomes button:visible", ".field-checklist-link", ".field-back"):
        for box in [element.bounding_box() for element in page.locator(locator).all()]:
            assert box is not None and box["height"] >= 44, (locator, box)
    page.locator(".field-checklist-link").first.click()
    # The click only starts the navigation: the checklist's choices are read once it is there.
    expect(page.locator(".field-choice").first).to_be_visible()
    for element in page.locator(".field-choice").all():
        box = element.bounding_box()
        assert box is not None and box["height"] >= 44
    shoot(page, "field-checklist-phone")
    context.close()


def test_conditions_give_the_same_result_in_the_browser(page: Any) -> None:
    page.set_content("<!doctype html><title>conditions</title>")
    page.add_script_tag(path=str(STATIC / "integra" / "field" / "conditions.js"))
    cases = [(conditions.parse(text), answers) for text in CONDITIONS for answers in ANSWERS]
    expected = [conditions.evaluate(tree, answers) for tree, answers in cases]
    found = page.evaluate(
        "cases => cases.map(([tree, answers]) => IntegraConditions.evaluate(tree, answers))",
        json.loads(json.dumps(cases)),
    )
    assert found == expected
