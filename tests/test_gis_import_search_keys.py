"""The permit desk finds imported premises as it finds premises saved one by one: an
import reads its addresses' search texts part by part (each distinct street, house number
and town once), and every imported premises keeps the search key its own save() would
give it, whatever the layer's streets, numbers, boxes, towns, names and operators hold."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from gis.models import Premises
from gis.search import (
    address_keys_of_parts,
    address_texts,
    line_texts,
    premises_key,
    premises_keys,
    search_text,
)
from tests.test_gis_import import LayerTestCase, write_layer

# Words that join, abbreviate, split or fold: street words, lone letters, boxes written
# every way, commas, accents, punctuation, and nothing at all.
WORDS = [
    "Bergense", "steenweg", "Steenweg", "str.", "Str", "stwg", "Basiliekstr.", "laan", "a", "B",
    "12", "12a", "12/3", "b3", "bus", "bte", "3", ",", "Café", "Élan", "-", "'", "St.",
    "Sint-Rochusstraat", "Chée", "1500", "Halle", "x", "7", "", " ", "12 b", "bus 2",
]  # fmt: skip
text = st.lists(st.sampled_from(WORDS), max_size=4).map(" ".join).map(str.strip)


@settings(max_examples=300, deadline=None)
@given(street=text, number=text, place=text)
def test_an_address_read_part_by_part_reads_as_the_whole_address(
    street: str, number: str, place: str
) -> None:
    line = f"{street} {number}".strip()
    address = f"{line}, {place}" if line and place else line or place
    composed = address_texts(line_texts([street], [number]), [place])
    assert composed == [search_text(address)]


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.tuples(text, text, text), min_size=1, max_size=4))
def test_a_layer_of_addresses_read_part_by_part_reads_as_each_address(
    rows: list[tuple[str, str, str]],
) -> None:
    streets, numbers, places = (list(column) for column in zip(*rows, strict=True))
    expected = address_texts(line_texts(streets, numbers), places)
    assert address_keys_of_parts(streets, numbers, places) == expected


@settings(max_examples=200, deadline=None)
@given(name=text, operator=text, address=text)
def test_keys_made_together_are_the_keys_made_one_by_one(
    name: str, operator: str, address: str
) -> None:
    keys = premises_keys([name], [operator], [address], [search_text(address)])
    assert keys == [premises_key(name, operator, address)]


ROWS = [
    # id, name, operator, street, number, box, postcode, city
    ("A-1", "", "", "Bergensesteenweg", "49", "2", "1500", "Halle"),
    ("A-2", "Café 't Hoekske", "J. Peeters", "Bergense", "steenweg 5", "", "1500", "Halle"),
    ("A-3", "", "", "Basiliekstraat", "12", "", "", ""),
    ("A-4", "", "", "", "7", "b", "1500", "Halle"),
    ("A-5", "", "", "Rue de la Loi, aile", "16", "", "1000", "Bruxelles, Brussel"),
    ("A-6", "", "", "Grote Markt", "a", "", "1500", "Halle"),
    ("A-7", "", "", "Grote Markt", "", "", "1500", "Halle"),
    ("A-8", "", "", "Lange" + " straat" * 60, "1", "", "1500", "Halle"),
]


class ImportedSearchKeyTests(LayerTestCase):
    def test_every_imported_premises_keeps_the_key_its_save_would_give_it(self) -> None:
        frame = gpd.GeoDataFrame(
            {
                "id": [row[0] for row in ROWS],
                "name": [row[1] for row in ROWS],
                "operator": [row[2] for row in ROWS],
                "street": [row[3] for row in ROWS],
                "housenumber": [row[4] for row in ROWS],
                "busnummer": [row[5] for row in ROWS],
                "postcode": [row[6] for row in ROWS],
                "city": [row[7] for row in ROWS],
            },
            geometry=shapely.points([4.2369 + i / 1000 for i in range(len(ROWS))], [50.7339] * 8),
            crs="EPSG:4326",
        )
        path = write_layer(frame, self.tmp / "addresses.gpkg")
        self.assertEqual(self.import_premises(path), "created 8, updated 0, unchanged 0, skipped 0")
        for premises in Premises.objects.all():
            with self.subTest(premises.external_id):
                self.assertEqual(
                    premises.search_key,
                    premises_key(premises.name, premises.operator_name, premises.address),
                )
        self.assertEqual(
            Premises.objects.get(external_id="A-1").search_key,
            "bergensesteenweg 49 bus 2 1500 halle",
        )
        # The street word that starts the number joins the street, as typed whole.
        self.assertIn("bergensesteenweg 5", Premises.objects.get(external_id="A-2").search_key)


BEST = (
    Path(__file__).resolve().parents[2]
    / "shared/data/be_best_addresses_fedict/best_addresses_brussels_halle_31370.gpkg"
)


@pytest.mark.skipif(not BEST.exists(), reason="../shared/data is not beside the checkout")
class RegisterSearchKeyTests(LayerTestCase):
    def test_the_address_register_of_halle_imports_with_the_keys_save_gives(self) -> None:
        self.import_premises(BEST, "--where", "nis_code = '23027'")
        keys = Premises.objects.values_list("search_key", "name", "operator_name", "address")
        self.assertGreater(len(keys), 1000)
        for key, *parts in keys:
            self.assertEqual(key, premises_key(*parts))
