"""Broken input never crashes an import and never imports half: hypothesis mutates the
bytes of small valid GIS layers (GeoJSON, CSV, a zipped GeoJSON) and of an XLSForm, and
each import either refuses with the project's clear message, changing nothing, or
imports whole. ``FUZZ_EXAMPLES`` sets how many mutations per format (``make fuzz``)."""

from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
from pathlib import Path

from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from gis.importing import import_file
from gis.models import ImportRun, Premises
from inspections.checklists.xlsform import XLSFormError, export_xlsform, import_xlsform
from inspections.models import ChecklistTemplate, ChecklistVersion
from tests.cast import Cast, build_cast
from tests.field_fixtures import seed_field_checklists, version_of

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 50,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

GEOJSON = json.dumps(
    {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "id": f"F{n}",
                    "name": f"Shop {n}",
                    "street": "Markt",
                    "housenumber": str(n),
                },
                "geometry": {"type": "Point", "coordinates": [4.23 + n / 1000, 50.73]},
            }
            for n in range(1, 4)
        ],
    }
).encode()
CSV = (
    b"id,name,street,housenumber,x,y\n"
    b"1,Shop 1,Markt,1,146000,170000\n"
    b"2,Shop 2,Markt,2,146010,170010\n"
)


def zipped(name: str, data: bytes) -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return stream.getvalue()


ZIPPED = zipped("places.geojson", GEOJSON)


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    """Flipped, replaced, inserted or removed bytes, and perhaps a truncation."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        where = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "set", "insert", "delete"]))
        if action == "flip":
            data[where] ^= 1 << draw(st.integers(0, 7))
        elif action == "set":
            data[where] = draw(st.integers(0, 255))
        elif action == "insert":
            data[where:where] = draw(st.binary(min_size=1, max_size=8))
        else:
            del data[where : where + draw(st.integers(1, 16))]
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data)


class LayerFuzzTests(HypothesisTestCase):
    """Each example runs in its own transaction, rolled back after it."""

    @classmethod
    def setUpTestData(cls) -> None:
        build_cast()

    def setUp(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="fuzz-layer-"))

    def check(self, data: bytes, name: str, crs: str = "") -> None:
        path = self.folder / name
        path.write_bytes(data)
        before = Premises.objects.count()
        options = {"crs": crs} if crs else {}
        run = import_file(path, kind="premises", municipality="23027", options=options)
        after = Premises.objects.count()
        self.assertIn(run.status, {ImportRun.Status.REFUSED, ImportRun.Status.DONE}, run.message)
        if run.status == ImportRun.Status.REFUSED:
            self.assertTrue(run.message, "a refusal says why")
            self.assertEqual(after, before, "a refused import changes nothing")
        else:
            self.assertEqual(after - before, run.created)

    def test_the_unmutated_layers_import(self) -> None:
        self.check(GEOJSON, "places.geojson")
        self.check(CSV, "places.csv", crs="EPSG:31370")

    @FUZZ
    @given(mutated(GEOJSON))
    def test_mutated_geojson(self, data: bytes) -> None:
        self.check(data, "places.geojson")

    @FUZZ
    @given(mutated(CSV))
    def test_mutated_csv(self, data: bytes) -> None:
        self.check(data, "places.csv", crs="EPSG:31370")

    @FUZZ
    @given(mutated(ZIPPED))
    def test_mutated_zip(self, data: bytes) -> None:
        self.check(data, "places.zip")


def valid_xlsform() -> bytes:
    seed_field_checklists()
    version = version_of("police-identities")
    return export_xlsform(
        version.definition,
        title={"nl": "Identiteiten", "en": "Identities"},
        form_id="fuzzed-identities",
        version=1,
    )


class XLSFormFuzzTests(HypothesisTestCase):
    cast: Cast
    workbook: bytes

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = build_cast()
        cls.workbook = valid_xlsform()

    def test_the_valid_form_reads(self) -> None:
        self.assertTrue(import_xlsform(self.workbook, "form.xlsx").definition["questions"])

    @FUZZ
    @given(st.data())
    def test_mutated_xlsform_is_read_or_refused(self, data: st.DataObject) -> None:
        broken = data.draw(mutated(self.workbook))
        try:
            import_xlsform(broken, "form.xlsx")
        except XLSFormError as error:
            self.assertTrue(error.reasons)

    @FUZZ
    @given(st.data())
    def test_mutated_xlsform_upload_imports_whole_or_nothing(self, data: st.DataObject) -> None:
        broken = data.draw(mutated(self.workbook))
        versions = ChecklistVersion.objects.count()
        templates = ChecklistTemplate.objects.count()
        self.client.force_login(self.cast.coordinator)
        upload = io.BytesIO(broken)
        upload.name = "form.xlsx"
        competency = version_of("police-identities").template.competency_id
        response = self.client.post(
            reverse("checklist-import"), {"file": upload, "competency": competency}
        )
        self.assertEqual(response.status_code, 302)
        added = ChecklistVersion.objects.count() - versions
        self.assertIn(added, {0, 1})
        if added == 0:
            self.assertEqual(ChecklistTemplate.objects.count(), templates)
