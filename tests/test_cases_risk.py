"""The case's risk assessment explains itself: every contribution with its reason,
source and age, internal entries counted without their content."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse

from cases import risk
from cases.actions.files import add_entry, add_member, add_subject_to_case, open_case
from cases.models import DeskSignal, Entry, Link, Phenomenon, RegisteredOffice, Subject
from gis.models import Indicator
from tests.base import CastTestCase
from tests.gis_factories import make_premises

ON = date(2026, 6, 1)


class CaseRiskTests(CastTestCase):
    def setUp(self) -> None:
        self.case = open_case(
            municipality=self.city_a,
            user=self.coordinator,
            title="Wilby",
            phenomenon=Phenomenon.PROSTITUTION,
        )
        add_member(case=self.case, person=self.police_inspector.person, user=self.coordinator)
        add_member(case=self.case, person=self.social_inspector.person, user=self.coordinator)

    def subject(self, kind: str, name: str, **fields: object) -> Subject:
        subject = Subject.objects.create(municipality=self.city_a, kind=kind, name=name, **fields)
        add_subject_to_case(case=self.case, subject=subject, user=self.coordinator)
        return subject

    def company(self, name: str) -> Subject:
        return Subject.objects.create(
            municipality=self.city_a, kind=Subject.Kind.COMPANY, name=name
        )

    def premises(self, number: int, in_case: bool = False, **fields: object) -> Subject:
        premises = make_premises(self.city_a, number, **fields)
        subject = Subject.objects.create(
            municipality=self.city_a,
            kind=Subject.Kind.PREMISES,
            name=premises.name,
            premises=premises,
        )
        if in_case:
            add_subject_to_case(case=self.case, subject=subject, user=self.coordinator)
        return subject

    def reasons(self, user: object = None) -> list[str]:
        assessment = risk.assess(user or self.coordinator, self.case, on=ON)
        return [line.reason for line in assessment.contributions]

    def test_an_empty_case_has_no_risk(self) -> None:
        assessment = risk.assess(self.coordinator, self.case, on=ON)
        self.assertEqual((assessment.score, assessment.band), (0.0, "low"))

    def test_closed_sources_weigh_more_and_facts_fade(self) -> None:
        for kind in (Entry.Kind.OPEN, Entry.Kind.HALF_OPEN, Entry.Kind.CLOSED):
            add_entry(
                case=self.case,
                user=self.social_inspector,
                fact=f"A fact from a {kind} source",
                source=f"Source {kind}",
                kind=kind,
                known_on=ON,
                sharing=Entry.Sharing.CASE_TEAM,
            )
        lines = risk.assess(self.coordinator, self.case, on=ON).contributions
        by_source = {line.source: line.points for line in lines}
        self.assertLess(by_source["Source open"], by_source["Source half_open"])
        self.assertLess(by_source["Source half_open"], by_source["Source closed"])
        a_year_later = risk.assess(self.coordinator, self.case, on=ON + timedelta(days=365))
        closed = next(line for line in a_year_later.contributions if line.source == "Source closed")
        self.assertAlmostEqual(closed.points, by_source["Source closed"] / 2, places=1)
        self.assertEqual(closed.age_days, 365)

    def test_an_internal_entry_counts_without_its_content(self) -> None:
        add_entry(
            case=self.case,
            user=self.police_inspector,
            fact="zz-secret informant",
            source="zz-secret file",
            kind=Entry.Kind.CLOSED,
            known_on=ON,
            sharing=Entry.Sharing.INTERNAL,
        )
        for user in (self.social_inspector, self.coordinator):
            assessment = risk.assess(user, self.case, on=ON)
            (line,) = assessment.contributions
            self.assertTrue(line.confidential)
            self.assertEqual(line.reason, "An internal entry of Police")
            self.assertEqual(line.source, "")
            self.assertGreater(assessment.score, 0)
        police_view = risk.assess(self.police_inspector, self.case, on=ON)
        self.assertEqual(police_view.contributions[0].source, "zz-secret file")
        self.assertEqual(
            police_view.score, risk.assess(self.social_inspector, self.case, on=ON).score
        )

    def test_premises_scores_and_desk_signals_count(self) -> None:
        self.premises(1, in_case=True, risk_score=4.0)
        indicator = Indicator.objects.order_by("weight").first()
        assert indicator is not None
        DeskSignal.objects.create(
            municipality=self.city_a,
            reporter=self.clerk,
            desk=DeskSignal.Desk.PERMIT_DESK,
            about=DeskSignal.About.ADDRESS,
            observed_on=ON - timedelta(days=10),
            what_was_seen="Curtains closed all day",
            indicator=indicator,
            case=self.case,
        )
        DeskSignal.objects.create(
            municipality=self.city_a,
            desk=DeskSignal.Desk.WARDENS,
            about=DeskSignal.About.ADDRESS,
            observed_on=ON,
            what_was_seen="Nothing after all",
            outcome=DeskSignal.Outcome.DISMISSED,
            case=self.case,
        )
        assessment = risk.assess(self.coordinator, self.case, on=ON)
        reasons = [line.reason for line in assessment.contributions]
        self.assertIn("Risk score 4.00 of the premises Premises 1", reasons)
        self.assertIn(f"A signal from the Permit desk: {indicator.title}", reasons)
        self.assertFalse(any("City wardens" in reason for reason in reasons))
        signal_line = next(line for line in assessment.contributions if line.kind == "signal")
        self.assertEqual(signal_line.age_days, 10)

    def test_subject_patterns(self) -> None:
        wilby = self.subject(Subject.Kind.COMPANY, "Wilby BV", bankrupt_on=date(2025, 3, 1))
        for year in (2019, 2022, 2023, 2024, 2025):
            RegisteredOffice.objects.create(
                company=wilby, address=f"Street {year}", valid_from=date(year, 1, 1)
            )
        manager = self.subject(Subject.Kind.PERSON, "W. Manager")
        companies = [wilby, self.company("Wilby Two BV"), self.company("Wilby Three BV")]
        for number, company in enumerate(companies, start=1):
            Link.objects.create(
                municipality=self.city_a, source=manager, target=company, role="manager"
            )
            Link.objects.create(
                municipality=self.city_a,
                source=company,
                target=self.premises(number),
                role="operator",
            )
        reasons = self.reasons()
        self.assertIn("Wilby BV moved its registered office 4 times in 5 years", reasons)
        self.assertIn("Wilby BV was declared bankrupt", reasons)
        self.assertIn("W. Manager manages 3 companies", reasons)
        self.assertIn("W. Manager is linked to 3 premises through companies", reasons)

    def test_patterns_below_their_threshold_do_not_count(self) -> None:
        company = self.subject(Subject.Kind.COMPANY, "Calm BV")
        for year in (2010, 2024, 2025):
            RegisteredOffice.objects.create(
                company=company, address=f"Street {year}", valid_from=date(year, 1, 1)
            )
        person = self.subject(Subject.Kind.PERSON, "C. Manager")
        Link.objects.create(municipality=self.city_a, source=person, target=company, role="manager")
        self.assertEqual(self.reasons(), [])

    def test_query_count_does_not_grow_with_the_case(self) -> None:
        def queries() -> int:
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as captured:
                risk.assess(self.coordinator, self.case, on=ON)
            return len(captured)

        self.subject(Subject.Kind.COMPANY, "One BV")
        self.subject(Subject.Kind.PERSON, "One Person")
        small = queries()
        for number in range(5):
            self.subject(Subject.Kind.COMPANY, f"Company {number}")
            self.subject(Subject.Kind.PERSON, f"Person {number}")
            self.premises(100 + number, in_case=True, risk_score=1.0)
            add_entry(
                case=self.case,
                user=self.coordinator,
                fact="A fact",
                source="Press",
                kind=Entry.Kind.OPEN,
                known_on=ON,
                sharing=Entry.Sharing.CASE_TEAM,
            )
        self.assertEqual(queries(), small)

    def test_the_case_page_shows_the_explanation(self) -> None:
        add_entry(
            case=self.case,
            user=self.police_inspector,
            fact="zz-secret informant",
            source="zz-secret file",
            kind=Entry.Kind.CLOSED,
            known_on=date(2026, 1, 1),
            sharing=Entry.Sharing.INTERNAL,
        )
        self.client.cookies["django_language"] = "en"
        self.client.force_login(self.social_inspector)
        response = self.client.get(reverse("cases:case", kwargs={"code": self.case.code}))
        self.assertContains(response, "Risk assessment")
        self.assertContains(response, "An internal entry of Police")
        self.assertNotContains(response, "zz-secret")
