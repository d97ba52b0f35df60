"""The demo city: realistic, and idempotent."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory, TestCase

from gis.models import Premises, Signal, Zone
from partners.models import Competency, Municipality, Partner, Person, SharingProtocol

DEMO_USERS = ["coordinator", "police", "social", "fire", "mayor", "clerk", "analyst", "admin"]


def snapshot() -> dict[str, list[tuple]]:
    from django.contrib.auth.models import User

    tables: list[Any] = [
        Municipality,
        Competency,
        Partner,
        Person,
        SharingProtocol,
        User,
        Premises,
        Signal,
        Zone,
    ]
    state = {model.__name__: sorted(model.objects.values_list()) for model in tables}
    state["partner_competencies"] = sorted(
        Partner.competencies.through.objects.values_list("partner_id", "competency_id")
    )
    state["protocol_parties"] = sorted(
        SharingProtocol.parties.through.objects.values_list("sharingprotocol_id", "partner_id")
    )
    return state


class LoadDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("load_demo", verbosity=0)

    def test_second_run_changes_nothing(self) -> None:
        before = snapshot()
        call_command("load_demo", verbosity=0)
        self.assertEqual(snapshot(), before)

    def test_every_demo_user_logs_in_with_demo(self) -> None:
        for username in [*DEMO_USERS, "malmedy"]:
            # django-axes throttles by request, so authentication needs one.
            request = RequestFactory().post("/accounts/login/")
            user = authenticate(request, username=username, password="demo")
            self.assertIsNotNone(user, username)

    def test_partners_named_in_the_domain_are_there(self) -> None:
        short_names = set(Partner.objects.values_list("short_name", flat=True))
        for expected in [
            "Politie",
            "Brandweer",
            "Sociale Inspectie",
            "TSW",
            "RSZ",
            "Fiscus",
            "FAVV",
            "DVZ",
            "Parket",
            "Arbeidsauditeur",
            "RIEC",
            "Woondienst",
            "Omgeving",
            "Bevolking",
            "Economie",
        ]:
            self.assertIn(expected, short_names)
        self.assertEqual(Partner.objects.get(slug="riec-limburg").country, "NL")

    def test_second_municipality_user_sees_only_malmedy(self) -> None:
        person = Person.objects.get(user__username="malmedy")
        self.assertEqual([m.name for m in person.municipalities.all()], ["Malmedy"])
        self.assertEqual(Municipality.objects.get(code="23027").language, "nl")

    def test_tax_partner_has_no_protocol_with_halle(self) -> None:
        halle = Municipality.objects.get(code="23027")
        tax = Partner.objects.get(slug="fod-financien")
        police = Partner.objects.get(slug="pz-zennevallei")
        self.assertFalse(SharingProtocol.objects.covering(tax, halle).exists())
        self.assertTrue(SharingProtocol.objects.covering(police, halle).in_force().exists())


class DemoRegisterTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("load_demo", verbosity=0)

    def test_a_few_thousand_premises_on_real_streets_in_lambert_72(self) -> None:
        premises = Premises.objects.filter(municipality__code="23027")
        self.assertGreater(premises.count(), 3000)
        self.assertTrue(premises.filter(address__startswith="Bergensesteenweg").exists())
        self.assertFalse(premises.filter(address__contains="nan").exists())
        sample = premises.get(name="Splash Handcarwash")
        self.assertEqual(sample.source_crs, "EPSG:31370")
        self.assertAlmostEqual(sample.lat, 50.72, delta=0.05)
        self.assertAlmostEqual(sample.lon, 4.22, delta=0.05)

    def test_a_few_premises_are_flagged_by_accumulated_signals(self) -> None:
        flagged = Premises.objects.flagged()
        self.assertTrue(3 <= flagged.count() <= 10, flagged.count())
        car_wash = flagged.get(name="Splash Handcarwash")
        self.assertGreaterEqual(car_wash.signals.count(), 2)

    def test_zones_of_the_city(self) -> None:
        kinds = set(Zone.objects.values_list("kind", flat=True))
        self.assertEqual(kinds, {"municipality", "police_zone", "shopping_area"})
