"""Importing GIS layers into the premises register: formats, CRSs, mapping, re-import."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyproj
import pytest
import shapely
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection
from django.urls import reverse
from django.utils import translation

from gis.exporting import export_premises
from gis.models import ImportRun, Premises, Zone
from tests.base import CastTestCase
from tests.gis_factories import square_zone

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
GEOD = pyproj.Geod(ellps="WGS84")

# Halle town hall, a Halle street corner, Maastricht's Vrijthof: WGS84 lon/lat.
PLACES = [
    ("HAL-1", "Stadhuis", "Grote Markt", "1", "1500", "Halle", 4.2369, 50.7339),
    ("HAL-2", "Café Basiliek", "Basiliekstraat", "12", "1500", "Halle", 4.2378, 50.7345),
    ("MAA-1", "Vrijthof", "Vrijthof", "1", "6211", "Maastricht", 5.6909, 50.8514),
]


def place_frame(epsg: int, **extra: list[Any]) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(
        {
            "id": [p[0] for p in PLACES],
            "name": [p[1] for p in PLACES],
            "street": [p[2] for p in PLACES],
            "housenumber": [p[3] for p in PLACES],
            "postcode": [p[4] for p in PLACES],
            "city": [p[5] for p in PLACES],
            **extra,
        },
        geometry=shapely.points([p[6] for p in PLACES], [p[7] for p in PLACES]),
        crs="EPSG:4326",
    )
    return frame.to_crs(epsg)


def write_layer(frame: gpd.GeoDataFrame, path: Path, **options: Any) -> Path:
    frame.to_file(path, engine="pyogrio", **options)
    return path


def run_command(name: str, *args: Any, **options: Any) -> tuple[str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command(name, *map(str, args), stdout=stdout, stderr=stderr, **options)
    return stdout.getvalue().strip(), stderr.getvalue().strip()


def refusal(name: str, *args: Any, **options: Any) -> str:
    with pytest.raises(CommandError) as raised:
        run_command(name, *args, **options)
    return str(raised.value)


@contextmanager
def inserts_into_premises_fail(message: str, external_id: str | None = None) -> Iterator[None]:
    """A real database that refuses new premises (a trigger), as a full disk or a lost
    connection would; given ``external_id``, only that premises (the rows written before
    it go in)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raised = f"RAISE EXCEPTION '{message}';"
            if external_id is not None:
                raised = f"IF NEW.external_id = '{external_id}' THEN {raised} END IF; RETURN NEW;"
            cursor.execute(
                "CREATE FUNCTION refuse_premises() RETURNS trigger AS $$ BEGIN "
                f"{raised} END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER refuse_premises BEFORE INSERT ON gis_premises "
                "FOR EACH ROW EXECUTE FUNCTION refuse_premises()"
            )
        else:
            when = f"WHEN NEW.external_id = '{external_id}' " if external_id is not None else ""
            cursor.execute(
                "CREATE TRIGGER refuse_premises BEFORE INSERT ON gis_premises "
                f"{when}BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("DROP TRIGGER refuse_premises ON gis_premises")
                cursor.execute("DROP FUNCTION refuse_premises()")
            else:
                cursor.execute("DROP TRIGGER refuse_premises")


def metres_apart(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    return float(GEOD.inv(lon1, lat1, lon2, lat2)[2])


class LayerTestCase(CastTestCase):
    tmp: Path

    @pytest.fixture(autouse=True)
    def _tmp(self, tmp_path: Path) -> None:
        self.tmp = tmp_path

    @pytest.fixture(autouse=True)
    def _english(self) -> Iterator[None]:
        # Messages are asserted in English, whatever translations the catalogues hold.
        with translation.override("en"):
            yield

    def import_premises(self, path: Path, *args: Any) -> str:
        return run_command("import_premises", path, "--municipality", "23027", *args)[0]


class RoundTripTests(LayerTestCase):
    def test_each_crs_lands_within_a_metre_and_survives_export_and_reimport(self) -> None:
        sectors = ["bar", "pub", ""]
        for epsg in (31370, 3812, 28992, 4326):
            with self.subTest(epsg=epsg):
                Premises.objects.all().delete()
                frame = place_frame(epsg, sector=sectors)
                path = write_layer(frame, self.tmp / f"places_{epsg}.gpkg")
                summary = self.import_premises(path)
                self.assertEqual(summary, "created 3, updated 0, unchanged 0, skipped 0")
                exported = json.loads(export_premises(Premises.objects.all(), "geojson"))
                by_id = {f["properties"]["external_id"]: f for f in exported["features"]}
                transformer = pyproj.Transformer.from_crs(epsg, 4326, always_xy=True)
                for (external_id, name, *_rest), point in zip(PLACES, frame.geometry, strict=True):
                    lon, lat = transformer.transform(point.x, point.y)
                    feature = by_id[external_id]
                    self.assertLess(metres_apart(lon, lat, *feature["geometry"]["coordinates"]), 1)
                    self.assertEqual(feature["properties"]["name"], name)
                self.assertEqual(
                    by_id["HAL-1"]["properties"]["address"], "Grote Markt 1, 1500 Halle"
                )
                self.assertEqual(by_id["HAL-2"]["properties"]["sector"], "bar")
                self.assertEqual(by_id["MAA-1"]["properties"]["sector"], "")
                premises = Premises.objects.get(external_id="HAL-1")
                self.assertEqual(premises.source_crs, f"EPSG:{epsg}")
                self.assertAlmostEqual(premises.source_x, frame.geometry[0].x, places=6)
                self.assertEqual(
                    self.import_premises(path), "created 0, updated 0, unchanged 3, skipped 0"
                )
                self.assertEqual(Premises.objects.count(), 3)


class ImportTests(LayerTestCase):
    def test_reimport_updates_changed_rows_and_keeps_risk(self) -> None:
        path = write_layer(place_frame(31370), self.tmp / "places.gpkg")
        self.import_premises(path)
        Premises.objects.filter(external_id="HAL-1").update(risk_score=4.5)
        frame = place_frame(31370)
        frame.loc[0, "name"] = "Stadhuis van Halle"
        write_layer(frame, path)
        self.assertEqual(self.import_premises(path), "created 0, updated 1, unchanged 2, skipped 0")
        premises = Premises.objects.get(external_id="HAL-1")
        self.assertEqual((premises.name, premises.risk_score), ("Stadhuis van Halle", 4.5))

    def test_premises_outside_the_municipality_are_pointed_out_not_refused(self) -> None:
        # Two places in Halle and one in Maastricht.
        path = write_layer(place_frame(31370), self.tmp / "places.gpkg")
        command = ("import_premises", path, "--municipality", "23027")
        expected = (
            "1 of 3 premises lie outside the boundary of Halle, the first MAA-1: "
            "is this the layer of Halle, and is its CRS right?"
        )
        # No outline of Halle's own yet: the boundary shipped with Integra judges.
        self.assertEqual(run_command(*command, "--dry-run")[1], expected)
        outline = square_zone(self.city_a, "Halle", 4.20, 50.70, 0.08)
        Zone.objects.filter(pk=outline.pk).update(kind=Zone.Kind.MUNICIPALITY)
        summary, warning = run_command(*command)
        self.assertEqual(summary, "created 3, updated 0, unchanged 0, skipped 0")
        self.assertEqual(
            warning,
            "1 of 3 premises lie outside the boundary of Halle, the first MAA-1: "
            "is this the layer of Halle, and is its CRS right?",
        )
        self.assertEqual(ImportRun.objects.latest("started_at").warning, warning)
        write_layer(place_frame(31370).iloc[:2], path)
        self.assertEqual(run_command(*command)[1], "")

    def test_a_database_failure_ends_the_run_failed_with_nothing_written(self) -> None:
        path = write_layer(place_frame(31370), self.tmp / "places.gpkg")
        with inserts_into_premises_fail("disk full"), self.assertRaises(DatabaseError):
            self.import_premises(path)
        run = ImportRun.objects.get()
        self.assertEqual(run.status, ImportRun.Status.FAILED)
        self.assertIn("disk full", run.message)
        self.assertIsNotNone(run.finished_at)
        self.assertFalse(Premises.objects.exists())
        # The same layer goes in once the database takes it again.
        self.assertEqual(self.import_premises(path), "created 3, updated 0, unchanged 0, skipped 0")

    def test_dry_run_counts_and_writes_nothing_but_the_log(self) -> None:
        path = write_layer(place_frame(31370), self.tmp / "places.gpkg")
        summary = self.import_premises(path, "--dry-run")
        self.assertIn("created 3", summary)
        self.assertFalse(Premises.objects.exists())
        run = ImportRun.objects.get()
        self.assertTrue(run.dry_run)
        self.assertEqual((run.status, run.created), (ImportRun.Status.DONE, 3))

    def test_import_is_logged_with_file_crs_and_counts(self) -> None:
        path = write_layer(place_frame(3812), self.tmp / "lambert2008.gpkg")
        run_command("import_premises", path, "--user", "coordinator")
        run = ImportRun.objects.get()
        self.assertEqual(run.user, self.coordinator)
        self.assertEqual(run.municipality, self.city_a)
        self.assertEqual(
            (run.filename, run.crs, run.layer), ("lambert2008.gpkg", "EPSG:3812", "lambert2008")
        )
        self.assertEqual((run.total_rows, run.created, run.status), (3, 3, ImportRun.Status.DONE))

    def test_a_layer_of_several_insert_statements_lands_row_for_row(self) -> None:
        # More rows than one INSERT statement takes, and a last, shorter statement: every
        # value must reach its own row, and every new premises gets its own code.
        count = 1203
        frame = gpd.GeoDataFrame(
            {
                "id": [f"P-{i:05d}" for i in range(count)],
                "name": [f"Shop {i}" for i in range(count)],
                "street": "Basiliekstraat",
                "housenumber": [str(i + 1) for i in range(count)],
                "sector": ["bar" if i % 3 == 0 else "" for i in range(count)],
            },
            geometry=shapely.points(
                [146_000 + i for i in range(count)], [163_000 - i for i in range(count)]
            ),
            crs="EPSG:31370",
        )
        path = write_layer(frame, self.tmp / "shops.gpkg")
        self.assertEqual(
            self.import_premises(path), f"created {count}, updated 0, unchanged 0, skipped 0"
        )
        rows = list(
            Premises.objects.order_by("pk").values_list(
                "external_id", "name", "address", "sector__code", "source_x", "source_y", "code"
            )
        )
        self.assertEqual(len(rows), count)
        for i, (external_id, name, address, sector, x, y, _code) in enumerate(rows):
            self.assertEqual(
                (external_id, name, address, sector or "", x, y),
                (
                    f"P-{i:05d}",
                    f"Shop {i}",
                    f"Basiliekstraat {i + 1}",
                    "bar" if i % 3 == 0 else "",
                    146_000 + i,
                    163_000 - i,
                ),
            )
        codes = [row[-1] for row in rows]
        self.assertEqual(len(set(codes)), count)
        self.assertEqual({code.version for code in codes}, {7})
        self.assertEqual(codes, sorted(codes))
        # The premises pages find them by code.
        self.client.force_login(self.coordinator)
        response = self.client.get(reverse("gis-premises-detail", args=[codes[600]]))
        self.assertContains(response, "Shop 600")

    def buildings(self) -> tuple[gpd.GeoDataFrame, Path]:
        """The places as 40 m square buildings, written to a GeoPackage."""
        frame = place_frame(31370)
        frame["geometry"] = frame.geometry.buffer(20, cap_style="square")
        return frame, write_layer(frame, self.tmp / "buildings.gpkg")

    def test_polygons_get_a_marker_inside_and_keep_their_footprint(self) -> None:
        _frame, path = self.buildings()
        self.import_premises(path)
        premises = Premises.objects.get(external_id="HAL-1")
        footprint = shapely.geometry.shape(premises.footprint)
        self.assertEqual(footprint.geom_type, "Polygon")
        self.assertTrue(footprint.contains(shapely.Point(premises.lon, premises.lat)))
        self.assertLess(metres_apart(premises.lon, premises.lat, 4.2369, 50.7339), 1)

    def test_a_redrawn_footprint_is_updated_on_reimport(self) -> None:
        frame, path = self.buildings()
        self.import_premises(path)
        before = Premises.objects.get(external_id="HAL-2")
        frame.loc[1, "geometry"] = frame.geometry.iloc[1].buffer(15, cap_style="square")
        write_layer(frame, path)
        self.assertEqual(self.import_premises(path), "created 0, updated 1, unchanged 2, skipped 0")
        after = Premises.objects.get(external_id="HAL-2")
        grown = shapely.geometry.shape(after.footprint)
        self.assertGreater(grown.area, shapely.geometry.shape(before.footprint).area * 2)
        self.assertTrue(grown.contains(shapely.Point(after.lon, after.lat)))
        self.assertGreater(after.updated_at, before.updated_at)
        self.assertEqual(
            (after.pk, after.code, after.created_at), (before.pk, before.code, before.created_at)
        )
        unchanged = Premises.objects.get(external_id="HAL-1")
        self.assertEqual(unchanged.updated_at, unchanged.created_at)

    def test_identifiers_are_read_normalised_and_stored(self) -> None:
        frame = place_frame(
            31370,
            CAPAKEY=["23027A0123-00B000", "23027A0124/00C000", ""],
            KBO=["BE 0123 456 749", "", "1000002197"],
            bag_id=["", "", "NL.IMBAG.Verblijfsobject.0935010000012345"],
        )
        path = write_layer(frame, self.tmp / "identifiers.gpkg")
        self.import_premises(path)
        values = dict(
            (p.external_id, (p.parcel_key, p.enterprise_number, p.bag_id))
            for p in Premises.objects.all()
        )
        self.assertEqual(values["HAL-1"], ("23027A0123/00B000", "0123.456.749", ""))
        self.assertEqual(values["MAA-1"], ("", "1000.002.197", "0935010000012345"))

    def test_shapefile_zip_geojson_and_csv_are_read(self) -> None:
        frame = place_frame(31370)
        folder = self.tmp / "shp"
        folder.mkdir()
        write_layer(frame.drop(columns="housenumber"), folder / "places.shp")
        archive = self.tmp / "places.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
            for part in folder.iterdir():
                zipped.write(part, part.name)
        self.assertIn("created 3", self.import_premises(archive))
        self.assertIn("unchanged 3", self.import_premises(folder / "places.shp"))
        geojson = write_layer(place_frame(4326), self.tmp / "places.geojson", driver="GeoJSON")
        self.assertIn("updated 3", self.import_premises(geojson))

    def test_csv_with_semicolons_in_cp1252_and_lon_lat(self) -> None:
        text = "id;naam;lon;lat\nA1;Café Sérénité;4,2369;50,7339\nA2;Frituur;4.2378;50.7345\n"
        path = self.tmp / "export.csv"
        path.write_bytes(text.encode("cp1252"))
        self.assertEqual(self.import_premises(path), "created 2, updated 0, unchanged 0, skipped 0")
        premises = Premises.objects.get(external_id="A1")
        self.assertEqual((premises.name, premises.source_crs), ("Café Sérénité", "EPSG:4326"))
        self.assertAlmostEqual(premises.lon, 4.2369)

    def test_csv_with_x_y_needs_and_uses_the_crs_option(self) -> None:
        frame = place_frame(31370)
        path = self.tmp / "xy.csv"
        path.write_text(
            "id,x,y\n"
            + "".join(
                f"{i},{p.x},{p.y}\n" for i, p in zip(frame["id"], frame.geometry, strict=True)
            ),
            encoding="utf-8",
        )
        self.assertIn("created 3", self.import_premises(path, "--crs", "EPSG:31370"))
        premises = Premises.objects.get(external_id="HAL-1")
        self.assertLess(metres_apart(premises.lon, premises.lat, 4.2369, 50.7339), 1)

    def test_a_file_with_several_layers_needs_the_layer_option(self) -> None:
        path = self.tmp / "two.gpkg"
        write_layer(place_frame(31370), path, layer="adressen")
        write_layer(place_frame(31370).iloc[:1], path, layer="gebouwen")
        message = refusal("import_premises", path, "--municipality", "23027")
        self.assertIn("adressen, gebouwen", message)
        self.assertIn("created 1", self.import_premises(path, "--layer", "gebouwen"))

    def test_explicit_fields_override_detection(self) -> None:
        frame = place_frame(31370, code=["x1", "x2", "x3"], label=["a", "b", "c"])
        path = write_layer(frame, self.tmp / "fields.gpkg")
        self.import_premises(
            path, "--id-field", "code", "--name-field", "label", "--address-field", "street",
            "--address-field", "housenumber",
        )  # fmt: skip
        premises = Premises.objects.get(external_id="x1")
        self.assertEqual((premises.name, premises.address), ("a", "Grote Markt 1"))

    def test_municipality_must_be_named_when_there_are_several(self) -> None:
        path = write_layer(place_frame(31370), self.tmp / "places.gpkg")
        message = refusal("import_premises", path)
        self.assertIn("23027 Halle", message)
        self.assertIn("63049 Malmedy", message)
        self.assertFalse(ImportRun.objects.exists())

    def test_users_without_import_role_or_of_another_city_are_refused(self) -> None:
        path = write_layer(place_frame(31370), self.tmp / "places.gpkg")
        self.assertIn("may not import", refusal("import_premises", path, "--user", "clerk"))
        message = refusal("import_premises", path, "--user", "outsider", "--municipality", "23027")
        self.assertIn("23027", message)
        self.assertFalse(Premises.objects.exists())


class RealLayerTests(LayerTestCase):
    def test_mechelen_horeca_is_refused_for_bookcases_then_imported_skipping_them(self) -> None:
        path = DATA / "be_mechelen_osm_horeca" / "mechelen_osm_horeca_31370.gpkg"
        message = refusal("import_premises", path, "--municipality", "23027")
        self.assertIn("4 invalid rows", message)
        self.assertIn("unknown sector (public_bookcase)", message)
        self.assertFalse(Premises.objects.exists())
        self.assertEqual(ImportRun.objects.get().status, ImportRun.Status.REFUSED)
        summary = self.import_premises(path, "--skip-invalid")
        self.assertEqual(
            summary, "created 85, updated 0, unchanged 0, skipped 4 (4 unknown sector)"
        )
        self.assertEqual(Premises.objects.filter(sector__code="bar").count(), 85)

    def test_best_addresses_of_halle_with_a_where_filter(self) -> None:
        path = DATA / "be_best_addresses_fedict" / "best_addresses_brussels_halle_31370.gpkg"
        summary = self.import_premises(path, "--where", "nis_code = '23027'")
        self.assertEqual(summary, "created 3446, updated 0, unchanged 0, skipped 0")
        premises = Premises.objects.get(external_id="VA/1836467/2013-10-05T15:58:31.813")
        self.assertEqual(premises.address, "Arthur Puesstraat 1, 1502 Halle")
        self.assertEqual(premises.address_register_id, "VA/1836467")
        self.assertEqual(premises.address_register_version, "2013-10-05T15:58:31.813")
        self.assertLess(metres_apart(premises.lon, premises.lat, 4.2369, 50.7339), 10_000)

    def test_dutch_bag_addresses_in_rd_new(self) -> None:
        path = DATA / "nl_geonovum_testbed" / "bag_inspire_adressen_ede_28992.gpkg"
        self.assertIn("created 2481", self.import_premises(path))
        premises = Premises.objects.get(external_id="inspireadressen.1742212")
        self.assertEqual(premises.address, "Willinkhuizersteeg 2C, 6733EB Wekerom")
        self.assertEqual(premises.source_crs, "EPSG:28992")
        self.assertAlmostEqual(premises.lat, 52.12, places=1)

    def test_leuven_parcels_keep_capakey_and_footprint(self) -> None:
        path = DATA / "be_leuven_grb_parcels_brdr" / "leuven_grb_adp_parcels_31370.gpkg"
        self.assertIn("created 321", self.import_premises(path))
        premises = Premises.objects.get(parcel_key="24432H0037/00M016")
        footprint = premises.footprint
        assert footprint is not None
        self.assertEqual(footprint["type"], "MultiPolygon")
        outline = shapely.geometry.shape(footprint)
        self.assertTrue(outline.contains(shapely.Point(premises.lon, premises.lat)))
