"""The data protection officer's pages: the audit log with filters, and the right of
access; for administrators only, scoped to their municipalities."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from partners import audit
from partners.models import AuditEntry, Role
from tests.base import CastTestCase
from tests.cast import make_user
from tests.field_fixtures import build_field_day, jpeg_bytes
from tests.test_retention import record


class DpoPageTestCase(CastTestCase):
    dpo: User
    dpo_b: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.dpo = make_user("dpo", cls.city, [Role.ADMIN], cls.city_a)
        cls.dpo_b = make_user("dpo-b", cls.cast.outsider.person.partner, [Role.ADMIN], cls.city_b)

    def setUp(self) -> None:
        self.client.cookies["django_language"] = "en"


class AuditLogPageTests(DpoPageTestCase):
    def setUp(self) -> None:
        super().setUp()
        for number in range(60):
            audit.record(
                self.coordinator,
                AuditEntry.Action.READ,
                object_type="inspections.ActionDay",
                object_code=f"day-{number}",
                municipality=self.city_a,
            )
        audit.record(
            self.mayor,
            AuditEntry.Action.EXPORT,
            object_type="decisions.Decision",
            object_code="d-1",
            municipality=self.city_a,
        )
        audit.record(
            self.outsider,
            AuditEntry.Action.READ,
            object_type="gis.Premises",
            object_code="malmedy-secret",
            municipality=self.city_b,
        )
        self.url = reverse("audit-log")

    def get(self, as_user=None, **params):
        self.client.force_login(as_user or self.dpo)
        return self.client.get(self.url, params)

    def test_only_administrators_see_the_audit_log(self) -> None:
        for user in [self.coordinator, self.mayor, self.analyst, self.police_inspector, self.clerk]:
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403, user)
        self.client.logout()
        self.assertEqual(self.client.get(self.url).status_code, 302)
        self.assertEqual(self.get().status_code, 200)

    def test_what_an_entry_is_about_reads_as_a_word_not_a_model_label(self) -> None:
        response = self.get(action="export")
        self.assertContains(response, "<td>Decision</td>", html=False)
        self.assertNotContains(response, "decisions.Decision")
        self.client.cookies["django_language"] = "fr"
        french = self.client.get(self.url, {"action": "export"})
        self.assertContains(french, "<td>Décision</td>", html=False)

    def test_the_log_is_paginated(self) -> None:
        response = self.get()
        self.assertContains(response, "61 entries")
        self.assertContains(response, "Page 1 of 2")
        self.assertContains(self.get(page=2), "Page 2 of 2")

    def test_another_municipality_stays_out(self) -> None:
        self.assertNotContains(self.get(), "malmedy-secret")
        response = self.get(as_user=self.dpo_b)
        self.assertContains(response, "malmedy-secret")
        self.assertNotContains(response, "day-1<")

    def test_filters_by_user_action_type_municipality_and_dates(self) -> None:
        self.assertContains(self.get(user="mayor"), "1 entry")
        self.assertContains(self.get(action="export"), "1 entry")
        self.assertContains(self.get(object_type="Decision"), "1 entry")
        self.assertContains(self.get(municipality=self.city_a.pk), "61 entries")
        today = timezone.localdate()
        self.assertContains(
            self.get(since=today.isoformat(), until=today.isoformat()), "61 entries"
        )
        tomorrow = (today + timedelta(days=1)).isoformat()
        self.assertContains(self.get(since=tomorrow), "0 entries")

    def test_a_municipality_not_theirs_is_refused_by_the_form(self) -> None:
        response = self.get(municipality=self.city_b.pk)
        self.assertContains(response, "Select a valid choice")
        self.assertNotContains(response, "malmedy-secret")

    def test_dates_in_the_wrong_order_are_refused(self) -> None:
        response = self.get(since="2026-02-01", until="2026-01-01")
        self.assertContains(response, "The start date must be before the end date.")

    def test_page_renders_in_dutch_by_default(self) -> None:
        del self.client.cookies["django_language"]
        self.assertContains(self.get(), 'lang="nl"')

    def test_nav_shows_the_audit_log_to_administrators_only(self) -> None:
        self.client.force_login(self.dpo)
        self.assertContains(self.client.get(reverse("home")), self.url)
        self.client.force_login(self.coordinator)
        self.assertNotContains(self.client.get(reverse("home")), self.url)


class SubjectAccessPageTests(DpoPageTestCase):
    MARKER = f"internal-marker-{uuid.uuid4().hex}"

    def setUp(self) -> None:
        super().setUp()
        field = build_field_day(self.cast)
        self.premises = field.visits[0].premises
        self.premises.enterprise_number = "0123.456.749"
        self.premises.save()
        record(self.cast, field.visits[0], jpeg_bytes(), note=self.MARKER)
        self.url = reverse("subject-access")

    def test_only_administrators_may_search(self) -> None:
        self.client.force_login(self.coordinator)
        self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_enterprise_search_shows_premises_and_withholds_internal_answers(self) -> None:
        self.client.force_login(self.dpo)
        response = self.client.get(self.url, {"enterprise": "0123456749"})
        self.assertContains(response, str(self.premises.address))
        self.assertContains(response, "1 answer withheld: internal to the partner.")
        self.assertNotContains(response, self.MARKER)
        download = self.client.get(self.url, {"enterprise": "0123456749", "format": "json"})
        self.assertEqual(download["Content-Type"], "application/json")
        self.assertNotIn(self.MARKER, download.content.decode())
        self.assertEqual(AuditEntry.objects.filter(object_type="privacy.subject_access").count(), 2)

    def test_another_municipality_finds_nothing(self) -> None:
        self.client.force_login(self.dpo_b)
        response = self.client.get(self.url, {"enterprise": "0123.456.749"})
        self.assertContains(response, "No premises found.")

    def test_bad_input_gets_a_clear_message(self) -> None:
        self.client.force_login(self.dpo)
        self.assertContains(self.client.get(self.url, {"enterprise": "12"}), "10 digits")
        self.assertContains(
            self.client.get(self.url, {"name": ""}), "Give an enterprise number or a name."
        )
        self.assertContains(self.client.get(self.url, {"name": "ab"}), "at least three letters")
