"""Retention: personal data of closed cases go after RETENTION_DAYS, the rest stays, the
audit log records it; and the right of access exports what is held about a subject."""

from __future__ import annotations

import hashlib
import io
import json
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from config.storage import uploads_storage
from gis.models import ImportRun, Signal
from inspections.evidence import evidence_exists, store_photo
from inspections.models import ActionDay, Evidence, Finding, FindingAnswer, Submission
from inspections.sync import submit
from partners.models import AuditEntry
from partners.privacy import plan_purge, retention_cutoff
from tests.base import CastTestCase
from tests.field_fixtures import build_field_day, jpeg_bytes, png_bytes, version_of

SOCIAL_ANSWERS = {"workers_present": 5, "without_dimona": "yes", "without_dimona_count": 3}


def record(cast: Any, visit: Any, photo: bytes, note: str = "Jan Peeters, zaakvoerder") -> Finding:
    sha = hashlib.sha256(photo).hexdigest()
    social = submit(
        user=cast.social_inspector,
        client_id=uuid.uuid4(),
        visit_code=visit.code,
        version_code=version_of("social-employment").code,
        answers=SOCIAL_ANSWERS | {"documents": [sha]},
        base_version=None,
        recorded_at=timezone.now(),
    )
    store_photo(user=cast.social_inspector, submission=social.submission, sha256=sha, data=photo)
    submit(
        user=cast.police_inspector,
        client_id=uuid.uuid4(),
        visit_code=visit.code,
        version_code=version_of("police-identities").code,
        answers={
            "persons_present": 4,
            "identities_checked": 4,
            "irregular_stay": "no",
            "police_notes": note,
        },
        base_version=None,
        recorded_at=timezone.now(),
    )
    return social.finding


