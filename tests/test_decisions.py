"""The mayor's decision: drafting from a final report, the steps the law requires, the
maximum duration, identification, freezing, service, lifting and the follow-up."""

from __future__ import annotations

import io
import re
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone
from pypdf import PdfReader

from decisions import actions, documents, reports
from decisions.actions import DecisionRefused
from decisions.catalogue import seed_catalogue
from decisions.models import (
    DecidedError,
    Decision,
    DecisionType,
    DecisionTypeVersion,
    Document,
    FollowUp,
    LegalArticle,
    PublishedVersionError,
    add_months,
)
from partners.models import AuditEntry
from tests.base import CastTestCase
from tests.decision_fixtures import build_report_day, days_ago, final_report, type_version

THB = "be-ngw-134quinquies"


def aware(day: Any, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def ready_closure(decision: Decision, *, months: int = 4, consulted: bool = True) -> Decision:
    """A 134quinquies closure with every step done, decided ten days ago."""
    decided = days_ago(10)
    decision = actions.schedule_hearing(
        decision=decision, at=aware(days_ago(14)), place="Stadhuis Halle", user=decision.created_by
    )
    decision = actions.record_hearing(
        decision=decision,
        heard_on=days_ago(14),
        minutes="The operator was heard.",
        user=decision.created_by,
    )
    decision.decision_date = decided
    decision.effective_from = decided
    decision.expires_on = add_months(decided, months)
    decision.lifting_condition = "Until the operator proves the measures taken."
    if consulted:
        decision.prosecutor_consulted_on = days_ago(20)
        decision.prosecutor_reference = "HV.55.L1.1234/25"
    decision.save()
    return decision


@override_settings(LANGUAGE_CODE="en")
class CatalogueTests(CastTestCase):
    def test_seeded_types_carry_their_law_and_are_marked_for_review(self) -> None:
        thb = type_version(THB)
        assert thb.max_duration_months == 6
        assert thb.required_steps() == ["hearing", "prosecutor"]
        assert thb.needs_legal_review
        assert type_version("be-ngw-134ter").max_duration_months == 3
        assert "prior_warning" in type_version("be-ngw-134ter").required_steps()
        assert type_version("be-ngw-134quater").max_duration_months == 3
        assert type_version("nl-gemw-172-174").appeal_term_days == 42
        assert type_version("nl-bibob-refusal").decision_type.country == "NL"
        assert thb.motivation("fr") and thb.motivation("nl")
        codes = set(DecisionType.objects.values_list("code", flat=True))
        assert {"be-permit-refusal", "be-closing-hours", "be-covenant", "be-ngw-133-135"} <= codes

    def test_seeding_again_changes_nothing_and_published_versions_are_frozen(self) -> None:
        before = DecisionTypeVersion.objects.count()
        seed_catalogue(LegalArticle, DecisionType, DecisionTypeVersion)
        assert DecisionTypeVersion.objects.count() == before
        thb = type_version(THB)
        thb.max_duration_months = 12
        with pytest.raises(PublishedVersionError):
            thb.save()


@override_settings(LANGUAGE_CODE="en")
class DraftingTests(CastTestCase):
    def setUp(self) -> None:
        self.built = build_report_day(self.cast)
        self.report = final_report(self.cast, self.built)

    def start(self, code: str = THB) -> Decision:
        return actions.start_decision(
            report=self.report, type_version=type_version(code), user=self.mayor
        )

    def test_a_draft_starts_from_the_final_report_one_consideration_a_line(self) -> None:
        decision = self.start()
        lines = decision.motivation.splitlines()
        # In the municipality's language (Dutch here), whatever the interface's.
        assert lines[0].startswith("Gelet op") and self.built.visit.premises.label() in lines[0]
        assert any("Sociaal Strafwetboek art. 181" in line for line in lines)
        # The document numbers them: the draft carries no numbers of its own.
        assert not any(re.match(r"^\d+\. ", line) for line in lines)
        assert list(decision.articles.values_list("code", flat=True)) == ["ngw-134quinquies"]
        assert decision.enterprise_number == "0123.456.749"
        assert decision.identification == "" and decision.status == Decision.Status.DRAFT
        assert AuditEntry.objects.filter(object_code=str(decision.code), action="create").exists()

    def test_no_decision_on_a_report_that_is_not_final(self) -> None:
        draft = reports.compile_report(
            visit=self.built.visit, user=self.mayor, reason="Typo in the operator"
        )
        with pytest.raises(DecisionRefused, match="final joint report"):
            actions.start_decision(report=draft, type_version=type_version(THB), user=self.mayor)
        assert not Decision.objects.exists()

    def test_thb_closure_without_the_prosecutor_cannot_be_taken(self) -> None:
        decision = ready_closure(self.start(), consulted=False)
        with pytest.raises(DecisionRefused, match="prosecutor"):
            actions.finalise(decision=decision, user=self.mayor)
        decision.refresh_from_db()
        assert decision.is_open and decision.identification == ""
        assert not FollowUp.objects.exists()

    def test_thb_closure_over_six_months_cannot_be_taken(self) -> None:
        decision = ready_closure(self.start(), months=7)
        with pytest.raises(DecisionRefused, match="at most 6 months"):
            actions.finalise(decision=decision, user=self.mayor)
        assert Decision.objects.get().is_open

    def test_134ter_needs_a_prior_warning_and_at_most_three_months(self) -> None:
        decision = ready_closure(self.start("be-ngw-134ter"), months=4)
        found = actions.problems(decision)
        assert any("prior warning" in problem for problem in found)
        assert any("at most 3 months" in problem for problem in found)

    def test_hearing_after_the_decision_date_is_refused(self) -> None:
        decision = ready_closure(self.start())
        decision.decision_date = days_ago(16)
        decision.effective_from = days_ago(16)
        decision.save()
        found = actions.problems(decision)
        assert "The hearing is scheduled after the decision date." in found
        with pytest.raises(DecisionRefused):
            actions.finalise(decision=decision, user=self.mayor)

    def test_dates_out_of_order_or_in_the_future_are_refused(self) -> None:
        decision = ready_closure(self.start())
        assert decision.effective_from is not None
        decision.expires_on = decision.effective_from - timedelta(days=1)
        assert "The measure must end after it takes effect." in actions.problems(decision)
        decision.expires_on = add_months(decision.effective_from, 4)
        decision.decision_date = timezone.localdate() + timedelta(days=1)
        assert "The decision date cannot be in the future." in actions.problems(decision)

    def test_taking_the_decision_numbers_freezes_and_proposes_a_follow_up(self) -> None:
        decision = ready_closure(self.start())
        with self.captureOnCommitCallbacks() as callbacks:
            decision = actions.finalise(decision=decision, user=self.mayor)
        year = decision.decision_date.year  # type: ignore[union-attr]
        assert decision.identification == f"23027-{year}-0001"
        assert decision.status == Decision.Status.DECIDED
        assert callbacks, "the decision document is queued after commit"
        assert decision.follow_up.due_on == decision.expires_on - timedelta(weeks=3)  # type: ignore[operator]
        decision.motivation = "Something else"
        with pytest.raises(DecidedError):
            decision.save()
        with pytest.raises(DecisionRefused):
            actions.schedule_hearing(
                decision=decision, at=aware(days_ago(1)), place="x", user=self.mayor
            )

    def test_serving_derives_the_appeal_deadline_and_puts_it_in_force(self) -> None:
        decision = actions.finalise(decision=ready_closure(self.start()), user=self.mayor)
        decision = actions.serve(decision=decision, dispatch_date=days_ago(9), user=self.mayor)
        assert decision.appeal_deadline == days_ago(9) + timedelta(days=60)
        assert decision.status == Decision.Status.IN_FORCE
        assert Decision.objects.in_force().filter(pk=decision.pk).exists()
        decision = actions.note_appeal(
            decision=decision, lodged_on=days_ago(2), note="Raad van State", user=self.mayor
        )
        decision = actions.lift(
            decision=decision,
            on=days_ago(1),
            reason=Decision.ExpiryReason.REMEDIED,
            user=self.mayor,
        )
        assert decision.status == Decision.Status.LIFTED
        assert not Decision.objects.in_force().exists()
        assert FollowUp.objects.get().status == FollowUp.Status.DISMISSED

    def test_dispatch_before_the_decision_is_refused(self) -> None:
        decision = actions.finalise(decision=ready_closure(self.start()), user=self.mayor)
        with pytest.raises(DecisionRefused):
            actions.serve(decision=decision, dispatch_date=days_ago(30), user=self.mayor)
        assert Decision.objects.get().dispatch_date is None

    def test_a_served_measure_expires_after_its_last_day(self) -> None:
        decision = actions.finalise(decision=ready_closure(self.start()), user=self.mayor)
        decision = actions.serve(decision=decision, dispatch_date=days_ago(9), user=self.mayor)
        assert decision.expires_on is not None
        assert actions.refresh_status(decision, today=decision.expires_on + timedelta(days=1))
        assert decision.status == Decision.Status.EXPIRED
        assert decision.expiry_reason == Decision.ExpiryReason.TEMPORARY

    def test_decision_documents_are_pdfa_in_the_municipality_language(self) -> None:
        decision = ready_closure(self.start())
        decision = actions.finalise(decision=decision, user=self.mayor)
        kinds = {}
        for document in decision.documents.all():
            if document.kind != Document.Kind.JOINT_REPORT:
                assert documents.generate(document.pk) == Document.State.DONE
            document.refresh_from_db()
            kinds[document.kind] = document
        assert set(kinds) == {"joint_report", "invitation", "minutes", "decision"}
        content = documents.content_of(kinds["decision"])
        reader = PdfReader(io.BytesIO(content))
        text = re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))
        assert decision.identification in text
        assert "Nieuwe Gemeentewet art. 134quinquies" in text
        assert "Until the operator proves the measures taken." in text
        root: Any = reader.trailer["/Root"]
        assert 'pdfaid:part="3"' in root["/Metadata"].get_object().get_data().decode()
        assert kinds["decision"].language == "nl"
