"""Exporting premises as GeoJSON or GeoPackage in WGS84, audited when a user is known."""

from __future__ import annotations

import io
import json

import pyogrio
from django.core.management import call_command

from gis.exporting import export_premises
from gis.models import Premises
from partners.models import AuditEntry
from tests.test_gis_import import LayerTestCase, place_frame, run_command, write_layer


class ExportTests(LayerTestCase):
    def setUp(self) -> None:
        frame = place_frame(31370, sector=["bar", "", ""], KBO=["0123.456.749", "", ""])
        run_command(
            "import_premises", write_layer(frame, self.tmp / "p.gpkg"), "--municipality", "23027"
        )
        Premises.objects.filter(external_id="HAL-1").update(risk_score=2.5)
        Premises.objects.create(
            municipality=self.city_b, external_id="MAL-1", lon=6.0, lat=50.4, source_x=6.0,
            source_y=50.4, source_crs="EPSG:4326",
        )  # fmt: skip

    def test_geojson_has_points_in_wgs84_with_register_properties(self) -> None:
        data = json.loads(
            export_premises(Premises.objects.filter(municipality=self.city_a), "geojson")
        )
        self.assertEqual(len(data["features"]), 3)
        feature = data["features"][0]
        self.assertEqual(feature["geometry"]["type"], "Point")
        self.assertEqual(
            feature["properties"],
            {
                "external_id": "HAL-1", "name": "Stadhuis", "address": "Grote Markt 1, 1500 Halle",
                "sector": "bar", "risk_score": 2.5, "parcel_key": "", "address_register_id": "",
                "address_register_version": "", "bag_id": "", "enterprise_number": "0123.456.749",
                "operator_name": "",
            },
        )  # fmt: skip

    def test_geopackage_reads_back_as_a_wgs84_layer(self) -> None:
        path = self.tmp / "out.gpkg"
        path.write_bytes(export_premises(Premises.objects.filter(municipality=self.city_a), "gpkg"))
        frame = pyogrio.read_dataframe(path, layer="premises")
        self.assertEqual(frame.crs.to_epsg(), 4326)
        self.assertEqual(sorted(frame["external_id"]), ["HAL-1", "HAL-2", "MAA-1"])
        self.assertEqual(frame.loc[frame["external_id"] == "HAL-1", "sector"].item(), "bar")

    def test_empty_selection_exports_an_empty_layer(self) -> None:
        self.assertEqual(
            json.loads(export_premises(Premises.objects.none(), "geojson"))["features"], []
        )
        self.assertTrue(
            export_premises(Premises.objects.none(), "gpkg").startswith(b"SQLite format 3")
        )

    def test_unknown_format_is_refused(self) -> None:
        with self.assertRaises(ValueError):
            export_premises(Premises.objects.all(), "kml")

    def test_command_writes_one_municipality_and_audits_the_user(self) -> None:
        output = self.tmp / "halle.gpkg"
        stdout, _ = run_command(
            "export_premises", output, "--municipality", "23027", "--user", "coordinator"
        )
        self.assertIn("exported 3 premises of Halle", stdout)
        self.assertEqual(len(pyogrio.read_dataframe(output)), 3)
        entry = AuditEntry.objects.get()
        self.assertEqual(
            (entry.action, entry.object_type, entry.municipality),
            (AuditEntry.Action.EXPORT, "gis.Premises", self.city_a),
        )
        self.assertEqual(entry.detail, {"count": 3, "format": "gpkg"})

    def test_command_to_stdout_as_system_writes_geojson_without_audit(self) -> None:
        stdout = io.StringIO()
        call_command("export_premises", "-", "--municipality", "63049", stdout=stdout)
        data = json.loads(stdout.getvalue())
        self.assertEqual([f["properties"]["external_id"] for f in data["features"]], ["MAL-1"])
        self.assertFalse(AuditEntry.objects.exists())

    def test_reimporting_an_export_keeps_every_position(self) -> None:
        path = self.tmp / "export.geojson"
        before = dict(
            Premises.objects.filter(municipality=self.city_a).values_list("external_id", "lon")
        )
        path.write_bytes(
            export_premises(Premises.objects.filter(municipality=self.city_a), "geojson")
        )
        summary = run_command("import_premises", path, "--municipality", "23027")[0]
        self.assertIn("updated 3", summary)  # now sourced in WGS84
        after = dict(
            Premises.objects.filter(municipality=self.city_a).values_list("external_id", "lon")
        )
        self.assertEqual(before, after)