class RetentionTests(CastTestCase):
    def setUp(self) -> None:
        self.old = build_field_day(self.cast)
        self.old_photo = jpeg_bytes("red")
        self.old_finding = record(self.cast, self.old.visits[0], self.old_photo)
        self.old.visits[0].notes = "Uitbater Jan Peeters weigerde mee te werken"
        self.old.visits[0].save()
        held_on = retention_cutoff() - timedelta(days=1)
        ActionDay.objects.filter(pk=self.old.day.pk).update(
            status=ActionDay.Status.CLOSED, date=held_on
        )
        self.old_signal = Signal.objects.create(
            premises=self.old.visits[0].premises,
            source="neighbour",
            received_on=held_on - timedelta(days=30),
            description="Buurman Piet meldt nachtelijk lawaai",
        )
        # A recent closed day and its finding stay untouched.
        recent = ActionDay.objects.create(
            municipality=self.city_a,
            title="Recent",
            date=timezone.localdate() - timedelta(days=10),
            starts_at=self.old.day.starts_at,
            ends_at=self.old.day.ends_at,
            coordinator=self.coordinator,
            status=ActionDay.Status.RELEASED,
        )
        recent.partners.set([self.police, self.social])
        visit = self.old.visits[1]
        visit.action_day = recent
        visit.save()
        team = recent.teams.create(name="Team R", lead=self.police_inspector)
        team.members.set([self.police_inspector, self.social_inspector])
        visit.team = team
        visit.save()
        self.recent_photo = png_bytes("blue")
        self.recent_finding = record(self.cast, visit, self.recent_photo)
        ActionDay.objects.filter(pk=recent.pk).update(status=ActionDay.Status.CLOSED)

    def test_default_retention_is_five_years(self) -> None:
        self.assertEqual(settings.RETENTION_DAYS, 5 * 365)
        self.assertEqual(retention_cutoff(date(2030, 1, 1)), date(2030, 1, 1) - timedelta(1825))

    def test_dry_run_lists_what_would_go_and_changes_nothing(self) -> None:
        before = (FindingAnswer.objects.count(), Evidence.objects.count())
        out = io.StringIO()
        call_command("purge_personal_data", "--dry-run", stdout=out)
        text = out.getvalue()
        self.assertIn("Closed action days past retention: 1", text)
        self.assertIn("Flexactie carwashes", text)
        self.assertIn("answers removed: 2", text)
        self.assertIn("photos removed: 1", text)
        self.assertIn("visit notes removed: 1", text)
        self.assertIn("signal descriptions removed: 1", text)
        self.assertIn("nothing was removed", text)
        self.assertEqual((FindingAnswer.objects.count(), Evidence.objects.count()), before)
        self.assertFalse(AuditEntry.objects.filter(object_type="privacy.retention").exists())

    def test_purge_removes_personal_data_of_old_closed_cases(self) -> None:
        photo_sha = hashlib.sha256(self.old_photo).hexdigest()
        self.assertTrue(evidence_exists(photo_sha))
        with self.captureOnCommitCallbacks(execute=True):
            call_command("purge_personal_data", stdout=io.StringIO())
        finding = Finding.objects.get(pk=self.old_finding.pk)
        self.assertNotIn("documents", finding.answers)
        self.assertEqual(finding.answers["workers_present"], 5)
        police = Finding.objects.get(visit=self.old.visits[0], partner=self.police)
        self.assertNotIn("police_notes", police.answers)
        self.assertFalse(FindingAnswer.objects.filter(finding=police, question="police_notes"))
        for submission in Submission.objects.filter(finding__in=[finding, police]):
            self.assertNotIn("police_notes", submission.answers)
            self.assertNotIn("documents", submission.answers)
        self.assertFalse(Evidence.objects.filter(sha256=photo_sha).exists())
        self.assertFalse(evidence_exists(photo_sha))
        self.old.visits[0].refresh_from_db()
        self.assertEqual(self.old.visits[0].notes, "")
        self.old_signal.refresh_from_db()
        self.assertEqual(self.old_signal.description, "")
        self.assertEqual(self.old_signal.source, "neighbour")

    def test_recent_cases_are_kept(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            call_command("purge_personal_data", stdout=io.StringIO())
        recent = Finding.objects.get(pk=self.recent_finding.pk)
        self.assertIn("documents", recent.answers)
        sha = hashlib.sha256(self.recent_photo).hexdigest()
        self.assertTrue(Evidence.objects.filter(sha256=sha).exists())
        self.assertTrue(evidence_exists(sha))
        police = Finding.objects.get(visit=self.old.visits[1], partner=self.police)
        self.assertIn("police_notes", police.answers)

    def test_a_photo_shared_with_a_kept_finding_stays(self) -> None:
        sha = hashlib.sha256(self.old_photo).hexdigest()
        FindingAnswer.objects.filter(finding=self.recent_finding, question="documents").update(
            value=[sha, hashlib.sha256(self.recent_photo).hexdigest()]
        )
        self.assertEqual(plan_purge().counts["photos removed"], 0)

    def test_the_audit_log_keeps_one_entry_with_the_counts(self) -> None:
        call_command("purge_personal_data", stdout=io.StringIO())
        entry = AuditEntry.objects.get(object_type="privacy.retention")
        self.assertEqual(entry.action, AuditEntry.Action.DELETE)
        self.assertEqual(entry.detail["answers_removed"], 2)
        self.assertEqual(entry.detail["photos_removed"], 1)
        self.assertEqual(entry.detail["action_days"], [str(self.old.day.code)])

    def test_a_second_purge_finds_nothing_more(self) -> None:
        call_command("purge_personal_data", stdout=io.StringIO())
        counts = plan_purge().counts
        self.assertEqual(sum(v for k, v in counts.items() if k != "findings touched"), 0)

    @override_settings(RETENTION_DAYS=1)
    def test_the_retention_period_is_a_setting(self) -> None:
        self.assertIn("Closed action days past retention: 2", plan_purge().lines())


class UploadRetentionTests(CastTestCase):
    """Uploaded layers are kept IMPORT_UPLOAD_DAYS for trying an import again, then go."""

    def upload(self, days_ago: int, name: str, status: str = ImportRun.Status.REFUSED) -> Any:
        stored = uploads_storage().save(f"imports/{uuid.uuid4()}/{name}", ContentFile(b"layer"))
        return ImportRun.objects.create(
            municipality=self.city_a,
            user=self.coordinator,
            filename=name,
            stored_file=stored,
            status=status,
            started_at=timezone.now() - timedelta(days=days_ago),
        )

    def test_old_uploads_go_and_their_runs_stay_in_the_log(self) -> None:
        old = self.upload(40, "horeca.gpkg")
        retried = self.upload(45, "wijken.gpkg")
        # A retry from last week still uses the file of the run of 45 days ago.
        retry = ImportRun.objects.create(
            municipality=self.city_a,
            filename="wijken.gpkg",
            stored_file=retried.stored_file,
            status=ImportRun.Status.PREVIEW,
            started_at=timezone.now() - timedelta(days=7),
        )
        recent = self.upload(3, "adressen.gpkg", status=ImportRun.Status.DONE)
        waiting = self.upload(60, "parcels.gpkg", status=ImportRun.Status.PENDING)
        out = io.StringIO()
        call_command("purge_personal_data", "--dry-run", stdout=out)
        self.assertIn("uploaded layers removed: 1", out.getvalue())
        self.assertTrue(uploads_storage().exists(old.stored_file.name))

        with self.captureOnCommitCallbacks(execute=True):
            call_command("purge_personal_data", stdout=io.StringIO())
        self.assertFalse(uploads_storage().exists(old.stored_file.name))
        old.refresh_from_db()
        self.assertEqual((old.stored_file, old.status), ("", ImportRun.Status.REFUSED))
        self.assertFalse(old.can_retry)
        for kept in (retried, retry, recent, waiting):
            stored = kept.stored_file.name or ""
            kept.refresh_from_db()
            self.assertEqual(kept.stored_file.name, stored)
            self.assertTrue(uploads_storage().exists(stored))
        entry = AuditEntry.objects.get(object_type="privacy.retention")
        self.assertEqual(entry.detail["uploaded_layers_removed"], 1)

    @override_settings(IMPORT_UPLOAD_DAYS=2)
    def test_the_upload_period_is_a_setting(self) -> None:
        self.upload(3, "adressen.gpkg", status=ImportRun.Status.DONE)
        self.assertEqual(plan_purge().counts["uploaded layers removed"], 1)


class SubjectAccessCommandTests(CastTestCase):
    def setUp(self) -> None:
        self.field = build_field_day(self.cast)
        self.premises = self.field.visits[0].premises
        self.premises.enterprise_number = "0123.456.749"
        self.premises.operator_name = "Donut BV"
        self.premises.save()
        record(self.cast, self.field.visits[0], jpeg_bytes(), note="Gesprek met Jan Peeters")

    def export(self, *args: str, tmp: Path | None = None) -> dict[str, Any]:
        out = io.StringIO()
        call_command("subject_access", *args, stdout=out, stderr=io.StringIO())
        return json.loads(out.getvalue())

    def test_enterprise_export_holds_its_premises_visits_and_findings(self) -> None:
        data = self.export("--enterprise", "BE 0123 456 749")
        [premises] = data["premises"]
        self.assertEqual(premises["code"], str(self.premises.code))
        findings = premises["visits"][0]["findings"]
        self.assertEqual({f["partner"] for f in findings}, {"Police", "Social Inspection"})
        self.assertTrue(AuditEntry.objects.filter(object_type="privacy.subject_access").exists())

    def test_name_export_finds_text_answers_and_accounts(self) -> None:
        data = self.export("--name", "Peeters")
        self.assertEqual(len(data["findings_mentioning"]), 1)
        data = self.export("--name", "Coordinator")
        self.assertEqual([a["username"] for a in data["accounts"]], ["coordinator"])

    def test_export_to_a_file(self) -> None:
        target = Path(settings.MEDIA_ROOT) / "out.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        call_command("subject_access", "--name", "Donut", "-o", str(target), stderr=io.StringIO())
        self.assertEqual(len(json.loads(target.read_text())["premises"]), 1)

    def test_a_wrong_enterprise_number_is_refused(self) -> None:
        with self.assertRaisesMessage(CommandError, "check digits"):
            self.export("--enterprise", "0123.456.748")
