"""The permit desk asks "is this flagged?" and hears yes or no, never why."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.urls import reverse

from gis.importing import import_file
from gis.models import ImportRun, Premises
from partners.models import AuditEntry
from tests.base import CastTestCase
from tests.gis_factories import make_premises, make_signal

LOOKUP = reverse("gis-lookup")
HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}
FLAGGED = "Flagged: consult the administrative-approach team before granting a permit or a grant."
NO_FLAG = "No flag."


class LookupTests(CastTestCase):
    flagged: Premises
    quiet: Premises

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.flagged = make_premises(
            cls.city_a,
            1,
            name="Carwash Zuid",
            address="Bergensesteenweg 120, 1500 Halle",
            parcel_key="23027A0123/00B000",
            enterprise_number="0123.456.749",
        )
        make_signal(cls.flagged, "no-dimona", "id-papers-held", description="Seen at night")
        cls.flagged.risk_score = 3.3
        cls.flagged.save()
        cls.quiet = make_premises(
            cls.city_a, 2, name="Bakkerij", address="Bergensesteenweg 12, 1500 Halle"
        )
        make_premises(
            cls.city_b,
            1,
            name="Garage Malmedy",
            address="Route de Falize 3, 4960 Malmedy",
            parcel_key="63049B0456/00C000",
            flagged_manually=True,
        )

    def setUp(self) -> None:
        self.client.force_login(self.clerk)
        self.client.cookies["django_language"] = "en"

    def lookup(self, text: str, **extra: Any) -> str:
        response = self.client.post(LOOKUP, {"q": text}, **extra)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def assert_reveals_nothing(self, body: str) -> None:
        for secret in (
            "No or late Dimona",
            "Identity papers",
            "Seen at night",
            "3.3",
            "3,3",
            "Neighbour",
            "risk score",
            "Risk score",
        ):
            self.assertNotIn(secret, body)

    def test_flagged_address_says_flagged_and_never_why(self) -> None:
        body = self.lookup("bergensesteenweg 120 , 1500 halle")
        self.assertIn(FLAGGED, body)
        self.assert_reveals_nothing(body)

    def test_address_with_odd_spacing_and_case_matches(self) -> None:
        self.assertIn(FLAGGED, self.lookup("  BERGENSESTEENWEG   120,1500 Halle "))

    def test_house_number_matches_whole_not_as_prefix(self) -> None:
        body = self.lookup("Bergensesteenweg 12")
        self.assertIn(NO_FLAG, body)
        self.assertNotIn(FLAGGED, body)
        self.assertIn("Bakkerij", body)

    def test_several_matches_are_listed_each_with_its_answer(self) -> None:
        body = self.lookup("Bergensesteenweg", **HTMX)
        self.assertNotIn("<html", body)
        self.assertIn("2 premises match", body)
        self.assertIn(FLAGGED, body)
        self.assertIn(NO_FLAG, body)
        self.assert_reveals_nothing(body)

    def test_parcel_key_in_both_forms(self) -> None:
        for key in ("23027A0123/00B000", "23027a0123-00b000"):
            body = self.lookup(key)
            self.assertIn(FLAGGED, body, key)
            self.assert_reveals_nothing(body)

    def test_enterprise_number_in_any_form(self) -> None:
        for number in ("0123.456.749", "BE 0123 456 749", "be0123456749", "123456749"):
            self.assertIn(FLAGGED, self.lookup(number), number)

    def test_not_flagged_premises(self) -> None:
        body = self.lookup("Bergensesteenweg 12, 1500 Halle")
        self.assertIn(NO_FLAG, body)
        self.assertNotIn(FLAGGED, body)

    def test_other_municipalitys_premises_are_not_found(self) -> None:
        for text in ("Route de Falize 3", "63049B0456/00C000"):
            body = self.lookup(text)
            self.assertNotIn(FLAGGED, body)
            self.assertNotIn("Garage Malmedy", body)
            self.assertIn(f"Nothing found for “{text}”", body)
            self.assertNotIn(NO_FLAG, body)

    def test_unrecognised_input_gets_a_clear_message_and_is_not_audited(self) -> None:
        body = self.lookup("??")
        self.assertIn("is not recognised", body)
        body = self.lookup("0123.456.789")
        self.assertIn("is not a valid enterprise number", body)
        self.assertFalse(AuditEntry.objects.exists())

    def test_every_lookup_is_audited_with_query_and_answer(self) -> None:
        self.lookup("23027A0123-00B000")
        self.lookup("Nowhere street 1")
        found, missing = AuditEntry.objects.order_by("id")
        self.assertEqual(found.action, AuditEntry.Action.LOOKUP)
        self.assertEqual(found.username, "clerk")
        self.assertEqual(found.object_code, str(self.flagged.code))
        self.assertEqual(found.municipality, self.city_a)
        self.assertEqual(found.detail["query"], "23027A0123-00B000")
        self.assertTrue(found.detail["flagged"])
        self.assertEqual(missing.detail, {**missing.detail, "flagged": False, "matches": 0})
        self.assertEqual(missing.municipality, self.city_a)

    def test_works_without_javascript(self) -> None:
        response = self.client.post(LOOKUP, {"q": "23027A0123/00B000"})
        self.assertContains(response, "<html")
        self.assertContains(response, FLAGGED)
        self.assertContains(response, 'value="23027A0123/00B000"')

    def test_empty_form_page(self) -> None:
        response = self.client.get(LOOKUP)
        self.assertContains(response, 'name="q"')
        self.assertNotContains(response, FLAGGED)

    def test_coordinators_may_look_up_but_inspectors_analysts_and_mayor_may_not(self) -> None:
        self.client.force_login(self.coordinator)
        self.assertEqual(self.client.get(LOOKUP).status_code, 200)
        for user in (self.police_inspector, self.analyst, self.mayor):
            self.client.force_login(user)
            self.assertEqual(self.client.post(LOOKUP, {"q": "Bergensesteenweg"}).status_code, 403)
        self.assertFalse(AuditEntry.objects.exists())

    def test_clerk_may_not_open_the_map_or_the_premises_page(self) -> None:
        for url in (
            reverse("gis-map"),
            reverse("gis-premises-detail", args=[self.flagged.code]),
            reverse("gis-premises-popup", args=[self.flagged.code]),
        ):
            self.assertEqual(self.client.get(url).status_code, 403, url)


class VariantTests(CastTestCase):
    """A flagged shop is found however the clerk writes it: its trade name, lower case,
    without accents, abbreviated, with extra spaces or a box number. Nothing found is
    never "no flag"."""

    shop: Premises

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.shop = make_premises(
            cls.city_a,
            1,
            name="Café De Zwaan",
            operator_name="De Zwaan CommV",
            address="Kasteelbrakelsesteenweg 45 bus 2, 1502 Halle",
            parcel_key="23027B0456/00C000",
            enterprise_number="0123.456.749",
            flagged_manually=True,
        )
        make_premises(
            cls.city_a,
            2,
            name="Nachtwinkel Sint-Rochus",
            address="Sint-Rochusstraat 8, 1500 Halle",
            risk_score=3.5,
        )
        make_premises(cls.city_a, 3, name="", address="Sint-Rochusstraat 80, 1500 Halle")

    def setUp(self) -> None:
        self.client.force_login(self.clerk)
        self.client.cookies["django_language"] = "en"

    def lookup(self, text: str) -> str:
        response = self.client.post(LOOKUP, {"q": text})
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def assert_flagged(self, text: str, address: str) -> None:
        body = self.lookup(text)
        self.assertIn(FLAGGED, body, text)
        self.assertNotIn(NO_FLAG, body, text)
        self.assertIn(address, body, text)

    def test_trade_name_in_any_case_and_without_accents(self) -> None:
        for text in ("Café De Zwaan", "cafe de zwaan", "CAFÉ  DE ZWAAN", "de zwaan"):
            self.assert_flagged(text, "Kasteelbrakelsesteenweg 45 bus 2, 1502 Halle")

    def test_operator_name(self) -> None:
        self.assert_flagged("de zwaan commv", "Kasteelbrakelsesteenweg 45 bus 2")

    def test_steenweg_abbreviated(self) -> None:
        for text in (
            "Kasteelbrakelsestwg 45",
            "kasteelbrakelse stwg. 45",
            "Kasteelbrakelse steenweg 45",
            "KASTEELBRAKELSESTEENWEG   45 ,1502 HALLE",
        ):
            self.assert_flagged(text, "Kasteelbrakelsesteenweg 45 bus 2")

    def test_straat_abbreviated(self) -> None:
        self.assert_flagged("Sint-Rochusstr. 8", "Sint-Rochusstraat 8, 1500 Halle")
        self.assert_flagged("sint rochusstr 8 halle", "Sint-Rochusstraat 8, 1500 Halle")

    def test_box_number_in_its_written_forms(self) -> None:
        for text in (
            "Kasteelbrakelsesteenweg 45 bus 2",
            "Kasteelbrakelsesteenweg 45 bte 2",
            "Kasteelbrakelsesteenweg 45/2",
            "Kasteelbrakelsesteenweg 45 b2",
        ):
            self.assert_flagged(text, "Kasteelbrakelsesteenweg 45 bus 2")

    def test_a_box_of_the_building_finds_the_building(self) -> None:
        self.assert_flagged("Sint-Rochusstraat 8 bus 3", "Sint-Rochusstraat 8, 1500 Halle")

    def test_another_box_is_not_the_premises(self) -> None:
        body = self.lookup("Kasteelbrakelsesteenweg 45 bus 7")
        self.assertNotIn(FLAGGED, body)
        self.assertIn("Nothing found for", body)

    def test_house_number_is_whole(self) -> None:
        body = self.lookup("Sint-Rochusstraat 80")
        self.assertNotIn(FLAGGED, body)
        self.assertIn(NO_FLAG, body)
        self.assertIn("Sint-Rochusstraat 80, 1500 Halle", body)

    def test_answer_shows_address_parcel_key_and_name_but_no_internal_id(self) -> None:
        body = self.lookup("cafe de zwaan")
        for shown in ("Café De Zwaan", "Kasteelbrakelsesteenweg 45 bus 2", "23027B0456/00C000"):
            self.assertIn(shown, body)
        self.assertNotIn(self.shop.external_id, body)
        self.assertNotIn(str(self.shop.code), body)

    def test_nothing_found_is_not_no_flag(self) -> None:
        body = self.lookup("Kasteelbrakelsesteenweg 46")
        self.assertIn("Nothing found for “Kasteelbrakelsesteenweg 46”", body)
        self.assertIn("check the address or ask the team", body)
        self.assertNotIn(NO_FLAG, body)
        self.assertNotIn(FLAGGED, body)

    def test_enterprise_number_still_found(self) -> None:
        self.assert_flagged("BE 0123 456 749", "Kasteelbrakelsesteenweg 45 bus 2")

    def test_a_premises_renamed_is_found_by_its_new_name(self) -> None:
        self.shop.name = "Bar Lotus"
        self.shop.save()
        self.assert_flagged("bar lotus", "Kasteelbrakelsesteenweg 45 bus 2")


class ImportedPremisesTests(CastTestCase):
    def test_premises_of_an_imported_layer_are_found_by_a_variant(self) -> None:
        layer = Path(self.enterContext(tempfile.TemporaryDirectory())) / "horeca.csv"
        layer.write_text(
            "id;naam;straat;huisnummer;postcode;gemeente;lon;lat\n"
            "H1;Brasserie Éclair;Basiliekstraat;12;1500;Halle;4.2345;50.7336\n",
            encoding="utf-8",
        )
        run = import_file(
            layer,
            kind=ImportRun.Kind.PREMISES,
            municipality=self.city_a.code,
            options={"mapping": {"id_field": "id", "name_field": "naam"}},
        )
        self.assertEqual(run.created, 1, run.message)
        Premises.objects.update(flagged_manually=True)
        self.client.force_login(self.clerk)
        self.client.cookies["django_language"] = "en"
        for text in ("basiliekstr. 12", "brasserie eclair"):
            body = self.client.post(LOOKUP, {"q": text}).content.decode()
            self.assertIn(FLAGGED, body, text)
            self.assertIn("Basiliekstraat 12, 1500 Halle", body, text)


class HouseNumberTests(CastTestCase):
    def setUp(self) -> None:
        make_premises(self.city_a, 1, name="Frituur", address="Markt 12A, 1500 Halle")
        make_premises(
            self.city_a,
            2,
            name="Kapsalon",
            address="Sint-Jozefstraat 4, 1500 Halle",
            flagged_manually=True,
        )
        self.client.force_login(self.clerk)
        self.client.cookies["django_language"] = "en"

    def lookup(self, text: str) -> str:
        return self.client.post(LOOKUP, {"q": text}).content.decode()

    def test_a_number_typed_without_its_letter_finds_it(self) -> None:
        for text in ("Markt 12", "markt 12a", "Markt 12 A"):
            self.assertIn("Markt 12A, 1500 Halle", self.lookup(text), text)
        self.assertIn("Nothing found for", self.lookup("Markt 12B"))
        self.assertIn("Nothing found for", self.lookup("Markt 1"))

    def test_sint_abbreviated(self) -> None:
        self.assertIn(FLAGGED, self.lookup("St.-Jozefstr. 4"))
