"""Reference layers: the city's own GIS layers imported like premises and drawn under
them on every map (fetched as GeoJSON for the view, inline on the offline field day) and
in every PDF map excerpt; and the public tile presets with the CSP that follows them."""

from __future__ import annotations

import json
import re
import runpy
from pathlib import Path
from typing import Any
from unittest import mock

import geopandas as gpd
import pytest
import shapely
from django.templatetags.static import static
from django.urls import reverse
from pypdf import PdfReader

from config import map_tiles
from decisions.rendering import render_report
from gis import reference
from gis.models import ImportRun, ReferenceFeature, ReferenceLayer
from inspections import briefing
from tests.decision_fixtures import build_report_day, final_report
from tests.field_fixtures import build_field_day
from tests.test_gis_import import DATA, LayerTestCase, refusal, run_command

ADDRESSES = DATA / "be_best_addresses_fedict" / "best_addresses_brussels_halle_31370.gpkg"
MUNICIPALITIES = DATA / "be_flanders_areas_provinciesincijfers" / "gemeente.shp"
PARCELS = DATA / "be_leuven_grb_parcels_brdr" / "leuven_grb_adp_parcels_31370.gpkg"
# The BeSt layer's Halle points (Lembeek), in WGS84.
LEMBEEK = (4.17, 50.69, 4.27, 50.73)
SETTINGS = Path(__file__).resolve().parents[1] / "config" / "settings.py"


def import_reference(path: Path, *args: Any) -> ImportRun:
    run_command("import_reference_layer", path, "--municipality", "23027", *args)
    return ImportRun.objects.filter(kind=ImportRun.Kind.REFERENCE).latest("started_at")


def streets_near(lon: float, lat: float, tmp: Path) -> Path:
    """Two streets crossing at (lon, lat), as a city's GIS delivers them: Lambert 72."""
    frame = gpd.GeoDataFrame(
        {"naam": ["Bergensesteenweg", "Zuidstraat"]},
        geometry=[
            shapely.LineString([(lon - 0.01, lat), (lon + 0.01, lat + 0.004)]),
            shapely.LineString([(lon, lat - 0.01), (lon + 0.002, lat + 0.01)]),
        ],
        crs="EPSG:4326",
    ).to_crs(31370)
    path = tmp / "straten.gpkg"
    frame.to_file(path, engine="pyogrio")
    return path


