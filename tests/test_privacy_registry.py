"""Retention and the right of access are run by partners/ for every app, from what each
app registers (gis/records.py, inspections/records.py). These tests register one more
purger and one more section, as an app further along the chain would."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from typing import Any

from django.core.management import call_command

from gis.models import Signal
from partners import privacy
from partners.models import AuditEntry
from tests.base import CastTestCase
from tests.field_fixtures import build_field_day


class PurgeRegistryTests(CastTestCase):
    def setUp(self) -> None:
        self.field = build_field_day(self.cast)
        self.signal = Signal.objects.create(
            premises=self.field.visits[0].premises,
            source="neighbour",
            received_on=privacy.retention_cutoff() - timedelta(days=3),
            description="Buurvrouw An meldt lawaai",
        )
        self.applied: list[date] = []

    def register(self, purger: privacy.Purger) -> None:
        privacy.register_purger(purger)
        self.addCleanup(privacy.PURGERS.remove, purger)

    def notes_purger(self, cutoff: date, today: date) -> privacy.PurgePart:
        return privacy.PurgePart(
            counts={"case notes removed": 3},
            apply=lambda: self.applied.append(cutoff),
            lines=["Case notes past retention: 3"],
            audit={"case_notes": ["N-1", "N-2", "N-3"]},
        )

    def test_an_app_registers_what_it_purges_and_is_listed_and_audited(self) -> None:
        self.register(self.notes_purger)
        out = io.StringIO()
        call_command("purge_personal_data", "--dry-run", stdout=out)
        self.assertIn("Case notes past retention: 3", out.getvalue())
        self.assertIn("case notes removed: 3", out.getvalue())
        self.assertIn("signal descriptions removed: 1", out.getvalue())
        self.assertEqual(self.applied, [])
        call_command("purge_personal_data", stdout=io.StringIO())
        self.assertEqual(self.applied, [privacy.retention_cutoff()])
        entry = AuditEntry.objects.get(object_type="privacy.retention")
        self.assertEqual(entry.detail["case_notes_removed"], 3)
        self.assertEqual(entry.detail["case_notes"], ["N-1", "N-2", "N-3"])
        self.assertEqual(entry.detail["signal_descriptions_removed"], 1)

    def test_one_app_failing_undoes_every_apps_purge(self) -> None:
        def broken(cutoff: date, today: date) -> privacy.PurgePart:
            def fail() -> None:
                raise RuntimeError("disk gone")

            return privacy.PurgePart(counts={"case notes removed": 1}, apply=fail)

        self.register(broken)
        with self.assertRaisesMessage(RuntimeError, "disk gone"):
            call_command("purge_personal_data", stdout=io.StringIO())
        self.signal.refresh_from_db()
        self.assertEqual(self.signal.description, "Buurvrouw An meldt lawaai")
        self.assertFalse(AuditEntry.objects.filter(object_type="privacy.retention").exists())


class SubjectAccessRegistryTests(CastTestCase):
    def setUp(self) -> None:
        self.field = build_field_day(self.cast)
        self.premises = self.field.visits[0].premises
        self.premises.operator_name = "Donut BV"
        self.premises.save()

    def export(self, *args: str) -> dict[str, Any]:
        out = io.StringIO()
        call_command("subject_access", *args, stdout=out, stderr=io.StringIO())
        data: dict[str, Any] = json.loads(out.getvalue())
        return data

    def test_a_registered_section_and_detail_join_the_export(self) -> None:
        def cases(subject: privacy.Subject) -> list[dict[str, Any]] | None:
            return [{"subject": subject.name}] if subject.name else None

        def case_count(subject: privacy.Subject, premises: dict[str, Any]) -> int:
            return 2 if premises["operator"] == "Donut BV" else 0

        privacy.register_subject_section("cases", cases)
        privacy.register_subject_detail("premises", "cases", case_count)
        self.addCleanup(privacy.SECTIONS.pop, "cases")
        self.addCleanup(privacy.DETAILS["premises"].pop, "cases")
        data = self.export("--name", "Donut")
        self.assertEqual(data["cases"], [{"subject": "Donut"}])
        [premises] = data["premises"]
        self.assertEqual(premises["cases"], 2)
        # Visits at the premises come from inspections/, signals from gis/.
        self.assertEqual(len(premises["visits"]), 1)
        self.assertIn("signals", premises)

    def test_a_section_that_does_not_apply_is_left_out(self) -> None:
        self.premises.enterprise_number = "0123.456.749"
        self.premises.save()
        data = self.export("--enterprise", "0123456749")
        self.assertEqual(data["subject"]["enterprise_number"], "0123.456.749")
        self.assertEqual(len(data["premises"]), 1)
        self.assertNotIn("signals_mentioning", data)
        self.assertNotIn("findings_mentioning", data)
