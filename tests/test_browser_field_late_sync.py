"""A tablet offline when the coordinator closes the day: its saves of the day still
arrive, once, and the plan page says so. Once the day is reported, a late save stays on
the tablet as refused, with the reason, and is never shown as sent."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from inspections.models import ActionDay, Evidence, Finding, Submission, Visit
from tests.cast import build_cast
from tests.conftest import SCREENSHOTS
from tests.field_fixtures import build_field_day, jpeg_bytes, seed_field_checklists, version_of
from tests.test_browser_offline import TABLET, log_in, outbox_size

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.first_database_only,
]


@pytest.fixture
def devices(browser: Any) -> Iterator[tuple[Any, Any]]:
    tablet = browser.new_context(viewport=TABLET, locale="nl-BE", service_workers="block")
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-BE")
    yield tablet, desk
    tablet.close()
    desk.close()


def shoot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def fill_offline(tablet: Any, base: str, visit: Visit) -> Any:
    """The visit page and its social checklist, opened online, then used offline: the
    visit is started and the checklist saved with a photo. The visit page is closed
    after, so that one page sends the outbox."""
    visit_page, checklist = tablet.new_page(), tablet.new_page()
    log_in(visit_page, base, "social")
    visit_page.goto(base + reverse("field-visit", args=[visit.code]))
    checklist.goto(
        base + reverse("field-checklist", args=[visit.code, version_of("social-employment").code])
    )
    expect(checklist.locator("#checklist-form")).to_be_visible()
    tablet.set_offline(True)
    visit_page.locator('#visit-outcomes button[value="start"]').click()
    expect(visit_page.locator("#field-outbox-count")).to_have_text("1")
    visit_page.close()
    checklist.locator("#q-workers_present").fill("4")
    checklist.locator('#wrap-without_dimona input[value="no"]').check()
    checklist.locator('#wrap-contracts input[value="all"]').check()
    photo = {"name": "bar.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes("red")}
    checklist.locator("#q-documents").set_input_files(photo)
    expect(checklist.locator('[data-photos="documents"] img')).to_have_count(1)
    checklist.locator("#checklist-save").click()
    expect(checklist.locator("#form-status")).to_have_attribute("data-state", "saved")
    return checklist


def back_online(tablet: Any, page: Any) -> None:
    tablet.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")


def test_saves_of_the_day_arrive_after_the_coordinator_closed_it(
    live_server: Any, devices: tuple[Any, Any]
) -> None:
    seed_field_checklists()
    cast = build_cast()
    field = build_field_day(cast, status=ActionDay.Status.IN_PROGRESS)
    visit = field.visits[0]
    tablet, desk = devices
    checklist = fill_offline(tablet, live_server.url, visit)

    coordinator = desk.new_page()
    log_in(coordinator, live_server.url, "coordinator")
    plan = live_server.url + reverse("action-day-plan", args=[field.day.code])
    coordinator.goto(plan)
    coordinator.get_by_role("button", name="Close the day").click()
    expect(coordinator.locator(".status-bar .badge")).to_have_text("Closed")

    back_online(tablet, checklist)
    expect(checklist.locator("#field-outbox-count")).to_have_text("0")
    assert outbox_size(checklist) == 0
    expect(checklist.locator("#field-sent-list li")).to_have_count(2)
    shoot(checklist, "field-late-sync-tablet")
    assert Submission.objects.count() == 1
    finding = Finding.objects.get()
    assert finding.answers["workers_present"] == 4
    assert finding.is_complete and Evidence.objects.count() == 1
    assert Visit.objects.get(pk=visit.pk).status == Visit.Status.UNDERWAY

    coordinator.goto(plan)
    expect(coordinator.locator(".late-saves")).to_have_text(
        "3 saves of the field arrived after the day was closed."
    )
    shoot(coordinator, "field-late-sync-plan")


def test_a_late_save_of_a_reported_day_stays_on_the_tablet_as_refused(
    live_server: Any, devices: tuple[Any, Any]
) -> None:
    seed_field_checklists()
    cast = build_cast()
    field = build_field_day(cast, status=ActionDay.Status.IN_PROGRESS)
    tablet, _desk = devices
    checklist = fill_offline(tablet, live_server.url, field.visits[0])
    ActionDay.objects.filter(pk=field.day.pk).update(status=ActionDay.Status.REPORTED)

    back_online(tablet, checklist)
    refused = checklist.locator('#field-outbox-list li[data-status="refused"]')
    expect(refused).to_have_count(2)
    expect(refused.first.locator(".badge")).to_have_text("Refused: kept on this device")
    expect(refused.first.locator(".field-entry-reason")).to_contain_text("“Flexactie carwashes”")
    expect(refused.first.get_by_role("button", name="Try again")).to_have_count(0)
    expect(checklist.locator("#field-sent-list li")).to_have_count(0)
    assert outbox_size(checklist) == 2
    shoot(checklist, "field-late-sync-refused")
    assert not Submission.objects.exists()