class ImportTests(LayerTestCase):
    def test_halle_address_points_from_the_best_geopackage_land_in_halle(self) -> None:
        run = import_reference(
            ADDRESSES, "--where", "nis_code = '23027'", "--kind", "addresses",
            "--name", "Adrespunten",
        )  # fmt: skip
        self.assertEqual((run.status, run.created, run.skipped), ("done", 3446, 0))
        layer = ReferenceLayer.objects.get()
        self.assertEqual(
            (layer.municipality, layer.kind, layer.name, layer.feature_count, layer.source_crs),
            (self.city_a, "addresses", "Adrespunten", 3446, "EPSG:31370"),
        )
        west, south, east, north = LEMBEEK
        for feature in ReferenceFeature.objects.all()[:50]:
            lon, lat = feature.geometry["coordinates"]
            self.assertTrue(west < lon < east and south < lat < north, (lon, lat))
            self.assertEqual((feature.west, feature.south), (lon, lat))

    def test_a_reimport_replaces_the_layer_and_keeps_other_layers(self) -> None:
        import_reference(MUNICIPALITIES, "--where", "geoitem = '23027'", "--name", "Grens")
        args = ("--where", "nis_code = '23027'", "--kind", "addresses", "--name", "Adressen")
        import_reference(ADDRESSES, *args)
        import_reference(ADDRESSES, *args)
        self.assertEqual(ReferenceFeature.objects.filter(layer__name="Adressen").count(), 3446)
        self.assertEqual(ReferenceFeature.objects.filter(layer__name="Grens").count(), 1)

    def test_outlines_are_simplified_to_what_a_map_shows(self) -> None:
        run = import_reference(
            MUNICIPALITIES, "--where", "geoitem = '23027'", "--kind", "neighbourhoods"
        )
        self.assertEqual(run.created, 1)
        layer = ReferenceLayer.objects.get()
        self.assertEqual(layer.name, "gemeente", "without --name, the file's layer")
        outline = shapely.geometry.shape(ReferenceFeature.objects.get().geometry)
        self.assertTrue(outline.is_valid)
        self.assertTrue(outline.contains(shapely.Point(4.2369, 50.7339)), "Halle town hall")
        vertices = len(shapely.get_coordinates(outline))
        self.assertLess(vertices, 302, "simplified from the 302 vertices of the file")
        for lon, _lat in shapely.get_coordinates(outline)[:20]:
            self.assertEqual(round(lon, 6), lon)

    def test_leuven_parcels_import_as_polygons(self) -> None:
        run = import_reference(PARCELS, "--kind", "parcels", "--name", "Percelen")
        self.assertEqual((run.status, run.created), ("done", 321))
        kinds = {f.geometry["type"] for f in ReferenceFeature.objects.all()}
        self.assertLessEqual(kinds, {"Polygon", "MultiPolygon"})

    def test_a_row_without_geometry_refuses_the_layer_unless_skipped(self) -> None:
        frame = gpd.GeoDataFrame(
            {"naam": ["a", "b"]},
            geometry=[shapely.Point(150000, 170000), None],
            crs="EPSG:31370",
        )
        path = self.tmp / "broken.gpkg"
        frame.to_file(path, engine="pyogrio")
        self.assertIn("row 2: no geometry", refusal(
            "import_reference_layer", path, "--municipality", "23027"
        ))  # fmt: skip
        self.assertFalse(ReferenceLayer.objects.exists())
        run = import_reference(path, "--skip-invalid")
        self.assertEqual((run.created, run.skipped), (1, 1))

    def test_an_outsider_cannot_import_into_another_city(self) -> None:
        message = refusal(
            "import_reference_layer", ADDRESSES, "--municipality", "23027", "--user", "outsider"
        )
        self.assertIn("23027", message)
        self.assertFalse(ReferenceLayer.objects.exists())

    def test_the_import_page_offers_reference_layers(self) -> None:
        self.client.force_login(self.coordinator)
        self.client.cookies["django_language"] = "en"
        with ADDRESSES.open("rb") as upload:
            response = self.client.post(
                reverse("gis-import-upload"),
                {
                    "file": upload,
                    "kind": "reference",
                    "zone_kind": "neighbourhood",
                    "reference_kind": "addresses",
                    "reference_name": "Adrespunten",
                    "municipality": self.city_a.pk,
                },
            )
        run = ImportRun.objects.get()
        self.assertRedirects(response, reverse("gis-import-detail", args=[run.code]))
        preview = self.client.get(response["Location"])
        self.assertContains(preview, "street_nl")
        with mock.patch("gis.tasks.async_task") as queued:
            self.client.post(
                reverse("gis-import-start", args=[run.code]),
                {"layer": "addresses", "where": "nis_code = '23027'", "id_field": ""},
            )
        queued.assert_called_once()
        from gis.tasks import run_import

        run_import(run.pk)
        layer = ReferenceLayer.objects.get()
        self.assertEqual(
            (layer.name, layer.kind, layer.feature_count), ("Adrespunten", "addresses", 3446)
        )


