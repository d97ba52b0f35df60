"""The pages of reports and decisions: who may see and do what, and bad input answered
with a clear message and no change."""

from __future__ import annotations

from datetime import timedelta

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from decisions import actions, reports
from decisions.models import Decision, Document, JointReport
from partners.models import AuditEntry
from tests.base import CastTestCase
from tests.decision_fixtures import build_report_day, days_ago, final_report, type_version
from tests.test_decisions import THB, ready_closure


@override_settings(LANGUAGE_CODE="en")
class ReportPageTests(CastTestCase):
    def setUp(self) -> None:
        self.built = build_report_day(self.cast)
        self.client.cookies["django_language"] = "en"

    def test_mayor_compiles_reads_and_the_read_is_audited(self) -> None:
        self.client.force_login(self.mayor)
        listing = self.client.get(reverse("report-list"))
        assert listing.status_code == 200 and "Compile the joint report" in listing.text
        response = self.client.post(reverse("report-compile", args=[self.built.visit.code]))
        report = JointReport.objects.get()
        self.assertRedirects(response, reverse("report-detail", args=[report.code]))
        page = self.client.get(reverse("report-detail", args=[report.code]))
        assert "Awaiting the sign-off of" in page.text and "Wash &amp; Go BV" in page.text
        assert AuditEntry.objects.filter(object_code=str(report.code), action="read").exists()

    def test_a_visit_without_findings_gets_a_message_and_no_report(self) -> None:
        self.client.force_login(self.mayor)
        visit = self.built.field.visits[1]
        response = self.client.post(reverse("report-compile", args=[visit.code]), follow=True)
        assert "This visit has no findings" in response.text
        assert not JointReport.objects.exists()

    def test_partners_sign_in_the_page_and_the_report_becomes_final(self) -> None:
        report = reports.compile_report(visit=self.built.visit, user=self.mayor)
        for user, partner in (
            (self.police_inspector, self.police),
            (self.social_inspector, self.social),
        ):
            self.client.force_login(user)
            page = self.client.get(reverse("report-detail", args=[report.code]))
            assert "Sign off the report" in page.text
            self.client.post(
                reverse("report-sign", args=[report.code]),
                {"partner": partner.pk, "mention_further_information": "on"},
            )
        report.refresh_from_db()
        assert report.is_final
        assert report.documents.get().kind == Document.Kind.JOINT_REPORT

    def test_signing_for_another_partner_is_refused(self) -> None:
        report = reports.compile_report(visit=self.built.visit, user=self.mayor)
        self.client.force_login(self.social_inspector)
        response = self.client.post(
            reverse("report-sign", args=[report.code]), {"partner": self.police.pk}
        )
        assert response.status_code == 400
        assert not report.sign_offs.exists()

    def test_outsiders_clerks_and_analysts_do_not_see_reports(self) -> None:
        report = reports.compile_report(visit=self.built.visit, user=self.mayor)
        for user in (self.outsider, self.clerk, self.analyst):
            self.client.force_login(user)
            assert self.client.get(reverse("report-detail", args=[report.code])).status_code == 404
            response = self.client.post(reverse("report-compile", args=[self.built.visit.code]))
            assert response.status_code == 404

    def test_a_final_report_cannot_be_recompiled_without_a_reason(self) -> None:
        report = final_report(self.cast, self.built)
        self.client.force_login(self.mayor)
        response = self.client.post(
            reverse("report-compile", args=[self.built.visit.code]), follow=True
        )
        assert "say why it is amended" in response.text
        assert JointReport.objects.count() == 1 and JointReport.objects.get().pk == report.pk


