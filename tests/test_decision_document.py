"""The decision document as the operator receives it, and the decision page as the
mayor's office works in it: each consideration numbered once, the signatory named with
their capacity, the appeal stated in the body, a warning when a second measure would
overlap one already taken for the same premises, and nothing typed lost when another
part of the page is sent."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

from django.test import override_settings
from django.urls import reverse
from pypdf import PdfReader

from decisions import actions, documents
from decisions.models import Decision, Document, add_months
from tests.base import CastTestCase
from tests.decision_fixtures import build_report_day, days_ago, final_report, type_version
from tests.test_decisions import THB, aware, ready_closure

APPEAL_BODY_NL = "Raad van State (annulatieberoep, 60 dagen na kennisgeving)"


def decision_pdf(decision: Decision) -> bytes:
    document = decision.generated_documents.get(kind=Document.Kind.DECISION)
    assert documents.generate(document.pk) == Document.State.DONE
    document.refresh_from_db()
    return documents.content_of(document)


def text_of(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))


def sizes_of(content: bytes) -> list[tuple[str, float]]:
    """Each piece of text with the size it is printed in (points)."""
    pieces: list[tuple[str, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text.strip():
            pieces.append((text.strip(), round(abs(size * tm[3] * cm[3]), 1)))

    for page in PdfReader(io.BytesIO(content)).pages:
        page.extract_text(visitor_text=visit)
    return pieces


def draft_data(decision: Decision, **changes: Any) -> dict[str, Any]:
    """The draft part of the decision page as it stands, with some fields changed."""
    data: dict[str, Any] = {
        "with_draft": "1",
        "measure": decision.measure,
        "governing_body": decision.governing_body,
        "articles": [article.pk for article in decision.articles.all()],
        "motivation": decision.motivation,
        "lifting_condition": decision.lifting_condition,
        "signatory_name": decision.signatory_name,
        "signatory_capacity": decision.signatory_capacity,
    }
    for name in ("decision_date", "effective_from", "expires_on", "prosecutor_consulted_on"):
        value = getattr(decision, name)
        data[name] = value.isoformat() if value else ""
    data["prosecutor_reference"] = decision.prosecutor_reference
    return data | changes


@override_settings(LANGUAGE_CODE="en")
class DecisionDocumentTests(CastTestCase):
    def setUp(self) -> None:
        self.built = build_report_day(self.cast)
        self.report = final_report(self.cast, self.built)
        self.client.cookies["django_language"] = "en"

    def start(self) -> Decision:
        return actions.start_decision(
            report=self.report, type_version=type_version(THB), user=self.mayor
        )

    def taken(self) -> Decision:
        return actions.finalise(decision=ready_closure(self.start()), user=self.mayor)

    def test_each_consideration_is_numbered_once(self) -> None:
        decision = self.taken()
        text = text_of(decision_pdf(decision))
        assert not re.search(r"\b(\d+)\. ?\1\. ", text), "a consideration numbered twice"
        considerations = [line for line in decision.motivation.splitlines() if line.strip()]
        assert not re.match(r"\d+\. ", considerations[0])
        for number, line in enumerate(considerations, start=1):
            assert f"{number}. {line[:30]}" in text

    def test_numbers_typed_by_the_advisor_are_not_printed_twice(self) -> None:
        decision = self.start()
        decision.motivation = "1. Gelet op het verslag;\n2) Overwegende dat het dringend is;"
        decision.save()
        decision = actions.finalise(decision=ready_closure(decision), user=self.mayor)
        text = text_of(decision_pdf(decision))
        assert "1. Gelet op het verslag;" in text and "2. Overwegende dat" in text
        assert "1. 1." not in text and "2. 2)" not in text

    def test_the_document_names_the_signatory_and_their_capacity(self) -> None:
        decision = self.start()
        # Drafted by the mayor's office: the drafting person is proposed as signatory,
        # in the capacity of the governing body, in the municipality's language.
        assert decision.signatory_name == "Mayor"
        assert decision.signatory_capacity == "Burgemeester"
        decision.signatory_name = "Els Vermeulen"
        decision.save()
        decision = actions.finalise(decision=ready_closure(decision), user=self.mayor)
        text = text_of(decision_pdf(decision))
        assert re.search(r"Halle, \d{2}-\d{2}-\d{4} Els Vermeulen Burgemeester", text), text[-300:]
        # The report is cited by its version and date, not by an internal code.
        assert str(decision.joint_report.code) not in text

    def test_the_next_draft_proposes_the_last_signatory(self) -> None:
        decision = self.start()
        decision.signatory_name = "Els Vermeulen"
        decision.save()
        actions.finalise(decision=ready_closure(decision), user=self.mayor)
        assert self.start().signatory_name == "Els Vermeulen"

    def test_a_decision_without_a_signatory_cannot_be_taken(self) -> None:
        decision = ready_closure(self.start())
        decision.signatory_name = " "
        decision.save()
        assert "Give the name of the person who signs the decision." in actions.problems(decision)

    def test_the_appeal_is_a_paragraph_of_the_body(self) -> None:
        content = decision_pdf(self.taken())
        text = text_of(content)
        assert APPEAL_BODY_NL in text
        assert "60" in text[text.index(APPEAL_BODY_NL) - 200 : text.index(APPEAL_BODY_NL) + 200]
        # Stated before the signature, in the size of the body text, not as a footnote.
        assert text.index(APPEAL_BODY_NL) < text.rindex("Burgemeester")
        sizes = sizes_of(content)
        body = max(
            (size for piece, size in sizes if "Until the operator proves" in piece), default=0
        )
        appeal = [size for piece, size in sizes if "annulatieberoep" in piece]
        assert appeal and body and min(appeal) >= body


@override_settings(LANGUAGE_CODE="en")
class OverlapTests(CastTestCase):
    def setUp(self) -> None:
        self.built = build_report_day(self.cast)
        self.report = final_report(self.cast, self.built)
        self.client.cookies["django_language"] = "en"
        first = ready_closure(
            actions.start_decision(
                report=self.report, type_version=type_version(THB), user=self.mayor
            )
        )
        first = actions.finalise(decision=first, user=self.mayor)
        self.first = actions.serve(decision=first, dispatch_date=days_ago(9), user=self.mayor)
        assert self.first.status == Decision.Status.IN_FORCE

    def second(self) -> Decision:
        decision = actions.start_decision(
            report=self.report, type_version=type_version(THB), user=self.mayor
        )
        return ready_closure(decision)

    def test_the_page_warns_of_a_closure_in_force_on_the_same_premises(self) -> None:
        second = self.second()
        self.client.force_login(self.mayor)
        page = self.client.get(reverse("decision-detail", args=[second.code])).text
        assert self.first.identification in page
        assert self.first.effective_from and self.first.expires_on
        # The page is in English: ISO dates.
        period = (
            f"{self.first.effective_from.isoformat()} until {self.first.expires_on.isoformat()}"
        )
        assert "already applies to these premises" in page and period in page
        # The first decision's own page has nothing to warn of.
        page = self.client.get(reverse("decision-detail", args=[self.first.code])).text
        assert "already applies to these premises" not in page

    def test_no_warning_when_the_periods_do_not_overlap(self) -> None:
        second = self.second()
        assert self.first.expires_on
        start = self.first.expires_on + timedelta(days=1)
        second.effective_from = start
        second.decision_date = days_ago(1)
        second.expires_on = add_months(start, 2)
        second.save()
        assert not list(Decision.objects.overlapping(second))
        self.client.force_login(self.mayor)
        page = self.client.get(reverse("decision-detail", args=[second.code])).text
        assert "already applies to these premises" not in page

    def test_an_overlapping_closure_is_taken_only_when_confirmed(self) -> None:
        second = self.second()
        self.client.force_login(self.mayor)
        url = reverse("decision-finalise", args=[second.code])
        response = self.client.post(url, follow=True)
        assert self.first.identification in response.text
        assert Decision.objects.get(pk=second.pk).identification == ""
        response = self.client.post(url, {"overlap_confirmed": "on"}, follow=True)
        second.refresh_from_db()
        assert second.status == Decision.Status.DECIDED and second.identification
        assert "The decision was taken" in response.text


@override_settings(LANGUAGE_CODE="en")
class NothingTypedIsLostTests(CastTestCase):
    def setUp(self) -> None:
        self.built = build_report_day(self.cast)
        self.report = final_report(self.cast, self.built)
        self.client.cookies["django_language"] = "en"
        self.decision = actions.start_decision(
            report=self.report, type_version=type_version(THB), user=self.mayor
        )
        self.client.force_login(self.mayor)

    def test_scheduling_the_hearing_keeps_the_draft_edits(self) -> None:
        edited = self.decision.motivation + "\nWhereas the operator was warned before;"
        response = self.client.post(
            reverse("decision-hearing", args=[self.decision.code]),
            draft_data(self.decision, motivation=edited)
            | {"at": f"{days_ago(2).isoformat()}T10:00", "place": "Stadhuis Halle"},
            follow=True,
        )
        assert "The hearing was scheduled" in response.text
        self.decision.refresh_from_db()
        assert self.decision.hearing_place == "Stadhuis Halle"
        assert self.decision.motivation == edited

    def test_an_invalid_draft_keeps_the_hearing_fields_and_the_draft_as_typed(self) -> None:
        response = self.client.post(
            reverse("decision-hearing", args=[self.decision.code]),
            draft_data(
                self.decision,
                motivation="My new considerations",
                effective_from=days_ago(1).isoformat(),
                expires_on=days_ago(5).isoformat(),
            )
            | {"at": f"{days_ago(2).isoformat()}T10:00", "place": "Zaal 3"},
        )
        assert response.status_code == 400
        assert "The measure must end after it takes effect." in response.text
        assert "My new considerations" in response.text and 'value="Zaal 3"' in response.text
        self.decision.refresh_from_db()
        assert (
            self.decision.hearing_at is None and self.decision.motivation != "My new considerations"
        )

    def test_saving_the_draft_keeps_the_hearing_minutes_being_typed(self) -> None:
        self.decision = actions.schedule_hearing(
            decision=self.decision, at=aware(days_ago(3)), place="Stadhuis", user=self.mayor
        )
        response = self.client.post(
            reverse("decision-save", args=[self.decision.code]),
            draft_data(self.decision, lifting_condition="Until remedied")
            | {"heard_on": days_ago(3).isoformat(), "minutes": "The operator said he would"},
        )
        assert response.status_code == 200
        assert "The draft was saved." in response.text
        assert "The operator said he would" in response.text
        self.decision.refresh_from_db()
        assert self.decision.lifting_condition == "Until remedied"
        assert self.decision.heard_on is None

    def test_a_refused_decision_still_keeps_the_draft_edits(self) -> None:
        response = self.client.post(
            reverse("decision-finalise", args=[self.decision.code]),
            draft_data(self.decision, lifting_condition="Until remedied"),
            follow=True,
        )
        assert "requires the prior consultation of the prosecutor" in response.text
        self.decision.refresh_from_db()
        assert self.decision.lifting_condition == "Until remedied"
        assert self.decision.identification == ""

    def test_the_draft_form_is_kept_by_the_pages_own_action(self) -> None:
        page = self.client.get(reverse("decision-detail", args=[self.decision.code])).text
        # One form holds the draft and the steps, so sending one sends the other too.
        form = page[page.index('id="decision-draft"') :]
        form = form[: form.index("</form>")]
        assert 'name="motivation"' in form and 'name="place"' in form
        assert 'name="with_draft"' in form
