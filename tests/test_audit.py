"""The audit log: written by one helper, append-only."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from partners import audit
from partners.models import AuditEntry
from tests.base import CastTestCase


class AuditLogTests(CastTestCase):
    def test_record_copies_who_what_and_municipality(self) -> None:
        entry = audit.record(
            self.coordinator,
            AuditEntry.Action.READ,
            self.police,
            municipality=self.city_a,
            reason="check",
        )
        entry.refresh_from_db()
        self.assertEqual(entry.username, "coordinator")
        self.assertEqual(entry.object_type, "partners.Partner")
        self.assertEqual(entry.object_code, str(self.police.code))
        self.assertEqual(entry.object_repr, "Police")
        self.assertEqual(entry.municipality, self.city_a)
        self.assertEqual(entry.detail, {"reason": "check"})

    def test_entry_survives_the_user(self) -> None:
        entry = audit.record(self.clerk, AuditEntry.Action.LOOKUP, object_type="lookup")
        self.clerk.delete()
        entry.refresh_from_db()
        self.assertIsNone(entry.user)
        self.assertEqual(entry.username, "clerk")

    def test_anonymous_is_recorded_as_such(self) -> None:
        entry = audit.record(AnonymousUser(), AuditEntry.Action.READ, self.police)
        self.assertEqual(entry.username, "anonymous")

    def test_unknown_action_is_refused(self) -> None:
        with self.assertRaises(ValueError):
            audit.record(self.coordinator, "peek", self.police)
        self.assertFalse(AuditEntry.objects.exists())

    def test_entries_cannot_be_changed_or_deleted(self) -> None:
        entry = audit.record(self.coordinator, AuditEntry.Action.READ, self.police)
        entry.username = "someone else"
        with self.assertRaises(PermissionError):
            entry.save()
        with self.assertRaises(PermissionError):
            entry.delete()
        with self.assertRaises(PermissionError):
            AuditEntry.objects.all().delete()
        with self.assertRaises(PermissionError):
            AuditEntry.objects.update(username="x")
        self.assertEqual(AuditEntry.objects.get().username, "coordinator")
