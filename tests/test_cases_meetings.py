"""The case meeting, its instruments, an action day planned from a case, and the case's
outcomes."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cases import catalogue
from cases.actions import meetings as actions
from cases.actions.files import open_case
from cases.models import (
    AgendaItem,
    Approach,
    Case,
    CaseAction,
    CaseMember,
    CaseSubject,
    Entry,
    Instrument,
    Meeting,
    Participant,
    Phenomenon,
    Subject,
)
from cases.outcomes import outcomes
from inspections.models import ActionDay
from partners.models import AuditEntry, Partner, Role, SharingProtocol
from tests.base import CastTestCase
from tests.cast import make_partner, make_user
from tests.planning_fixtures import make_premises


def today() -> date:
    return timezone.localdate()


class MeetingTestCase(CastTestCase):
    """A case of city A with the coordinator and the social inspector in its team, two
    premises among its subjects, and instruments for the city and the social inspection."""

    protocol: SharingProtocol
    tax: Partner
    tax_officer: Any
    action_day_instrument: Instrument
    social_inspection: Instrument
    tax_audit: Instrument

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.protocol = SharingProtocol.objects.get(title="Protocol A")
        # The tax administration works for city A but is no party to its protocol.
        cls.tax = make_partner("tax", "Tax", "federal", cls.city_a)
        cls.tax_officer = make_user("taxman", cls.tax, [Role.INSPECTOR], cls.city_a)
        cls.action_day_instrument = Instrument.objects.create(
            partner=cls.city,
            code="joint-action-day",
            kind=Instrument.Kind.INSPECTION,
            title_nl="Gezamenlijke controleactie",
            title_fr="Action de contrôle conjointe",
            title_en="Joint action day",
            is_action_day=True,
        )
        cls.social_inspection = Instrument.objects.create(
            partner=cls.social,
            code="social-inspection",
            kind=Instrument.Kind.SOCIAL,
            title_nl="Sociale inspectie",
            title_fr="Inspection sociale",
            title_en="Social inspection",
        )
        cls.tax_audit = Instrument.objects.create(
            partner=cls.tax,
            code="tax-audit",
            kind=Instrument.Kind.TAX,
            title_nl="Fiscale controle",
            title_fr="Contrôle fiscal",
            title_en="Tax audit",
        )

    def setUp(self) -> None:
        # The texts below are asserted in English; Halle would read them in Dutch.
        self.client.cookies["django_language"] = "en"
        self.premises = [make_premises(self.city_a, number) for number in (11, 12)]
        subjects = [
            Subject.objects.create(
                municipality=self.city_a, kind=Subject.Kind.PREMISES, name=p.name, premises=p
            )
            for p in self.premises
        ]
        self.case = open_case(
            municipality=self.city_a,
            user=self.coordinator,
            title="Massage parlours",
            phenomenon=Phenomenon.HUMAN_TRAFFICKING,
            subjects=subjects,
        )
        CaseMember.objects.create(case=self.case, person=self.social_inspector.person)

    def schedule(self, **kwargs: Any) -> Meeting:
        values: dict[str, Any] = {
            "municipality": self.city_a,
            "user": self.coordinator,
            "title": "Local operational meeting",
            "held_on": today(),
            "frame": Meeting.Frame.PROTOCOL,
            "protocol": self.protocol,
        }
        values.update(kwargs)
        return actions.schedule_meeting(**values)

    def entry(self, partner: Partner, author: Any, fact: str = "Six workers, no Dimona") -> Entry:
        return Entry.objects.create(
            case=self.case,
            fact=fact,
            source="Inspection report",
            kind=Entry.Kind.CLOSED,
            partner=partner,
            known_on=today(),
            sharing=Entry.Sharing.INTERNAL,
            author=author,
        )


class ScheduleTests(MeetingTestCase):
    def test_a_458ter_consultation_without_purpose_is_refused(self) -> None:
        with self.assertRaisesMessage(ValidationError, "purpose"):
            self.schedule(frame=Meeting.Frame.ART_458TER, protocol=None, purpose="  ")
        self.assertFalse(Meeting.objects.exists())

    def test_a_protocol_meeting_needs_a_protocol_of_the_city_in_force(self) -> None:
        other = SharingProtocol.objects.create(
            title="Protocol B", municipality=self.city_b, valid_from=date(2025, 1, 1)
        )
        expired = SharingProtocol.objects.create(
            title="Old protocol",
            municipality=self.city_a,
            valid_from=date(2020, 1, 1),
            valid_to=date(2021, 1, 1),
        )
        for protocol in (None, other, expired):
            with self.subTest(protocol=protocol), self.assertRaises(ValidationError):
                self.schedule(protocol=protocol)
        self.assertFalse(Meeting.objects.exists())

    def test_the_chair_is_the_first_participant_and_scheduling_is_audited(self) -> None:
        meeting = self.schedule()
        self.assertEqual([p.person.user for p in meeting.participants.all()], [self.coordinator])
        self.assertTrue(
            AuditEntry.objects.filter(
                action=AuditEntry.Action.CREATE, object_code=str(meeting.code)
            ).exists()
        )

    def test_only_a_coordinator_of_the_city_schedules(self) -> None:
        for user in (self.police_inspector, self.outsider, self.analyst):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                self.schedule(user=user)


class ParticipantTests(MeetingTestCase):
    def test_a_partner_outside_the_protocol_is_refused_and_nothing_saved(self) -> None:
        meeting = self.schedule()
        with self.assertRaisesMessage(ValidationError, "not a party to Protocol A"):
            actions.add_participant(
                meeting=meeting, person=self.tax_officer.person, user=self.coordinator
            )
        self.assertEqual(meeting.participants.count(), 1)

    def test_in_a_458ter_consultation_any_partner_of_the_city_takes_part(self) -> None:
        meeting = self.schedule(frame=Meeting.Frame.ART_458TER, protocol=None, purpose="Wilby")
        participant = actions.add_participant(
            meeting=meeting, person=self.tax_officer.person, user=self.coordinator
        )
        self.assertEqual(participant.partner, self.tax)
        self.assertIsNone(participant.acknowledged_at)
        with self.assertRaisesMessage(ValidationError, "already takes part"):
            actions.add_participant(
                meeting=meeting, person=self.tax_officer.person, user=self.coordinator
            )
        with self.assertRaises(ValidationError):  # works for city B only
            actions.add_participant(
                meeting=meeting, person=self.outsider.person, user=self.coordinator
            )

    def test_an_unacknowledged_participant_cannot_share(self) -> None:
        meeting = self.schedule(frame=Meeting.Frame.ART_458TER, protocol=None, purpose="Wilby")
        actions.add_participant(
            meeting=meeting, person=self.social_inspector.person, user=self.coordinator
        )
        actions.put_on_agenda(meeting=meeting, case=self.case, user=self.coordinator)
        entry = self.entry(self.social, self.social_inspector)
        with self.assertRaisesMessage(ValidationError, "Acknowledge the code of conduct"):
            actions.share_in_meeting(meeting=meeting, entry=entry, user=self.social_inspector)
        entry.refresh_from_db()
        self.assertIsNone(entry.bound_to_meeting)
        actions.acknowledge(meeting=meeting, user=self.social_inspector)
        actions.share_in_meeting(meeting=meeting, entry=entry, user=self.social_inspector)
        entry.refresh_from_db()
        self.assertEqual(entry.bound_to_meeting, meeting)
        # Another partner's entry is not theirs to share.
        police_entry = self.entry(self.city, self.coordinator, fact="City's note")
        with self.assertRaises((ValidationError, PermissionDenied)):
            actions.share_in_meeting(
                meeting=meeting, entry=police_entry, user=self.social_inspector
            )

    def test_the_meeting_page_shows_the_frame_and_the_acknowledgements(self) -> None:
        meeting = self.schedule(frame=Meeting.Frame.ART_458TER, protocol=None, purpose="Wilby")
        actions.add_participant(
            meeting=meeting, person=self.social_inspector.person, user=self.coordinator
        )
        self.client.force_login(self.social_inspector)
        url = reverse("cases:meeting", kwargs={"code": meeting.code})
        page = self.client.get(url).content.decode()
        self.assertIn("Wilby", page)
        self.assertIn("Not yet acknowledged", page)
        self.client.post(reverse("cases:meeting-acknowledge", kwargs={"code": meeting.code}))
        self.assertIsNotNone(
            Participant.objects.get(
                meeting=meeting, person__user=self.social_inspector
            ).acknowledged_at
        )
        self.assertTrue(
            AuditEntry.objects.filter(
                action=AuditEntry.Action.READ,
                object_code=str(meeting.code),
                user=self.social_inspector,
            ).exists()
        )


class DecisionTests(MeetingTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.meeting = self.schedule()
        actions.add_participant(
            meeting=self.meeting, person=self.social_inspector.person, user=self.coordinator
        )

    def test_the_agenda_moves_the_case_to_the_meeting(self) -> None:
        actions.put_on_agenda(meeting=self.meeting, case=self.case, user=self.coordinator)
        self.case.refresh_from_db()
        self.assertEqual(self.case.state, Case.State.MEETING)
        with self.assertRaisesMessage(ValidationError, "already on the agenda"):
            actions.put_on_agenda(meeting=self.meeting, case=self.case, user=self.coordinator)

    def test_only_cases_of_ones_own_team_go_on_the_agenda(self) -> None:
        CaseMember.objects.filter(case=self.case, person__user=self.coordinator).delete()
        with self.assertRaises(PermissionDenied):
            actions.put_on_agenda(meeting=self.meeting, case=self.case, user=self.coordinator)
        self.assertFalse(AgendaItem.objects.exists())

    def test_a_decision_creates_the_actions_and_moves_the_case(self) -> None:
        item = actions.put_on_agenda(meeting=self.meeting, case=self.case, user=self.coordinator)
        deadline = today() + timedelta(days=30)
        created = actions.record_decision(
            item=item,
            user=self.coordinator,
            approach=Approach.INTEGRATED,
            decision="Joint action on the four parlours",
            actions=[(self.social_inspection, self.social, deadline, "Check the workers")],
        )
        self.case.refresh_from_db()
        self.assertEqual(self.case.approach, Approach.INTEGRATED)
        self.assertEqual(self.case.state, Case.State.APPROACH_CHOSEN)
        self.assertEqual(
            [(a.instrument, a.partner, a.deadline) for a in created],
            [(self.social_inspection, self.social, deadline)],
        )
        self.assertTrue(
            AuditEntry.objects.filter(
                action=AuditEntry.Action.CHANGE,
                object_code=str(self.case.code),
                detail__approach="integrated",
            ).exists()
        )
        # The social inspector completes their action.
        actions.complete_action(action=created[0], user=self.social_inspector, result="6 PVs")
        self.assertEqual(CaseAction.objects.get(pk=created[0].pk).status, CaseAction.Status.DONE)

    def test_an_action_for_a_partner_not_at_the_table_is_refused(self) -> None:
        item = actions.put_on_agenda(meeting=self.meeting, case=self.case, user=self.coordinator)
        deadline = today() + timedelta(days=30)
        bad_rows = [
            [(self.tax_audit, self.tax, deadline, "")],  # tax does not take part
            [(self.social_inspection, self.city, deadline, "")],  # not the city's instrument
            [(self.social_inspection, self.social, today() - timedelta(days=1), "")],
        ]
        for rows in bad_rows:
            with self.subTest(rows=rows), self.assertRaises(ValidationError):
                actions.record_decision(
                    item=item, user=self.coordinator, approach=Approach.INTEGRATED, actions=rows
                )
        with self.assertRaises(ValidationError):
            actions.record_decision(item=item, user=self.coordinator, approach="gossip")
        self.assertFalse(CaseAction.objects.exists())
        self.case.refresh_from_db()
        self.assertEqual(self.case.approach, "")

    def test_the_decision_form_on_the_meeting_page(self) -> None:
        item = actions.put_on_agenda(meeting=self.meeting, case=self.case, user=self.coordinator)
        self.client.force_login(self.coordinator)
        self.client.cookies["django_language"] = "en"
        url = reverse(
            "cases:meeting-decision", kwargs={"code": self.meeting.code, "case": self.case.code}
        )
        prefix = f"a{item.pk}"
        data = {
            f"d{item.pk}-approach": "integrated",
            f"d{item.pk}-decision": "",
            f"{prefix}-TOTAL_FORMS": "3",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-0-instrument": str(self.social_inspection.pk),
            f"{prefix}-0-deadline": "",
        }
        # An action without a deadline: the page again with a clear message and what was
        # typed, nothing saved.
        response = self.client.post(url, data)
        self.assertContains(response, "Give the action a deadline.", status_code=400)
        self.assertContains(response, 'value="integrated" selected', status_code=400)
        self.assertFalse(CaseAction.objects.exists())
        data[f"{prefix}-0-deadline"] = (today() + timedelta(days=14)).isoformat()
        self.client.post(url, data)
        self.assertEqual(CaseAction.objects.get().instrument, self.social_inspection)
        page = self.client.get(reverse("cases:meeting", kwargs={"code": self.meeting.code}))
        self.assertContains(page, "Social inspection")


class PlanActionDayTests(MeetingTestCase):
    def test_plan_an_action_day_from_the_case(self) -> None:
        self.client.force_login(self.coordinator)
        url = reverse("action-day-from-case", kwargs={"code": self.case.code})
        response = self.client.post(url)
        day = ActionDay.objects.get()
        self.assertRedirects(response, reverse("action-day-plan", kwargs={"code": day.code}))
        self.assertEqual(day.status, ActionDay.Status.DRAFT)
        self.assertEqual(day.case, self.case)
        self.assertIn(self.case.number, day.title)
        self.assertNotIn(self.case.title, day.title)
        self.assertEqual(day.municipality, self.city_a)
        self.assertEqual(
            sorted(day.visits.values_list("premises__name", flat=True)),
            ["Premises 11", "Premises 12"],
        )
        plan = self.client.get(response["Location"])
        self.assertContains(plan, "Premises 11")

    def test_outsiders_get_404_and_team_members_who_do_not_plan_403(self) -> None:
        url = reverse("action-day-from-case", kwargs={"code": self.case.code})
        for user, status in (
            (self.outsider, 404),
            (self.police_inspector, 404),
            (self.analyst, 404),
            (self.social_inspector, 403),
        ):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.post(url).status_code, status)
        self.assertFalse(ActionDay.objects.exists())

    def test_the_case_page_part_offers_the_button_after_an_integrated_approach(self) -> None:
        from django.template.loader import render_to_string
        from django.test import RequestFactory

        request = RequestFactory().get("/")
        request.user = self.coordinator
        html = render_to_string("cases/_case_actions.html", {"case": self.case, "request": request})
        self.assertNotIn("Plan an action day", html)
        Case.objects.filter(pk=self.case.pk).update(approach=Approach.INTEGRATED)
        self.case.refresh_from_db()
        html = render_to_string("cases/_case_actions.html", {"case": self.case, "request": request})
        self.assertIn("Plan an action day", html)
        request.user = self.social_inspector
        html = render_to_string("cases/_case_actions.html", {"case": self.case, "request": request})
        self.assertNotIn("Plan an action day", html)


class OutcomeTests(MeetingTestCase):
    def test_outcomes_list_the_action_day_and_a_decision(self) -> None:
        from decisions import actions as decision_actions
        from tests.decision_fixtures import build_report_day, final_report, type_version

        built = build_report_day(self.cast, photos=0)
        ActionDay.objects.filter(pk=built.day.pk).update(case=self.case)
        premises_subject = Subject.objects.create(
            municipality=self.city_a,
            kind=Subject.Kind.PREMISES,
            name=built.visit.premises.name,
            premises=built.visit.premises,
        )
        CaseSubject.objects.create(case=self.case, subject=premises_subject)
        report = final_report(self.cast, built)
        decision_actions.start_decision(
            report=report, type_version=type_version("be-ngw-134ter"), user=self.mayor
        )
        kinds = {outcome.kind for outcome in outcomes(self.coordinator, self.case)}
        self.assertTrue({"action_day", "decision", "joint_report"} <= kinds, kinds)
        day_outcome = next(
            o for o in outcomes(self.coordinator, self.case) if o.kind == "action_day"
        )
        self.assertIn("1 finding", day_outcome.text.replace("2 findings", "1 finding"))
        # The analyst may not read the decision register: their list has no decision.
        self.assertNotIn("decision", {o.kind for o in outcomes(self.analyst, self.case)})


class InstrumentTests(MeetingTestCase):
    def test_the_catalogue_seeds_instruments_for_the_partners_that_exist(self) -> None:
        fire = make_partner("hvz-vbw", "Brandweer", "local", self.city_a)
        written = catalogue.seed_instruments(Instrument, Partner)
        self.assertGreaterEqual(written, 1)
        self.assertEqual(
            list(fire.instruments.values_list("code", flat=True)), ["fire-safety-check"]
        )
        self.assertEqual(catalogue.seed_instruments(Instrument, Partner), written)
        self.assertEqual(fire.instruments.count(), 1)

    def test_a_coordinator_adds_an_instrument_for_a_partner_of_the_city(self) -> None:
        self.client.force_login(self.coordinator)
        url = reverse("cases:instrument-create")
        response = self.client.post(
            url,
            {
                "municipality": self.city_a.code,
                "partner": self.police.pk,
                "kind": "judicial",
                "title": "Referral to the prosecutor",
            },
        )
        self.assertEqual(response.status_code, 302)
        instrument = self.police.instruments.get()
        self.assertEqual(instrument.title, "Referral to the prosecutor")
        page = self.client.get(reverse("cases:instrument-list"))
        self.assertContains(page, "Referral to the prosecutor")
        # Twice: a clear message, nothing saved.
        response = self.client.post(
            url,
            {
                "municipality": self.city_a.code,
                "partner": self.police.pk,
                "kind": "judicial",
                "title": "Referral to the prosecutor",
            },
        )
        self.assertContains(response, "already has the instrument", status_code=400)
        self.assertEqual(self.police.instruments.count(), 1)

    def test_only_a_coordinator_adds_instruments(self) -> None:
        self.client.force_login(self.police_inspector)
        response = self.client.post(
            reverse("cases:instrument-create"),
            {"partner": self.police.pk, "kind": "judicial", "title": "X"},
        )
        self.assertEqual(response.status_code, 403)
        with self.assertRaises(ValidationError):
            actions.add_instrument(
                municipality=self.city_a,
                user=self.coordinator,
                partner=Partner.objects.get(slug="city-b"),
                kind="administrative",
                title="Closure",
            )


class MeetingAccessTests(MeetingTestCase):
    def test_the_meeting_is_not_found_for_anyone_but_coordinators_and_participants(
        self,
    ) -> None:
        meeting = self.schedule()
        url = reverse("cases:meeting", kwargs={"code": meeting.code})
        for user, status in (
            (self.outsider, 404),
            (self.police_inspector, 404),
            (self.clerk, 404),
            (self.coordinator, 200),
        ):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.get(url).status_code, status)
        actions.add_participant(
            meeting=meeting, person=self.police_inspector.person, user=self.coordinator
        )
        self.client.force_login(self.police_inspector)
        self.assertEqual(self.client.get(url).status_code, 200)
        # A participant who does not coordinate may not run the meeting.
        response = self.client.post(
            reverse("cases:meeting-participant-add", kwargs={"code": meeting.code}),
            {"person": self.clerk.person.pk},
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(meeting.participants.count(), 2)
