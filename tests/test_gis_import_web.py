"""The layer upload page: upload, preview with mapping, import in the worker, progress."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from gis.models import ImportRun, Premises, Zone
from tests.test_gis_import import LayerTestCase, place_frame, write_layer


class ImportPageTests(LayerTestCase):
    def setUp(self) -> None:
        # async_task runs the import inline, as the worker would.
        self.enterContext(override_settings(Q_CLUSTER={**settings.Q_CLUSTER, "sync": True}))
        self.client.cookies["django_language"] = "en"

    def upload(self, filename: str, content: bytes, **data: Any) -> Any:
        upload = SimpleUploadedFile(filename, content)
        fields = {"kind": "premises", "zone_kind": "neighbourhood", "municipality": self.city_a.pk}
        return self.client.post(reverse("gis-import-upload"), {**fields, **data, "file": upload})

    def gpkg_bytes(self, **options: Any) -> bytes:
        path = write_layer(
            place_frame(31370, sector=["bar", "pub", ""]), self.tmp / "p.gpkg", **options
        )
        return path.read_bytes()

    def test_coordinator_uploads_previews_imports_and_follows_progress(self) -> None:
        self.client.force_login(self.coordinator)
        self.assertEqual(self.client.get(reverse("gis-imports")).status_code, 200)
        response = self.upload("places.gpkg", self.gpkg_bytes())
        run = ImportRun.objects.get()
        self.assertRedirects(response, reverse("gis-import-detail", args=[run.code]))
        self.assertEqual(run.status, ImportRun.Status.PREVIEW)
        preview = self.client.get(reverse("gis-import-detail", args=[run.code]))
        self.assertContains(preview, "Stadhuis")
        self.assertContains(preview, "EPSG:31370")
        self.assertEqual(preview.context["form"].initial["id_field"], "id")
        self.assertEqual(preview.context["form"].initial["sector_field"], "sector")
        self.assertFalse(Premises.objects.exists())
        form = {"layer": "p", "id_field": "id", "name_field": "name", "sector_field": "sector"}
        response = self.client.post(reverse("gis-import-start", args=[run.code]), form)
        self.assertRedirects(response, reverse("gis-import-detail", args=[run.code]))
        run.refresh_from_db()
        self.assertEqual((run.status, run.created, run.progress), (ImportRun.Status.DONE, 3, 100))
        self.assertEqual(run.user, self.coordinator)
        self.assertEqual(Premises.objects.filter(municipality=self.city_a).count(), 3)
        fragment = self.client.get(
            reverse("gis-import-progress", args=[run.code]), HTTP_HX_REQUEST="true"
        )
        body = fragment.content.decode()
        self.assertTrue(body.lstrip().startswith('<section id="import-progress"'))
        self.assertIn("created 3, updated 0, unchanged 0, skipped 0", body)
        self.assertNotIn("hx-trigger", body)

    def test_progress_fragment_polls_while_the_import_waits(self) -> None:
        self.client.force_login(self.coordinator)
        self.upload("places.gpkg", self.gpkg_bytes())
        run = ImportRun.objects.get()
        ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING, progress=30)
        fragment = self.client.get(reverse("gis-import-progress", args=[run.code]))
        self.assertContains(fragment, 'hx-trigger="every 1s"')
        self.assertContains(fragment, 'value="30"')

    def test_invalid_rows_show_the_problems_and_import_nothing(self) -> None:
        self.client.force_login(self.coordinator)
        frame = place_frame(31370, sector=["bar", "bakery", ""])
        content = write_layer(frame, self.tmp / "p.gpkg").read_bytes()
        self.upload("places.gpkg", content)
        run = ImportRun.objects.get()
        form = {"layer": "p", "id_field": "id", "sector_field": "sector"}
        self.client.post(reverse("gis-import-start", args=[run.code]), form)
        page = self.client.get(reverse("gis-import-detail", args=[run.code]))
        self.assertContains(page, "bakery")
        run.refresh_from_db()
        self.assertEqual(run.status, ImportRun.Status.REFUSED)
        self.assertFalse(Premises.objects.exists())

    def test_a_refused_layer_is_tried_again_from_the_same_file_with_its_mapping(self) -> None:
        self.client.force_login(self.coordinator)
        frame = place_frame(31370, sector=["bar", "bakery", ""])
        self.upload("places.gpkg", write_layer(frame, self.tmp / "p.gpkg").read_bytes())
        refused = ImportRun.objects.get()
        form = {"layer": "p", "id_field": "id", "name_field": "", "sector_field": "sector"}
        self.client.post(reverse("gis-import-start", args=[refused.code]), form)
        page = self.client.get(reverse("gis-import-detail", args=[refused.code]))
        self.assertContains(page, "Adjust and try again")

        response = self.client.post(reverse("gis-import-retry", args=[refused.code]))
        again = ImportRun.objects.exclude(pk=refused.pk).get()
        self.assertRedirects(response, reverse("gis-import-detail", args=[again.code]))
        self.assertEqual(again.status, ImportRun.Status.PREVIEW)
        self.assertEqual(again.stored_file, refused.stored_file)
        preview = self.client.get(reverse("gis-import-detail", args=[again.code]))
        # The mapping as chosen last time (no name field), not as detected.
        self.assertEqual(preview.context["form"].initial["name_field"], "")
        self.assertEqual(preview.context["form"].initial["sector_field"], "sector")
        self.client.post(
            reverse("gis-import-start", args=[again.code]), {**form, "skip_invalid": "on"}
        )
        again.refresh_from_db()
        self.assertEqual(
            again.summary(), "created 2, updated 0, unchanged 0, skipped 1 (1 unknown sector)"
        )
        self.assertEqual(set(Premises.objects.values_list("name", flat=True)), {""})
        # The refused run stays in the log as it ended.
        refused.refresh_from_db()
        self.assertEqual((refused.status, refused.created), (ImportRun.Status.REFUSED, 0))

    def test_a_run_still_waiting_or_without_an_upload_is_not_tried_again(self) -> None:
        self.client.force_login(self.coordinator)
        self.upload("places.gpkg", self.gpkg_bytes())
        waiting = ImportRun.objects.get()
        from_the_command_line = ImportRun.objects.create(
            municipality=self.city_a, filename="layer.gpkg", status=ImportRun.Status.REFUSED
        )
        for run in (waiting, from_the_command_line):
            response = self.client.post(reverse("gis-import-retry", args=[run.code]))
            self.assertRedirects(response, reverse("gis-import-detail", args=[run.code]))
        self.assertEqual(ImportRun.objects.count(), 2)

    def test_a_file_no_longer_kept_must_be_uploaded_again(self) -> None:
        self.client.force_login(self.coordinator)
        self.upload("places.gpkg", self.gpkg_bytes())
        run = ImportRun.objects.get()
        self.client.post(
            reverse("gis-import-start", args=[run.code]), {"layer": "p", "id_field": "id"}
        )
        run.refresh_from_db()
        run.stored_file.storage.delete(run.stored_file.name or "")
        response = self.client.post(reverse("gis-import-retry", args=[run.code]), follow=True)
        self.assertContains(response, "no longer kept: upload it again")
        self.assertEqual(ImportRun.objects.count(), 1)

    def test_zones_can_be_imported_from_the_same_page(self) -> None:
        self.client.force_login(self.coordinator)
        frame = place_frame(31370)
        frame["geometry"] = frame.geometry.buffer(100)
        content = write_layer(frame, self.tmp / "p.gpkg").read_bytes()
        self.upload("zones.gpkg", content, kind="zones", zone_kind="shopping_area")
        run = ImportRun.objects.get()
        self.client.post(
            reverse("gis-import-start", args=[run.code]),
            {"layer": "p", "id_field": "id", "name_field": "name"},
        )
        self.assertEqual(Zone.objects.filter(kind="shopping_area").count(), 3)

    def test_several_layers_are_offered_and_one_is_chosen(self) -> None:
        self.client.force_login(self.coordinator)
        path = self.tmp / "two.gpkg"
        write_layer(place_frame(31370), path, layer="adressen")
        write_layer(place_frame(31370).iloc[:1], path, layer="gebouwen")
        self.upload("two.gpkg", path.read_bytes())
        run = ImportRun.objects.get()
        url = reverse("gis-import-detail", args=[run.code])
        preview = self.client.get(url, {"layer": "gebouwen"})
        self.assertEqual(len(preview.context["rows"]), 1)
        self.assertContains(preview, '<option value="adressen">')
        self.client.post(
            reverse("gis-import-start", args=[run.code]), {"layer": "gebouwen", "id_field": "id"}
        )
        self.assertEqual(Premises.objects.count(), 1)

    def test_empty_upload_is_refused_and_logged(self) -> None:
        self.client.force_login(self.coordinator)
        self.upload("empty.csv", b"")
        run = ImportRun.objects.get()
        page = self.client.get(reverse("gis-import-detail", args=[run.code]))
        self.assertContains(page, "0 bytes")
        run.refresh_from_db()
        self.assertEqual(run.status, ImportRun.Status.REFUSED)

    def test_another_citys_municipality_cannot_be_chosen(self) -> None:
        self.client.force_login(self.coordinator)
        response = self.upload("places.gpkg", self.gpkg_bytes(), municipality=self.city_b.pk)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(ImportRun.objects.exists())

    def test_clerk_and_inspector_are_forbidden(self) -> None:
        for user in (self.clerk, self.police_inspector):
            self.client.force_login(user)
            self.assertEqual(self.client.get(reverse("gis-imports")).status_code, 403)
            self.assertEqual(self.upload("places.gpkg", self.gpkg_bytes()).status_code, 403)
        self.assertFalse(ImportRun.objects.exists())

    def test_outsider_cannot_see_another_citys_import(self) -> None:
        self.client.force_login(self.coordinator)
        self.upload("places.gpkg", self.gpkg_bytes())
        run = ImportRun.objects.get()
        self.client.force_login(self.outsider)
        for name in ("gis-import-detail", "gis-import-progress"):
            self.assertEqual(self.client.get(reverse(name, args=[run.code])).status_code, 404)
        response = self.client.post(
            reverse("gis-import-start", args=[run.code]), {"id_field": "id"}
        )
        self.assertEqual(response.status_code, 404)
        response = self.client.post(reverse("gis-import-retry", args=[run.code]))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(ImportRun.objects.count(), 1)
        self.assertNotContains(self.client.get(reverse("gis-imports")), "places.gpkg")

    def test_anonymous_is_sent_to_login(self) -> None:
        response = self.client.get(reverse("gis-imports"))
        self.assertEqual(response.status_code, 302)
