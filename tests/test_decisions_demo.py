"""The demo shows the whole path at once: a closed day with findings of several
partners, a final joint report signed by each, and a THB closure in force."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse

from decisions.models import Decision, Document, FollowUp, JointReport, ReportSignOff
from inspections.models import Evidence, Finding, FindingAnswer, Submission
from partners.models import AuditEntry, Role


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Finding,
            FindingAnswer,
            JointReport,
            ReportSignOff,
            Decision,
            Document,
            FollowUp,
        )
    }


@override_settings(LANGUAGE_CODE="en")
class DecisionsDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("load_demo", verbosity=0)

    def test_the_demo_holds_a_final_report_and_a_closure_in_force(self) -> None:
        report = JointReport.objects.get()
        assert report.is_final
        partners = {section["partner"] for section in report.content["partners"]}
        assert partners == {"Politie", "Sociale Inspectie", "Brandweer"}
        assert report.sign_offs.count() == 3
        assert report.content["counts"]["without_declaration"] == 3
        decision = Decision.objects.in_force().get()
        assert decision.type_version.decision_type.code == "be-ngw-134quinquies"
        assert decision.prosecutor_consulted_on and decision.heard_on
        assert decision.expires_on and decision.effective_from
        assert 3 <= (decision.expires_on - decision.effective_from).days // 30 <= 4
        assert decision.identification.startswith("23027-")
        assert FollowUp.objects.get().decision == decision
        assert Finding.objects.values("partner").distinct().count() == 3

    def test_the_demo_went_through_the_field_app_and_the_pages_own_actions(self) -> None:
        """Nothing written behind the interface's back: each finding is a submission of
        its inspector, on the day, with its photos; each change to the decision is the
        draft form's, audited like a save in the page."""
        report = JointReport.objects.get()
        held_on = report.visit.action_day.date
        findings = list(Finding.objects.select_related("recorded_by"))
        assert findings
        for finding in findings:
            submission = Submission.objects.get(finding=finding)
            assert submission.user == finding.recorded_by
            assert finding.recorded_at.date() == held_on
            assert AuditEntry.objects.filter(
                object_code=str(finding.code), action="create", user=finding.recorded_by
            ).exists()
        photos = report.content["photos"]
        assert photos and Evidence.objects.filter(sha256=photos[0]["sha256"]).exists()
        decision = Decision.objects.get()
        changes = AuditEntry.objects.filter(
            object_code=str(decision.code), action="change", username="mayor"
        )
        edited = {field for entry in changes for field in entry.detail.get("fields", [])}
        assert {"decision_date", "effective_from", "expires_on", "prosecutor_consulted_on"} <= (
            edited
        )
        assert decision.signatory_name == "Els Vermeulen"
        assert decision.signatory_capacity == "Burgemeester"

    def test_second_run_changes_nothing(self) -> None:
        before = counts()
        call_command("load_demo", verbosity=0)
        assert counts() == before

    def test_the_mayor_sees_the_path_and_the_clerk_only_a_flag(self) -> None:
        mayor = User.objects.get(username="mayor")
        assert Role.MAYORS_OFFICE in mayor.person.roles
        self.client.force_login(mayor)
        self.client.cookies["django_language"] = "en"
        decision = Decision.objects.get()
        page = self.client.get(reverse("decision-detail", args=[decision.code]))
        assert decision.identification in page.text
        self.client.force_login(User.objects.get(username="clerk"))
        body = self.client.post(reverse("gis-lookup"), {"q": decision.premises.address}).text
        assert "Flagged" in body and "134quinquies" not in body
