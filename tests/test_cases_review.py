"""The case file against the rules of its issue, checked through the pages as people use
them: outside the case team every case URL is 404 and nothing is written; every read is
audited and no audit row carries what an internal entry says; the internal entry's text
appears nowhere but for its partner; nothing of city A reaches city B's coordinator; bad
input answers with a clear message in the city's language and saves nothing."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.actions import meetings as meeting_actions
from cases.actions.files import add_entry, add_member, open_case
from cases.actions.signals import file_signal, open_case_from_signal
from cases.actions.subjects import add_subject, link
from cases.models import (
    Approach,
    Case,
    CaseAction,
    CaseMember,
    CaseSubject,
    DeskSignal,
    Entry,
    Instrument,
    Link,
    Meeting,
    Participant,
    Phenomenon,
    Subject,
)
from inspections.models import ActionDay
from partners.models import AuditEntry, Role, SharingProtocol
from tests.base import CastTestCase
from tests.cast import make_partner, make_user
from tests.gis_factories import make_premises

MARKER = "zz-review-" + uuid.uuid4().hex
VALID_NUMBER = "0123.456.749"


def text_of(response: Any) -> str:
    return response.content.decode("utf-8", "replace")


class ReviewTestCase(CastTestCase):
    """A case of city A opened by the coordinator with the police and the social
    inspector in its team: a company, a person and a premises among its subjects, the
    police's internal entry carrying the marker, the social inspection's entry for the
    team. The case is on the agenda of an art. 458ter consultation where the police
    shared their entry and the social inspection was given an action. A second
    coordinator of city A is outside the team."""

    second: User
    case: Case
    company: Subject
    person: Subject
    premises_subject: Subject
    internal: Entry
    meeting: Meeting
    action: CaseAction

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.second = make_user("second", cls.city, [Role.COORDINATOR], cls.city_a)
        cls.case = open_case(
            municipality=cls.city_a,
            user=cls.coordinator,
            title="Review case Wilby",
            phenomenon=Phenomenon.HUMAN_TRAFFICKING,
        )
        for user in (cls.police_inspector, cls.social_inspector):
            add_member(case=cls.case, person=user.person, user=cls.coordinator)
        cls.company = add_subject(
            municipality=cls.city_a,
            user=cls.coordinator,
            kind="company",
            name="Review Wellness BV",
            enterprise_number=VALID_NUMBER,
        )
        cls.person = add_subject(
            municipality=cls.city_a, user=cls.coordinator, kind="person", name="Roger Review"
        )
        premises = make_premises(cls.city_a, 401, name="Salon Review")
        cls.premises_subject = Subject.objects.create(
            municipality=cls.city_a,
            kind=Subject.Kind.PREMISES,
            name=premises.name,
            premises=premises,
        )
        link(
            source=cls.person,
            target=cls.company,
            role=Link.Role.MANAGER,
            valid_from=date(2020, 1, 1),
            user=cls.coordinator,
        )
        link(
            source=cls.company,
            target=cls.premises_subject,
            role=Link.Role.OPERATOR,
            user=cls.coordinator,
        )
        for subject in (cls.company, cls.person, cls.premises_subject):
            CaseSubject.objects.create(case=cls.case, subject=subject)
        cls.internal = add_entry(
            case=cls.case,
            user=cls.police_inspector,
            fact=f"Informant says {MARKER}",
            source=f"Police file {MARKER}",
            kind=Entry.Kind.CLOSED,
            known_on=date(2026, 1, 6),
            sharing=Entry.Sharing.INTERNAL,
            subject=cls.company,
        )
        add_entry(
            case=cls.case,
            user=cls.social_inspector,
            fact="Four workers without declaration",
            source="Inspection report",
            kind=Entry.Kind.CLOSED,
            known_on=date(2026, 1, 7),
            sharing=Entry.Sharing.CASE_TEAM,
            subject=cls.company,
        )
        cls.meeting = meeting_actions.schedule_meeting(
            municipality=cls.city_a,
            user=cls.coordinator,
            title="Consultation on Wilby",
            held_on=timezone.localdate(),
            frame=Meeting.Frame.ART_458TER,
            purpose="Stopping the exploitation in the parlours",
        )
        for user in (cls.police_inspector, cls.social_inspector):
            meeting_actions.add_participant(
                meeting=cls.meeting, person=user.person, user=cls.coordinator
            )
        item = meeting_actions.put_on_agenda(
            meeting=cls.meeting, case=cls.case, user=cls.coordinator
        )
        meeting_actions.acknowledge(meeting=cls.meeting, user=cls.police_inspector)
        meeting_actions.share_in_meeting(
            meeting=cls.meeting, entry=cls.internal, user=cls.police_inspector
        )
        instrument = Instrument.objects.create(
            partner=cls.social,
            code="review-social-inspection",
            kind=Instrument.Kind.SOCIAL,
            title_nl="Sociale inspectie",
            title_fr="Inspection sociale",
            title_en="Social inspection",
        )
        (cls.action,) = meeting_actions.record_decision(
            item=item,
            user=cls.coordinator,
            approach=Approach.INTEGRATED,
            actions=[(instrument, cls.social, timezone.localdate() + timedelta(days=30), "")],
        )

    def client_for(self, user: User, language: str = "en") -> Client:
        client = Client()
        client.cookies["django_language"] = language
        client.force_login(user)
        return client

    def rows(self) -> dict[str, int]:
        return {
            "members": CaseMember.objects.count(),
            "case_subjects": CaseSubject.objects.count(),
            "subjects": Subject.objects.count(),
            "entries": Entry.objects.count(),
            "links": Link.objects.count(),
            "participants": Participant.objects.count(),
            "actions": CaseAction.objects.filter(status=CaseAction.Status.OPEN).count(),
            "days": ActionDay.objects.count(),
            "signals": DeskSignal.objects.count(),
        }


class OutsideTheTeamTests(ReviewTestCase):
    def case_posts(self) -> list[tuple[str, dict[str, str]]]:
        """Every route of the case with a form that would work for the team."""
        code = {"code": self.case.code}
        return [
            (reverse("cases:case-member-add", kwargs=code), {"person": str(self.mayor.person.pk)}),
            (
                reverse("cases:case-member-remove", kwargs=code),
                {"person": str(self.police_inspector.person.pk)},
            ),
            (reverse("cases:case-subject-add", kwargs=code), {"q": "Roger Review"}),
            (
                reverse("cases:case-subject-remove", kwargs=code),
                {"subject": str(self.company.code)},
            ),
            (
                reverse("cases:case-entry-add", kwargs=code),
                {
                    "fact": "Written from outside",
                    "source": "Nowhere",
                    "kind": Entry.Kind.OPEN,
                    "known_on": "2026-01-08",
                    "sharing": Entry.Sharing.CASE_TEAM,
                },
            ),
            (reverse("cases:case-move", kwargs=code), {"to_state": Case.State.ACTIONS}),
            (
                reverse(
                    "cases:meeting-decision",
                    kwargs={"code": self.meeting.code, "case": self.case.code},
                ),
                {f"d{self.case.agenda_items.get().pk}-approach": Approach.TAX},
            ),
            (
                reverse("cases:case-action-complete", kwargs={"code": self.action.code}),
                {"result": "Done from outside"},
            ),
            (reverse("action-day-from-case", kwargs=code), {}),
        ]

    def test_every_case_url_is_not_found_outside_the_team_and_nothing_is_written(self) -> None:
        before = self.rows()
        state = self.case.state
        # The city's other coordinator sees the meeting, and still not the case in it.
        for user in (self.second, self.analyst, self.clerk, self.mayor, self.outsider):
            client = self.client_for(user)
            with self.subTest(user=user.username):
                response = client.get(reverse("cases:case", kwargs={"code": self.case.code}))
                self.assertEqual(response.status_code, 404)
                for url, data in self.case_posts():
                    response = client.post(url, data)
                    self.assertEqual(response.status_code, 404, url)
                    self.assertNotIn("Review case Wilby", text_of(response), url)
        self.assertEqual(self.rows(), before)
        self.case.refresh_from_db()
        self.assertEqual(self.case.state, state)

    def test_a_team_member_is_refused_what_they_may_not_do_with_403_not_404(self) -> None:
        client = self.client_for(self.police_inspector)
        response = client.post(
            reverse("cases:case-move", kwargs={"code": self.case.code}),
            {"to_state": Case.State.ACTIONS},
        )
        self.assertEqual(response.status_code, 403)

    def test_the_meeting_shows_a_case_outside_ones_team_by_its_number_only(self) -> None:
        """Fixed: the agenda showed the case's title to every coordinator of the city."""
        url = reverse("cases:meeting", kwargs={"code": self.meeting.code})
        outside = text_of(self.client_for(self.second).get(url))
        self.assertIn(self.case.number, outside)
        self.assertNotIn("Review case Wilby", outside)
        self.assertNotIn(reverse("cases:case", kwargs={"code": self.case.code}), outside)
        inside = text_of(self.client_for(self.social_inspector).get(url))
        self.assertIn("Review case Wilby", inside)

    def test_a_triaged_signal_shows_a_case_outside_ones_team_by_its_number_only(self) -> None:
        """Fixed: the signal's triage page showed the case's title to every coordinator."""
        signal = file_signal(
            user=self.clerk,
            municipality=self.city_a,
            desk=DeskSignal.Desk.PERMIT_DESK,
            about=DeskSignal.About.ADDRESS,
            address="Basiliekstraat 12",
            observed_on=date(2026, 1, 5),
            what_was_seen="Curtains always closed",
        )
        case = open_case_from_signal(
            signal=signal,
            user=self.coordinator,
            title="Closed curtains in Basiliekstraat",
            phenomenon=Phenomenon.PROSTITUTION,
        )
        url = reverse("cases:triage-signal", kwargs={"code": signal.code})
        outside = text_of(self.client_for(self.second).get(url))
        self.assertIn(case.number, outside)
        self.assertNotIn("Closed curtains in Basiliekstraat", outside)
        inside = text_of(self.client_for(self.coordinator).get(url))
        self.assertIn("Closed curtains in Basiliekstraat", inside)


