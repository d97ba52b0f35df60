"""What a case meeting shows to whom: everyone at the table sees the agenda by case
number, but a case's title, decision, actions and what was shared about it only its
team; the minutes, free text over the whole agenda, only someone in every case's team.
Writing a decision takes a coordinator in the case's team. Every read is audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cases.actions import meetings as actions
from cases.actions.files import open_case
from cases.models import (
    AgendaItem,
    Approach,
    Case,
    CaseAction,
    CaseMember,
    Entry,
    Instrument,
    Meeting,
    Phenomenon,
)
from partners.models import AuditEntry, Role
from tests.cast import make_user
from tests.test_cases_meetings import MeetingTestCase, today

PARLOUR_DECISION = "Joint action on the four parlours"
PARLOUR_ACTION = "Check the workers of the parlours"
SHARED_FACT = "Six workers found without Dimona"
SHOP_TITLE = "Night shops Station Street"
SHOP_DECISION = "Refer the night shops to the prosecutor"
SHOP_ACTION = "Hand the file to the reference magistrate"
MINUTES = "Both files discussed; the parlours get a joint action, the shops go to court."


class MeetingConfidentialityTestCase(MeetingTestCase):
    """A closed art. 458ter consultation of city A with two cases on its agenda: the
    parlours (team: coordinator, social inspector) and the night shops (team:
    coordinator, police inspector). The mayor's office takes part in neither team. Both
    are decided, the social inspection shared an entry about the parlours, and the
    coordinator wrote the minutes."""

    def setUp(self) -> None:
        super().setUp()
        self.shops = open_case(
            municipality=self.city_a,
            user=self.coordinator,
            title=SHOP_TITLE,
            phenomenon=Phenomenon.DRUGS,
        )
        CaseMember.objects.create(case=self.shops, person=self.police_inspector.person)
        self.referral = Instrument.objects.create(
            partner=self.police,
            code="judicial-referral",
            kind=Instrument.Kind.JUDICIAL,
            title_nl="Doorverwijzing naar het parket",
            title_fr="Renvoi au parquet",
            title_en="Referral to the prosecutor",
        )
        self.meeting = self.schedule(
            frame=Meeting.Frame.ART_458TER,
            protocol=None,
            purpose="Exploitation in the station area",
        )
        for user in (self.social_inspector, self.police_inspector, self.mayor):
            actions.add_participant(meeting=self.meeting, person=user.person, user=self.coordinator)
        self.parlour_item = actions.put_on_agenda(
            meeting=self.meeting, case=self.case, user=self.coordinator
        )
        self.shop_item = actions.put_on_agenda(
            meeting=self.meeting, case=self.shops, user=self.coordinator
        )
        deadline = today() + timedelta(days=30)
        actions.record_decision(
            item=self.parlour_item,
            user=self.coordinator,
            approach=Approach.INTEGRATED,
            decision=PARLOUR_DECISION,
            actions=[(self.social_inspection, self.social, deadline, PARLOUR_ACTION)],
        )
        actions.record_decision(
            item=self.shop_item,
            user=self.coordinator,
            approach=Approach.JUDICIAL,
            decision=SHOP_DECISION,
            actions=[(self.referral, self.police, deadline, SHOP_ACTION)],
        )
        actions.acknowledge(meeting=self.meeting, user=self.social_inspector)
        entry = Entry.objects.create(
            case=self.case,
            fact=SHARED_FACT,
            source="Inspection report",
            kind=Entry.Kind.CLOSED,
            partner=self.social,
            known_on=today(),
            sharing=Entry.Sharing.CASE_TEAM,
            author=self.social_inspector,
        )
        actions.share_in_meeting(meeting=self.meeting, entry=entry, user=self.social_inspector)
        actions.record_minutes(meeting=self.meeting, user=self.coordinator, minutes=MINUTES)
        self.url = reverse("cases:meeting", kwargs={"code": self.meeting.code})

    def page_for(self, user: Any) -> str:
        self.client.force_login(user)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def last_read(self, user: Any) -> AuditEntry:
        return AuditEntry.objects.filter(
            action=AuditEntry.Action.READ, object_code=str(self.meeting.code), user=user
        ).latest("pk")

    def assert_sees_the_parlours(self, page: str, sees: bool) -> None:
        check = self.assertIn if sees else self.assertNotIn
        for text in (
            self.case.title,
            PARLOUR_DECISION,
            PARLOUR_ACTION,
            "Social inspection",
            SHARED_FACT,
            "Integrated approach",
            str(self.case.code),
        ):
            with self.subTest(text=text, sees=sees):
                check(text, page)
        self.assertIn(self.case.number, page)

    def assert_sees_the_shops(self, page: str, sees: bool) -> None:
        check = self.assertIn if sees else self.assertNotIn
        for text in (
            SHOP_TITLE,
            SHOP_DECISION,
            SHOP_ACTION,
            "Referral to the prosecutor",
            "Judicial approach",
            str(self.shops.code),
        ):
            with self.subTest(text=text, sees=sees):
                check(text, page)
        self.assertIn(self.shops.number, page)


class WhatEachReaderSeesTests(MeetingConfidentialityTestCase):
    def test_a_coordinator_in_every_team_sees_everything_and_the_minutes(self) -> None:
        page = self.page_for(self.coordinator)
        self.assert_sees_the_parlours(page, True)
        self.assert_sees_the_shops(page, True)
        self.assertIn(MINUTES, page)  # in the form to edit them
        read = self.last_read(self.coordinator)
        self.assertEqual(
            sorted(read.detail["cases_shown"]), sorted([str(self.case.code), str(self.shops.code)])
        )
        self.assertEqual(read.detail["cases_withheld"], [])
        self.assertTrue(read.detail["minutes_shown"])

    def test_a_team_member_sees_their_case_and_only_the_number_of_the_other(self) -> None:
        page = self.page_for(self.social_inspector)
        self.assert_sees_the_parlours(page, True)
        self.assert_sees_the_shops(page, False)
        self.assertIn("Discussed: a decision was recorded.", page)
        # The minutes may speak of the shops: not for someone outside that team.
        self.assertNotIn(MINUTES, page)
        self.assertIn("shown only to those in the team of each of them", page)
        read = self.last_read(self.social_inspector)
        self.assertEqual(read.detail["cases_shown"], [str(self.case.code)])
        self.assertEqual(read.detail["cases_withheld"], [str(self.shops.code)])
        self.assertFalse(read.detail["minutes_shown"])
        self.assertTrue(read.detail["entries_shown"])

        page = self.page_for(self.police_inspector)
        self.assert_sees_the_parlours(page, False)
        self.assert_sees_the_shops(page, True)
        self.assertNotIn(MINUTES, page)

    def test_a_participant_in_no_team_sees_the_agenda_by_number_only(self) -> None:
        page = self.page_for(self.mayor)
        self.assert_sees_the_parlours(page, False)
        self.assert_sees_the_shops(page, False)
        self.assertNotIn(MINUTES, page)
        self.assertEqual(page.count("You are not in this case"), 2)
        read = self.last_read(self.mayor)
        self.assertEqual(read.detail["cases_shown"], [])
        self.assertEqual(read.detail["entries_shown"], [])
        self.assertEqual(len(read.detail["cases_withheld"]), 2)

    def test_a_coordinator_of_the_city_outside_the_teams_sees_numbers_only(self) -> None:
        other = make_user("coordinator2", self.city, [Role.COORDINATOR], self.city_a)
        page = self.page_for(other)
        self.assert_sees_the_parlours(page, False)
        self.assert_sees_the_shops(page, False)
        self.assertNotIn(MINUTES, page)
        self.assertNotIn("Save the minutes", page)

    def test_an_undecided_case_outside_ones_team_reads_as_on_the_agenda(self) -> None:
        AgendaItem.objects.filter(pk=self.shop_item.pk).update(decided_at=None)
        page = self.page_for(self.social_inspector)
        self.assertIn("On the agenda, no decision yet.", page)

    def test_the_minutes_are_read_by_whoever_is_in_every_team(self) -> None:
        CaseMember.objects.create(case=self.shops, person=self.social_inspector.person)
        page = self.page_for(self.social_inspector)
        self.assertIn(MINUTES, page)
        self.assert_sees_the_shops(page, True)
        self.assertTrue(self.last_read(self.social_inspector).detail["minutes_shown"])

    def test_another_city_gets_404(self) -> None:
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertFalse(
            AuditEntry.objects.filter(
                action=AuditEntry.Action.READ,
                object_code=str(self.meeting.code),
                user=self.outsider,
            ).exists()
        )


class WhoWritesTests(MeetingConfidentialityTestCase):
    def decision_url(self, case: Case) -> str:
        return reverse(
            "cases:meeting-decision", kwargs={"code": self.meeting.code, "case": case.code}
        )

    def decision_data(self, item: AgendaItem) -> dict[str, str]:
        return {
            f"d{item.pk}-approach": "tax",
            f"d{item.pk}-decision": "Overwritten",
            f"a{item.pk}-TOTAL_FORMS": "0",
            f"a{item.pk}-INITIAL_FORMS": "0",
        }

    def undecide(self, item: AgendaItem) -> None:
        CaseAction.objects.filter(agenda_item=item).delete()
        AgendaItem.objects.filter(pk=item.pk).update(decided_at=None, decision="", approach="")
        item.refresh_from_db()

    def assert_undecided(self, item: AgendaItem) -> None:
        item.refresh_from_db()
        self.assertIsNone(item.decided_at)
        self.assertEqual(item.decision, "")

    def test_a_coordinator_outside_the_case_team_cannot_decide_it(self) -> None:
        self.undecide(self.shop_item)
        other = make_user("coordinator2", self.city, [Role.COORDINATOR], self.city_a)
        actions.add_participant(meeting=self.meeting, person=other.person, user=self.coordinator)
        self.client.force_login(other)
        page = self.client.get(self.url).content.decode()
        self.assertNotIn("Record the decision", page)
        response = self.client.post(
            self.decision_url(self.shops), self.decision_data(self.shop_item)
        )
        self.assertEqual(response.status_code, 404)
        self.assert_undecided(self.shop_item)
        with self.assertRaises(PermissionDenied):
            actions.record_decision(item=self.shop_item, user=other, approach=Approach.TAX)
        self.assert_undecided(self.shop_item)

    def test_a_team_member_who_does_not_coordinate_cannot_decide(self) -> None:
        self.undecide(self.shop_item)
        self.client.force_login(self.police_inspector)
        response = self.client.post(
            self.decision_url(self.shops), self.decision_data(self.shop_item)
        )
        self.assertEqual(response.status_code, 403)
        self.assert_undecided(self.shop_item)

    def test_the_coordinator_in_the_team_decides(self) -> None:
        self.undecide(self.shop_item)
        self.client.force_login(self.coordinator)
        response = self.client.post(
            self.decision_url(self.shops), self.decision_data(self.shop_item)
        )
        self.assertEqual(response.status_code, 302)
        self.shop_item.refresh_from_db()
        self.assertEqual(self.shop_item.decision, "Overwritten")

    def test_another_city_cannot_decide_or_write_minutes(self) -> None:
        self.undecide(self.shop_item)
        self.client.force_login(self.outsider)
        response = self.client.post(
            self.decision_url(self.shops), self.decision_data(self.shop_item)
        )
        self.assertEqual(response.status_code, 404)
        response = self.client.post(
            reverse("cases:meeting-minutes", kwargs={"code": self.meeting.code}),
            {"minutes": "Overwritten"},
        )
        self.assertEqual(response.status_code, 404)
        self.assert_undecided(self.shop_item)
        self.meeting.refresh_from_db()
        self.assertEqual(self.meeting.minutes, MINUTES)

    def test_only_a_coordinator_in_every_team_writes_the_minutes(self) -> None:
        url = reverse("cases:meeting-minutes", kwargs={"code": self.meeting.code})
        other = make_user("coordinator2", self.city, [Role.COORDINATOR], self.city_a)
        CaseMember.objects.create(case=self.case, person=other.person)
        for user in (other, self.social_inspector):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                response = self.client.post(url, {"minutes": "Overwritten"})
                self.assertEqual(response.status_code, 403)
        with self.assertRaises(PermissionDenied):
            actions.record_minutes(meeting=self.meeting, user=other, minutes="Overwritten")
        self.meeting.refresh_from_db()
        self.assertEqual(self.meeting.minutes, MINUTES)
        # In both teams, the other coordinator may.
        CaseMember.objects.create(case=self.shops, person=other.person)
        self.client.force_login(other)
        self.assertEqual(self.client.post(url, {"minutes": "Rewritten"}).status_code, 302)
        self.meeting.refresh_from_db()
        self.assertEqual(self.meeting.minutes, "Rewritten")
