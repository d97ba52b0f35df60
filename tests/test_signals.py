"""Recording a signal on the premises page, and the confidentiality of internal ones."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from gis.actions import record_signal
from gis.forms.signals import SignalForm
from gis.models import Indicator, Premises, Sector, Signal
from partners.models import AuditEntry
from tests.base import CastTestCase
from tests.gis_factories import make_premises, make_signal

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


class SignalFixture(CastTestCase):
    premises: Premises

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.premises = make_premises(
            cls.city_a, 1, name="Carwash Zuid", sector=Sector.objects.get(code="car_wash")
        )

    def post(self, **overrides: Any) -> Any:
        data: dict[str, Any] = {
            "source": Signal.Source.NEIGHBOUR,
            "received_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
            "indicators": [
                str(Indicator.objects.get(code="living-on-site").pk),
                str(Indicator.objects.get(code="excessive-hours").pk),
            ],
            "description": "  Mattresses seen through the back door.  ",
            "confidentiality": Signal.Confidentiality.CITY,
        }
        data.update(overrides)
        extra = overrides.pop("extra", {})
        data.pop("extra", None)
        url = reverse("gis-signal-create", args=[self.premises.code])
        return self.client.post(url, data, **extra)


class RecordSignalTests(SignalFixture):
    def test_coordinator_records_a_signal_that_raises_the_score_and_is_audited(self) -> None:
        self.client.force_login(self.coordinator)
        response = self.post()
        self.assertRedirects(response, reverse("gis-premises-detail", args=[self.premises.code]))
        signal = Signal.objects.get()
        self.assertEqual(signal.recorded_by, self.coordinator)
        self.assertEqual(signal.recorded_by_partner, self.city)
        self.assertEqual(signal.description, "Mattresses seen through the back door.")
        self.assertEqual(
            set(signal.indicators.values_list("code", flat=True)),
            {"living-on-site", "excessive-hours"},
        )
        self.premises.refresh_from_db()
        self.assertGreater(self.premises.risk_score, 2.5)
        entry = AuditEntry.objects.get(action=AuditEntry.Action.CREATE)
        self.assertEqual(entry.object_code, str(signal.code))
        self.assertEqual(entry.municipality, self.city_a)
        self.assertEqual(entry.detail["premises"], str(self.premises.code))

    def test_htmx_save_answers_with_the_refreshed_panel(self) -> None:
        self.client.force_login(self.analyst)
        self.client.cookies["django_language"] = "en"
        response = self.post(extra=HTMX)
        self.assertEqual(response.status_code, 200)
        body = response.content.decode()
        self.assertNotIn("<html", body)
        self.assertIn("The signal was recorded.", body)
        self.assertIn("People living or sleeping on the work site", body)
        self.assertEqual(Signal.objects.count(), 1)

    def test_future_date_is_refused_and_nothing_is_saved(self) -> None:
        self.client.force_login(self.coordinator)
        self.client.cookies["django_language"] = "en"
        tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
        response = self.post(received_on=tomorrow)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "The date received cannot be in the future.", status_code=400)
        self.assertFalse(Signal.objects.exists())
        self.assertFalse(AuditEntry.objects.filter(action=AuditEntry.Action.CREATE).exists())

    def test_no_indicator_is_refused_with_a_clear_message(self) -> None:
        self.client.force_login(self.coordinator)
        self.client.cookies["django_language"] = "en"
        response = self.post(indicators=[], extra=HTMX)
        self.assertContains(response, "Choose at least one indicator.")
        self.assertContains(response, "Nothing was saved")
        self.assertFalse(Signal.objects.exists())
        self.premises.refresh_from_db()
        self.assertEqual(self.premises.risk_score, 0)

    def test_mayors_office_and_inspectors_may_not_record(self) -> None:
        for user in (self.mayor, self.police_inspector, self.clerk):
            self.client.force_login(user)
            self.assertEqual(self.post().status_code, 403, user)
        self.assertFalse(Signal.objects.exists())

    def test_outsider_cannot_record_on_another_citys_premises(self) -> None:
        self.client.force_login(self.outsider)
        self.assertEqual(self.post().status_code, 404)

    def test_mayors_office_reads_the_page_without_the_form(self) -> None:
        self.client.force_login(self.mayor)
        response = self.client.get(reverse("gis-premises-detail", args=[self.premises.code]))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, reverse("gis-signal-create", args=[self.premises.code]))

    def test_detail_page_read_is_audited(self) -> None:
        self.client.force_login(self.coordinator)
        self.client.get(reverse("gis-premises-detail", args=[self.premises.code]))
        entry = AuditEntry.objects.get()
        self.assertEqual(entry.action, AuditEntry.Action.READ)
        self.assertEqual(entry.object_code, str(self.premises.code))

    def test_the_catalogue_lists_the_premises_sector_first(self) -> None:
        form = SignalForm(premises=self.premises)
        groups = form.indicator_groups()
        self.assertEqual(len(groups), 3)
        first_group = {widget.data["value"].instance.code for widget in groups[0][1]}
        self.assertIn("living-on-site", first_group)
        self.assertTrue(
            all(
                widget.data["value"].instance.sectors.filter(code="car_wash").exists()
                for widget in groups[0][1]
            )
        )
        general = groups[1][1][0].data["value"].instance
        self.assertFalse(general.sectors.exists())

    def test_record_signal_refuses_no_indicators(self) -> None:
        with self.assertRaises(ValueError):
            record_signal(
                premises=self.premises,
                user=self.coordinator,
                source=Signal.Source.HOTLINE,
                received_on=timezone.localdate(),
                indicators=[],
                description="",
                confidentiality=Signal.Confidentiality.CITY,
            )
        self.assertFalse(Signal.objects.exists())


class ConfidentialityTests(SignalFixture):
    def setUp(self) -> None:
        self.internal = make_signal(
            self.premises,
            "debt-bondage",
            days_ago=5,
            partner=self.police,
            source=Signal.Source.POLICE_REPORT,
            confidentiality=Signal.Confidentiality.INTERNAL,
            description="Informant: travel debt of 30,000 euro",
        )
        make_signal(self.premises, "late-night-noise", days_ago=1, partner=self.city)
        self.detail = reverse("gis-premises-detail", args=[self.premises.code])
        self.popup = reverse("gis-premises-popup", args=[self.premises.code])

    def test_another_partners_internal_signal_counts_but_shows_without_content(self) -> None:
        self.client.force_login(self.coordinator)
        self.client.cookies["django_language"] = "en"
        for url in (self.detail, self.popup):
            # The signal form lists the whole catalogue: look at the risk details only.
            body = self.client.get(url).content.decode().split('class="card signal-form"')[0]
            self.assertIn("A confidential report of Police", body)
            self.assertNotIn("Informant", body)
            self.assertNotIn("Debt bondage", body)
            self.assertNotIn("Police report", body)
            self.assertIn("Noise and activity late at night", body)
            # The score counts it: 2.0 + 0.7, less a few days of fading.
            self.assertIn("<strong>2.6", body)

    def test_the_recording_partner_reads_its_own_internal_signal(self) -> None:
        police_coordinator = self.police_inspector
        police_coordinator.person.roles = ["coordinator"]
        police_coordinator.person.save()
        self.client.force_login(police_coordinator)
        self.client.cookies["django_language"] = "en"
        response = self.client.get(self.detail)
        self.assertContains(response, "Informant: travel debt of 30,000 euro")
        self.assertContains(response, "Police report")
        self.assertNotContains(response, "A confidential report")

    def test_internal_signal_is_recorded_for_the_users_partner(self) -> None:
        self.client.force_login(self.analyst)
        self.post(confidentiality=Signal.Confidentiality.INTERNAL)
        signal = Signal.objects.get(recorded_by=self.analyst)
        self.assertEqual(signal.recorded_by_partner, self.city)
        self.assertEqual(signal.confidentiality, Signal.Confidentiality.INTERNAL)