@override_settings(LANGUAGE_CODE="en")
class DecisionPageTests(CastTestCase):
    def setUp(self) -> None:
        self.built = build_report_day(self.cast)
        self.report = final_report(self.cast, self.built)
        self.client.cookies["django_language"] = "en"

    def start(self) -> Decision:
        return actions.start_decision(
            report=self.report, type_version=type_version(THB), user=self.mayor
        )

    def test_only_the_mayors_office_drafts_decisions(self) -> None:
        url = reverse("decision-start", args=[self.report.code])
        for user in (self.coordinator, self.police_inspector, self.analyst, self.clerk):
            self.client.force_login(user)
            assert self.client.get(url).status_code == 403
            assert self.client.post(url, {"type_version": type_version(THB).pk}).status_code == 403
        assert not Decision.objects.exists()
        self.client.force_login(self.mayor)
        response = self.client.post(url, {"type_version": type_version(THB).pk})
        decision = Decision.objects.get()
        self.assertRedirects(response, reverse("decision-detail", args=[decision.code]))

    def test_coordinator_reads_but_cannot_change_a_decision(self) -> None:
        decision = self.start()
        self.client.force_login(self.coordinator)
        page = self.client.get(reverse("decision-detail", args=[decision.code]))
        assert page.status_code == 200 and "Save the draft" not in page.text
        response = self.client.post(reverse("decision-finalise", args=[decision.code]))
        assert response.status_code == 403
        self.client.force_login(self.outsider)
        assert self.client.get(reverse("decision-detail", args=[decision.code])).status_code == 404

    def test_no_decision_from_a_report_awaiting_sign_off(self) -> None:
        draft = reports.compile_report(
            visit=self.built.visit, user=self.mayor, reason="Operator's name"
        )
        self.client.force_login(self.mayor)
        response = self.client.post(
            reverse("decision-start", args=[draft.code]), {"type_version": type_version(THB).pk}
        )
        assert response.status_code == 400
        assert "A decision starts from a final joint report." in response.text
        assert not Decision.objects.exists()

    def test_draft_form_refuses_dates_out_of_order_and_changes_nothing(self) -> None:
        decision = self.start()
        self.client.force_login(self.mayor)
        today = timezone.localdate()
        response = self.client.post(
            reverse("decision-save", args=[decision.code]),
            {
                "measure": "closure",
                "governing_body": "mayor",
                "articles": [a.pk for a in decision.articles.all()],
                "motivation": "1. Changed",
                "decision_date": (today + timedelta(days=2)).isoformat(),
                "effective_from": today.isoformat(),
                "expires_on": (today - timedelta(days=5)).isoformat(),
            },
        )
        assert response.status_code == 400
        assert "This date cannot be in the future." in response.text
        assert "The measure must end after it takes effect." in response.text
        assert Decision.objects.get().motivation != "1. Changed"

    def test_hearing_after_the_decision_date_is_refused_in_the_page(self) -> None:
        decision = self.start()
        decision.decision_date = days_ago(5)
        decision.save()
        self.client.force_login(self.mayor)
        response = self.client.post(
            reverse("decision-hearing", args=[decision.code]),
            {"at": f"{days_ago(1).isoformat()}T10:00", "place": "Stadhuis"},
        )
        assert response.status_code == 400
        assert "The hearing must take place before the decision date." in response.text
        decision.refresh_from_db()
        assert decision.hearing_at is None and not decision.generated_documents.exists()

    def test_finalising_with_a_missing_step_shows_why(self) -> None:
        decision = ready_closure(self.start(), consulted=False)
        self.client.force_login(self.mayor)
        response = self.client.post(reverse("decision-finalise", args=[decision.code]), follow=True)
        assert "requires the prior consultation of the prosecutor" in response.text
        assert Decision.objects.get().identification == ""

    def test_the_whole_path_in_pages(self) -> None:
        decision = ready_closure(self.start())
        self.client.force_login(self.mayor)
        self.client.post(reverse("decision-finalise", args=[decision.code]))
        decision.refresh_from_db()
        assert decision.status == Decision.Status.DECIDED
        self.client.post(
            reverse("decision-serve", args=[decision.code]),
            {"dispatch_date": days_ago(9).isoformat()},
        )
        decision.refresh_from_db()
        assert decision.status == Decision.Status.IN_FORCE
        page = self.client.get(reverse("decision-detail", args=[decision.code]))
        assert decision.identification in page.text and "Lift the measure" in page.text
