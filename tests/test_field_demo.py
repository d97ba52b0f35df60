"""The demo's field checklists: present for the day's partners, loading twice changes nothing."""

from __future__ import annotations

from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from inspections.demo import LAST_MONTH_TITLE
from inspections.demo_field import load_field_demo
from inspections.models import ActionDay, ChecklistVersion, Visit
from partners.models import AuditEntry
from tests.base import CastTestCase
from tests.field_fixtures import build_field_day


class FieldDemoTests(CastTestCase):
    def test_the_days_partners_have_their_checklists_and_a_second_load_changes_nothing(
        self,
    ) -> None:
        field = build_field_day(self.cast)
        before = ChecklistVersion.objects.count()
        versions = load_field_demo(field.day)
        slugs = [version.template.slug for version in versions]
        self.assertEqual(
            slugs, ["police-identities", "social-employment", "trafficking-indicators"]
        )
        self.assertTrue(all(version.is_published for version in versions))
        load_field_demo(field.day)
        self.assertEqual(ChecklistVersion.objects.count(), before)


class ClosedDemoDayTests(TestCase):
    """Last month's demo day reached its visits' states through the sync API's code."""

    @classmethod
    def setUpTestData(cls) -> None:
        call_command("load_demo", verbosity=0)

    def test_each_visit_was_started_and_ended_by_the_team_lead_on_the_day(self) -> None:
        day = ActionDay.objects.get(title=LAST_MONTH_TITLE)
        visits = list(day.visits.select_related("premises"))
        self.assertEqual(len(visits), 6)
        for visit in visits:
            assert visit.started_at is not None and visit.finished_at is not None
            self.assertEqual(timezone.localdate(visit.started_at), day.date)
            self.assertEqual(timezone.localdate(visit.finished_at), day.date)
            outcomes = AuditEntry.objects.filter(
                object_code=str(visit.code), username="police", action="change"
            ).values_list("detail__outcome", flat=True)
            self.assertEqual(sorted(outcomes), sorted(["start", visit.status]))

    def test_visited_premises_are_marked_inspected_on_the_days_date(self) -> None:
        day = ActionDay.objects.get(title=LAST_MONTH_TITLE)
        for visit in day.visits.select_related("premises"):
            inspected = visit.premises.last_inspected_on
            if visit.status == Visit.Status.DONE:
                self.assertEqual(inspected, day.date)
            else:
                self.assertNotEqual(inspected, day.date)