class GeoJSONTests(LayerTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        run_command(
            "import_reference_layer", ADDRESSES, "--municipality", "23027", "--kind",
            "addresses", "--name", "Adrespunten", "--where", "nis_code = '23027'",
        )  # fmt: skip
        run_command(
            "import_reference_layer", MUNICIPALITIES, "--municipality", "23027", "--kind",
            "neighbourhoods", "--name", "Grens", "--where", "geoitem = '23027'",
        )  # fmt: skip

    def layers(self, user: Any, box: tuple[float, ...] = LEMBEEK, **query: str) -> Any:
        self.client.force_login(user)
        self.client.cookies["django_language"] = "en"
        bbox = ",".join(str(value) for value in box)
        return self.client.get(reverse("gis-reference-layers"), {"bbox": bbox, **query})

    def test_coordinator_gets_the_layers_in_view_bottom_layer_first(self) -> None:
        response = self.layers(self.coordinator)
        self.assertEqual(response["Content-Type"], "application/geo+json")
        features = response.json()["features"]
        self.assertEqual([f["properties"]["name"] for f in features], ["Grens", "Adrespunten"])
        points = features[1]
        self.assertEqual(points["geometry"]["type"], "MultiPoint")
        self.assertEqual(len(points["geometry"]["coordinates"]), 3446)
        self.assertEqual(points["properties"]["style"]["color"], "#6b7685")
        self.assertFalse(points["properties"]["sampled"])

    def test_the_whole_city_stays_small_on_the_wire(self) -> None:
        plain = self.layers(self.coordinator)
        packed = self.client.get(plain.wsgi_request.get_full_path(), HTTP_ACCEPT_ENCODING="gzip")
        # 3,446 address points and the city's outline: some 70 kB, 30 kB compressed.
        self.assertLess(len(plain.content), 100_000)
        self.assertLess(len(packed.content), 40_000)

    def test_a_street_view_gets_only_its_part_and_the_outline_cut_at_its_edge(self) -> None:
        box = (4.215, 50.705, 4.225, 50.712)
        features = self.layers(self.coordinator, box).json()["features"]
        outline, points = features
        inside = points["geometry"]["coordinates"]
        self.assertTrue(0 < len(inside) < 3446)
        for lon, lat in inside:
            self.assertTrue(box[0] <= lon <= box[2] and box[1] <= lat <= box[3])
        cut = shapely.geometry.shape(outline["geometry"])
        self.assertTrue(shapely.box(*box).buffer(1e-9).contains(cut))
        # The outline is cut as the line it is drawn as: no edge of the box drawn with it.
        self.assertEqual(outline["geometry"]["type"], "MultiLineString")
        self.assertLess(cut.length, shapely.box(*box).length)

    def test_a_busy_view_gets_an_even_sample(self) -> None:
        with mock.patch.object(reference, "MAX_FEATURES", 1000):
            points = self.layers(self.coordinator).json()["features"][1]
        self.assertTrue(points["properties"]["sampled"])
        self.assertLessEqual(len(points["geometry"]["coordinates"]), 1000)
        self.assertGreater(len(points["geometry"]["coordinates"]), 800)

    def test_an_outsider_sees_none_of_the_citys_layers(self) -> None:
        self.assertEqual(self.layers(self.outsider).json()["features"], [])
        refused = self.layers(self.outsider, municipality="23027")
        self.assertEqual(refused.status_code, 400)
        self.assertIn("No municipality 23027", refused.content.decode())

    def test_every_person_of_the_city_sees_them(self) -> None:
        for user in (self.police_inspector, self.clerk, self.mayor, self.analyst):
            with self.subTest(user=user.username):
                self.assertEqual(len(self.layers(user).json()["features"]), 2)

    def test_a_bad_view_is_refused_with_a_reason(self) -> None:
        for bbox, reason in (
            ("4.1,50.6,4.3", "west,south,east,north"),
            ("4.3,50.6,4.1,50.8", "outside the world"),
            ("nan,50.6,4.1,50.8", "outside the world"),
            ("2.5,49.5,6.4,51.5", "Zoom in"),
        ):
            with self.subTest(bbox=bbox):
                self.client.force_login(self.coordinator)
                self.client.cookies["django_language"] = "en"
                response = self.client.get(reverse("gis-reference-layers"), {"bbox": bbox})
                self.assertEqual(response.status_code, 400)
                self.assertIn(reason, response.content.decode())

    def test_anonymous_visitors_are_sent_to_log_in(self) -> None:
        response = self.client.get(reverse("gis-reference-layers"), {"bbox": "4.1,50.6,4.3,50.8"})
        self.assertEqual(response.status_code, 302)


def island(response: Any, name: str) -> Any:
    found = re.search(rf'<script id="{name}" type="application/json">(.*?)</script>',
                      response.content.decode(), re.S)  # fmt: skip
    assert found, name
    return json.loads(found.group(1))


class MapPageTests(LayerTestCase):
    def test_premises_map_and_planner_fetch_the_layers_of_their_city(self) -> None:
        from tests.planning_fixtures import make_action_day

        self.client.force_login(self.coordinator)
        background = island(self.client.get(reverse("gis-map")), "map-background")
        self.assertEqual(background["tiles"], None)
        self.assertEqual(background["layersUrl"], reverse("gis-reference-layers") + "?")
        day = make_action_day(self.cast)
        plan = self.client.get(reverse("action-day-plan", args=[day.code]))
        self.assertEqual(
            island(plan, "map-background")["layersUrl"],
            reverse("gis-reference-layers") + "?municipality=23027",
        )
        self.assertContains(plan, "integra/background.js")

    def test_field_day_carries_the_layers_around_its_stops_for_offline_use(self) -> None:
        from tests.field_fixtures import seed_field_checklists

        seed_field_checklists()
        field = build_field_day(self.cast)
        stop = field.visits[0].premises
        import_reference(streets_near(stop.lon, stop.lat, self.tmp), "--kind", "streets")
        import_reference(ADDRESSES, "--where", "nis_code = '23027'", "--name", "ver weg")
        self.client.force_login(self.police_inspector)
        data = island(self.client.get(reverse("field-day")), "field-data")
        features = data["background"]["layers"]["features"]
        self.assertEqual([f["properties"]["name"] for f in features], ["straten"])
        self.assertEqual(len(features[0]["geometry"]["coordinates"]), 2)
        worker = self.client.get(reverse("field-sw")).content.decode()
        self.assertIn(static("integra/background.js"), worker, "cached for offline use")


class TilePresetTests(LayerTestCase):
    def settings_with(self, **environment: str) -> dict[str, Any]:
        """The settings module as it reads the environment at start-up."""
        with mock.patch.dict("os.environ", environment):
            return runpy.run_path(str(SETTINGS))

    def test_each_preset_allows_exactly_its_tile_server(self) -> None:
        expected = {
            "osm": "https://tile.openstreetmap.org",
            "be-ngi-cartoweb": "https://cartoweb.wmts.ngi.be",
            "be-brussels-urbis": "https://geoservices-urbis.irisnet.be",
            "be-flanders-grb": "https://geo.api.vlaanderen.be",
            "nl-pdok-brt": "https://service.pdok.nl",
        }
        for preset, origin in expected.items():
            with self.subTest(preset=preset):
                values = self.settings_with(INTEGRA_MAP_TILES=preset, MAP_TILE_HOSTS="")
                images = values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"]
                self.assertEqual(images, ["'self'", "data:", "blob:", origin])
                self.assertTrue(values["MAP_TILE_URL"].startswith(origin + "/"))
                self.assertTrue(values["MAP_TILE_ATTRIBUTION"])

    def test_no_tiles_by_default_and_no_tile_server_in_the_policy(self) -> None:
        values = self.settings_with(INTEGRA_MAP_TILES="", MAP_TILE_URL="", MAP_TILE_HOSTS="")
        self.assertEqual(values["MAP_TILE_URL"], "")
        self.assertEqual(
            values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"], ["'self'", "data:", "blob:"]
        )

    def test_custom_tiles_and_a_typo_refused_at_start(self) -> None:
        values = self.settings_with(
            INTEGRA_MAP_TILES="custom",
            MAP_TILE_URL="https://kaart.halle.be/tiles/{z}/{x}/{y}.png",
            MAP_TILE_ATTRIBUTION="Stad Halle",
            MAP_TILE_HOSTS="",
        )
        self.assertEqual(
            values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"][-1], "https://kaart.halle.be"
        )
        from django.core.exceptions import ImproperlyConfigured

        with self.assertRaisesMessage(ImproperlyConfigured, "not one of"):
            self.settings_with(INTEGRA_MAP_TILES="google")
        with self.assertRaisesMessage(ImproperlyConfigured, "MAP_TILE_URL"):
            self.settings_with(INTEGRA_MAP_TILES="custom", MAP_TILE_URL="")

    def test_the_page_carries_the_preset_and_the_header_allows_its_host(self) -> None:
        values = self.settings_with(INTEGRA_MAP_TILES="be-brussels-urbis", MAP_TILE_HOSTS="")
        names = ("MAP_TILES", "MAP_TILE_URL", "MAP_TILE_ATTRIBUTION", "CONTENT_SECURITY_POLICY")
        self.client.force_login(self.coordinator)
        with self.settings(**{name: values[name] for name in names}):
            self.client.cookies["django_language"] = "fr"
            response = self.client.get(reverse("gis-map"))
            tiles = island(response, "map-background")["tiles"]
            self.assertEqual(tiles["url"], "https://geoservices-urbis.irisnet.be/geoserver/ows")
            self.assertEqual(tiles["wmsLayer"], "urbisFR")
            self.assertIn("UrbIS", tiles["attribution"])
            self.assertIn(
                "https://geoservices-urbis.irisnet.be", response["Content-Security-Policy"]
            )
            self.assertNotContains(response, "map-plain")
            self.client.cookies["django_language"] = "nl"
            tiles = island(self.client.get(reverse("gis-map")), "map-background")["tiles"]
            self.assertEqual(tiles["wmsLayer"], "urbisNL")

    def test_presets_are_documented(self) -> None:
        readme = (SETTINGS.parents[1] / "README.md").read_text()
        for name in map_tiles.CHOICES:
            self.assertIn(f"`{name}`", readme)


class PdfExcerptTests(LayerTestCase):
    def svg_paths(self, svg: str) -> list[str]:
        return re.findall(r'<path class="reference-layer"[^>]*>', svg)

    def test_joint_report_excerpt_draws_the_streets_under_the_premises(self) -> None:
        built = build_report_day(self.cast)
        premises = built.visit.premises
        import_reference(streets_near(premises.lon, premises.lat, self.tmp), "--kind", "streets")
        report = final_report(self.cast, built)
        from decisions.rendering import report_context

        svg = str(report_context(report, "nl")["map_svg"])
        paths = self.svg_paths(svg)
        self.assertEqual(len(paths), 1)
        self.assertIn('data-kind="streets"', paths[0])
        self.assertLess(svg.index("reference-layer"), svg.index("<circle"), "under the premises")
        with_layer = page_drawing(render_report(report))
        ReferenceLayer.objects.all().delete()
        without = page_drawing(render_report(report))
        # The streets' stroke colour is drawn on the PDF page only with the layer.
        self.assertIn(STREET_RGB, with_layer)
        self.assertNotIn(STREET_RGB, without)

    def test_briefing_pack_maps_draw_the_layers_of_the_days_city_only(self) -> None:
        from tests.field_fixtures import seed_field_checklists

        seed_field_checklists()
        field = build_field_day(self.cast)
        stop = field.visits[0].premises
        import_reference(streets_near(stop.lon, stop.lat, self.tmp), "--kind", "streets")
        ReferenceLayer.objects.create(municipality=self.city_b, name="Malmedy", kind="streets")
        context = briefing.pack_context(field.day, field.team_1)
        paths = self.svg_paths(str(context["sections"][0].map_svg))
        self.assertEqual([('data-name="straten"' in path) for path in paths], [True])
        overview = briefing.pack_context(field.day, None)["overview_map"]
        self.assertEqual(len(self.svg_paths(str(overview))), 1)
        pdf = briefing.render_pack(field.day, field.team_1)
        self.assertIn(STREET_RGB, page_drawing(pdf))


def stroke_operator(colour: str) -> str:
    """A colour as the PDF stroke-colour operator WeasyPrint writes (``r g b RG``)."""
    parts = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return " ".join(f"{part:.6f}".rstrip("0").rstrip(".") for part in parts) + " RG"


# The streets' own colour, used by nothing else on these pages.
STREET_RGB = stroke_operator(reference.STYLES["streets"]["color"])


def page_drawing(pdf: bytes) -> str:
    """The drawing operators of every page and of the forms they place (WeasyPrint puts
    an SVG in a form), as text."""
    import io

    from pypdf.generic import IndirectObject

    reader = PdfReader(io.BytesIO(pdf))
    chunks: list[str] = []

    def collect(resources: Any) -> None:
        if resources is None:
            return
        resources = resources.get_object() if isinstance(resources, IndirectObject) else resources
        forms = resources.get("/XObject")
        if not forms:
            return
        for form in forms.get_object().values():
            form = form.get_object()
            if form.get("/Subtype") == "/Form":
                chunks.append(form.get_data().decode("latin-1"))
                collect(form.get("/Resources"))

    for page in reader.pages:
        contents = page.get_contents()
        if contents is not None:
            chunks.append(contents.get_data().decode("latin-1"))
        collect(page.get("/Resources"))
    return "\n".join(chunks)


pytestmark = pytest.mark.django_db


class DemoTests(LayerTestCase):
    def test_the_demo_city_draws_its_address_points_and_boundaries_uploaded_by_its_coordinator(
        self,
    ) -> None:
        from gis import demo as gis_demo
        from partners import demo as partners_demo
        from partners.models import Municipality

        partners_demo.load()
        halle = Municipality.objects.get(code=partners_demo.HALLE)
        gis_demo.load(halle)
        layers = {layer.kind: layer for layer in ReferenceLayer.objects.filter(municipality=halle)}
        self.assertEqual(set(layers), {"addresses", "other"})
        self.assertEqual(layers["addresses"].feature_count, 3402)
        runs = ImportRun.objects.filter(kind=ImportRun.Kind.REFERENCE, municipality=halle)
        self.assertEqual(runs.count(), 2)
        self.assertEqual({run.user.username for run in runs if run.user}, {"coordinator"})
        # Every demo premises lies on the faint address points of the map in view.
        box = reference.around(list(halle.premises.values_list("lon", "lat")))
        assert box is not None
        features = reference.feature_collection(layers.values(), box)["features"]
        self.assertEqual([f["properties"]["kind"] for f in features], ["other", "addresses"])
        gis_demo.load(halle)
        self.assertEqual(runs.count(), 2, "a second run imports nothing again")
