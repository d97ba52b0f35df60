"""A regional layer uploaded for one city: the attribute filter keeps the city's rows
(shown in the preview before anything is imported), and rows of other municipalities are
pointed out even when the city has no outline of its own: by the layer's own
municipality field, by the boundaries shipped with Integra, or by the extent of the
premises the city already has."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils.html import escape

from gis.importing import import_file
from gis.models import ImportRun, Premises, Zone
from partners.models import Municipality
from tests.gis_factories import bulk_premises, square_zone
from tests.test_gis_import import DATA, LayerTestCase, place_frame, run_command, write_layer

BEST = DATA / "be_best_addresses_fedict" / "best_addresses_brussels_halle_31370.gpkg"
EDE = DATA / "nl_geonovum_testbed" / "bag_inspire_adressen_ede_28992.gpkg"
HALLE_ONLY = "nis_code = '23027'"

pytestmark = pytest.mark.skipif(
    not BEST.exists(), reason="../shared/data is not beside the checkout"
)


def dry_run(path: Path, municipality: str, **options: Any) -> ImportRun:
    return import_file(
        path,
        kind=ImportRun.Kind.PREMISES,
        municipality=municipality,
        options=options,
        dry_run=True,
    )


class UploadFilterTests(LayerTestCase):
    def setUp(self) -> None:
        # async_task runs the import inline, as the worker would.
        self.enterContext(override_settings(Q_CLUSTER={**settings.Q_CLUSTER, "sync": True}))
        self.client.cookies["django_language"] = "en"
        self.client.force_login(self.coordinator)
        upload = SimpleUploadedFile(BEST.name, BEST.read_bytes())
        fields = {"kind": "premises", "zone_kind": "neighbourhood", "municipality": self.city_a.pk}
        self.client.post(reverse("gis-import-upload"), {**fields, "file": upload})
        self.run_ = ImportRun.objects.get()

    def post(self, **data: Any) -> Any:
        """Send the mapping form as the preview proposes it, with ``data`` changed."""
        preview = self.client.get(reverse("gis-import-detail", args=[self.run_.code]))
        proposed = {key: value for key, value in preview.context["form"].initial.items() if value}
        self.assertEqual(proposed["municipality_field"], "nis_code")
        form = {**proposed, **data}
        return self.client.post(reverse("gis-import-start", args=[self.run_.code]), form)

    def test_the_preview_says_how_many_rows_the_filter_keeps(self) -> None:
        response = self.post(where=HALLE_ONLY, check_filter="1")
        self.assertContains(response, "The filter keeps 3446 of the 11223 rows.")
        self.assertContains(response, "Halle")
        self.assertNotContains(response, "Malmedy")  # the preview rows are the kept ones
        self.assertContains(response, f'value="{escape(HALLE_ONLY)}"')
        self.run_.refresh_from_db()
        self.assertEqual(self.run_.status, ImportRun.Status.PREVIEW)
        self.assertFalse(Premises.objects.exists())

    def test_a_bad_filter_gets_a_clear_message_and_changes_nothing(self) -> None:
        for where, reason in (
            ("nope = 1", "no such column: nope"),
            ("nis_code = '23027' AND", "incomplete input"),
            ("nis_code = '1'; DROP TABLE addresses", "one expression"),
        ):
            with self.subTest(where=where):
                response = self.post(where=where)
                self.assertContains(response, "The filter cannot be applied", status_code=400)
                self.assertContains(response, reason, status_code=400)
                self.run_.refresh_from_db()
                self.assertEqual(self.run_.status, ImportRun.Status.PREVIEW)
                self.assertNotIn("where", self.run_.options)
        self.assertFalse(Premises.objects.exists())

    def test_the_import_with_the_filter_keeps_only_halles_addresses(self) -> None:
        self.post(where=HALLE_ONLY)
        self.run_.refresh_from_db()
        self.assertEqual(self.run_.status, ImportRun.Status.DONE, self.run_.message)
        self.assertEqual(self.run_.created, 3446)
        self.assertEqual(self.run_.warning, "")
        self.assertEqual(Premises.objects.filter(municipality=self.city_a).count(), 3446)
        self.assertFalse(Premises.objects.filter(address__contains="Malmedy").exists())
        page = self.client.get(reverse("gis-import-detail", args=[self.run_.code]))
        self.assertContains(page, f"Filter: {escape(HALLE_ONLY)}")

    def test_without_filter_and_without_outline_the_warning_counts_the_others(self) -> None:
        self.assertFalse(Zone.objects.exists())
        self.post()
        self.run_.refresh_from_db()
        self.assertEqual(self.run_.created, 11223)
        self.assertIn("7777 of 11223 premises lie outside the boundary of Halle", self.run_.warning)
        self.assertIn(
            "7777 of 11223 premises belong to another municipality by their field nis_code "
            "(21004: 2492, 63049: 5285): keep Halle's with the filter nis_code = '23027'.",
            self.run_.warning,
        )
        page = self.client.get(reverse("gis-import-detail", args=[self.run_.code]))
        self.assertContains(page, "7777 of 11223 premises lie outside the boundary of Halle")


class OutsideWithoutOutlineTests(LayerTestCase):
    def test_the_layers_municipality_field_judges_where_no_boundary_is_shipped(self) -> None:
        # Malmedy (Wallonia): no outline of its own, none shipped, no premises yet.
        run = dry_run(BEST, "63049")
        self.assertEqual(
            run.warning,
            "5938 of 11223 premises belong to another municipality by their field nis_code "
            "(21004: 2492, 23027: 3446): keep Malmedy's with the filter nis_code = '63049'.",
        )
        self.assertEqual(dry_run(BEST, "63049", where="nis_code = '63049'").warning, "")

    def test_a_chosen_municipality_field_holding_names(self) -> None:
        run = dry_run(BEST, "63049", mapping={"municipality_field": "municipality_fr"})
        self.assertTrue(
            run.warning.startswith(
                "5938 of 11223 premises belong to another municipality by their field "
                "municipality_fr (Bruxelles: 2492, Hal: 3446)"
            ),
            run.warning,
        )

    def test_dutch_addresses_of_ede_are_not_taken_for_maastricht(self) -> None:
        Municipality.objects.create(code="GM0935", name="Maastricht", language="nl", country="NL")
        run = dry_run(EDE, "GM0935")
        self.assertTrue(
            run.warning.startswith(
                "2481 of 2481 premises lie outside the boundary of Maastricht, the first "
            ),
            run.warning,
        )

    def test_the_extent_of_the_premises_already_registered_judges_last(self) -> None:
        # A municipality Integra ships no boundary for, with a register around Halle.
        other = Municipality.objects.create(
            code="99999", name="Testgem", language="nl", country="BE"
        )
        bulk_premises(other, 1, 40)
        path = write_layer(place_frame(31370), self.tmp / "places.gpkg")
        summary, warning = run_command("import_premises", path, "--municipality", "99999")
        self.assertEqual(summary, "created 3, updated 0, unchanged 0, skipped 0")
        self.assertEqual(
            warning,
            "1 of 3 premises lie outside the area of the 40 premises Testgem already has, the "
            "first MAA-1: is this the layer of Testgem, and is its CRS right?",
        )

    def test_an_own_outline_still_comes_first(self) -> None:
        outline = square_zone(self.city_a, "Halle", 4.20, 50.70, 0.08)
        Zone.objects.filter(pk=outline.pk).update(kind=Zone.Kind.MUNICIPALITY)
        path = write_layer(place_frame(31370), self.tmp / "places.gpkg")
        summary, warning = run_command("import_premises", path, "--municipality", "23027")
        self.assertEqual(
            warning,
            "1 of 3 premises lie outside the boundary of Halle, the first MAA-1: "
            "is this the layer of Halle, and is its CRS right?",
        )

    def test_a_filter_on_a_csv_layer_is_refused_not_ignored(self) -> None:
        path = self.tmp / "places.csv"
        path.write_text("id;name;lon;lat\nA;Stadhuis;4.2369;50.7339\n", encoding="utf-8")
        run = dry_run(path, "23027", where="name = 'Stadhuis'")
        self.assertEqual(run.status, ImportRun.Status.REFUSED)
        self.assertIn("A filter works on GeoPackage, Shapefile and GeoJSON layers", run.message)


class CommandTests(LayerTestCase):
    def test_the_command_takes_the_municipality_field_and_the_filter(self) -> None:
        Municipality.objects.filter(code="63049").update(name="Malmedy")
        command = ("import_premises", BEST, "--municipality", "63049", "--dry-run")
        summary, warning = run_command(*command, "--municipality-field", "municipality_nl")
        self.assertTrue(
            warning.startswith(
                "5938 of 11223 premises belong to another municipality by their field "
                "municipality_nl (Brussel: 2492, Halle: 3446)"
            ),
            warning,
        )
        summary, warning = run_command(*command, "--where", "nis_code = '63049'")
        self.assertEqual(
            (summary, warning),
            ("dry run, nothing written: created 5285, updated 0, unchanged 0, skipped 0", ""),
        )


class CsvUploadTests(LayerTestCase):
    def test_a_csv_preview_counts_its_rows_and_refuses_a_filter_by_name(self) -> None:
        self.client.force_login(self.coordinator)
        self.client.cookies["django_language"] = "en"
        content = b"id;name;lon;lat\nA;Stadhuis;4.2369;50.7339\n\nB;Basiliek;4.2378;50.7345\n"
        fields = {"kind": "premises", "zone_kind": "neighbourhood", "municipality": self.city_a.pk}
        upload = SimpleUploadedFile("places.csv", content)
        self.client.post(reverse("gis-import-upload"), {**fields, "file": upload})
        run = ImportRun.objects.get()
        self.assertContains(
            self.client.get(reverse("gis-import-detail", args=[run.code])), "2 rows."
        )
        form = {"layer": "places", "id_field": "id", "where": "name = 'Stadhuis'"}
        response = self.client.post(reverse("gis-import-start", args=[run.code]), form)
        self.assertContains(response, "A filter works on GeoPackage", status_code=400)
        run.refresh_from_db()
        self.assertEqual(run.status, ImportRun.Status.PREVIEW)
