"""Zones from polygon layers, and which premises lie inside one."""

from __future__ import annotations

import shapely

from gis.models import ImportRun, Premises, Zone
from gis.zones import premises_in_zone
from partners.models import Municipality
from tests.test_gis_import import (
    DATA,
    LayerTestCase,
    place_frame,
    refusal,
    run_command,
    write_layer,
)

FLANDERS = DATA / "be_flanders_areas_provinciesincijfers"


def premises_at(municipality: Municipality, external_id: str, lon: float, lat: float) -> Premises:
    return Premises.objects.create(
        municipality=municipality, external_id=external_id, lon=lon, lat=lat,
        source_x=lon, source_y=lat, source_crs="EPSG:4326",
    )  # fmt: skip


class ZoneImportTests(LayerTestCase):
    def import_zones(self, *args: object) -> str:
        return run_command("import_zones", *args, "--municipality", "23027")[0]

    def test_flemish_neighbourhoods_from_a_geopackage_layer(self) -> None:
        path = FLANDERS / "genk_mechelen_antwerpen_31370.gpkg"
        self.assertIn("wijken", refusal("import_zones", path, "--municipality", "23027"))
        summary = self.import_zones(path, "--layer", "wijken", "--kind", "neighbourhood")
        self.assertEqual(summary, "created 107, updated 0, unchanged 0, skipped 0")
        zone = Zone.objects.get(external_id="11002P01")
        self.assertEqual((zone.name, zone.kind), ("Donk (Antwerpen)", "neighbourhood"))
        outline = shapely.geometry.shape(zone.geometry)
        self.assertEqual(outline.bounds, (zone.west, zone.south, zone.east, zone.north))
        self.assertTrue(4.3 < zone.west < zone.east < 4.6 and 51.2 < zone.south < zone.north < 51.4)
        self.assertEqual(zone.source_crs, "EPSG:31370")
        again = self.import_zones(path, "--layer", "wijken", "--kind", "neighbourhood")
        self.assertEqual(again, "created 0, updated 0, unchanged 107, skipped 0")

    def test_police_zones_from_a_shapefile(self) -> None:
        summary = self.import_zones(FLANDERS / "politiezone.shp", "--kind", "police_zone")
        self.assertEqual(summary, "created 107, updated 0, unchanged 0, skipped 0")
        self.assertTrue(Zone.objects.filter(external_id="ipz1", kind="police_zone").exists())

    def test_a_point_layer_is_not_a_zone_layer(self) -> None:
        path = write_layer(place_frame(31370), self.tmp / "points.gpkg")
        message = refusal("import_zones", path, "--municipality", "23027")
        self.assertIn("row 1: not a polygon (Point)", message)
        self.assertFalse(Zone.objects.exists())
        self.assertEqual(ImportRun.objects.get().kind, ImportRun.Kind.ZONES)


class PremisesInZoneTests(LayerTestCase):
    def test_exact_outline_decides_not_the_bounding_box(self) -> None:
        # A triangle: its bounding box holds the corner premises, the triangle does not.
        triangle = shapely.Polygon([(4.0, 50.0), (4.2, 50.0), (4.0, 50.2)])
        zone = Zone.objects.create(
            municipality=self.city_a, external_id="t", name="Triangle",
            geometry=shapely.geometry.mapping(triangle), west=4.0, south=50.0, east=4.2,
            north=50.2, source_crs="EPSG:4326",
        )  # fmt: skip
        inside = premises_at(self.city_a, "in", 4.05, 50.05)
        on_edge = premises_at(self.city_a, "edge", 4.0, 50.1)
        premises_at(self.city_a, "corner", 4.19, 50.19)
        premises_at(self.city_a, "far", 5.0, 51.0)
        other_city = premises_at(self.city_b, "in-b", 4.05, 50.05)
        found = premises_in_zone(zone, Premises.objects.filter(municipality=self.city_a))
        self.assertEqual(set(found), {inside, on_edge})
        self.assertIn(other_city, premises_in_zone(zone, Premises.objects.all()))
        self.assertEqual(list(premises_in_zone(zone, Premises.objects.none())), [])

    def test_imported_neighbourhood_holds_the_imported_horeca(self) -> None:
        run_command(
            "import_zones", FLANDERS / "genk_mechelen_antwerpen_31370.gpkg", "--layer",
            "gemeente", "--municipality", "23027",
        )  # fmt: skip
        run_command(
            "import_premises", DATA / "be_mechelen_osm_horeca" / "mechelen_osm_horeca_31370.gpkg",
            "--municipality", "23027", "--skip-invalid",
        )  # fmt: skip
        mechelen = Zone.objects.get(external_id="12025")
        antwerpen = Zone.objects.get(external_id="11002")
        self.assertEqual(premises_in_zone(mechelen, Premises.objects.all()).count(), 85)
        self.assertEqual(premises_in_zone(antwerpen, Premises.objects.all()).count(), 0)
