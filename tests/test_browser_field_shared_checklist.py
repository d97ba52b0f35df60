"""A checklist's page is cached once per version and shared by the day's visits. In
headless Chromium at tablet size: only the day is opened online; offline, the checklist
of the second visit opens from the shared copy, names that visit, and is filled with a
photo; the same checklist of the first visit still opens empty. Back online, the
finding and its photo reach the second visit, and nothing reaches the first."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from inspections.models import Evidence, Finding, Submission
from partners.models import Role
from tests.cast import build_cast, make_user
from tests.conftest import wait_until
from tests.field_fixtures import build_field_day, jpeg_bytes, seed_field_checklists, version_of
from tests.test_browser_offline import TABLET, log_in, outbox_size, shoot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.first_database_only,
]


@pytest.fixture
def tablet(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=TABLET, locale="nl-BE", service_workers="allow")
    yield context
    context.close()


def test_a_checklist_of_the_second_visit_filled_offline_reaches_that_visit(
    live_server: Any, tablet: Any
) -> None:
    seed_field_checklists()
    field = build_field_day(build_cast())
    first, second = field.visits[0], field.visits[1]
    version = version_of("social-employment")
    shared = reverse("field-checklist-form", args=[version.code])
    page = tablet.new_page()
    log_in(page, live_server.url, "social")

    # Online, the day page only: it caches each visit and each checklist version once.
    page.goto(live_server.url + reverse("field-day"))
    expect(page.locator("#field-ready")).to_have_attribute("data-state", "ready", timeout=15000)
    wait_until(page, "() => navigator.serviceWorker.controller !== null", timeout=10)
    cached = page.evaluate(
        """async () => (await (await caches.open('integra-field-pages')).keys())
            .map((request) => new URL(request.url).pathname)"""
    )
    assert shared in cached
    assert not [url for url in cached if "/visits/" in url and "/checklists/" in url]

    tablet.set_offline(True)
    page.locator(f'a[data-visit="{second.code}"]').click()
    expect(page.get_by_role("heading", name=second.premises.name)).to_be_visible()
    page.locator(".field-checklist-link", has_text=version.template.title).click()
    form = page.locator("#checklist-form")
    expect(form).to_have_attribute("data-visit", str(second.code))
    expect(page.locator("#field-premises")).to_have_text(second.premises.label())
    back = reverse("field-visit", args=[second.code])
    expect(page.locator("#field-back")).to_have_attribute("href", back)
    page.locator("#q-workers_present").fill("6")
    page.locator('#wrap-without_dimona input[value="no"]').check()
    page.locator('#wrap-contracts input[value="all"]').check()
    photo = {"name": "site.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes("green")}
    page.locator("#q-documents").set_input_files(photo)
    expect(page.locator('[data-photos="documents"] img')).to_have_count(1)
    page.locator("#checklist-save").click()
    expect(page.locator("#form-status")).to_have_attribute("data-state", "saved")
    expect(page.locator("#field-outbox-list li")).to_contain_text(second.premises.label())
    shoot(page, "field-shared-checklist-offline")

    # The same cached page for the first visit: its own, empty, answers.
    page.goto(f"{live_server.url}{shared}?visit={first.code}")
    expect(form).to_have_attribute("data-visit", str(first.code))
    expect(page.locator("#field-premises")).to_have_text(first.premises.label())
    expect(page.locator("#q-workers_present")).to_have_value("")
    # And again the second's, with what was typed there.
    page.goto(f"{live_server.url}{shared}?visit={second.code}")
    expect(page.locator("#q-workers_present")).to_have_value("6")
    expect(page.locator('[data-photos="documents"] img')).to_have_count(1)
    # The address a checklist had per visit (named by saves of an earlier release) opens
    # the shared copy offline too.
    page.goto(live_server.url + reverse("field-checklist", args=[second.code, version.code]))
    expect(form).to_have_attribute("data-visit", str(second.code))
    expect(page.locator("#q-workers_present")).to_have_value("6")
    assert Submission.objects.count() == 0

    tablet.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#field-outbox-count")).to_have_text("0", timeout=15000)
    assert outbox_size(page) == 0
    finding = Finding.objects.get()
    assert finding.visit_id == second.pk
    assert finding.template.slug == "social-employment"
    assert finding.answers["workers_present"] == 6
    assert finding.answers["documents"] == [Evidence.objects.get().sha256]
    assert not Finding.objects.filter(visit=first).exists()


def test_a_checklist_opened_online_starts_from_the_answers_on_the_server(
    live_server: Any, tablet: Any
) -> None:
    """Online, the shared page asks the server for the visit's finding (a colleague's
    save, made after this tablet cached its day), and the device's next save is based on
    it: no conflict to settle."""
    import uuid

    from django.utils import timezone

    from inspections.sync import submit

    seed_field_checklists()
    cast = build_cast()
    field = build_field_day(cast)
    second = field.visits[1]
    version = version_of("social-employment")
    colleague = make_user("social2", cast.social, [Role.INSPECTOR], cast.city_a)
    field.team_1.members.add(colleague)
    page = tablet.new_page()
    log_in(page, live_server.url, "social")
    page.goto(live_server.url + reverse("field-day"))
    expect(page.locator("#field-ready")).to_have_attribute("data-state", "ready", timeout=15000)
    submit(
        user=colleague,
        client_id=uuid.uuid4(),
        visit_code=second.code,
        version_code=version.code,
        answers={"workers_present": 3, "without_dimona": "no", "contracts": "all"},
        base_version=None,
        recorded_at=timezone.now(),
    )
    page.goto(live_server.url + reverse("field-visit", args=[second.code]))
    page.locator(".field-checklist-link", has_text=version.template.title).click()
    expect(page.locator("#checklist-form")).to_have_attribute("data-visit", str(second.code))
    expect(page.locator("#q-workers_present")).to_have_value("3")
    expect(page.locator("#field-premises")).to_have_text(second.premises.label())
    page.locator("#q-workers_present").fill("4")
    page.locator("#checklist-save").click()
    expect(page.locator("#form-status")).to_have_attribute("data-sync", "sent", timeout=15000)
    finding = Finding.objects.get()
    assert (finding.version, finding.answers["workers_present"]) == (2, 4)
    assert Submission.objects.count() == 2
