"""The demo city's register holds nothing the pages cannot reach: its zones were uploaded
as layers through the import, its signals recorded by someone who may record them,
through the signal form's action, each with its audit entry."""

from __future__ import annotations

from django.test import TestCase

from gis import demo as gis_demo
from gis.access import can_record_signals
from gis.models import ImportRun, Premises, Signal, Zone
from partners import demo as partners_demo
from partners.models import AuditEntry, Municipality, person_of


class DemoThroughThePagesTests(TestCase):
    halle: Municipality

    @classmethod
    def setUpTestData(cls) -> None:
        partners_demo.load()
        cls.halle = Municipality.objects.get(code=partners_demo.HALLE)
        gis_demo.load(cls.halle)

    def test_signals_are_recorded_by_people_who_may_record_them_and_audited(self) -> None:
        signals = Signal.objects.select_related("recorded_by", "recorded_by_partner")
        self.assertGreater(signals.count(), 60)
        for signal in signals:
            user = signal.recorded_by
            assert user is not None, signal
            self.assertTrue(can_record_signals(user), signal)
            person = person_of(user)
            assert person is not None, user
            self.assertEqual(signal.recorded_by_partner, person.partner)
        audited = AuditEntry.objects.filter(
            action=AuditEntry.Action.CREATE, object_type="gis.Signal"
        ).values_list("object_code", flat=True)
        self.assertEqual(
            sorted(audited), sorted(str(code) for code in signals.values_list("code", flat=True))
        )

    def test_flags_come_from_the_signals_risk(self) -> None:
        car_wash = Premises.objects.get(name="Splash Handcarwash")
        self.assertTrue(car_wash.is_flagged)
        self.assertFalse(car_wash.flagged_manually)
        self.assertEqual(car_wash.signals.count(), 3)

    def test_zones_were_uploaded_as_layers_by_the_coordinator(self) -> None:
        runs = ImportRun.objects.filter(kind=ImportRun.Kind.ZONES, municipality=self.halle)
        self.assertEqual(
            sorted(runs.values_list("status", "created", "user__username")),
            [("done", 1, "coordinator")] * 3,
        )
        self.assertEqual(
            sorted(Zone.objects.values_list("kind", "name")),
            [
                ("municipality", "Halle"),
                ("police_zone", "Politiezone Zennevallei"),
                ("shopping_area", "Winkelas Bergensesteenweg"),
            ],
        )

    def test_a_second_run_adds_no_import_signal_or_audit_entry(self) -> None:
        counts = (ImportRun.objects.count(), Signal.objects.count(), AuditEntry.objects.count())
        gis_demo.load(self.halle)
        self.assertEqual(
            (ImportRun.objects.count(), Signal.objects.count(), AuditEntry.objects.count()),
            counts,
        )
