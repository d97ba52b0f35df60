"""A large first import is composed and written part by part (on SQLite by two threads,
see gis.importing.insert_prepared): the rows, keys and search texts are those of the
layer composed whole, and a failure in any part, while writing or while composing,
leaves nothing written."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

import geopandas as gpd
import numpy as np
import shapely
from django.db import DatabaseError, connection

from gis import importing, layers
from gis.importing import PREMISES_FIELDS, import_file, prepare_premises
from gis.models import ImportRun, Premises
from gis.search import premises_key
from tests.base import CastTestCase
from tests.test_gis_import import inserts_into_premises_fail

ROWS = 6000
# Rows without an id (every 997th, from the first) and one invalid enterprise number.
SKIPPED = 8


def messy_layer(path: Path) -> Path:
    """Names, operators, streets with abbreviations and overlong ones, boxes, two towns,
    versioned and plain address ids, enterprise numbers; a few rows without an id, and
    one with an invalid enterprise number."""
    rng = np.random.default_rng(7)
    frame = gpd.GeoDataFrame(
        {
            "id": [f"P{i}" if i % 997 else "" for i in range(ROWS)],
            "naam": [f"Café {i % 37} & Zn" if i % 3 else "" for i in range(ROWS)],
            "uitbater": [f"BV Ö{i % 11}" if i % 5 == 0 else None for i in range(ROWS)],
            "straatnaam": rng.choice(["Basiliekstr.", "Grote Markt", "A" * 290, "Leide", ""], ROWS),
            "huisnummer": [str(i % 300) for i in range(ROWS)],
            "busnummer": rng.choice(["", "", "3", "a"], ROWS),
            "postcode": "1500",
            "gemeente": rng.choice(["Halle", "Lembeek", ""], ROWS),
            "kbo": [
                "0123.456.749" if i % 13 == 0 else "bad" if i == 4444 else "" for i in range(ROWS)
            ],
            "adresid": [f"VA/{i}/2020-01-01" if i % 2 else f"{i}" for i in range(ROWS)],
        },
        geometry=shapely.points(
            rng.uniform(141_000, 150_000, ROWS), rng.uniform(161_000, 170_000, ROWS)
        ),
        crs="EPSG:31370",
    )
    frame.to_file(path, engine="pyogrio")
    return path


class ImportInPartsTests(CastTestCase):
    def setUp(self) -> None:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.path = messy_layer(Path(folder.name) / "messy.gpkg")

    def import_layer(self) -> ImportRun:
        return import_file(
            self.path,
            kind=ImportRun.Kind.PREMISES,
            municipality=self.city_a.code,
            options={},
            skip_invalid=True,
        )

    def test_the_rows_are_those_of_the_layer_composed_whole(self) -> None:
        with mock.patch.object(
            importing, "insert_sqlite", wraps=importing.insert_sqlite
        ) as insert_sqlite:
            run = self.import_layer()
        if connection.vendor == "sqlite":
            self.assertGreater(insert_sqlite.call_count, 1)  # written in parts
        expected = prepare_premises(layers.read_layer(self.path), {}, language="nl")
        self.assertEqual(len(expected.problems), SKIPPED)
        self.assertEqual((run.created, run.skipped), (ROWS - SKIPPED, SKIPPED))
        found = list(
            Premises.objects.filter(municipality=self.city_a)
            .order_by("pk")
            .values_list("external_id", *PREMISES_FIELDS)
        )
        self.assertEqual(
            [list(row) for row in found],
            [list(row) for row in zip(*expected.all_columns(), strict=True)],
        )
        for name, operator, address, key in Premises.objects.values_list(
            "name", "operator_name", "address", "search_key"
        ):
            self.assertEqual(key, premises_key(name, operator, address))
        codes = Premises.objects.values_list("code", flat=True)
        self.assertEqual(len(set(codes)), ROWS - SKIPPED)
        # A re-import finds every row unchanged.
        again = self.import_layer()
        self.assertEqual((again.created, again.updated, again.unchanged), (0, 0, ROWS - SKIPPED))

    def test_a_part_the_database_refuses_leaves_nothing_written(self) -> None:
        with (
            inserts_into_premises_fail("disk full", external_id="P5001"),
            self.assertRaises(DatabaseError),
        ):
            self.import_layer()
        self.assert_nothing_written("disk full")

    def test_a_part_that_cannot_be_composed_leaves_nothing_written(self) -> None:
        texts = importing.premises_texts
        calls = []

        def fails_at_row_4500(*args: Any) -> Any:
            start, end = args[-2:]
            calls.append((start, end))
            if start <= 4500 < end:
                raise MemoryError("out of memory")
            return texts(*args)

        with (
            mock.patch.object(importing, "premises_texts", fails_at_row_4500),
            self.assertRaises(MemoryError),
        ):
            self.import_layer()
        self.assert_nothing_written("out of memory")
        if connection.vendor == "sqlite":
            self.assertEqual(len(calls), 3)  # two parts were written, then rolled back

    def assert_nothing_written(self, message: str) -> None:
        run = ImportRun.objects.get()
        self.assertEqual(run.status, ImportRun.Status.FAILED)
        self.assertIn(message, run.message)
        self.assertFalse(Premises.objects.exists())
