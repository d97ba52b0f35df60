"""In headless Chromium: the coordinator exports the day's findings as an Excel workbook
(after a period the wrong way round is refused), downloads the day's map and opens it
with every network request blocked; the mayor's office downloads the ZIP of a joint
report's photos."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.urls import reverse
from django_q.conf import Conf
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.cast import build_cast
from tests.conftest import SCREENSHOTS, wait_until
from tests.decision_fixtures import POLICE_NOTE, build_report_day, final_report
from tests.test_accessibility import AXE_SCRIPT, violations
from tests.test_browser_planning import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.first_database_only,
    pytest.mark.django_db(transaction=True),
]


def test_findings_workbook_offline_map_and_photo_zip(
    live_server: Any, browser: Any, page: Any, screenshot: Any, tmp_path: Path
) -> None:
    cast = build_cast()
    built = build_report_day(cast)
    with mock.patch.object(Conf, "SYNC", True):
        report = final_report(cast, built)
    day = built.day

    # The coordinator: the export page, a refused period, then the workbook.
    page.context.add_init_script(script=AXE_SCRIPT)
    log_in(page, live_server, "coordinator")
    page.get_by_role("link", name="Export findings").click()
    expect(page.get_by_role("heading", name="Export findings")).to_be_visible()
    page.get_by_label("From", exact=True).fill(day.date.isoformat())
    page.get_by_label("To", exact=True).fill("2000-01-01")
    page.get_by_role("button", name="Excel workbook (XLSX)").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was exported")
    expect(page.get_by_role("alert")).to_contain_text(
        "The end of the period must not be before its start."
    )
    screenshot("exports-refused-period")
    assert violations(page, "findings export, refused") == []

    page.get_by_label("To", exact=True).fill(day.date.isoformat())
    page.get_by_label("Action day").select_option(str(day.code))
    page.get_by_label("Sector").select_option("car_wash")
    screenshot("exports-form")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Excel workbook (XLSX)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Action day", "Date", "Premises")
    questions = {row[9] for row in rows[1:]}
    assert "Workers without a Dimona declaration?" in questions
    assert "Number of persons present" in questions  # shared with the day's partners
    assert POLICE_NOTE not in {str(value) for row in rows for value in row}

    # The day's map, downloaded from the plan page and opened with no network at all.
    page.goto(live_server.url + reverse("action-day-plan", args=[day.code]))
    with page.expect_download() as map_info:
        page.get_by_role("link", name="Download map (HTML)").click()
    # Saved under its own name: a file without the .html suffix would open as text.
    map_file = tmp_path / map_info.value.suggested_filename
    map_info.value.save_as(map_file)
    offline = browser.new_context(viewport={"width": 1000, "height": 700})
    fetched: list[str] = []

    def no_network(route: Any) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
            return
        fetched.append(route.request.url)
        route.abort()

    offline.route("**/*", no_network)
    map_page = offline.new_page()
    errors: list[str] = []
    map_page.on("pageerror", lambda error: errors.append(str(error)))
    map_page.goto(map_file.as_uri())
    # The night shop of team 2 lies far away; the car washes of team 1 start clustered.
    wait_until(map_page, "() => document.querySelectorAll('.leaflet-interactive').length > 1")
    assert errors == [], errors
    expect(map_page.get_by_role("heading", name="Flexactie carwashes")).to_be_visible()
    paths = "() => document.querySelectorAll('path.leaflet-interactive').length"
    before = map_page.evaluate(paths)
    map_page.locator(".marker-cluster").first.click()
    wait_until(map_page, f"() => ({paths})() > {before}")
    map_page.locator("path.leaflet-interactive").last.click()
    expect(map_page.locator(".leaflet-popup-content")).to_contain_text("Team")
    SCREENSHOTS.mkdir(exist_ok=True)
    map_page.screenshot(path=str(SCREENSHOTS / "exports-offline-map.png"))
    assert fetched == [], fetched
    offline.close()

    # The mayor's office: the report's photos as a ZIP for the file.
    mayor = browser.new_context(viewport={"width": 1280, "height": 900})
    mayor.add_init_script(script=AXE_SCRIPT)
    mayor_page = mayor.new_page()
    log_in(mayor_page, live_server, "mayor")
    mayor_page.goto(live_server.url + reverse("report-detail", args=[report.code]))
    mayor_page.get_by_role("link", name="Download the photos (ZIP)").scroll_into_view_if_needed()
    mayor_page.screenshot(path=str(SCREENSHOTS / "exports-report-photos.png"))
    with mayor_page.expect_download() as zip_info:
        mayor_page.get_by_role("link", name="Download the photos (ZIP)").click()
    assert zip_info.value.suggested_filename.endswith(".zip")
    assert violations(mayor_page, "joint report with the photos link") == []
    with zipfile.ZipFile(zip_info.value.path()) as archive:
        photos = sorted(name for name in archive.namelist() if name.endswith(".jpg"))
        assert [hashlib.sha256(archive.read(name)).hexdigest() for name in photos] == built.photos
        (manifest,) = [name for name in archive.namelist() if name.endswith(".csv")]
        lines = list(
            csv.reader(io.StringIO(archive.read(manifest).decode("utf-8-sig")), delimiter=";")
        )
        assert [line[0] for line in lines[1:]] == photos
    mayor.close()
