"""Signals from every desk: filing (by each desk's people, refused on bad input with
nothing saved), "My signals" that shows the reporter the status and nothing triage
found, and the coordinator's triage queue and steps, with their permissions and audit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.actions.files import open_case
from cases.actions.signals import (
    dismiss_signal,
    file_signal,
    infer_desk,
    link_signal_to_case,
    link_signal_to_premises,
    merge_signal,
    open_case_from_signal,
    verify_signal,
)
from cases.models import Case, DeskSignal, Subject
from gis.models import Indicator, Premises
from partners.models import AuditEntry, Person, Role, person_of
from tests.base import CastTestCase
from tests.cast import make_user
from tests.gis_factories import make_premises

FILE_URL = reverse("cases:signal-file")
MINE_URL = reverse("cases:my-signals")
QUEUE_URL = reverse("cases:triage-queue")
# A valid Belgian enterprise number (97 - 01234567 mod 97 = 49) and one off by one.
GOOD_NUMBER = "BE 0123.456.749"
BAD_NUMBER = "0123.456.748"


def signal_url(name: str, signal: DeskSignal) -> str:
    return reverse(f"cases:{name}", args=[signal.code])


class SignalTestCase(CastTestCase):
    premises: Premises
    indicator: Indicator
    population: User
    warden: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.premises = make_premises(cls.city_a, 1, name="Massagesalon Lotus")
        cls.indicator = Indicator.objects.order_by("code")[0]
        # The population office and a warden: people of the city with no role of their own.
        cls.population = make_user("population", cls.city, [], cls.city_a)
        cls.warden = make_user("warden", cls.city, [], cls.city_a)

    def setUp(self) -> None:
        # The assertions read the English interface.
        self.client.cookies["django_language"] = "en"

    def file(self, user: User, **fields: Any) -> DeskSignal:
        arguments: dict[str, Any] = {
            "municipality": self.city_a,
            "user": user,
            "about": DeskSignal.About.COMPANY,
            "subject_name": "Lotus Wellness BV",
            "enterprise_number": GOOD_NUMBER,
            "observed_on": timezone.localdate(),
            "what_was_seen": "Six mattresses behind the shop.",
            "desk": DeskSignal.Desk.OTHER,
        }
        arguments.update(fields)
        return file_signal(**arguments)

    def form(self, **fields: Any) -> dict[str, Any]:
        data = {
            "municipality": str(self.city_a.pk),
            "about": "company",
            "subject_name": "Lotus Wellness BV",
            "enterprise_number": GOOD_NUMBER,
            "observed_on": timezone.localdate().isoformat(),
            "what_was_seen": "Six mattresses behind the shop.",
        }
        data.update(fields)
        return data

    def audit_steps(self, signal: DeskSignal) -> list[str]:
        return [
            entry.detail.get("step", entry.action)
            for entry in AuditEntry.objects.filter(
                object_type="cases.DeskSignal", object_code=str(signal.code)
            )
            .exclude(action=AuditEntry.Action.READ)
            .order_by("pk")
        ]


class FilingTests(SignalTestCase):
    def test_every_desk_files_through_the_page_and_the_desk_follows_from_the_role(self) -> None:
        expected = {
            self.clerk: DeskSignal.Desk.PERMIT_DESK,
            self.police_inspector: DeskSignal.Desk.POLICE,
            self.social_inspector: DeskSignal.Desk.INSPECTION,
        }
        for user, desk in expected.items():
            self.client.force_login(user)
            response = self.client.post(FILE_URL, self.form())
            self.assertRedirects(response, MINE_URL)
            signal = DeskSignal.objects.get(reporter=user)
            self.assertEqual(signal.desk, desk)
            self.assertEqual(signal.reporter_partner, Person.objects.get(user=user).partner)
            self.assertEqual(signal.enterprise_number, "0123.456.749")
            self.assertEqual(signal.status, DeskSignal.Status.RECEIVED)

    def test_the_population_office_and_wardens_choose_their_desk(self) -> None:
        for user, desk in (
            (self.population, "population_office"),
            (self.warden, "wardens"),
        ):
            self.client.force_login(user)
            page = self.client.get(FILE_URL)
            self.assertContains(page, 'name="desk"')
            refused = self.client.post(FILE_URL, self.form())
            self.assertContains(refused, "Choose the desk you file for.", status_code=400)
            self.client.post(FILE_URL, self.form(desk=desk))
            self.assertEqual(DeskSignal.objects.get(reporter=user).desk, desk)

    def test_a_clerk_sees_no_desk_choice_but_whom_they_file_for(self) -> None:
        self.client.force_login(self.clerk)
        page = self.client.get(FILE_URL)
        self.assertNotContains(page, 'name="desk"')
        self.assertContains(page, "Permit desk")

    def test_a_premises_is_picked_from_the_register_by_search(self) -> None:
        self.client.force_login(self.clerk)
        found = self.client.get(
            reverse("cases:signal-premises-search"), {"premises_query": "lotus"}
        )
        self.assertContains(found, "Massagesalon Lotus")
        self.assertContains(found, str(self.premises.code))
        response = self.client.post(
            FILE_URL,
            self.form(about="premises", premises=str(self.premises.code), premises_query="lotus"),
        )
        self.assertRedirects(response, MINE_URL)
        signal = DeskSignal.objects.get()
        self.assertEqual(signal.premises, self.premises)
        self.assertEqual(signal.subject_name, "")
        self.assertEqual(signal.enterprise_number, "")

    def test_without_script_the_search_comes_back_with_the_matches_to_choose_from(self) -> None:
        self.client.force_login(self.clerk)
        response = self.client.post(FILE_URL, self.form(about="premises", premises_query="lotus"))
        self.assertContains(response, "Search for the premises and choose it.", status_code=400)
        self.assertContains(response, f'value="{self.premises.code}"', status_code=400)
        self.assertContains(response, "Six mattresses behind the shop.", status_code=400)
        self.assertFalse(DeskSignal.objects.exists())

    def test_a_premises_of_another_city_cannot_be_chosen(self) -> None:
        elsewhere = make_premises(self.city_b, 2, name="Salon Malmedy")
        self.client.force_login(self.clerk)
        found = self.client.get(
            reverse("cases:signal-premises-search"), {"premises_query": "salon"}
        )
        self.assertNotContains(found, "Salon Malmedy")
        response = self.client.post(
            FILE_URL, self.form(about="premises", premises=str(elsewhere.code))
        )
        self.assertContains(response, "Choose a premises among the matches.", status_code=400)
        self.assertFalse(DeskSignal.objects.exists())

    def test_an_address_a_person_and_an_indicator(self) -> None:
        self.client.force_login(self.police_inspector)
        self.client.post(
            FILE_URL,
            self.form(about="address", address="Basiliekstraat 12,  1500 Halle", subject_name=""),
        )
        self.client.post(
            FILE_URL,
            self.form(about="person", subject_name="J. Peeters", indicator=self.indicator.code),
        )
        address, person = DeskSignal.objects.order_by("pk")
        self.assertEqual(address.address, "Basiliekstraat 12, 1500 Halle")
        self.assertEqual(address.subject_name, "")
        self.assertEqual(person.subject_name, "J. Peeters")
        self.assertEqual(person.enterprise_number, "", "a person has no enterprise number")
        self.assertEqual(person.indicator, self.indicator)

    def test_bad_input_is_refused_with_a_clear_message_and_nothing_saved(self) -> None:
        self.client.force_login(self.clerk)
        tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
        cases = [
            (self.form(enterprise_number=BAD_NUMBER), "the check digits fail"),
            (self.form(enterprise_number="12345"), "it needs 10 digits"),
            (self.form(observed_on=tomorrow), "The date seen cannot be in the future."),
            (self.form(what_was_seen="  "), "Say what you saw."),
            (self.form(about="address", address=""), "Give the address the signal is about."),
            (self.form(about="premises"), "Search for the premises and choose it."),
            (self.form(subject_name=""), "Give the name of the company or person."),
            (self.form(about=""), "Say what the signal is about."),
            (self.form(indicator="no-such-indicator"), "Select a valid choice"),
        ]
        for data, message in cases:
            with self.subTest(message):
                response = self.client.post(FILE_URL, data)
                self.assertContains(response, message, status_code=400)
                self.assertContains(response, "Nothing was saved", status_code=400)
        self.assertFalse(DeskSignal.objects.exists())
        self.assertFalse(AuditEntry.objects.filter(object_type="cases.DeskSignal").exists())

    def test_the_action_refuses_the_same_bad_input(self) -> None:
        with self.assertRaisesMessage(ValidationError, "the check digits fail"):
            self.file(self.clerk, enterprise_number=BAD_NUMBER)
        with self.assertRaisesMessage(ValidationError, "Choose the desk you file for."):
            self.file(self.population, desk="")
        with self.assertRaisesMessage(ValidationError, "is not in Malmedy"):
            self.file(
                self.outsider, municipality=self.city_b, about="premises", premises=self.premises
            )
        with self.assertRaises(PermissionDenied):
            self.file(self.clerk, municipality=self.city_b)
        self.assertFalse(DeskSignal.objects.exists())

    def test_filing_is_audited(self) -> None:
        signal = self.file(self.clerk)
        entry = AuditEntry.objects.get(object_code=str(signal.code))
        self.assertEqual(entry.action, AuditEntry.Action.CREATE)
        self.assertEqual(entry.user, self.clerk)
        self.assertEqual(entry.municipality, self.city_a)

    def test_a_user_without_a_place_in_a_municipality_cannot_file(self) -> None:
        loner = User.objects.create_user("loner", password="x")
        self.client.force_login(loner)
        self.assertEqual(self.client.get(FILE_URL).status_code, 403)
        self.assertEqual(self.client.get(MINE_URL).status_code, 403)
        search = reverse("cases:signal-premises-search")
        self.assertEqual(self.client.get(search, {"premises_query": "lotus"}).status_code, 403)

    def test_infer_desk_by_role(self) -> None:
        self.assertEqual(infer_desk(person_of(self.coordinator)), "")
        self.assertEqual(infer_desk(None), "")
        self.assertEqual(infer_desk(person_of(self.clerk)), DeskSignal.Desk.PERMIT_DESK)


class MySignalsTests(SignalTestCase):
    def test_the_reporter_sees_only_the_status_of_their_own_signals(self) -> None:
        dismissed = self.file(self.clerk, subject_name="Dismissed Company BV")
        dismiss_signal(signal=dismissed, user=self.coordinator, reason="zz-reason-only-for-triage")
        linked = self.file(self.clerk, subject_name="Linked Company BV")
        case = open_case_from_signal(
            signal=linked, user=self.coordinator, title="zz-case-title", phenomenon="drugs"
        )
        merged = self.file(self.clerk, subject_name="Merged Company BV")
        merge_signal(signal=merged, into=linked, user=self.coordinator)
        self.file(self.police_inspector, subject_name="zz-someone-elses-signal")
        received = self.file(self.clerk, subject_name="Fresh Company BV")

        self.client.force_login(self.clerk)
        page = self.client.get(MINE_URL)
        text = page.content.decode()
        for shown in ("Dismissed Company BV", "Linked Company BV", "Fresh Company BV"):
            self.assertIn(shown, text)
        self.assertEqual(text.count("status-closed"), 2)
        self.assertEqual(text.count("status-in_treatment"), 1)
        self.assertEqual(text.count("status-received"), 1)
        for hidden in (
            "zz-reason-only-for-triage",
            "zz-case-title",
            case.number,
            "zz-someone-elses-signal",
            "Dismissed",  # the outcome's label
            "Merged into",
            "Linked to a case",
            self.coordinator.get_username().title(),
        ):
            self.assertNotIn(hidden, text.replace("Dismissed Company BV", ""), hidden)
        self.assertEqual(received.status, DeskSignal.Status.RECEIVED)

    def test_the_reporter_cannot_open_their_signal_on_the_triage_side(self) -> None:
        signal = self.file(self.clerk)
        self.client.force_login(self.clerk)
        self.assertEqual(self.client.get(signal_url("triage-signal", signal)).status_code, 403)
        self.assertEqual(self.client.get(QUEUE_URL).status_code, 403)


class TriageQueueTests(SignalTestCase):
    def test_the_queue_lists_the_citys_signals_of_one_status_oldest_first(self) -> None:
        older = self.file(self.clerk, subject_name="Older BV")
        DeskSignal.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=3))
        self.file(self.police_inspector, subject_name="Newer BV")
        self.file(self.outsider, municipality=self.city_b, subject_name="Malmedy SPRL")
        verified = self.file(self.clerk, subject_name="Verified BV")
        verify_signal(signal=verified, user=self.coordinator)

        self.client.force_login(self.coordinator)
        text = self.client.get(QUEUE_URL).content.decode()
        self.assertLess(text.index("Older BV"), text.index("Newer BV"))
        self.assertNotIn("Verified BV", text)
        self.assertNotIn("Malmedy SPRL", text)
        self.assertIn("Received (2)", text)
        self.assertIn("In treatment (1)", text)
        in_treatment = self.client.get(QUEUE_URL, {"status": "in_treatment"})
        self.assertContains(in_treatment, "Verified BV")
        self.assertNotContains(in_treatment, "Older BV")

    def test_only_coordinators_and_admins_triage(self) -> None:
        signal = self.file(self.clerk)
        for user in (self.clerk, self.analyst, self.mayor, self.police_inspector):
            self.client.force_login(user)
            self.assertEqual(self.client.get(QUEUE_URL).status_code, 403, user)
            self.assertEqual(self.client.get(signal_url("triage-signal", signal)).status_code, 403)
            response = self.client.post(signal_url("triage-verify", signal))
            self.assertEqual(response.status_code, 403)
        admin = make_user("admin", self.city, [Role.ADMIN], self.city_a)
        self.client.force_login(admin)
        self.assertEqual(self.client.get(signal_url("triage-signal", signal)).status_code, 200)
        signal.refresh_from_db()
        self.assertEqual(signal.status, DeskSignal.Status.RECEIVED)

    def test_another_citys_signal_is_not_found(self) -> None:
        signal = self.file(self.clerk)
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(signal_url("triage-signal", signal)).status_code, 404)
        for name in ("triage-verify", "triage-dismiss", "triage-merge", "triage-case"):
            self.assertEqual(self.client.post(signal_url(name, signal)).status_code, 404, name)
        with self.assertRaises(PermissionDenied):
            verify_signal(signal=signal, user=self.outsider)
        signal.refresh_from_db()
        self.assertEqual(signal.status, DeskSignal.Status.RECEIVED)

    def test_reading_a_signal_on_the_triage_side_is_audited(self) -> None:
        signal = self.file(self.clerk)
        self.client.force_login(self.coordinator)
        page = self.client.get(signal_url("triage-signal", signal))
        self.assertContains(page, "Six mattresses behind the shop.")
        self.assertContains(page, "Clerk")
        self.assertTrue(
            AuditEntry.objects.filter(
                action=AuditEntry.Action.READ,
                object_code=str(signal.code),
                user=self.coordinator,
            ).exists()
        )


class TriageStepTests(SignalTestCase):
    def test_verifying_a_premises_signal_with_an_indicator_raises_the_premises_risk(self) -> None:
        signal = self.file(
            self.clerk, about="premises", premises=self.premises, indicator=self.indicator
        )
        before = self.premises.risk_score
        self.client.force_login(self.coordinator)
        response = self.client.post(signal_url("triage-verify", signal))
        self.assertRedirects(response, signal_url("triage-signal", signal))
        signal.refresh_from_db()
        self.premises.refresh_from_db()
        self.assertEqual(signal.status, DeskSignal.Status.IN_TREATMENT)
        self.assertEqual(signal.outcome, DeskSignal.Outcome.VERIFIED)
        self.assertIsNotNone(signal.register_signal)
        assert signal.register_signal is not None
        self.assertEqual(list(signal.register_signal.indicators.all()), [self.indicator])
        self.assertGreater(self.premises.risk_score, before)
        self.assertEqual(signal.triaged_by, self.coordinator)
        self.assertEqual(self.audit_steps(signal), ["create", "verify"])

    def test_verifying_twice_or_without_an_indicator(self) -> None:
        signal = self.file(self.clerk, about="premises", premises=self.premises)
        verify_signal(signal=signal, user=self.coordinator)
        signal.refresh_from_db()
        self.assertIsNone(signal.register_signal, "no indicator: nothing for the risk")
        with self.assertRaisesMessage(ValidationError, "already verified"):
            verify_signal(signal=signal, user=self.coordinator)

    def test_an_address_is_linked_to_a_premises_found_by_search(self) -> None:
        signal = self.file(
            self.clerk, about="address", address="Teststraat 1, Halle", indicator=self.indicator
        )
        verify_signal(signal=signal, user=self.coordinator)
        self.client.force_login(self.coordinator)
        page = self.client.get(signal_url("triage-signal", signal), {"premises_query": "teststr 1"})
        self.assertContains(page, "Massagesalon Lotus")
        response = self.client.post(
            signal_url("triage-premises", signal), {"premises": str(self.premises.code)}
        )
        self.assertRedirects(response, signal_url("triage-signal", signal))
        signal.refresh_from_db()
        self.assertEqual(signal.premises, self.premises)
        self.assertIsNotNone(signal.register_signal, "verified with an indicator: it counts now")
        self.assertEqual(signal.address, "Teststraat 1, Halle", "what the reporter gave stays")

    def test_linking_a_premises_of_another_city_is_refused(self) -> None:
        signal = self.file(self.clerk, about="address", address="Rue 1")
        elsewhere = make_premises(self.city_b, 3)
        self.client.force_login(self.coordinator)
        response = self.client.post(
            signal_url("triage-premises", signal), {"premises": str(elsewhere.code)}, follow=True
        )
        self.assertContains(response, "Choose a premises among the matches.")
        with self.assertRaisesMessage(ValidationError, "is not in Halle"):
            link_signal_to_premises(signal=signal, premises=elsewhere, user=self.coordinator)
        signal.refresh_from_db()
        self.assertIsNone(signal.premises)

    def test_opening_a_case_from_a_company_signal(self) -> None:
        signal = self.file(self.clerk)
        self.client.force_login(self.coordinator)
        response = self.client.post(
            signal_url("triage-open-case", signal),
            {"title": "Lotus", "phenomenon": "human_trafficking", "summary": "From the desk."},
        )
        self.assertRedirects(response, signal_url("triage-signal", signal))
        signal.refresh_from_db()
        case = Case.objects.get()
        self.assertEqual(signal.case, case)
        self.assertEqual(signal.outcome, DeskSignal.Outcome.LINKED)
        self.assertEqual(signal.status, DeskSignal.Status.IN_TREATMENT)
        self.assertTrue(case.number.startswith(f"23027-{timezone.localdate().year}-"))
        self.assertEqual(
            list(case.members.values_list("person__user", flat=True)), [self.coordinator.pk]
        )
        company = Subject.objects.get(kind=Subject.Kind.COMPANY)
        self.assertEqual(company.enterprise_number, "0123.456.749")
        self.assertEqual(signal.subject, company)
        self.assertEqual(list(case.subjects.all()), [company])
        self.assertEqual(self.audit_steps(signal), ["create", "link_case"])

    def test_opening_a_case_without_a_title_saves_nothing(self) -> None:
        signal = self.file(self.clerk)
        self.client.force_login(self.coordinator)
        response = self.client.post(
            signal_url("triage-open-case", signal),
            {"title": "", "phenomenon": "drugs"},
            follow=True,
        )
        self.assertContains(response, "A case needs a title.")
        self.assertFalse(Case.objects.exists())
        self.assertFalse(Subject.objects.exists())
        signal.refresh_from_db()
        self.assertEqual(signal.status, DeskSignal.Status.RECEIVED)

    def test_a_second_signal_on_the_same_company_links_to_the_same_subject(self) -> None:
        first = self.file(self.clerk)
        case = open_case_from_signal(
            signal=first, user=self.coordinator, title="Lotus", phenomenon="drugs"
        )
        second = self.file(self.police_inspector, enterprise_number="0123456749")
        self.client.force_login(self.coordinator)
        response = self.client.post(signal_url("triage-case", second), {"case": str(case.code)})
        self.assertRedirects(response, signal_url("triage-signal", second))
        second.refresh_from_db()
        self.assertEqual(second.case, case)
        first.refresh_from_db()
        self.assertIsNotNone(first.subject)
        self.assertEqual(second.subject, first.subject)
        self.assertEqual(Subject.objects.count(), 1)
        self.assertEqual(case.case_subjects.count(), 1)

    def test_only_cases_the_coordinator_is_in_the_team_of(self) -> None:
        other_coordinator = make_user("coordinator2", self.city, [Role.COORDINATOR], self.city_a)
        foreign_team = open_case(
            municipality=self.city_a, user=other_coordinator, title="Not mine", phenomenon="drugs"
        )
        signal = self.file(self.clerk)
        self.client.force_login(self.coordinator)
        page = self.client.get(signal_url("triage-signal", signal))
        self.assertNotContains(page, "Not mine")
        response = self.client.post(
            signal_url("triage-case", signal), {"case": str(foreign_team.code)}, follow=True
        )
        self.assertContains(response, "Choose a case of your own among the open ones.")
        with self.assertRaisesMessage(ValidationError, "whose team you are in"):
            link_signal_to_case(signal=signal, case=foreign_team, user=self.coordinator)
        signal.refresh_from_db()
        self.assertIsNone(signal.case)

    def test_merging_a_duplicate(self) -> None:
        original = self.file(self.clerk)
        duplicate = self.file(self.police_inspector)
        self.client.force_login(self.coordinator)
        page = self.client.get(signal_url("triage-signal", duplicate))
        self.assertContains(page, "Permit desk, ")
        response = self.client.post(
            signal_url("triage-merge", duplicate), {"into": str(original.code)}
        )
        self.assertRedirects(response, signal_url("triage-signal", duplicate))
        duplicate.refresh_from_db()
        self.assertEqual(duplicate.duplicate_of, original)
        self.assertEqual(duplicate.status, DeskSignal.Status.CLOSED)
        self.assertEqual(duplicate.outcome, DeskSignal.Outcome.MERGED)
        self.assertEqual(self.audit_steps(duplicate), ["create", "merge"])
        original_page = self.client.get(signal_url("triage-signal", original))
        self.assertContains(original_page, "Repeated by")

    def test_merge_refusals(self) -> None:
        first = self.file(self.clerk)
        second = self.file(self.clerk)
        third = self.file(self.clerk)
        with self.assertRaisesMessage(ValidationError, "cannot be merged into itself"):
            merge_signal(signal=first, into=first, user=self.coordinator)
        merge_signal(signal=second, into=first, user=self.coordinator)
        with self.assertRaisesMessage(ValidationError, "merge into that one"):
            merge_signal(signal=third, into=second, user=self.coordinator)
        elsewhere = self.file(self.outsider, municipality=self.city_b)
        with self.assertRaisesMessage(ValidationError, "Choose a signal of Halle"):
            merge_signal(signal=third, into=elsewhere, user=self.coordinator)
        third.refresh_from_db()
        self.assertEqual(third.status, DeskSignal.Status.RECEIVED)

    def test_dismissing_needs_a_reason(self) -> None:
        signal = self.file(self.clerk)
        self.client.force_login(self.coordinator)
        refused = self.client.post(
            signal_url("triage-dismiss", signal), {"reason": " "}, follow=True
        )
        self.assertContains(refused, "Give the reason for dismissing the signal.")
        signal.refresh_from_db()
        self.assertEqual(signal.status, DeskSignal.Status.RECEIVED)
        self.client.post(signal_url("triage-dismiss", signal), {"reason": "Known, no grounds."})
        signal.refresh_from_db()
        self.assertEqual(signal.status, DeskSignal.Status.CLOSED)
        self.assertEqual(signal.outcome, DeskSignal.Outcome.DISMISSED)
        self.assertEqual(signal.dismiss_reason, "Known, no grounds.")
        self.assertEqual(self.audit_steps(signal), ["create", "dismiss"])

    def test_a_closed_signal_takes_no_more_steps(self) -> None:
        signal = self.file(self.clerk)
        dismiss_signal(signal=signal, user=self.coordinator, reason="No grounds.")
        with self.assertRaisesMessage(ValidationError, "This signal is closed"):
            verify_signal(signal=signal, user=self.coordinator)
        self.client.force_login(self.coordinator)
        page = self.client.get(signal_url("triage-signal", signal))
        self.assertNotContains(page, signal_url("triage-verify", signal))
        self.assertContains(page, "No grounds.")

    def test_htmx_refusal_answers_with_the_reason_and_no_redirect(self) -> None:
        signal = self.file(self.clerk)
        self.client.force_login(self.coordinator)
        response = self.client.post(
            signal_url("triage-dismiss", signal), {"reason": ""}, headers={"HX-Request": "true"}
        )
        self.assertContains(response, "Give the reason", status_code=400)
        done = self.client.post(signal_url("triage-verify", signal), headers={"HX-Request": "true"})
        self.assertEqual(done["HX-Redirect"], signal_url("triage-signal", signal))
