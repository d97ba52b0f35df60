"""Legal references and legal bases print in the language of the official document: the
municipality's language for the joint report and the decision."""

from __future__ import annotations

import io
import re

from django.test import override_settings
from django.urls import reverse
from pypdf import PdfReader

from decisions import actions, documents, rendering
from decisions.models import Document
from inspections.checklists.definition import legal_reference_in, question
from inspections.models import FindingAnswer
from partners.models import Competency
from tests.base import CastTestCase
from tests.decision_fixtures import build_report_day, final_report, type_version
from tests.field_fixtures import seed_field_checklists, version_of
from tests.test_decisions import THB, ready_closure


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))


def decision_pdf_text(decision: object) -> str:
    for document in decision.documents.all():  # type: ignore[attr-defined]
        if document.kind == Document.Kind.DECISION:
            assert documents.generate(document.pk) == Document.State.DONE
            document.refresh_from_db()
            return pdf_text(documents.content_of(document))
    raise AssertionError("no decision document")


@override_settings(LANGUAGE_CODE="en")
class ReportAndDecisionLanguageTests(CastTestCase):
    def report_and_decision(self) -> tuple[str, str]:
        built = build_report_day(self.cast)
        report = final_report(self.cast, built)
        report_text = pdf_text(rendering.render_report(report))
        decision = actions.start_decision(
            report=report, type_version=type_version(THB), user=self.mayor
        )
        decision = actions.finalise(decision=ready_closure(decision), user=self.mayor)
        return report_text, decision_pdf_text(decision)

    def test_a_french_speaking_municipality_reads_french_references(self) -> None:
        self.cast.city_a.language = "fr"
        self.cast.city_a.save()
        report, decision = self.report_and_decision()
        for text in (report, decision):
            assert "Code pénal social art. 181" in text
            assert "Sociaal Strafwetboek" not in text
        assert FindingAnswer.objects.get(question="without_dimona").legal_reference == (
            "Code pénal social art. 181"
        )

    def test_a_dutch_speaking_municipality_keeps_dutch_references(self) -> None:
        report, decision = self.report_and_decision()
        for text in (report, decision):
            assert "Sociaal Strafwetboek art. 181" in text
            assert "Code pénal social" not in text


class LegalTextPickTests(CastTestCase):
    def test_competency_legal_basis_in_each_language(self) -> None:
        competency = Competency.objects.get(code="identity-residence")
        assert "Wet op het politieambt art. 34" in competency.legal_basis_in("nl")
        assert "Loi sur la fonction de police art. 34" in competency.legal_basis_in("fr")
        # No English text: the Dutch one.
        assert competency.legal_basis_in("en") == competency.legal_basis_in("nl")
        competency.legal_basis_fr = ""
        assert competency.legal_basis_in("fr") == competency.legal_basis_in("nl")

    def test_question_reference_in_each_language_falls_back_to_dutch(self) -> None:
        label = {"nl": "V?"}
        both = question("q", "yes_no", label, legal_reference="Wet", legal_reference_fr="Loi")
        old = question("q", "yes_no", label, legal_reference="Wet")
        assert legal_reference_in(both, "fr") == "Loi"
        assert legal_reference_in(both, "nl") == "Wet"
        assert legal_reference_in(old, "fr") == "Wet"
        assert "legal_reference_fr" not in old

    def test_the_checklist_page_shows_the_reference_in_both_languages(self) -> None:
        seed_field_checklists()
        self.client.force_login(self.coordinator)
        response = self.client.get(
            reverse("checklist-version", args=[version_of("social-employment").code])
        )
        self.assertContains(response, "Sociaal Strafwetboek art. 181")
        self.assertContains(response, "Code pénal social art. 181")
