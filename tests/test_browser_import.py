"""In headless Chromium: the coordinator uploads the real Mechelen horeca layer
(OpenStreetMap), reads its first rows and the proposed field mapping, sees the import
refused for four rows of an unknown sector with nothing imported, tries again from the
same file with "skip invalid", and follows the worker's progress to the summary."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils.module_loading import import_string
from django_q.brokers import get_broker
from django_q.signing import SignedPackage
from playwright.sync_api import expect

from gis.models import ImportRun, Premises, Zone
from tests.cast import build_cast
from tests.conftest import wait_until
from tests.gis_factories import square_zone
from tests.test_browser_map import log_in
from tests.test_gis_import import DATA

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.first_database_only,
]

HORECA = DATA / "be_mechelen_osm_horeca" / "mechelen_osm_horeca_31370.gpkg"


def work_off_the_queue() -> int:
    """Do what a django-q2 worker does: take each queued task and run it. Returns how
    many ran."""
    broker = get_broker()
    done = 0
    while tasks := broker.dequeue():
        for ack_id, message in tasks:
            task = SignedPackage.loads(message)
            import_string(task["func"])(*task["args"], **task["kwargs"])
            broker.acknowledge(ack_id)
            done += 1
    return done


def test_coordinator_imports_a_real_layer_after_a_refusal(
    live_server: Any, page: Any, screenshot: Any
) -> None:
    if not HORECA.exists():
        pytest.skip("../shared/data is not beside the checkout")
    cast = build_cast()
    # Halle's outline: the Mechelen bars lie outside it, which the import points out.
    outline = square_zone(cast.city_a, "Halle", 4.20, 50.70, 0.08)
    Zone.objects.filter(pk=outline.pk).update(kind=Zone.Kind.MUNICIPALITY)
    log_in(page, live_server.url, "coordinator")
    page.goto(live_server.url + reverse("gis-imports"))
    page.get_by_label("Layer file").set_input_files(str(HORECA))
    page.get_by_role("button", name="Upload and preview").click()

    # The preview: the file's own fields and first rows, the id field proposed.
    preview = page.locator("table.import-preview-rows")
    preview.wait_for()
    assert "Coordinates in EPSG:31370." in page.content()
    assert preview.locator("tbody tr").count() == 10
    assert "nan" not in preview.locator("td").all_inner_texts(), "empty cells stay empty"
    assert page.get_by_label("Id", exact=True).input_value() != ""
    screenshot("import-preview")
    page.get_by_role("button", name="Import").click()

    progress = page.locator("#import-progress")
    wait_until(
        page, "() => document.getElementById('import-progress').dataset.status === 'pending'"
    )
    assert work_off_the_queue() == 1
    # The page polls the run and shows the refusal with the rows to fix.
    wait_until(
        page, "() => document.getElementById('import-progress').dataset.status === 'refused'"
    )
    problems = progress.locator("table.import-problems tbody tr")
    assert problems.count() == 4
    assert "public_bookcase" in problems.first.inner_text()
    assert "nothing was imported" in progress.inner_text()
    assert not Premises.objects.exists()
    screenshot("import-refused")

    # Again from the same file: the mapping comes back as it was; skip the invalid rows.
    page.get_by_role("button", name="Adjust and try again").click()
    page.get_by_label("Import the valid rows, skip the rest").check()
    page.get_by_role("button", name="Import").click()
    wait_until(
        page, "() => document.getElementById('import-progress').dataset.status === 'pending'"
    )
    assert work_off_the_queue() == 1
    wait_until(page, "() => document.getElementById('import-progress').dataset.status === 'done'")
    assert "created 85, updated 0, unchanged 0, skipped 4" in progress.inner_text()
    warning = progress.locator(".import-warning").inner_text()
    assert warning.startswith("85 of 85 premises lie outside the boundary of Halle")
    assert Premises.objects.count() == 85
    assert ImportRun.objects.filter(status=ImportRun.Status.REFUSED).count() == 1
    screenshot("import-done")


BEST = DATA / "be_best_addresses_fedict" / "best_addresses_brussels_halle_31370.gpkg"


def test_coordinator_keeps_halles_addresses_of_a_regional_layer_with_a_filter(
    live_server: Any, page: Any, screenshot: Any
) -> None:
    if not BEST.exists():
        pytest.skip("../shared/data is not beside the checkout")
    build_cast()
    log_in(page, live_server.url, "coordinator")
    page.goto(live_server.url + reverse("gis-imports"))
    page.get_by_label("Layer file").set_input_files(str(BEST))
    page.get_by_role("button", name="Upload and preview").click()
    count = page.locator(".import-row-count")
    expect(count).to_have_text("11223 rows.")
    # The layer's municipality field is recognised from its name.
    expect(page.get_by_label("Municipality (NIS/CBS code or name)")).to_have_value("nis_code")

    page.get_by_label("Filter").fill("nis = '23027'")
    page.get_by_role("button", name="Show the rows it keeps").click()
    expect(page.locator("#id_where_error")).to_contain_text(
        "The filter cannot be applied: no such column: nis."
    )
    assert not ImportRun.objects.exclude(status=ImportRun.Status.PREVIEW).exists()

    page.get_by_label("Filter").fill("nis_code = '23027'")
    page.get_by_role("button", name="Show the rows it keeps").click()
    expect(count).to_have_text("The filter keeps 3446 of the 11223 rows.")
    preview = page.locator("table.import-preview-rows")
    expect(preview).to_contain_text("Halle")
    expect(preview).not_to_contain_text("Bruxelles")
    screenshot("import-filter-preview")

    page.get_by_role("button", name="Import", exact=True).click()
    wait_until(
        page, "() => document.getElementById('import-progress').dataset.status === 'pending'"
    )
    assert work_off_the_queue() == 1
    wait_until(page, "() => document.getElementById('import-progress').dataset.status === 'done'")
    progress = page.locator("#import-progress")
    expect(progress).to_contain_text("created 3446, updated 0, unchanged 0, skipped 0")
    expect(progress).to_contain_text("Filter: nis_code = '23027'")
    expect(progress.locator(".import-warning")).to_have_count(0)
    assert Premises.objects.count() == 3446
    screenshot("import-filter-done")
