"""Addresses in the municipality's language: the Belgian address register (BeSt) carries
streets and towns in Dutch and French; a French-speaking commune's premises read
"Rue … 28 bte 2, 1130 Bruxelles", a Flemish city's "… 49 bus 2, 1500 Halle"."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from gis.models import Premises
from partners.models import Municipality
from tests.base import CastTestCase

BEST = (
    Path(__file__).resolve().parents[2]
    / "shared/data/be_best_addresses_fedict/best_addresses_brussels_halle_31370.gpkg"
)

pytestmark = pytest.mark.skipif(
    not BEST.exists(), reason="../shared/data is not beside the checkout"
)


class AddressLanguageTests(CastTestCase):
    def import_register(self, code: str, *args: str) -> None:
        with translation.override("en"):
            call_command(
                "import_premises",
                str(BEST),
                "--municipality",
                code,
                "--where",
                f"nis_code = '{code}'",
                *args,
                stdout=io.StringIO(),
                stderr=io.StringIO(),
            )

    def address(self, address_id: str) -> str:
        return Premises.objects.get(address_register_id=address_id).address

    def test_a_french_speaking_commune_reads_its_addresses_in_french_with_bte(self) -> None:
        Municipality.objects.create(code="21004", name="Bruxelles", language="fr", country="BE")
        self.import_register("21004")
        self.assertEqual(self.address("BA/699000"), "Rue Harenheyde 28 bte b006, 1130 Bruxelles")
        self.assertEqual(
            self.address("BA/698658"), "Rue du Pré aux Oies 134 bte b001, 1130 Bruxelles"
        )
        # A street the register names in Dutch only keeps its Dutch name, in a French town.
        self.assertFalse(Premises.objects.filter(address__contains=" bus ").exists())
        self.assertFalse(Premises.objects.filter(address__contains="Brussel,").exists())
        self.assertFalse(Premises.objects.exclude(address__contains=", 1").exists())

    def test_a_flemish_city_reads_its_addresses_in_dutch_with_bus(self) -> None:
        self.import_register("23027")
        self.assertEqual(self.address("VA/4215587"), "Arthur Puesstraat 49 bus 1, 1502 Halle")
        self.assertFalse(Premises.objects.filter(address__contains=" bte ").exists())

    def test_address_fields_chosen_by_hand_are_composed_with_a_comma(self) -> None:
        """The upload page's "address fields": the register's French street, number,
        box, postcode and town become one address as the commune writes it."""
        Municipality.objects.create(code="21004", name="Bruxelles", language="fr", country="BE")
        self.import_register(
            "21004",
            *(
                f"--address-field={name}"
                for name in ("street_fr", "housenumber", "boxnumber", "postcode", "municipality_fr")
            ),
        )
        self.assertEqual(self.address("BA/699000"), "Rue Harenheyde 28 bte b006, 1130 Bruxelles")
