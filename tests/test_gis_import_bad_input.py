"""Bad layers get a clear message, import nothing and are logged as refused."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import shapely
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from gis.models import ImportRun, Premises
from tests.test_gis_import import LayerTestCase, place_frame, refusal, write_layer


class BadInputTests(LayerTestCase):
    def assert_refused(self, path: Path, *args: str, says: str) -> str:
        message = refusal("import_premises", path, "--municipality", "23027", *args)
        self.assertIn(says, message)
        self.assertFalse(Premises.objects.exists())
        run = ImportRun.objects.latest("started_at")
        self.assertEqual(run.status, ImportRun.Status.REFUSED)
        self.assertIn(says, run.message)
        return message

    def test_zip_bomb_is_refused_before_extracting(self) -> None:
        path = self.tmp / "bomb.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("places.geojson", b" " * (20 * 2**20))
        self.assert_refused(path, says="compressed")
        self.assertFalse((self.tmp / "places.geojson").exists())

    def test_shapefile_without_its_dbf(self) -> None:
        write_layer(place_frame(31370).drop(columns="housenumber"), self.tmp / "places.shp")
        (self.tmp / "places.dbf").unlink()
        self.assert_refused(self.tmp / "places.shp", says="without its .dbf")

    def test_geojson_that_is_not_json(self) -> None:
        path = self.tmp / "broken.geojson"
        path.write_text('{"type": "FeatureCollection", "features": [')
        self.assert_refused(path, says="not valid JSON")

    def test_csv_without_coordinate_columns(self) -> None:
        path = self.tmp / "addresses.csv"
        path.write_text("id,straat,huisnummer\n1,Basiliekstraat,12\n")
        self.assert_refused(path, says="no coordinate columns")

    def test_csv_row_with_more_fields_than_its_header(self) -> None:
        # An unquoted comma in the address shifts the coordinates one column to the right.
        path = self.tmp / "shops.csv"
        path.write_text(
            "id,naam,adres,lon,lat\n"
            "1,Bakkerij Peeters,Basiliekstraat 12,4.2369,50.7339\n"
            "\n"
            "2,Nachtwinkel,Grote Markt 1, Halle,4.2378,50.7345\n"
        )
        message = self.assert_refused(path, says="more fields than its header: row 2: 6 instead")
        self.assertIn("Is there a delimiter (,) in a value?", message)
        # The first row too: pandas would have dropped its last field without a word.
        path.write_text("id,naam,adres,lon,lat\n1,Nachtwinkel,Grote Markt, 12,4.2378,50.7345\n")
        self.assert_refused(path, says="row 1: 6 instead of 5")

    def test_empty_file(self) -> None:
        path = self.tmp / "empty.gpkg"
        path.touch()
        self.assert_refused(path, says="empty (0 bytes)")

    def test_no_crs_in_the_file_and_none_given(self) -> None:
        path = self.tmp / "xy.csv"
        path.write_text("id,x,y\n1,146000,170000\n")
        self.assert_refused(path, says="does not say which coordinate reference system")

    def test_crs_contradicting_the_file(self) -> None:
        path = write_layer(place_frame(31370), self.tmp / "places.gpkg")
        self.assert_refused(path, "--crs", "EPSG:28992", says="EPSG:31370, not EPSG:28992")

    def test_unknown_layer_name(self) -> None:
        path = write_layer(place_frame(31370), self.tmp / "places.gpkg", layer="adressen")
        self.assert_refused(path, "--layer", "gebouwen", says="no layer “gebouwen”")

    def test_duplicate_ids(self) -> None:
        frame = place_frame(31370)
        frame.loc[2, "id"] = "HAL-1"
        path = write_layer(frame, self.tmp / "places.gpkg")
        message = self.assert_refused(path, says="duplicate id")
        self.assertIn("row 3: duplicate id (HAL-1, first at row 1)", message)

    def test_ids_longer_than_the_register_keeps(self) -> None:
        # Cut to 100 characters, two such ids could become one: refused instead.
        frame = place_frame(31370)
        frame.loc[1, "id"] = "X" * 101
        path = write_layer(frame, self.tmp / "places.gpkg")
        message = self.assert_refused(path, says="id longer than 100 characters")
        self.assertIn("row 2: id longer than 100 characters (" + "X" * 40, message)

    def test_unknown_sector(self) -> None:
        path = write_layer(place_frame(31370, sector=["bar", "bakery", ""]), self.tmp / "s.gpkg")
        self.assertIn("row 2: unknown sector (bakery)", self.assert_refused(path, says="unknown"))

    def test_rows_without_geometry(self) -> None:
        frame = place_frame(31370)
        frame.loc[1, "geometry"] = None
        path = write_layer(frame, self.tmp / "places.gpkg")
        self.assertIn("row 2: no geometry", self.assert_refused(path, says="no geometry"))

    def test_self_intersecting_polygon(self) -> None:
        frame = place_frame(31370)
        x, y = frame.geometry[0].x, frame.geometry[0].y
        bowtie = shapely.Polygon([(x, y), (x + 10, y + 10), (x + 10, y), (x, y + 10)])
        frame.loc[0, "geometry"] = bowtie
        path = write_layer(frame, self.tmp / "places.gpkg")
        message = self.assert_refused(path, says="invalid geometry")
        self.assertIn("Self-intersection", message)

    def test_utf8_csv_with_rows_saved_in_another_encoding(self) -> None:
        # An export appended to by a spreadsheet on Windows: UTF-8 with one cp1252 row.
        path = self.tmp / "mixed.csv"
        path.write_bytes(
            "id,naam,lon,lat\n1,Café Zoë,4.2369,50.7339\n".encode()
            + "2,Brasserie Élise,4.2378,50.7345\n".encode("cp1252")
        )
        message = self.assert_refused(path, says="undecodable text")
        self.assertIn("row 2", message)

    def test_skip_invalid_imports_the_valid_rows_and_says_why_others_were_skipped(self) -> None:
        frame = place_frame(31370, sector=["bar", "bakery", "pub"])
        frame.loc[2, "geometry"] = None
        path = write_layer(frame, self.tmp / "places.gpkg")
        summary = self.import_premises(path, "--skip-invalid")
        self.assertEqual(
            summary,
            "created 1, updated 0, unchanged 0, skipped 2 (1 no geometry, 1 unknown sector)",
        )
        self.assertEqual(list(Premises.objects.values_list("external_id", flat=True)), ["HAL-1"])
        run = ImportRun.objects.get()
        self.assertEqual(
            [(e["row"], e["reason"]) for e in run.errors],
            [(2, "unknown sector"), (3, "no geometry")],
        )

    def test_invalid_identifier_makes_the_row_invalid(self) -> None:
        frame = place_frame(31370, KBO=["0123.456.748", "", ""])
        path = write_layer(frame, self.tmp / "places.gpkg")
        message = self.assert_refused(path, says="invalid identifier")
        self.assertIn("check digits", message)

    def test_each_invalid_row_is_listed_on_stderr_in_the_active_language(self) -> None:
        path = write_layer(place_frame(31370, sector=["bar", "bakery", ""]), self.tmp / "s.gpkg")
        stderr = io.StringIO()
        with translation.override("nl"), self.assertRaises(CommandError):
            call_command("import_premises", str(path), "--municipality", "23027", stderr=stderr)
        self.assertEqual(stderr.getvalue().strip(), "rij 2: onbekende sector (bakery)")
        self.assertFalse(Premises.objects.exists())

    def test_refusals_are_listed_on_stderr_and_logged_in_the_run(self) -> None:
        path = self.tmp / "broken.geojson"
        path.write_text("not json at all")
        self.assert_refused(path, says="not valid JSON")
        run = ImportRun.objects.get()
        self.assertTrue(run.summary().startswith("refused, nothing imported"))
        self.assertEqual(json.loads(json.dumps(run.errors)), [])
