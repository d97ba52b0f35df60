"""Two tablets, two social inspectors, one finding (points 7 and 8 of the field app).

Inspector A saves online; the photo A took stays on A's tablet for a while (its upload
breaks off). Inspector B was offline, saves, comes back online and is refused: B's
tablet shows both versions side by side, B chooses per question and saves the merged
answers on top of A's; A's photo shows on B's tablet as held on A's device, B's own
photo goes up. When A's tablet syncs, A's photo arrives and A sees that the finding
changed. On the server nothing is lost and nothing is doubled."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from inspections.models import Evidence, Finding, Submission
from inspections.sync import missing_photos
from partners.models import Role
from tests.cast import build_cast, make_user
from tests.conftest import SCREENSHOTS, wait_until
from tests.field_fixtures import build_field_day, jpeg_bytes, seed_field_checklists, version_of
from tests.test_browser_offline import TABLET, log_in, outbox_size

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.first_database_only,
]
EVIDENCE = "**/api/v1/findings/*/evidence/*"


@pytest.fixture
def tablets(browser: Any) -> Iterator[tuple[Any, Any]]:
    contexts = [
        browser.new_context(viewport=TABLET, locale="nl-BE", service_workers="block")
        for _ in range(2)
    ]
    yield contexts[0], contexts[1]
    for context in contexts:
        context.close()


def shoot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def add_photo(page: Any, colour: str) -> None:
    photo = {"name": f"{colour}.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(colour)}
    page.locator("#q-documents").set_input_files(photo)


def photo_hash(page: Any, index: int = 0) -> str:
    item = page.locator('[data-photos="documents"] li').nth(index)
    return str(item.get_attribute("data-sha256"))


def test_a_colleagues_answers_and_photos_survive_an_offline_save(
    live_server: Any, tablets: tuple[Any, Any]
) -> None:
    seed_field_checklists()
    cast = build_cast()
    field = build_field_day(cast)
    colleague = make_user("social2", cast.social, [Role.INSPECTOR], cast.city_a)
    colleague.last_name = "Peeters"
    colleague.save()
    field.team_1.members.add(colleague)
    visit = field.visits[0]
    url = live_server.url + reverse(
        "field-checklist", args=[visit.code, version_of("social-employment").code]
    )
    tablet_a, tablet_b = tablets
    page_a, page_b = tablet_a.new_page(), tablet_b.new_page()
    log_in(page_a, live_server.url, "social")
    log_in(page_b, live_server.url, "social2")

    # B opens the empty checklist and loses the network.
    page_b.goto(url)
    expect(page_b.locator("#checklist-form")).to_be_visible()
    tablet_b.set_offline(True)

    # A fills it online with a photo; the photo's upload breaks off.
    page_a.route(EVIDENCE, lambda route: route.abort())
    page_a.goto(url)
    page_a.locator("#q-workers_present").fill("5")
    page_a.locator('#wrap-without_dimona input[value="no"]').check()
    page_a.locator('#wrap-contracts input[value="all"]').check()
    add_photo(page_a, "red")
    expect(page_a.locator('[data-photos="documents"] img')).to_have_count(1)
    a_photo = photo_hash(page_a)
    page_a.locator("#checklist-save").click()
    expect(page_a.locator("#field-outbox-list li")).to_contain_text("1 photos waiting")
    wait_until(page_a, "async () => (await IntegraStore.all('outbox')).some((e) => e.posted)")
    assert Finding.objects.get().version == 1
    assert missing_photos(Finding.objects.get()) == [a_photo]

    # B, offline, answers differently, with a photo of their own, and saves.
    page_b.locator("#q-workers_present").fill("8")
    page_b.locator('#wrap-without_dimona input[value="no"]').check()
    page_b.locator('#wrap-contracts input[value="none"]').check()
    add_photo(page_b, "blue")
    expect(page_b.locator('[data-photos="documents"] img')).to_have_count(1)
    b_photo = photo_hash(page_b)
    page_b.locator("#checklist-save").click()
    expect(page_b.locator("#form-status")).to_have_attribute("data-state", "saved")

    # Back online: refused, nothing overwritten, and sending again sends nothing.
    tablet_b.set_offline(False)
    page_b.evaluate("window.dispatchEvent(new Event('online'))")
    refused = page_b.locator('#field-outbox-list li[data-status="conflict"]')
    expect(refused).to_be_visible()
    expect(refused.locator(".field-entry-reason")).to_contain_text("Social")
    expect(refused.get_by_role("button", name="Try again")).to_have_count(0)
    page_b.locator("#field-sync").click()
    expect(refused).to_be_visible()
    assert Submission.objects.count() == 1
    assert Finding.objects.get().answers["workers_present"] == 5
    shoot(page_b, "field-two-devices-refused")

    # B compares question by question and keeps their own count, A's contracts.
    refused.get_by_role("link", name="Compare and choose").click()
    merge = page_b.locator("#field-merge")
    expect(merge).to_be_visible()
    expect(merge).to_contain_text("Social")
    count = merge.locator('tr[data-name="workers_present"]')
    expect(count.locator("td").nth(0)).to_have_text("8")
    expect(count.locator("td").nth(1)).to_have_text("5")
    expect(merge.locator('tr[data-name="without_dimona"]')).to_have_attribute("data-same", "true")
    expect(merge.locator('tr[data-name="contracts"] td').nth(1)).to_have_text("For everyone")
    shoot(page_b, "field-two-devices-compare")
    count.get_by_label("Mine").check()
    page_b.locator("#field-merge-save").click()
    expect(page_b.locator("#form-status")).to_have_attribute("data-state", "saved")
    expect(page_b.locator("#field-outbox-count")).to_have_text("0")
    assert outbox_size(page_b) == 0

    # A's photo is shown as held on A's tablet; B's own went up.
    elsewhere = page_b.locator(f'[data-photos="documents"] li[data-sha256="{a_photo}"]')
    expect(elsewhere).to_have_attribute("data-place", "elsewhere")
    expect(elsewhere).to_contain_text("Social")
    expect(page_b.locator("#field-sent-list li").first).to_contain_text("held on another device")
    shoot(page_b, "field-two-devices-merged")
    finding = Finding.objects.get()
    assert finding.version == 2
    assert finding.answers["workers_present"] == 8
    assert finding.answers["contracts"] == "all"
    assert sorted(finding.answers["documents"]) == sorted([a_photo, b_photo])
    assert list(Evidence.objects.values_list("sha256", flat=True)) == [b_photo]
    assert missing_photos(finding) == [a_photo]

    # A's tablet syncs: the photo arrives and A sees that the finding changed.
    page_a.unroute(EVIDENCE)
    page_a.locator("#field-sync").click()
    expect(page_a.locator("#field-outbox-count")).to_have_text("0")
    changed = page_a.locator("#field-changed-list li")
    expect(changed).to_contain_text("Social2 Peeters")
    expect(changed).to_contain_text("v2")
    shoot(page_a, "field-two-devices-changed")
    page_a.goto(url)
    expect(page_a.locator("#field-changed")).to_be_visible()
    expect(page_a.locator("#q-workers_present")).to_have_value("8")
    expect(page_a.locator('[data-photos="documents"] li')).to_have_count(2)

    finding.refresh_from_db()
    assert finding.is_complete and missing_photos(finding) == []
    stored = sorted(Evidence.objects.values_list("sha256", flat=True))
    assert stored == sorted([a_photo, b_photo])
    assert Submission.objects.count() == 2


def test_a_second_tablet_sends_its_own_photos_past_one_it_does_not_hold(
    live_server: Any, tablets: tuple[Any, Any]
) -> None:
    seed_field_checklists()
    cast = build_cast()
    field = build_field_day(cast)
    colleague = make_user("social2", cast.social, [Role.INSPECTOR], cast.city_a)
    field.team_1.members.add(colleague)
    url = live_server.url + reverse(
        "field-checklist", args=[field.visits[0].code, version_of("social-employment").code]
    )
    tablet_a, tablet_b = tablets
    page_a, page_b = tablet_a.new_page(), tablet_b.new_page()
    log_in(page_a, live_server.url, "social")
    log_in(page_b, live_server.url, "social2")
    page_a.route(EVIDENCE, lambda route: route.abort())
    page_a.goto(url)
    page_a.locator("#q-workers_present").fill("5")
    page_a.locator('#wrap-without_dimona input[value="no"]').check()
    add_photo(page_a, "red")
    expect(page_a.locator('[data-photos="documents"] img')).to_have_count(1)
    a_photo = photo_hash(page_a)
    page_a.locator("#checklist-save").click()
    wait_until(page_a, "async () => (await IntegraStore.all('outbox')).some((e) => e.posted)")

    # The same checklist on the second tablet: A's photo is named, not shown.
    page_b.goto(url)
    held = page_b.locator(f'[data-photos="documents"] li[data-sha256="{a_photo}"]')
    expect(held).to_have_attribute("data-place", "elsewhere")
    expect(held).to_contain_text("Photo held on the device of Social")
    add_photo(page_b, "blue")
    expect(page_b.locator('[data-photos="documents"] img')).to_have_count(1)
    b_photo = photo_hash(page_b, 1)
    page_b.locator("#checklist-save").click()
    expect(page_b.locator("#field-outbox-count")).to_have_text("0")
    expect(page_b.locator("#field-sent-list li").first).to_contain_text(
        "1 photos held on another device"
    )
    shoot(page_b, "field-second-tablet-photos")
    finding = Finding.objects.get()
    assert finding.answers["documents"] == [a_photo, b_photo]
    assert list(Evidence.objects.values_list("sha256", flat=True)) == [b_photo]
    assert missing_photos(finding) == [a_photo]
    assert Submission.objects.count() == 2
