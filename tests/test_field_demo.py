"""The demo's field checklists: present for the day's partners, loading twice changes nothing."""

from __future__ import annotations

from inspections.demo_field import load_field_demo
from inspections.models import ChecklistVersion
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
