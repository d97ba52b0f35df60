"""The field app on a phone (390×844): a slim header, a navigation link per visit, the main
button following the visit from start to done, a photo taken or chosen, and a checklist
that says "saved on this device" while offline and "sent" once the outbox delivered it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from inspections.models import Evidence, Finding, Visit
from tests.cast import build_cast
from tests.conftest import SCREENSHOTS
from tests.field_fixtures import build_field_day, jpeg_bytes, seed_field_checklists
from tests.test_browser_offline import log_in, outbox_size

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.first_database_only,
]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, locale="nl-BE", service_workers="block")
    yield context
    context.close()


def main_button(page: Any) -> Any:
    return page.locator("#visit-outcomes .primary:visible")


def test_phone_header_is_slim_and_each_visit_opens_the_maps_app(
    live_server: Any, phone: Any
) -> None:
    seed_field_checklists()
    field = build_field_day(build_cast())
    page = phone.new_page()
    log_in(page, live_server.url, "social")
    page.goto(live_server.url + reverse("field-day"))
    expect(page.get_by_role("heading", name="My action day")).to_be_visible()

    header = page.locator("header.topbar").bounding_box()
    assert header is not None and header["height"] <= 0.12 * PHONE["height"], header
    # Nothing of the page scrolls sideways: only the row of links does.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    expect(page.locator("header nav").get_by_role("link", name="My action day")).to_be_attached()

    for visit in field.visits:
        link = page.locator(f'a[data-geo="{visit.code}"]')
        expect(link).to_be_visible()
        point = f"{visit.premises.lat:.6f},{visit.premises.lon:.6f}"
        assert link.get_attribute("href").startswith(f"geo:{point}?q={point}(")
        box = link.bounding_box()
        assert box is not None and box["height"] >= 44 and box["width"] >= 44
    page.screenshot(path=str(SCREENSHOTS / "field-day-phone.png"))


def test_phone_visit_from_start_to_done_with_a_photo_sent_from_the_outbox(
    live_server: Any, phone: Any
) -> None:
    seed_field_checklists()
    field = build_field_day(build_cast())
    visit = field.visits[0]
    page = phone.new_page()
    log_in(page, live_server.url, "social")
    visit_url = live_server.url + reverse("field-visit", args=[visit.code])
    page.goto(visit_url)
    expect(main_button(page)).to_have_text("Start visit")
    expect(page.locator("#visit-navigate")).to_have_attribute("href", _geo_prefix(visit))
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "field-phone.png"))

    # The outbox sends the outcome: the database is read once the server has answered.
    with page.expect_response(outcome_sent):
        main_button(page).click()
    expect(main_button(page)).to_contain_text("Continue checklist")
    expect(main_button(page)).to_contain_text("Employment, Dimona and contracts")
    expect(page.locator("#visit-sync")).to_have_text("Sent")
    visit.refresh_from_db()
    assert visit.status == Visit.Status.UNDERWAY

    # The camera opens at once; a photo already on the phone can still be chosen.
    main_button(page).click()
    camera = page.locator("#q-documents")
    expect(camera).to_have_attribute("capture", "environment")
    expect(camera).to_have_attribute("accept", "image/*")
    expect(page.get_by_label("Choose a photo from this device")).not_to_have_attribute(
        "capture", "environment"
    )
    page.locator("#q-workers_present").fill("4")
    page.locator('#wrap-without_dimona input[value="no"]').check()
    page.locator('#wrap-contracts input[value="all"]').check()
    photo = {"name": "bar.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes("red")}
    page.get_by_label("Choose a photo from this device").set_input_files(photo)
    expect(page.locator('[data-photos="documents"] img')).to_have_count(1)

    # Offline the save stays on the phone and says so; back online it is sent.
    phone.set_offline(True)
    page.locator("#checklist-save").click()
    status = page.locator("#form-status")
    expect(status).to_have_attribute("data-sync", "pending")
    expect(status).to_have_text("Saved on this device: it will be sent when there is a network.")
    assert outbox_size(page) == 1
    phone.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(status).to_have_attribute("data-sync", "sent", timeout=15000)
    expect(status).to_have_text("Sent: the server has it.")
    page.locator("#wrap-documents").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "field-photo-phone.png"))
    finding = Finding.objects.get(visit=visit, template__slug="social-employment")
    assert finding.is_complete and Evidence.objects.count() == 1

    page.goto(visit_url)
    checklist = page.locator(".field-local-state").first
    expect(checklist).to_have_text("Sent · v1")
    expect(main_button(page)).to_contain_text("Human-trafficking indicators")
    main_button(page).click()
    for name in ("papers_held", "interpreter_present", "debt"):
        page.locator(f'#wrap-{name} input[value="no"]').check()
    page.locator("#q-victims_count").fill("1")
    page.locator('#wrap-referred input[value="yes"]').check()
    page.locator("#checklist-save").click()
    expect(page.locator("#form-status")).to_have_attribute("data-sync", "sent", timeout=15000)

    page.goto(visit_url)
    expect(main_button(page)).to_have_text("Finish visit")
    with page.expect_response(outcome_sent):
        main_button(page).click()
    expect(page.locator("#visit-ended")).to_have_text("Visit done")
    expect(page.locator("#visit-outcomes button:visible")).to_have_count(0)
    expect(page.locator("#visit-sync")).to_have_text("Sent")
    visit.refresh_from_db()
    assert visit.status == Visit.Status.DONE
    page.screenshot(path=str(SCREENSHOTS / "field-phone-done.png"))


def outcome_sent(response: Any) -> bool:
    """The server's answer to a visit's outcome sent from the outbox."""
    return response.request.method == "POST" and response.url.endswith("/outcome")


def _geo_prefix(visit: Visit) -> Any:
    import re

    point = f"{visit.premises.lat:.6f},{visit.premises.lon:.6f}"
    return re.compile("^" + re.escape(f"geo:{point}?q={point}("))