class AuditTests(ReviewTestCase):
    def read_everything(self, user: User) -> None:
        client = self.client_for(user)
        for url in (
            reverse("cases:case", kwargs={"code": self.case.code}),
            reverse("cases:meeting", kwargs={"code": self.meeting.code}),
            reverse("cases:subject-detail", kwargs={"code": self.company.code}),
        ):
            self.assertEqual(client.get(url).status_code, 200, url)

    def test_every_read_is_audited_with_the_entries_shown_by_code(self) -> None:
        for user in (self.police_inspector, self.social_inspector):
            self.read_everything(user)
        reads = AuditEntry.objects.filter(action=AuditEntry.Action.READ)
        for user, shown in ((self.police_inspector, True), (self.social_inspector, False)):
            with self.subTest(user=user.username):
                case_read = reads.get(user=user, object_code=str(self.case.code))
                self.assertEqual(
                    str(self.internal.code) in case_read.detail["entries_shown"], shown
                )
                self.assertEqual(case_read.detail["entries_withheld"], 0 if shown else 1)
                meeting_read = reads.get(user=user, object_code=str(self.meeting.code))
                # Fixed: the meeting's read named no entry, though the page shows them.
                self.assertEqual(
                    str(self.internal.code) in meeting_read.detail["entries_shown"], shown
                )
                self.assertTrue(reads.filter(user=user, object_code=str(self.company.code)))

    def test_the_list_of_my_cases_is_audited_with_the_cases_it_showed(self) -> None:
        """Fixed: "My cases" showed numbers and titles without an audit row."""
        response = self.client_for(self.social_inspector).get(reverse("cases:case-list"))
        self.assertContains(response, "Review case Wilby")
        read = AuditEntry.objects.get(
            action=AuditEntry.Action.READ, user=self.social_inspector, object_type="cases.Case"
        )
        self.assertEqual(read.detail["cases"], [self.case.number])

    def test_a_signal_read_in_triage_is_audited(self) -> None:
        signal = file_signal(
            user=self.clerk,
            municipality=self.city_a,
            desk=DeskSignal.Desk.PERMIT_DESK,
            about=DeskSignal.About.ADDRESS,
            address="Basiliekstraat 14",
            observed_on=date(2026, 1, 5),
            what_was_seen="Men waiting outside",
        )
        response = self.client_for(self.coordinator).get(
            reverse("cases:triage-signal", kwargs={"code": signal.code})
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(
            AuditEntry.objects.filter(
                action=AuditEntry.Action.READ, user=self.coordinator, object_code=str(signal.code)
            ).exists()
        )

    def test_no_audit_row_carries_what_an_internal_entry_says(self) -> None:
        for user in (self.police_inspector, self.social_inspector, self.coordinator):
            self.read_everything(user)
        for row in AuditEntry.objects.all():
            with self.subTest(row=row.pk):
                self.assertNotIn(MARKER, row.object_repr)
                self.assertNotIn(MARKER, str(row.detail))


class InternalEntryTests(ReviewTestCase):
    """The internal entry's fact and source appear nowhere but for the police."""

    def pages(self) -> list[str]:
        company = subject_label_of(self.company)
        person = subject_label_of(self.person)
        return [
            reverse("cases:case", kwargs={"code": self.case.code}),
            reverse("cases:case-list"),
            reverse("cases:meeting", kwargs={"code": self.meeting.code}),
            reverse("cases:meeting-list"),
            reverse("cases:subject-detail", kwargs={"code": self.company.code}),
            reverse("cases:subject-detail", kwargs={"code": self.person.code}),
            reverse("cases:subject-detail", kwargs={"code": self.premises_subject.code}),
            reverse("cases:network-connect") + f"?first={person}&second={company}",
            reverse("cases:subject-register") + "?q=Review",
            reverse("cases:subject-pick") + "?q=Review",
        ]

    def test_only_the_police_read_their_internal_entry(self) -> None:
        for user in (self.coordinator, self.social_inspector, self.second, self.analyst):
            client = self.client_for(user)
            for url in self.pages():
                with self.subTest(user=user.username, url=url):
                    self.assertNotIn(MARKER, text_of(client.get(url)))
        police = self.client_for(self.police_inspector)
        page = text_of(police.get(reverse("cases:case", kwargs={"code": self.case.code})))
        self.assertIn(f"Informant says {MARKER}", page)
        self.assertIn(f"Police file {MARKER}", page)

    def test_a_refused_form_on_the_case_page_still_hides_the_entry(self) -> None:
        response = self.client_for(self.social_inspector).post(
            reverse("cases:case-entry-add", kwargs={"code": self.case.code}),
            {"fact": "", "source": "", "kind": Entry.Kind.OPEN, "sharing": "internal"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertNotIn(MARKER, text_of(response))
        self.assertIn("An internal entry of Police", text_of(response))


def subject_label_of(subject: Subject) -> str:
    from cases.forms.subjects import subject_label

    return subject_label(subject)


class AnotherMunicipalityTests(ReviewTestCase):
    """City B's coordinator reaches nothing of city A."""

    def test_subjects_premises_and_instruments_of_city_a_stay_out_of_reach(self) -> None:
        make_premises(self.city_a, 402, name="Salon Review Two")
        client = self.client_for(self.outsider)
        picked = client.get(reverse("cases:subject-pick"), {"q": "Review"})
        self.assertEqual(picked.status_code, 200)
        self.assertNotIn("Review Wellness", text_of(picked))
        by_number = client.get(reverse("cases:subject-pick"), {"q": VALID_NUMBER})
        self.assertNotIn("Review Wellness", text_of(by_number))
        register = client.get(reverse("cases:subject-register"), {"q": "Review"})
        self.assertNotIn("Review Wellness", text_of(register))
        connect = client.get(
            reverse("cases:network-connect"),
            {"first": subject_label_of(self.person), "second": subject_label_of(self.company)},
        )
        self.assertEqual(connect.status_code, 400)
        self.assertIn("No subject matches", text_of(connect))
        self.assertNotIn("connect-result", text_of(connect))
        premises = client.get(
            reverse("cases:signal-premises-search"), {"premises_query": "Salon Review"}
        )
        self.assertIn("No premises of your municipality matches", text_of(premises))
        self.assertNotIn('name="premises"', text_of(premises))
        for code in (self.company.code, self.person.code):
            detail = client.get(reverse("cases:subject-detail", kwargs={"code": code}))
            self.assertEqual(detail.status_code, 404)
        # City A's instruments are not listed for city B, even when asked for by code.
        listed = client.get(reverse("cases:instrument-list"), {"municipality": self.city_a.code})
        self.assertEqual(listed.status_code, 404)
        own = client.get(reverse("cases:instrument-list"))
        self.assertEqual(own.status_code, 200)
        # The social inspection works for both cities; the police only for city A.
        self.assertIn("Social Inspection service", text_of(own))
        self.assertNotIn("Police service", text_of(own))

    def test_city_b_cannot_add_an_instrument_for_a_partner_of_city_a(self) -> None:
        before = Instrument.objects.count()
        client = self.client_for(self.outsider)
        url = reverse("cases:instrument-create")
        data = {"partner": self.police.pk, "kind": Instrument.Kind.JUDICIAL, "title": "Referral"}
        response = client.post(url, {**data, "municipality": self.city_a.code})
        self.assertEqual(response.status_code, 404)
        response = client.post(
            url, {**data, "municipality": self.city_b.code}, headers={"HX-Request": "true"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("Select a valid choice", text_of(response))
        self.assertEqual(Instrument.objects.count(), before)

    def test_city_b_cannot_link_or_move_city_a_subjects(self) -> None:
        before = self.rows()
        client = self.client_for(self.outsider)
        own = add_subject(
            municipality=self.city_b, user=self.outsider, kind="company", name="Malmedy SA"
        )
        before["subjects"] += 1
        response = client.post(
            reverse("cases:subject-link-new", kwargs={"code": own.code}),
            {
                "direction": "in",
                "role": Link.Role.MANAGER,
                "other": subject_label_of(self.person),
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("No subject matches", text_of(response))
        for name in ("subject-link-new", "subject-office-move"):
            response = client.post(
                reverse(f"cases:{name}", kwargs={"code": self.company.code}),
                {"address": "Elsewhere 1", "on": "2026-01-01"},
            )
            self.assertEqual(response.status_code, 404, name)
        self.assertEqual(self.rows(), before)


class BadInputTests(ReviewTestCase):
    """Each refusal through its page: 400 with the reason in the city's language
    (Dutch for Halle), and no row written."""

    def assert_refused(self, response: Any, message: str, before: dict[str, int]) -> None:
        self.assertEqual(response.status_code, 400)
        self.assertIn(message, text_of(response))
        self.assertEqual(self.rows(), before)

    def test_a_subject_linked_twice_is_refused(self) -> None:
        before = self.rows()
        response = self.client_for(self.coordinator, "nl").post(
            reverse("cases:subject-link-new", kwargs={"code": self.company.code}),
            {
                "direction": "in",
                "role": Link.Role.MANAGER,
                "other": subject_label_of(self.person),
                "valid_from": "2021-01-01",
            },
        )
        self.assert_refused(response, "zijn voor die periode al gekoppeld als", before)

    def test_a_link_ending_before_it_starts_is_refused(self) -> None:
        before = self.rows()
        client = self.client_for(self.coordinator, "nl")
        response = client.post(
            reverse("cases:subject-link-new", kwargs={"code": self.company.code}),
            {
                "direction": "in",
                "role": Link.Role.OWNER,
                "other": subject_label_of(self.person),
                "valid_from": "2024-05-01",
                "valid_to": "2024-04-01",
            },
        )
        self.assert_refused(response, "eindigt (2024-04-01) voor ze begint", before)
        manager = Link.objects.get(role=Link.Role.MANAGER)
        response = client.post(
            reverse(
                "cases:subject-link-end",
                kwargs={"code": self.company.code, "link_code": manager.code},
            ),
            {"on": "2019-12-31"},
        )
        self.assert_refused(response, "eindigt (2019-12-31) voor ze begint", before)
        manager.refresh_from_db()
        self.assertIsNone(manager.valid_to)

    def test_an_enterprise_number_failing_mod_97_is_refused(self) -> None:
        before = self.rows()
        client = self.client_for(self.coordinator, "nl")
        response = client.post(
            reverse("cases:subject-new"),
            {
                "municipality": self.city_a.pk,
                "kind": "company",
                "name": "Checksum BV",
                "enterprise_number": "0123.456.748",
            },
        )
        self.assert_refused(response, "de controlecijfers kloppen niet", before)
        response = self.client_for(self.clerk, "nl").post(
            reverse("cases:signal-file"),
            {
                "municipality": self.city_a.pk,
                "about": DeskSignal.About.COMPANY,
                "subject_name": "Checksum BV",
                "enterprise_number": "BE 0123.456.748",
                "observed_on": "2026-01-05",
                "what_was_seen": "A sign without a company name",
            },
        )
        self.assert_refused(response, "de controlecijfers kloppen niet", before)

    def test_a_case_of_another_municipality_is_refused(self) -> None:
        cases_before = Case.objects.count()
        response = self.client_for(self.coordinator, "nl").post(
            reverse("cases:case-new"),
            {
                "municipality": self.city_b.pk,
                "title": "Across the border",
                "phenomenon": Phenomenon.DRUGS,
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(Case.objects.count(), cases_before)
        # A coordinator of both cities in the team of city B's case cannot put it on
        # city A's agenda.
        both = make_user("both", self.city, [Role.COORDINATOR], self.city_a, self.city_b)
        self.city.municipalities.add(self.city_b)
        elsewhere = open_case(
            municipality=self.city_b,
            user=both,
            title="Across the border",
            phenomenon=Phenomenon.DRUGS,
        )
        before = self.rows()
        response = self.client_for(both, "nl").post(
            reverse("cases:meeting-agenda-add", kwargs={"code": self.meeting.code}),
            {"case": str(elsewhere.code)},
            headers={"HX-Request": "true"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn(f"Dossier {elsewhere.number} is geen dossier van Halle", text_of(response))
        self.assertFalse(elsewhere.agenda_items.exists())
        self.assertEqual(self.rows(), before)

    def test_a_participant_of_a_partner_without_the_protocol_is_refused(self) -> None:
        tax = make_partner("tax", "Tax", "federal", self.city_a)
        officer = make_user("taxman", tax, [Role.INSPECTOR], self.city_a)
        meeting = meeting_actions.schedule_meeting(
            municipality=self.city_a,
            user=self.coordinator,
            title="Under the protocol",
            held_on=timezone.localdate(),
            frame=Meeting.Frame.PROTOCOL,
            protocol=SharingProtocol.objects.get(title="Protocol A"),
        )
        before = self.rows()
        url = reverse("cases:meeting-participant-add", kwargs={"code": meeting.code})
        client = self.client_for(self.coordinator, "nl")
        # From the page's script: 400 with the reason beside the form.
        response = client.post(url, {"person": officer.person.pk}, headers={"HX-Request": "true"})
        self.assert_refused(response, "Tax is geen partij bij Protocol A", before)
        # Without script the page comes back with the reason; nothing saved either.
        response = client.post(url, {"person": officer.person.pk}, follow=True)
        self.assertIn("Tax is geen partij bij Protocol A", text_of(response))
        self.assertEqual(self.rows(), before)
