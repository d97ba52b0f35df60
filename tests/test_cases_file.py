"""The case file: opening, team, subjects, entries and states, and who sees what."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.access import readable_entries
from cases.actions.files import (
    add_entry,
    add_member,
    add_subject_to_case,
    move_case,
    open_case,
    remove_member,
    remove_subject_from_case,
)
from cases.models import AgendaItem, Approach, Case, Entry, Meeting, Phenomenon, Subject
from partners.models import AuditEntry, Role, SharingProtocol
from tests.base import CastTestCase
from tests.cast import make_user


class OpenCaseTests(CastTestCase):
    def open(self, **kwargs: Any) -> Case:
        values: dict[str, Any] = {
            "municipality": self.city_a,
            "user": self.coordinator,
            "title": "Massage parlours on the ring road",
            "phenomenon": Phenomenon.HUMAN_TRAFFICKING,
        }
        values.update(kwargs)
        return open_case(**values)

    def test_numbers_follow_each_other_per_city_and_year(self) -> None:
        year = timezone.localdate().year
        first = self.open()
        second = self.open(title="Night shop")
        self.assertEqual(first.number, f"23027-{year}-0001")
        self.assertEqual(second.number, f"23027-{year}-0002")

    def test_the_opener_is_the_first_team_member_and_the_opening_is_audited(self) -> None:
        case = self.open(lead_partner=self.police)
        self.assertEqual([member.person.user for member in case.members.all()], [self.coordinator])
        self.assertEqual(case.state, Case.State.INTAKE)
        self.assertTrue(
            AuditEntry.objects.filter(
                action=AuditEntry.Action.CREATE, object_code=str(case.code)
            ).exists()
        )

    def test_subjects_of_the_city_are_added(self) -> None:
        company = Subject.objects.create(
            municipality=self.city_a, kind=Subject.Kind.COMPANY, name="Wilby BV"
        )
        case = self.open(subjects=[company])
        self.assertEqual(list(case.subjects.all()), [company])

    def test_only_a_coordinator_of_the_city_opens_a_case(self) -> None:
        for user in (self.police_inspector, self.analyst, self.clerk, self.outsider):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                self.open(user=user)
        self.assertFalse(Case.objects.exists())

    def test_bad_input_is_refused_and_nothing_is_saved(self) -> None:
        foreign = Subject.objects.create(
            municipality=self.city_b, kind=Subject.Kind.COMPANY, name="Ailleurs SA"
        )
        for kwargs in ({"title": "  "}, {"phenomenon": "gossip"}, {"subjects": [foreign]}):
            with self.subTest(kwargs=kwargs), self.assertRaises(ValidationError):
                self.open(**kwargs)
        self.assertFalse(Case.objects.exists())


class CaseWorkTests(CastTestCase):
    """Team, subjects, entries and states, with their refusals."""

    def setUp(self) -> None:
        self.case = open_case(
            municipality=self.city_a,
            user=self.coordinator,
            title="Wilby",
            phenomenon=Phenomenon.PROSTITUTION,
        )
        self.company = Subject.objects.create(
            municipality=self.city_a, kind=Subject.Kind.COMPANY, name="Wilby BV"
        )

    def entry(self, user: Any, **kwargs: Any) -> Entry:
        values: dict[str, Any] = {
            "case": self.case,
            "user": user,
            "fact": "Seen at the back door every night",
            "source": "Patrol report",
            "kind": Entry.Kind.CLOSED,
            "known_on": date(2026, 3, 1),
            "sharing": Entry.Sharing.CASE_TEAM,
        }
        values.update(kwargs)
        return add_entry(**values)

    def test_team_members_come_from_partners_with_a_protocol_in_force(self) -> None:
        add_member(case=self.case, person=self.police_inspector.person, user=self.coordinator)
        with self.assertRaisesMessage(ValidationError, "already in the case team"):
            add_member(case=self.case, person=self.police_inspector.person, user=self.coordinator)
        with self.assertRaisesMessage(ValidationError, "does not work for"):
            add_member(case=self.case, person=self.outsider.person, user=self.coordinator)
        SharingProtocol.objects.filter(parties=self.social).update(valid_to=date(2025, 6, 30))
        with self.assertRaisesMessage(ValidationError, "no sharing protocol in force"):
            add_member(case=self.case, person=self.social_inspector.person, user=self.coordinator)
        self.assertEqual(
            sorted(m.person.user.username for m in self.case.members.all()),
            ["coordinator", "police"],
        )

    def test_only_a_coordinator_in_the_team_shapes_it(self) -> None:
        add_member(case=self.case, person=self.police_inspector.person, user=self.coordinator)
        with self.assertRaises(PermissionDenied):
            add_member(case=self.case, person=self.clerk.person, user=self.police_inspector)
        with self.assertRaises(PermissionDenied):
            add_member(case=self.case, person=self.clerk.person, user=self.outsider)
        remove_member(case=self.case, person=self.police_inspector.person, user=self.coordinator)
        with self.assertRaisesMessage(ValidationError, "at least one team member"):
            remove_member(case=self.case, person=self.coordinator.person, user=self.coordinator)

    def test_a_subject_joins_once_and_only_from_the_city(self) -> None:
        add_subject_to_case(case=self.case, subject=self.company, user=self.coordinator)
        with self.assertRaisesMessage(ValidationError, "already in this case"):
            add_subject_to_case(case=self.case, subject=self.company, user=self.coordinator)
        foreign = Subject.objects.create(
            municipality=self.city_b, kind=Subject.Kind.COMPANY, name="Ailleurs SA"
        )
        with self.assertRaisesMessage(ValidationError, "not in the register of Halle"):
            add_subject_to_case(case=self.case, subject=foreign, user=self.coordinator)
        self.assertEqual(list(self.case.subjects.all()), [self.company])
        remove_subject_from_case(case=self.case, subject=self.company, user=self.coordinator)
        self.assertFalse(self.case.subjects.exists())

    def test_an_entry_is_brought_by_the_users_partner_and_internal_ones_stay_home(self) -> None:
        add_member(case=self.case, person=self.police_inspector.person, user=self.coordinator)
        add_member(case=self.case, person=self.social_inspector.person, user=self.coordinator)
        entry = self.entry(self.police_inspector, sharing=Entry.Sharing.INTERNAL)
        self.assertEqual(entry.partner, self.police)
        self.assertIn(entry, readable_entries(self.police_inspector, self.case))
        self.assertNotIn(entry, readable_entries(self.social_inspector, self.case))
        self.assertNotIn(entry, readable_entries(self.coordinator, self.case))
        audit = AuditEntry.objects.get(object_code=str(entry.code))
        self.assertNotIn("back door", str(audit.detail))

    def test_bad_entries_are_refused_and_nothing_is_saved(self) -> None:
        with self.assertRaises(PermissionDenied):
            self.entry(self.clerk)
        for kwargs in (
            {"fact": " "},
            {"source": ""},
            {"kind": "rumour"},
            {"sharing": "everyone"},
            {"known_on": timezone.localdate() + timedelta(days=1)},
            {"subject": self.company},
        ):
            with self.subTest(kwargs=kwargs), self.assertRaises(ValidationError):
                self.entry(self.coordinator, **kwargs)
        self.assertFalse(Entry.objects.exists())

    def test_states_follow_the_chain_and_closing_needs_an_evaluation(self) -> None:
        with self.assertRaisesMessage(ValidationError, "cannot move to"):
            move_case(case=self.case, user=self.coordinator, to_state=Case.State.ACTIONS)
        for state in (Case.State.ANALYSIS, Case.State.MEETING):
            move_case(case=self.case, user=self.coordinator, to_state=state)
        with self.assertRaisesMessage(ValidationError, "which approach"):
            move_case(case=self.case, user=self.coordinator, to_state=Case.State.APPROACH_CHOSEN)
        move_case(
            case=self.case,
            user=self.coordinator,
            to_state=Case.State.APPROACH_CHOSEN,
            approach=Approach.INTEGRATED,
        )
        for state in (Case.State.ACTIONS, Case.State.MONITORING):
            move_case(case=self.case, user=self.coordinator, to_state=state)
        with self.assertRaisesMessage(ValidationError, "needs an evaluation"):
            move_case(case=self.case, user=self.coordinator, to_state=Case.State.CLOSED)
        self.case.refresh_from_db()
        self.assertEqual(self.case.state, Case.State.MONITORING)
        move_case(
            case=self.case,
            user=self.coordinator,
            to_state=Case.State.CLOSED,
            evaluation="Two parlours closed, the manager left the city.",
        )
        self.case.refresh_from_db()
        self.assertEqual(self.case.state, Case.State.CLOSED)
        self.assertEqual(self.case.approach, Approach.INTEGRATED)
        self.assertIsNotNone(self.case.closed_at)
        self.assertFalse(self.case.can_move_to(Case.State.ANALYSIS))
        self.assertEqual(
            AuditEntry.objects.filter(
                object_code=str(self.case.code), action=AuditEntry.Action.CHANGE
            ).count(),
            6,
        )

    def test_a_team_member_who_is_no_coordinator_does_not_move_the_case(self) -> None:
        add_member(case=self.case, person=self.police_inspector.person, user=self.coordinator)
        with self.assertRaises(PermissionDenied):
            move_case(case=self.case, user=self.police_inspector, to_state=Case.State.ANALYSIS)


class CasePageTests(CastTestCase):
    """The pages: only the team sees the case, internal entries stay with their partner."""

    admin: User
    case: Case
    company: Subject
    internal: Entry

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.admin = make_user("admin", cls.city, [Role.ADMIN], cls.city_a)
        cls.case = open_case(
            municipality=cls.city_a,
            user=cls.coordinator,
            title="Wilby",
            phenomenon=Phenomenon.PROSTITUTION,
            lead_partner=cls.police,
        )
        for user in (cls.police_inspector, cls.social_inspector):
            add_member(case=cls.case, person=user.person, user=cls.coordinator)
        cls.company = Subject.objects.create(
            municipality=cls.city_a, kind=Subject.Kind.COMPANY, name="Wilby BV"
        )
        add_subject_to_case(case=cls.case, subject=cls.company, user=cls.coordinator)
        cls.internal = add_entry(
            case=cls.case,
            user=cls.police_inspector,
            fact="zz-police-only informant says the manager pays the rent",
            source="zz-police-only informant file",
            kind=Entry.Kind.CLOSED,
            known_on=date(2026, 2, 3),
            sharing=Entry.Sharing.INTERNAL,
            subject=cls.company,
        )
        add_entry(
            case=cls.case,
            user=cls.social_inspector,
            fact="Four workers without declaration",
            source="Inspection report",
            kind=Entry.Kind.CLOSED,
            known_on=date(2026, 1, 10),
            sharing=Entry.Sharing.CASE_TEAM,
        )

    def setUp(self) -> None:
        self.client.cookies["django_language"] = "en"

    def url(self, name: str = "cases:case") -> str:
        return reverse(name, kwargs={"code": self.case.code})

    def test_the_team_sees_the_case_everyone_else_gets_404(self) -> None:
        for user in (self.coordinator, self.police_inspector, self.social_inspector):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                response = self.client.get(self.url())
                self.assertContains(response, "Wilby BV")
                self.assertContains(response, self.case.number)
        # A coordinator of the same city outside the team, an administrator, the
        # analyst, the mayor, the clerk and another city's coordinator.
        outsiders = (
            make_user("coordinator2", self.city, [Role.COORDINATOR], self.city_a),
            self.admin,
            self.analyst,
            self.mayor,
            self.clerk,
            self.outsider,
        )
        names = (
            "cases:case",
            "cases:case-member-add",
            "cases:case-member-remove",
            "cases:case-subject-add",
            "cases:case-subject-remove",
            "cases:case-entry-add",
            "cases:case-move",
        )
        for user in outsiders:
            self.client.force_login(user)
            for name in names:
                with self.subTest(user=user.username, route=name):
                    method = self.client.get if name == "cases:case" else self.client.post
                    self.assertEqual(method(self.url(name)).status_code, 404)
            list_page = self.client.get(reverse("cases:case-list"))
            self.assertNotContains(list_page, "Wilby")

    def test_an_internal_entry_shows_that_it_exists_not_what_it_says(self) -> None:
        self.client.force_login(self.police_inspector)
        self.assertContains(self.client.get(self.url()), "zz-police-only informant says")
        for user in (self.social_inspector, self.coordinator):
            self.client.force_login(user)
            response = self.client.get(self.url())
            self.assertNotContains(response, "zz-police-only")
            self.assertContains(response, "An internal entry of Police from")
            self.assertContains(response, "Four workers without declaration")

    def test_reading_the_case_is_audited_with_the_entries_shown(self) -> None:
        self.client.force_login(self.social_inspector)
        self.client.get(self.url())
        read = AuditEntry.objects.get(
            action=AuditEntry.Action.READ, object_code=str(self.case.code)
        )
        self.assertEqual(read.user, self.social_inspector)
        self.assertNotIn(str(self.internal.code), read.detail["entries_shown"])
        self.assertEqual(read.detail["entries_withheld"], 1)

    def test_my_cases_lists_the_cases_of_my_teams_by_state(self) -> None:
        self.client.force_login(self.social_inspector)
        response = self.client.get(reverse("cases:case-list"))
        self.assertContains(response, self.case.number)
        self.assertContains(response, "Intake")

    def test_adding_an_entry_through_the_page(self) -> None:
        self.client.force_login(self.social_inspector)
        response = self.client.post(
            self.url("cases:case-entry-add"),
            {
                "fact": "Registered office is a letterbox",
                "source": "Crossroads Bank for Enterprises",
                "kind": Entry.Kind.HALF_OPEN,
                "known_on": "2026-01-20",
                "sharing": Entry.Sharing.CASE_TEAM,
                "subject": str(self.company.code),
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Entry.objects.filter(fact="Registered office is a letterbox").exists())

    def test_bad_input_on_the_page_says_why_and_saves_nothing(self) -> None:
        self.client.force_login(self.coordinator)
        before = Entry.objects.count()
        response = self.client.post(
            self.url("cases:case-entry-add"),
            {"fact": "", "source": "x", "kind": "open", "known_on": "2026-01-01"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Nothing was saved", status_code=400)
        self.assertEqual(Entry.objects.count(), before)
        response = self.client.post(self.url("cases:case-subject-add"), {"q": "Wilby BV"})
        self.assertContains(response, "already in this case", status_code=400)
        response = self.client.post(
            self.url("cases:case-move"), {"to_state": Case.State.CLOSED, "evaluation": ""}
        )
        self.assertContains(response, "needs an evaluation", status_code=400)
        self.case.refresh_from_db()
        self.assertEqual(self.case.state, Case.State.INTAKE)

    def test_a_team_member_who_is_no_coordinator_may_not_shape_the_team(self) -> None:
        self.client.force_login(self.police_inspector)
        response = self.client.post(
            self.url("cases:case-member-add"), {"person": self.clerk.person.pk}
        )
        self.assertEqual(response.status_code, 403)
        response = self.client.post(self.url("cases:case-move"), {"to_state": "analysis"})
        self.assertEqual(response.status_code, 403)

    def test_a_coordinator_opens_a_case_through_the_page(self) -> None:
        self.client.force_login(self.coordinator)
        response = self.client.post(
            reverse("cases:case-new"),
            {
                "municipality": self.city_a.pk,
                "title": "Night shop on the market",
                "phenomenon": Phenomenon.DRUGS,
            },
        )
        case = Case.objects.get(title="Night shop on the market")
        self.assertRedirects(response, reverse("cases:case", kwargs={"code": case.code}))
        self.client.force_login(self.police_inspector)
        self.assertEqual(self.client.get(reverse("cases:case-new")).status_code, 403)


class CasePageQueryTests(CastTestCase):
    def test_the_case_page_asks_the_same_number_of_queries_whatever_the_case_size(
        self,
    ) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        case = open_case(
            municipality=self.city_a,
            user=self.coordinator,
            title="Growing",
            phenomenon=Phenomenon.DRUGS,
        )
        url = reverse("cases:case", kwargs={"code": case.code})
        self.client.force_login(self.coordinator)

        def grow(number: int) -> None:
            subject = Subject.objects.create(
                municipality=self.city_a, kind=Subject.Kind.COMPANY, name=f"Company {number}"
            )
            add_subject_to_case(case=case, subject=subject, user=self.coordinator)
            for sharing in (Entry.Sharing.CASE_TEAM, Entry.Sharing.INTERNAL):
                add_entry(
                    case=case,
                    user=self.coordinator,
                    fact=f"Fact {number}",
                    source="Register",
                    kind=Entry.Kind.HALF_OPEN,
                    known_on=date(2026, 1, 1),
                    sharing=sharing,
                    subject=subject,
                )

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(self.client.get(url).status_code, 200)
            return len(captured)

        grow(0)
        small = queries()
        for number in range(1, 8):
            grow(number)
        add_member(case=case, person=self.police_inspector.person, user=self.coordinator)
        add_member(case=case, person=self.social_inspector.person, user=self.coordinator)
        self.assertEqual(queries(), small)


class BoundEntryTests(CastTestCase):
    def test_an_entry_shared_under_458ter_is_marked_with_its_purpose(self) -> None:
        case = open_case(
            municipality=self.city_a,
            user=self.coordinator,
            title="Consultation",
            phenomenon=Phenomenon.HUMAN_TRAFFICKING,
        )
        meeting = Meeting.objects.create(
            municipality=self.city_a,
            title="Closed consultation",
            held_on=date(2026, 2, 1),
            frame=Meeting.Frame.ART_458TER,
            purpose="protecting the victims of the Wilby parlours",
        )
        with self.assertRaisesMessage(ValidationError, "art. 458ter consultation with this case"):
            add_entry(
                case=case,
                user=self.coordinator,
                fact="Shared in confidence",
                source="Victim support",
                kind=Entry.Kind.CLOSED,
                known_on=date(2026, 2, 1),
                sharing=Entry.Sharing.CASE_TEAM,
                meeting=meeting,
            )
        AgendaItem.objects.create(meeting=meeting, case=case)
        add_entry(
            case=case,
            user=self.coordinator,
            fact="Shared in confidence",
            source="Victim support",
            kind=Entry.Kind.CLOSED,
            known_on=date(2026, 2, 1),
            sharing=Entry.Sharing.CASE_TEAM,
            meeting=meeting,
        )
        self.client.cookies["django_language"] = "en"
        self.client.force_login(self.coordinator)
        response = self.client.get(reverse("cases:case", kwargs={"code": case.code}))
        self.assertContains(
            response, "Only for the purpose of protecting the victims of the Wilby parlours"
        )
        # Bound to its purpose, it is not used for the risk assessment either.
        self.assertContains(response, "Nothing in the case raises its risk yet.")
