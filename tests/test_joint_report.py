"""The joint official report: what goes in (only what the city may use), sign-off,
immutability, the PDF/A read back, and the command line."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from pypdf import PdfReader

from config.storage import documents_storage
from decisions import documents, rendering, reports
from decisions.facts import ReportRefused
from decisions.models import Document, FinalReportError, JointReport
from inspections.models import FindingAnswer, Sharing
from partners.models import AuditEntry
from tests.base import CastTestCase
from tests.decision_fixtures import POLICE_NOTE, build_report_day, final_report
from tests.storage import remove_photo, stored_names


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"\s+", " ", text)


def pdfa_part(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    root: Any = reader.trailer["/Root"]
    metadata = root["/Metadata"].get_object().get_data().decode()
    found = re.search(r'pdfaid:part="(\d)"', metadata)
    return found.group(1) if found else ""


@override_settings(LANGUAGE_CODE="en")
class JointReportContentTests(CastTestCase):
    def setUp(self) -> None:
        self.built = build_report_day(self.cast)

    def test_report_holds_every_city_answer_and_nothing_internal_or_shared(self) -> None:
        report = reports.compile_report(visit=self.built.visit, user=self.mayor)
        sections = {section["partner"]: section for section in report.content["partners"]}
        usable = FindingAnswer.objects.filter(
            finding__visit=self.built.visit, sharing=Sharing.CITY
        ).exclude(kind="note")
        in_report = {
            (section["partner"], answer["question"])
            for section in sections.values()
            for finding in section["findings"]
            for answer in finding["answers"]
        }
        assert in_report == {(row.finding.partner.short_name, row.question) for row in usable}
        assert sections["Police"]["findings"] == []
        assert sections["Police"]["withheld"] == 5
        assert POLICE_NOTE not in str(report.content)
        assert report.content["counts"] == {
            "persons_present": 5,
            "without_declaration": 3,
            "without_residence": None,
        }
        assert {item["question"] for item in report.content["infractions"]} == {
            "without_dimona",
            "fee_to_work",
            "rent_withheld",
        }

    def test_pdf_reads_back_every_usable_finding_and_no_internal_one(self) -> None:
        report = final_report(self.cast, self.built)
        content = rendering.render_report(report)
        text = pdf_text(content)
        for section in report.content["partners"]:
            for finding in section["findings"]:
                for answer in finding["answers"]:
                    if answer["kind"] != "photo":
                        assert answer["label"]["nl"] in text or answer["label"]["en"] in text, (
                            answer
                        )
        assert "Sociaal Strafwetboek art. 181" in text
        assert "Wash & Go BV" in text and "0123.456.749" in text and "23027A0012/00B000" in text
        assert POLICE_NOTE not in text
        # The police answers are only shared among partners: not in the report, but the
        # police allowed the report to say that more exists with them.
        assert "Persons in irregular stay" not in text
        assert "Police service" in text
        assert len(re.findall(r"SHA-256 [0-9a-f]{16}", text)) == 2
        assert pdfa_part(content) == "3"

    def test_the_report_is_in_the_municipality_language(self) -> None:
        report = reports.compile_report(visit=self.built.visit, user=self.mayor)
        html = rendering.report_html(report)
        assert '<html lang="nl">' in html
        assert "Aantal werknemers zonder Dimona" in html

    def test_photos_carry_time_and_place(self) -> None:
        report = reports.compile_report(visit=self.built.visit, user=self.mayor)
        first, second = report.content["photos"]
        assert first["time_source"] == "exif" and first["taken_at"] == "2025-03-13T09:52:10"
        assert second["time_source"] == "recorded"
        assert first["place_source"] == "premises"
        assert first["lon"] == self.built.visit.premises.lon

    def test_without_permission_no_mention_of_further_information(self) -> None:
        report = reports.compile_report(visit=self.built.visit, user=self.mayor)
        reports.sign_off(
            report=report,
            partner_id=self.police.pk,
            user=self.police_inspector,
            mention_further_information=False,
        )
        assert "Further information exists with" not in rendering.report_html(report)


@override_settings(LANGUAGE_CODE="en")
class SignOffTests(CastTestCase):
    def setUp(self) -> None:
        self.built = build_report_day(self.cast)

    def test_final_once_every_partner_signed_and_pdf_queued(self) -> None:
        report = reports.compile_report(visit=self.built.visit, user=self.mayor)
        report = reports.sign_off(
            report=report,
            partner_id=self.social.pk,
            user=self.social_inspector,
            mention_further_information=False,
        )
        assert not report.is_final
        assert report.missing_sign_offs() == ["Police"]
        with self.captureOnCommitCallbacks() as callbacks:
            report = final_report_signed_by_police(self, report)
        assert report.is_final and report.finalised_at is not None
        assert len(callbacks) == 1
        assert report.documents.get().kind == Document.Kind.JOINT_REPORT

    def test_final_report_cannot_be_changed_or_deleted(self) -> None:
        report = final_report(self.cast, self.built)
        report.content = {}
        with pytest.raises(FinalReportError):
            report.save()
        with pytest.raises(FinalReportError):
            JointReport.objects.get(pk=report.pk).delete()
        with pytest.raises(ReportRefused):
            reports.sign_off(
                report=report,
                partner_id=self.police.pk,
                user=self.police_inspector,
                mention_further_information=False,
            )

    def test_an_amendment_is_a_new_version_with_a_reason(self) -> None:
        first = final_report(self.cast, self.built)
        with pytest.raises(ReportRefused):
            reports.compile_report(visit=self.built.visit, user=self.mayor)
        second = reports.compile_report(
            visit=self.built.visit, user=self.mayor, reason="Parcel corrected"
        )
        assert second.version == 2 and second.amends == first and not second.is_final
        assert JointReport.objects.get(pk=first.pk).is_final

    def test_only_the_partners_own_people_sign(self) -> None:
        report = reports.compile_report(visit=self.built.visit, user=self.mayor)
        for user, partner in (
            (self.social_inspector, self.police),
            (self.mayor, self.police),
            (self.outsider, self.social),
        ):
            with pytest.raises(ReportRefused):
                reports.sign_off(
                    report=report,
                    partner_id=partner.pk,
                    user=user,
                    mention_further_information=False,
                )
        assert not report.sign_offs.exists()

    def test_recompiling_a_draft_voids_its_sign_offs(self) -> None:
        report = reports.compile_report(visit=self.built.visit, user=self.mayor)
        reports.sign_off(
            report=report,
            partner_id=self.social.pk,
            user=self.social_inspector,
            mention_further_information=False,
        )
        again = reports.compile_report(visit=self.built.visit, user=self.mayor)
        assert again.pk == report.pk and not again.sign_offs.exists()
        assert AuditEntry.objects.filter(object_code=str(report.code)).count() >= 3


def final_report_signed_by_police(case: SignOffTests, report: JointReport) -> JointReport:
    return reports.sign_off(
        report=report,
        partner_id=case.police.pk,
        user=case.police_inspector,
        mention_further_information=True,
    )


@override_settings(LANGUAGE_CODE="en")
class ReportPdfTests(CastTestCase):
    def setUp(self) -> None:
        self.built = build_report_day(self.cast)

    def test_worker_stores_pdfa_with_sha256_and_command_gives_the_same_file(self) -> None:
        report = final_report(self.cast, self.built)
        document = report.documents.get()
        assert documents.generate(document.pk) == Document.State.DONE
        document.refresh_from_db()
        stored = documents.content_of(document)
        assert document.sha256 == hashlib.sha256(stored).hexdigest()
        assert document.size == len(stored) and document.version == 1 and document.done == 3
        assert pdfa_part(stored) == "3"
        target = Path(self.settings_media()) / "cli.pdf"
        target.parent.mkdir(parents=True, exist_ok=True)
        out = io.StringIO()
        call_command("joint_report", str(self.built.visit.code), "-o", str(target), stdout=out)
        assert target.read_bytes() == stored
        assert document.sha256 in out.getvalue()

    def settings_media(self) -> str:
        from django.conf import settings

        return str(settings.MEDIA_ROOT)

    def test_a_photo_missing_from_storage_fails_the_pdf_clearly_and_leaves_no_file(self) -> None:
        report = final_report(self.cast, self.built)
        document = report.documents.get()
        remove_photo(self.built.photos[1])
        assert documents.generate(document.pk) == Document.State.FAILED
        document.refresh_from_db()
        assert "missing from storage" in document.error
        assert document.file.name == ""
        assert not stored_names(documents_storage())

    def test_a_photo_missing_from_storage_refuses_the_report(self) -> None:
        remove_photo(self.built.photos[0])
        with pytest.raises(ReportRefused, match="missing from storage"):
            reports.compile_report(visit=self.built.visit, user=self.mayor)
        assert not JointReport.objects.exists()

    def out(self) -> str:
        return str(Path(self.settings_media()) / "never.pdf")

    def test_command_refuses_a_visit_without_report(self) -> None:
        with pytest.raises(CommandError, match="No joint report"):
            call_command("joint_report", str(self.built.field.visits[1].code), "-o", self.out())
        with pytest.raises(CommandError, match="No such visit"):
            call_command("joint_report", "not-a-code", "-o", self.out())


@override_settings(LANGUAGE_CODE="en")
class BadInputTests(CastTestCase):
    def test_a_visit_without_findings_gets_a_clear_message_and_nothing_is_made(self) -> None:
        built = build_report_day(self.cast)
        with pytest.raises(ReportRefused, match="no findings"):
            reports.compile_report(visit=built.field.visits[1], user=self.mayor)
        assert not JointReport.objects.exists()
