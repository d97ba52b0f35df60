"""The ZIP of a joint report's photos for the mayor's file: the photos the report was
made of (answers usable by the city), named for people, with a manifest of capture time,
partner, question and SHA-256; for whoever reads the report; audited."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.urls import reverse

from decisions.models import JointReport
from inspections.models import FindingAnswer
from partners.models import AuditEntry
from tests.base import CastTestCase
from tests.decision_fixtures import ReportDay, build_report_day, final_report
from tests.storage import remove_photo


def fetch(user: User, report: JointReport) -> Any:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client.get(reverse("report-photos", args=[report.code]))


def archive_of(response: Any) -> zipfile.ZipFile:
    assert response.streaming, "the archive is streamed"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def manifest_rows(archive: zipfile.ZipFile) -> list[list[str]]:
    (name,) = [n for n in archive.namelist() if n.endswith(".csv")]
    text = archive.read(name).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


class PhotoZipTests(CastTestCase):
    built: ReportDay
    report: JointReport
    media: Path

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # Photos stored while building go to a folder of the class, copied into each
        # test's MEDIA_ROOT.
        cls.media = Path(tempfile.mkdtemp(prefix="photo-zip-"))
        with override_settings(MEDIA_ROOT=cls.media):
            cls.built = build_report_day(cls.cast, photos=3)
            cls.report = final_report(cls.cast, cls.built)

    @classmethod
    def tearDownClass(cls) -> None:
        shutil.rmtree(cls.media, ignore_errors=True)
        super().tearDownClass()

    def setUp(self) -> None:
        shutil.copytree(self.media, settings.MEDIA_ROOT, dirs_exist_ok=True)

    def test_the_zip_holds_each_photo_under_a_human_name_with_its_checksum(self) -> None:
        response = fetch(self.mayor, self.report)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/zip")
        day = self.built.day.date.isoformat()
        self.assertEqual(
            response["Content-Disposition"], f'attachment; filename="photos-{day}-carwash-1.zip"'
        )
        archive = archive_of(response)
        self.assertIsNone(archive.testzip())
        photos = [name for name in archive.namelist() if name.endswith(".jpg")]
        self.assertEqual(
            photos,
            [f"carwash-1_{day}_social-inspection_{n:02d}.jpg" for n in (1, 2, 3)],
        )
        hashes = [hashlib.sha256(archive.read(name)).hexdigest() for name in photos]
        self.assertEqual(hashes, self.built.photos)
        for name in archive.namelist():
            self.assertNotIn(str(self.built.visit.code), name)

    def test_the_manifest_gives_time_partner_question_and_checksum_per_file(self) -> None:
        archive = archive_of(fetch(self.mayor, self.report))
        rows = manifest_rows(archive)
        # Halle reads Dutch: the manifest is part of the city's file, like the report.
        self.assertEqual(len(rows), 1 + 3)
        self.assertEqual(len(rows[0]), 6)
        first = dict(
            zip(["file", "at", "source", "partner", "question", "sha"], rows[1], strict=True)
        )
        self.assertEqual(first["at"], "2025-03-13 09:52:10")  # from the camera
        self.assertEqual(first["partner"], "Social Inspection")
        self.assertEqual(first["question"], "Foto's van documenten")
        for row in rows[1:]:
            self.assertEqual(hashlib.sha256(archive.read(row[0])).hexdigest(), row[5])

    def test_only_the_photos_the_report_was_made_of(self) -> None:
        # A photo answer shared among the partners only is not the city's to use.
        FindingAnswer.objects.filter(question="documents").update(sharing="shared")
        from decisions import reports

        amended = reports.compile_report(
            visit=self.built.visit, user=self.mayor, reason="Photos not usable"
        )
        archive = archive_of(fetch(self.mayor, amended))
        self.assertEqual([n for n in archive.namelist() if n.endswith(".jpg")], [])
        self.assertEqual(len(manifest_rows(archive)), 1)

    def test_readers_of_the_report_take_it_and_nobody_else(self) -> None:
        for user in (self.mayor, self.coordinator, self.social_inspector, self.police_inspector):
            self.assertEqual(fetch(user, self.report).status_code, 200, user)
        for user in (self.analyst, self.clerk, self.outsider):
            self.assertEqual(fetch(user, self.report).status_code, 404, user)

    def test_each_download_is_audited_with_the_photos_it_held(self) -> None:
        fetch(self.mayor, self.report)
        entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
        self.assertEqual(entry.user, self.mayor)
        self.assertEqual(entry.object_code, str(self.report.code))
        self.assertEqual(entry.detail["photos"], self.built.photos)
        self.assertEqual(entry.municipality, self.city_a)

    def test_a_photo_missing_from_storage_sends_nothing_and_says_why(self) -> None:
        remove_photo(self.built.photos[1], self)
        client = Client()
        client.cookies["django_language"] = "en"
        client.force_login(self.mayor)
        response = client.get(reverse("report-photos", args=[self.report.code]), follow=True)
        self.assertContains(response, "A photo of this report is missing from storage")
        self.assertFalse(AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists())

    def test_the_report_and_decision_pages_link_to_the_zip(self) -> None:
        client = Client()
        client.cookies["django_language"] = "en"
        client.force_login(self.mayor)
        page = client.get(reverse("report-detail", args=[self.report.code]))
        self.assertContains(page, reverse("report-photos", args=[self.report.code]))
        self.assertContains(page, "Download the photos (ZIP)")
