"""The case file: opening, team, subjects, entries and states, and who sees what."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.actions.files import open_case
from cases.models import Case, Phenomenon, Subject
from partners.models import AuditEntry
from tests.base import CastTestCase


class OpenCaseTests(CastTestCase):
    def open(self, **kwargs):  # type: ignore[no-untyped-def]
        values = {
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
