"""In headless Chromium: the mayor's office goes from a final joint report to the
decision document of a closure on serious indications of human trafficking."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from django_q.conf import Conf
from playwright.sync_api import expect
from pypdf import PdfReader

from decisions.models import Decision, Document
from tests.cast import build_cast
from tests.decision_fixtures import build_report_day, final_report
from tests.test_browser_planning import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.first_database_only,
    pytest.mark.django_db(transaction=True),
]


def test_mayor_goes_from_report_to_decision_document(
    live_server: Any, page: Any, screenshot: Any
) -> None:
    cast = build_cast()
    built = build_report_day(cast)
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    # The worker runs inside the request that queues the document.
    with mock.patch.object(Conf, "SYNC", True):
        report = final_report(cast, built)
        page.set_viewport_size({"width": 1280, "height": 1000})
        log_in(page, live_server, "mayor")

        page.get_by_role("link", name="Reports").first.click()
        page.get_by_role("link", name=f"{report.number} v1 · Final").click()
        expect(
            page.get_by_role(
                "heading",
                name=f"Joint report {report.number}: Carwash 1 – Bergensesteenweg 1, 1500 Halle",
            )
        ).to_be_visible()
        expect(page.get_by_role("link", name="Download the PDF (v1)")).to_be_visible()
        screenshot("decision-joint-report")

        page.get_by_role("link", name="Draft a decision").click()
        page.get_by_label("Decision type").select_option(
            label="Closure on serious indications of human trafficking or smuggling "
            "(art. 134quinquies NMA) (v1)"
        )
        page.get_by_role("button", name="Start the draft").click()
        expect(page.get_by_role("heading", name="Draft decision")).to_be_visible()
        motivation = page.get_by_label("Motivation").input_value()
        assert motivation.startswith("Gelet op") and "Carwash 1" in motivation.splitlines()[0]

        # Taking it now is refused, with the reasons.
        page.get_by_role("button", name="Take the decision").click()
        expect(page.locator(".messages")).to_contain_text(
            "requires the prior consultation of the prosecutor"
        )

        page.get_by_label("Hearing on").fill(f"{yesterday.isoformat()}T10:00")
        page.get_by_label("Place").fill("Stadhuis Halle")
        page.get_by_role(
            "button", name="Schedule the hearing and make the invitation letter"
        ).click()
        expect(page.locator(".messages")).to_contain_text("The hearing was scheduled")
        page.get_by_label("Operator heard on").fill(yesterday.isoformat())
        page.get_by_label("Minutes").fill("The operator was heard with counsel.")
        page.get_by_role("button", name="Record the hearing").click()
        expect(page.locator(".messages")).to_contain_text("The hearing was recorded")

        page.get_by_label("Decision date").fill(today.isoformat())
        page.get_by_label("Effective from").fill(today.isoformat())
        page.get_by_label("Expires on").fill((today + timedelta(days=120)).isoformat())
        page.get_by_label("Condition for lifting").fill(
            "Until the operator proves the measures taken."
        )
        page.get_by_label("Prosecutor consulted on").fill((today - timedelta(days=3)).isoformat())
        page.get_by_label("Prosecutor's reference").fill("HV.55.L1.1234/25")
        page.get_by_role("button", name="Save the draft").click()
        expect(page.locator(".messages")).to_contain_text("The draft was saved")
        expect(page.locator(".warning[role=status]")).to_have_count(0)

        page.get_by_role("button", name="Take the decision").click()
        expect(page.locator(".messages")).to_contain_text("The decision was taken")
        decision = Decision.objects.get()
        expect(
            page.get_by_role("heading", name=f"Decision {decision.identification}")
        ).to_be_visible()
        link = page.get_by_role("link", name="Decision v1 (PDF)")
        expect(link).to_be_visible()
        screenshot("decision-taken")

        with page.expect_download() as download_info:
            link.click()
        content = Path(download_info.value.path()).read_bytes()
    pages = PdfReader(io.BytesIO(content)).pages
    text = " ".join(pdf_page.extract_text() or "" for pdf_page in pages)
    assert decision.identification in text
    assert "134quinquies" in text
    document = Document.objects.get(kind=Document.Kind.DECISION)
    assert hashlib.sha256(content).hexdigest() == document.sha256
    assert report.decisions.get() == decision
    assert reverse("decision-detail", args=[decision.code]) in page.url
    assert "Mayor" in text and "Burgemeester" in text  # the signatory, in Dutch

    # A second closure of the same premises: the page names the first and its period.
    page.goto(live_server.url + reverse("decision-start", args=[report.code]))
    page.get_by_label("Decision type").select_option(
        label="Closure on serious indications of human trafficking or smuggling "
        "(art. 134quinquies NMA) (v1)"
    )
    page.get_by_role("button", name="Start the draft").click()
    warning = page.locator("#decision-overlaps")
    expect(warning).to_contain_text(decision.identification)
    # The page is in English: ISO dates.
    expect(warning).to_contain_text(f"until {(today + timedelta(days=120)).isoformat()}")
    expect(page.get_by_label("I have seen the measure already in force")).to_be_visible()
    screenshot("decision-overlap-warning")


def test_sending_the_hearing_keeps_what_was_typed_in_the_draft(
    live_server: Any, page: Any, screenshot: Any
) -> None:
    """The legal advisor edits the considerations, then schedules the hearing from the
    same page: the edits are saved with it, and the minutes typed but not yet sent stay
    in their field when the draft is saved."""
    cast = build_cast()
    built = build_report_day(cast, photos=0)
    yesterday = timezone.localdate() - timedelta(days=1)
    with mock.patch.object(Conf, "SYNC", True):
        report = final_report(cast, built)
        page.set_viewport_size({"width": 1280, "height": 1000})
        log_in(page, live_server, "mayor")
        page.goto(live_server.url + reverse("decision-start", args=[report.code]))
        page.get_by_label("Decision type").select_option(
            label="Closure on serious indications of human trafficking or smuggling "
            "(art. 134quinquies NMA) (v1)"
        )
        page.get_by_role("button", name="Start the draft").click()
        expect(page.get_by_role("heading", name="Draft decision")).to_be_visible()

        motivation = page.get_by_label("Motivation")
        edited = (
            motivation.input_value() + "\nOverwegende dat de uitbater eerder werd gewaarschuwd;"
        )
        motivation.fill(edited)
        page.get_by_label("Signed by").fill("Els Vermeulen")
        page.get_by_label("Hearing on").fill(f"{yesterday.isoformat()}T10:00")
        page.get_by_label("Place").fill("Stadhuis Halle")
        page.get_by_role(
            "button", name="Schedule the hearing and make the invitation letter"
        ).click()
        expect(page.locator(".messages")).to_contain_text("The hearing was scheduled")
        expect(page.get_by_label("Motivation")).to_have_value(edited)
        expect(page.get_by_label("Signed by")).to_have_value("Els Vermeulen")

        # Minutes typed, then the draft saved: the minutes are still there to send.
        page.get_by_label("Operator heard on").fill(yesterday.isoformat())
        page.get_by_label("Minutes").fill("The operator was heard with counsel.")
        page.get_by_label("Condition for lifting").fill("Until the operator remedies.")
        page.get_by_role("button", name="Save the draft").click()
        expect(page.locator(".messages")).to_contain_text("The draft was saved")
        expect(page.get_by_label("Minutes")).to_have_value("The operator was heard with counsel.")
        screenshot("decision-draft-kept")
        page.get_by_role("button", name="Record the hearing").click()
        expect(page.locator(".messages")).to_contain_text("The hearing was recorded")
        expect(page.get_by_label("Condition for lifting")).to_have_value(
            "Until the operator remedies."
        )
    decision = Decision.objects.get()
    assert decision.motivation == edited
    assert decision.signatory_name == "Els Vermeulen"
    assert decision.hearing_place == "Stadhuis Halle" and decision.heard_on == yesterday
    assert decision.hearing_minutes == "The operator was heard with counsel."
