"""The action-day report's PDF: the day's figures and visits read back from the PDF/A in
the municipality's language, and the whole day read in a fixed number of queries whatever
its number of visits, report versions and decisions."""

from __future__ import annotations

import re

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from decisions import actions, day_report, reports
from decisions.models import Decision
from gis.models import Premises
from inspections.models import ActionDay, Visit
from tests.base import CastTestCase
from tests.decision_fixtures import build_report_day, final_report, type_version
from tests.test_joint_report import pdf_text, pdfa_part

# The day's own rows (visits, report versions, decisions, answers usable by the city).
DAY_QUERIES = 4


@override_settings(LANGUAGE_CODE="en")
class DayReportTests(CastTestCase):
    def setUp(self) -> None:
        self.built = build_report_day(self.cast)
        self.report = final_report(self.cast, self.built)
        self.decision = actions.start_decision(
            report=self.report,
            type_version=type_version("be-ngw-134quinquies"),
            user=self.mayor,
        )

    def day(self) -> ActionDay:
        return ActionDay.objects.select_related("municipality").get(pk=self.built.day.pk)

    def add_visits(self, count: int) -> None:
        day = self.day()
        for number in range(count):
            premises = Premises.objects.create(
                municipality=self.city_a,
                external_id=f"extra-{number}",
                name=f"Nachtwinkel {number}",
                address=f"Basiliekstraat {number + 1}, 1500 Halle",
                lon=4.23,
                lat=50.73,
                source_x=0,
                source_y=0,
                source_crs="EPSG:31370",
            )
            Visit.objects.create(
                action_day=day, premises=premises, status=Visit.Status.NO_ACCESS, route_order=50
            )

    def test_the_pdf_holds_the_days_figures_and_visits_in_dutch(self) -> None:
        content = day_report.summary_pdf(self.day())
        text = pdf_text(content)
        assert pdfa_part(content) == "3"
        assert "VERSLAG VAN DE ACTIEDAG · HALLE" in text
        assert self.built.day.title in text
        # Three infractions of the social inspection, as in the joint report; none of
        # the police, whose answers are shared among the partners only.
        assert re.search(r"Inbreuken 3\b", text)
        assert re.search(r"Gezamenlijke verslagen 1\b", text)
        assert re.search(r"Besluiten 1\b", text)
        assert re.search(r"Social Inspection 3 0\b", text)
        assert re.search(r"Carwash 3 3 0\b", text)
        with translation.override("nl"):
            premises = self.built.visit.premises.label()
            report = f"v1 · {self.report.get_status_display()}"
            decision = f"{self.decision.get_measure_display()} ({Decision.Status.DRAFT.label})"
        for expected in (premises, report, decision):
            assert re.sub(r"\s+", " ", expected) in text

    def test_the_pdf_speaks_the_language_of_a_french_speaking_municipality(self) -> None:
        self.city_a.language = "fr"
        self.city_a.save(update_fields=["language"])
        text = pdf_text(day_report.summary_pdf(self.day()))
        assert "RAPPORT DE LA JOURNÉE D'ACTION · HALLE" in text
        assert re.search(r"Rapports communs 1\b", text)
        assert "Verslag" not in text and "Inbreuken" not in text

    def test_the_day_is_read_in_the_same_queries_whatever_its_visits(self) -> None:
        day = self.day()
        with CaptureQueriesContext(connection) as small:
            day_report.summary_html(day)
        assert len(small) == DAY_QUERIES
        self.add_visits(5)
        # A second version of the report and a decision further along.
        amended = reports.compile_report(
            visit=self.built.visit, user=self.mayor, reason="Typing error in a count"
        )
        Decision.objects.filter(pk=self.decision.pk).update(status=Decision.Status.HEARING)
        day = self.day()
        with CaptureQueriesContext(connection) as large:
            html = day_report.summary_html(day)
        assert len(large) == DAY_QUERIES
        summary = day_report.summary(day)
        assert summary["totals"]["visits"] == 9
        row = next(row for row in summary["visits"] if row["visit"] == self.built.visit)
        assert row["report"] == amended and amended.version == 2
        assert [decision.pk for decision in row["decisions"]] == [self.decision.pk]
        assert "Nachtwinkel 4" in html and "v2 · " in html
