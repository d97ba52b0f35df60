"""The registers, the permit desk's flag, the planner's warning, the premises history,
the figures and the anonymised export, the follow-up and the action-day report."""

from __future__ import annotations

import csv
import io
import re
from datetime import time, timedelta
from typing import Any

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from decisions import actions, day_report, registers
from decisions.models import Decision, FollowUp
from gis.history import history
from gis.models import Premises, Sector
from inspections.conflicts import find_conflicts
from inspections.models import ActionDay, Visit
from partners.models import AuditEntry, Municipality
from tests.base import CastTestCase
from tests.decision_fixtures import build_report_day, days_ago, final_report, type_version
from tests.test_decisions import ready_closure

FLAGGED = "Flagged: consult the administrative-approach team"


def take_in_force(case: Any, code: str, measure: str = "closure") -> Decision:
    decision = actions.start_decision(
        report=case.report, type_version=type_version(code), user=case.mayor
    )
    decision.measure = measure
    decision.save()
    decision = ready_closure(decision)
    decision.warned_on = days_ago(30)
    decision.save()
    decision = actions.finalise(decision=decision, user=case.mayor)
    return actions.serve(decision=decision, dispatch_date=days_ago(9), user=case.mayor)


@override_settings(LANGUAGE_CODE="en")
class RegisterTests(CastTestCase):
    def setUp(self) -> None:
        self.built = build_report_day(self.cast)
        self.report = final_report(self.cast, self.built)
        self.closure = take_in_force(self, "be-ngw-134quinquies")
        self.client.cookies["django_language"] = "en"

    def test_decisions_register_lists_the_municipalitys_decisions(self) -> None:
        self.client.force_login(self.mayor)
        page = self.client.get(reverse("decision-register"))
        assert page.status_code == 200 and self.closure.identification in page.text
        self.client.force_login(self.outsider)
        assert self.closure.identification not in self.client.get(reverse("decision-register")).text
        for user in (self.analyst, self.clerk, self.police_inspector):
            self.client.force_login(user)
            assert self.client.get(reverse("decision-register")).status_code == 403

    def test_permit_register_is_searched_by_operator_and_enterprise_number(self) -> None:
        refusal = take_in_force(self, "be-permit-refusal", measure="refusal")
        found = registers.permit_register
        decisions = Decision.objects.all()
        assert list(found(decisions, "wash & go")) == [refusal]
        assert list(found(decisions, "BE 0123 456 749")) == [refusal]
        assert list(found(decisions, "0123.456.749")) == [refusal]
        assert list(found(decisions, "123456749")) == [refusal]
        assert list(found(decisions, "Other BV")) == []
        self.client.force_login(self.mayor)
        page = self.client.get(reverse("permit-register"), {"q": "0123456749"})
        assert refusal.identification in page.text
        assert self.closure.identification not in page.text

    def test_the_permit_desk_sees_flagged_without_the_reason(self) -> None:
        premises = self.built.visit.premises
        same_operator = Premises.objects.create(
            municipality=self.city_a,
            external_id="other-site",
            name="Wash & Go 2",
            address="Edingensesteenweg 4, 1500 Halle",
            lon=4.24,
            lat=50.74,
            source_x=0,
            source_y=0,
            source_crs="EPSG:31370",
            enterprise_number="0123.456.749",
        )
        # Only the decision flags them here, not the signals the findings raised.
        Premises.objects.update(risk_score=0.0, flagged_manually=False)
        self.client.force_login(self.clerk)
        for query in (premises.address, "0123.456.749", same_operator.address):
            body = self.client.post(reverse("gis-lookup"), {"q": query}).text
            assert FLAGGED in body, query
            for secret in ("134quinquies", "Closure", "trafficking", self.closure.identification):
                assert secret not in body
        entry = AuditEntry.objects.filter(action="lookup").first()
        assert entry is not None and entry.detail["flagged"] is True
        actions.lift(
            decision=self.closure,
            on=timezone.localdate(),
            reason=Decision.ExpiryReason.REMEDIED,
            user=self.mayor,
        )
        body = self.client.post(reverse("gis-lookup"), {"q": premises.address}).text
        assert FLAGGED not in body

    def test_planner_warns_of_a_decision_in_force(self) -> None:
        day = ActionDay.objects.create(
            municipality=self.city_a,
            title="Re-inspection",
            date=timezone.localdate() + timedelta(days=7),
            starts_at=time(9),
            ends_at=time(12),
            coordinator=self.coordinator,
        )
        Visit.objects.create(action_day=day, premises=self.built.visit.premises)
        kinds = [conflict.kind for conflict in find_conflicts(day)]
        assert "decision_in_force" in kinds

    def test_premises_history_shows_decisions_and_reports_to_those_who_may_read_them(self) -> None:
        premises = self.built.visit.premises
        kinds = {entry.kind for entry in history(self.mayor, premises, [])}
        assert {"decision", "report"} <= kinds
        assert [e for e in history(self.analyst, premises, []) if e.kind == "decision"] == []
        assert history(self.outsider, premises, []) == []

    def test_follow_up_is_proposed_to_the_coordinator_who_plans_it(self) -> None:
        follow_up = FollowUp.objects.get(decision=self.closure)
        self.client.force_login(self.coordinator)
        panel = self.client.get(reverse("decisions-home-panel"))
        assert "Follow-up inspections to plan" in panel.text
        on = timezone.localdate() + timedelta(days=30)
        response = self.client.post(
            reverse("follow-up-plan", args=[follow_up.code]), {"on": on.isoformat()}
        )
        follow_up.refresh_from_db()
        assert follow_up.status == FollowUp.Status.PLANNED and follow_up.action_day is not None
        self.assertRedirects(
            response, reverse("action-day-plan", args=[follow_up.action_day.code]), 302, 200
        )
        new_visit = follow_up.action_day.visits.get()
        assert new_visit.reinspection_of == self.built.visit
        self.client.force_login(self.mayor)
        assert "Follow-up inspections" not in self.client.get(reverse("decisions-home-panel")).text

    def test_figures_and_anonymised_export(self) -> None:
        figures = registers.figures(Municipality.objects.filter(pk=self.city_a.pk))
        assert figures["action_days"] == 1 and figures["visits"] == 4
        assert dict(figures["infractions"])["Social Inspection"] == 3
        # The police's irregular stay is not usable by the city: no report counts it.
        assert dict(figures["infractions"]).get("Police", 0) == 0
        assert dict(figures["decisions"]) == {"Closure": 1}
        self.client.force_login(self.analyst)
        assert self.client.get(reverse("decision-figures")).status_code == 200
        response = self.client.get(reverse("decision-figures-csv"))
        text = response.content.decode()
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == ["month", "sector", "partner", "measure", "count"]
        month = f"{self.built.day.date:%Y-%m}"
        # Three visits, three infractions, one closure: each too few to leave as a number.
        assert [month, "car_wash", "", "visit", "<5"] in rows
        assert [month, "car_wash", "social", "infraction", "<5"] in rows
        assert [row[4] for row in rows if row[3] == "decision_closure"] == ["<5"]
        assert all(row[4] == "<5" or int(row[4]) >= 5 for row in rows[1:])
        # The counts themselves are kept, for the city's own figures.
        counted = registers.anonymised_rows(Municipality.objects.filter(pk=self.city_a.pk))
        assert (month, "car_wash", "social", "infraction", 3) in counted
        assert not [row for row in counted if row[2] == "police-a" and row[3] == "infraction"]
        premises = self.built.visit.premises
        for secret in (premises.address, "Wash & Go", "0123", "Halle", "Carwash", "Social"):
            assert secret not in text
        self.client.force_login(self.clerk)
        assert self.client.get(reverse("decision-figures-csv")).status_code == 403

    def test_action_day_report_counts_what_the_joint_report_counts(self) -> None:
        """The police's irregular stay is shared among the partners, not usable by the
        city: the joint report leaves it out, so the day's report does too."""
        in_report = self.report.content["infractions"]
        assert {item["partner"] for item in in_report} == {"Social Inspection"}
        summary = day_report.summary(self.built.day)
        visit_row = next(row for row in summary["visits"] if row["visit"] == self.built.visit)
        assert visit_row["infractions"] == len(in_report) == 3
        assert summary["totals"]["infractions"] == 3
        assert dict(summary["partners"]).get("Police", {}).get("infractions", 0) == 0
        self.client.force_login(self.coordinator)
        page = self.client.get(reverse("action-day-report", args=[self.built.day.code]))
        total = re.search(r"Infractions</th><td class=\"number\">(\d+)<", page.text)
        assert total is not None and total.group(1) == "3"

    def test_action_day_report_page_and_pdf(self) -> None:
        summary = day_report.summary(self.built.day)
        assert summary["totals"]["visits"] == 4
        assert summary["totals"]["infractions"] == 3  # the social inspection's, as in the report
        assert summary["totals"]["decisions"] == 1
        self.client.force_login(self.analyst)
        page = self.client.get(reverse("action-day-report", args=[self.built.day.code]))
        assert page.status_code == 200 and "Social Inspection" in page.text
        pdf = self.client.get(reverse("action-day-report-pdf", args=[self.built.day.code]))
        assert pdf["Content-Type"] == "application/pdf"
        reader = PdfReader(io.BytesIO(pdf.content))
        assert "Flexactie carwashes" in reader.pages[0].extract_text()
        self.client.force_login(self.clerk)
        assert (
            self.client.get(reverse("action-day-report", args=[self.built.day.code])).status_code
            == 404
        )


@override_settings(LANGUAGE_CODE="en")
class EmptyRegisterTests(CastTestCase):
    def test_register_and_figures_work_with_nothing_in_them(self) -> None:
        self.client.force_login(self.mayor)
        self.client.cookies["django_language"] = "en"
        assert (
            "No decision has been taken yet." in self.client.get(reverse("decision-register")).text
        )
        assert self.client.get(reverse("decision-figures")).status_code == 200
        assert self.client.get(reverse("report-list")).status_code == 200
        assert Sector.objects.exists()
