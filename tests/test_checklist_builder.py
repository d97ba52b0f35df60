"""The coordinator's checklist builder: drafts, questions, publishing, XLSForm."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inspections.checklist_actions import adapt_checklist
from inspections.checklists.xlsform import import_xlsform
from inspections.models import ChecklistVersion, PublishedVersionError
from partners.models import AuditEntry, Competency
from tests.base import CastTestCase
from tests.field_fixtures import version_of

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def city_copy(slug: str, user: Any, city: Any) -> ChecklistVersion:
    """The city's own published copy of a shared checklist: what its coordinator edits
    (the shared one is nobody's to change in the app)."""
    draft = adapt_checklist(template=version_of(slug).template, user=user, municipality=city)
    draft.publish()
    return draft


class BuilderTests(CastTestCase):
    def setUp(self) -> None:
        self.client.cookies["django_language"] = "en"
        self.client.force_login(self.coordinator)
        self.published = city_copy("fire-safety", self.coordinator, self.city_a)

    def draft(self) -> ChecklistVersion:
        self.client.post(reverse("checklist-new-draft", args=[self.published.code]))
        return ChecklistVersion.objects.get(template=self.published.template, status="draft")

    def test_only_coordinators_build_checklists(self) -> None:
        self.assertContains(self.client.get(reverse("checklist-list")), "Fire safety")
        for user in (self.police_inspector, self.clerk, self.mayor):
            self.client.force_login(user)
            self.assertEqual(self.client.get(reverse("checklist-list")).status_code, 403)
            url = reverse("checklist-new-draft", args=[self.published.code])
            self.assertEqual(self.client.post(url).status_code, 403)

    def test_a_published_version_never_changes(self) -> None:
        self.published.definition = {"groups": [], "questions": []}
        with self.assertRaises(PublishedVersionError):
            self.published.save()
        with self.assertRaises(PublishedVersionError):
            self.published.delete()
        url = reverse("checklist-question-change", args=[self.published.code])
        response = self.client.post(url, {"name": "exits_clear", "action": "delete"})
        self.assertEqual(response.status_code, 403)

    def test_draft_add_question_and_publish(self) -> None:
        draft = self.draft()
        self.assertEqual(draft.number, 2)
        url = reverse("checklist-question-save", args=[draft.code])
        response = self.client.post(
            url,
            {
                "prefix": "new",
                "new-name": "sprinklers",
                "new-type": "select_one",
                "new-label_nl": "Sprinklers",
                "new-label_en": "Sprinklers",
                "new-required": "on",
                "new-relevant": "${exits_clear} = 'no'",
                "new-choices": "ok | In orde | En ordre | Fine\n"
                "broken | Defect | Défectueux | Broken",
                "new-indicator": "living-on-site",
                "new-sharing": "shared",
            },
        )
        self.assertRedirects(response, reverse("checklist-version", args=[draft.code]))
        draft.refresh_from_db()
        added = draft.question("sprinklers")
        assert added is not None
        self.assertEqual(added["relevant"]["op"], "=")
        self.assertEqual([c["name"] for c in added["choices"]], ["ok", "broken"])
        self.assertEqual(added["indicator"], "living-on-site")
        self.client.post(reverse("checklist-publish", args=[draft.code]))
        draft.refresh_from_db()
        self.assertTrue(draft.is_published)
        self.assertEqual(self.published.template.current_version(), draft)
        self.assertTrue(AuditEntry.objects.filter(object_code=str(draft.code)).exists())

    def test_a_condition_outside_the_subset_or_on_a_later_question_is_refused(self) -> None:
        draft = self.draft()
        url = reverse("checklist-question-save", args=[draft.code])
        for relevant in ("regex(${exits_clear}, 'x')", "${nonexistent} = 'yes'"):
            self.client.post(
                url,
                {
                    "prefix": "new",
                    "new-name": "q",
                    "new-type": "text",
                    "new-label_nl": "Q",
                    "new-relevant": relevant,
                    "new-sharing": "city",
                },
            )
            draft.refresh_from_db()
            self.assertIsNone(draft.question("q"))

    def test_deleting_a_question_a_later_condition_reads_is_refused(self) -> None:
        draft = city_copy("police-identities", self.coordinator, self.city_a).new_draft()
        self.client.post(
            reverse("checklist-question-change", args=[draft.code]),
            {"name": "irregular_stay", "action": "delete"},
        )
        draft.refresh_from_db()
        self.assertIsNotNone(draft.question("irregular_stay"))
        self.client.post(
            reverse("checklist-question-change", args=[draft.code]),
            {"name": "police_notes", "action": "up"},
        )
        draft.refresh_from_db()
        self.assertEqual(draft.questions[-2]["name"], "police_notes")

    def test_export_downloads_an_xlsform_that_imports_back(self) -> None:
        response = self.client.get(reverse("checklist-export", args=[self.published.code]))
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        imported = import_xlsform(response.content, "fire.xlsx")
        self.assertEqual(imported.definition, self.published.definition)
        self.assertTrue(AuditEntry.objects.filter(action="export").exists())

    def test_import_of_our_export_makes_a_new_draft_of_the_same_checklist(self) -> None:
        data = self.client.get(reverse("checklist-export", args=[self.published.code])).content
        upload = SimpleUploadedFile("fire-safety.xlsx", data)
        competency = Competency.objects.get(code="fire-safety")
        response = self.client.post(
            reverse("checklist-import"), {"file": upload, "competency": competency.pk}
        )
        draft = ChecklistVersion.objects.get(template=self.published.template, status="draft")
        self.assertRedirects(response, reverse("checklist-version", args=[draft.code]))
        self.assertEqual(draft.definition, self.published.definition)

    @pytest.mark.filterwarnings("ignore::UserWarning")
    def test_import_of_a_broken_form_shows_why_and_stores_nothing(self) -> None:
        path = DATA / "xlsform_pyxform_fixtures" / "bug_example_xls" / "duplicate_columns.xlsx"
        if not path.exists():
            self.skipTest("../shared/data is not beside the checkout")
        before = ChecklistVersion.objects.count()
        upload = SimpleUploadedFile(path.name, path.read_bytes())
        competency = Competency.objects.get(code="fire-safety")
        response = self.client.post(
            reverse("checklist-import"), {"file": upload, "competency": competency.pk}, follow=True
        )
        self.assertContains(response, "appears twice")
        self.assertEqual(ChecklistVersion.objects.count(), before)

    def test_version_page_renders(self) -> None:
        response = self.client.get(reverse("checklist-version", args=[self.published.code]))
        self.assertContains(response, "exits_clear")
        draft = self.draft()
        response = self.client.get(reverse("checklist-version", args=[draft.code]))
        self.assertContains(response, "Add a question")


def test_editing_a_question_keeps_its_french_legal_reference() -> None:
    """The builder's form carries both references: saving an edited question must not
    drop the French one the catalogue or an XLSForm gave it."""
    from inspections.checklists.definition import question
    from inspections.forms.checklists import QuestionForm

    item = question(
        "without_dimona",
        "select_one",
        {"nl": "Werknemers zonder Dimona-aangifte?"},
        choices=[{"name": "yes", "label": {"nl": "Ja"}}, {"name": "no", "label": {"nl": "Nee"}}],
        legal_reference="Sociaal Strafwetboek art. 181",
        legal_reference_fr="Code pénal social art. 181",
    )
    initial = QuestionForm.initial_for(item)
    form = QuestionForm(
        {key: value for key, value in initial.items() if value not in (None, False)},
        earlier=[],
        taken=[],
    )
    assert form.is_valid(), form.errors
    edited = form.as_question()
    assert edited["legal_reference"] == "Sociaal Strafwetboek art. 181"
    assert edited["legal_reference_fr"] == "Code pénal social art. 181"
