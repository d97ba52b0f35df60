"""GET never writes: every GET route of the access matrix, requested by every person of
its cast, reaches the database with reads only. What a page shows as changed by time
(a decision whose end date passed) is computed on reading; the change itself is written
by the schedule or by a POST.

The objects are those of the access matrix, put in the states that used to write on
reading: a decision in force whose end date passed, a municipality without its sector
rules yet, an import waiting at its preview with a file that cannot be read."""

from __future__ import annotations

import re
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from config.storage import uploads_storage
from decisions.models import Decision
from gis.models import ImportRun
from inspections.models import SectorRule
from partners.models import Role
from tests.base import CastTestCase
from tests.cast import make_user
from tests.test_access_matrix import DAY_VARIANTS, USERS, Fixture, day_route, fill, routes

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
TABLE = re.compile(
    r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)"?', re.IGNORECASE
)
# Writes a read may make:
# - the audit log records who read a finding, report or decision: the read is the event;
# - the session and the user's last login are written by signing in and by the session
#   middleware, not by the page.
ALLOWED_TABLES = {"partners_auditentry", "django_session", "auth_user"}


def writes(queries: list[dict[str, Any]]) -> list[str]:
    """The SQL of the queries that change rows outside the allowed tables."""
    found = []
    for query in queries:
        sql = query["sql"]
        if not WRITE.match(sql):
            continue
        table = TABLE.match(sql)
        if table and table.group(1).lower() in ALLOWED_TABLES:
            continue
        found.append(sql[:200])
    return found


class GetNeverWritesTests(CastTestCase):
    dpo: User
    fixture: Fixture
    media: Path

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.dpo = make_user("dpo", cls.city, [Role.ADMIN], cls.city_a)
        cls.media = Path(tempfile.mkdtemp(prefix="get-never-writes-"))
        with override_settings(MEDIA_ROOT=cls.media):
            cls.fixture = Fixture(cls)
            stored = uploads_storage().save(
                "imports/broken/layer.geojson", ContentFile(b"no layer")
            )
        today = timezone.localdate()
        Decision.objects.filter(pk=cls.fixture.decision.pk).update(
            status=Decision.Status.IN_FORCE,
            effective_from=today - timedelta(days=60),
            expires_on=today - timedelta(days=2),
            decision_date=today - timedelta(days=70),
            dispatch_date=today - timedelta(days=65),
            identification="D-2026-0042",
        )
        SectorRule.objects.filter(municipality=cls.city_a).delete()
        ImportRun.objects.filter(pk=cls.fixture.import_run.pk).update(
            status=ImportRun.Status.PREVIEW, stored_file=stored
        )

    @classmethod
    def tearDownClass(cls) -> None:
        shutil.rmtree(cls.media, ignore_errors=True)
        super().tearDownClass()

    def setUp(self) -> None:
        shutil.copytree(self.media, settings.MEDIA_ROOT, dirs_exist_ok=True)

    def people(self) -> dict[str, User | None]:
        return {
            "anonymous": None,
            "outsider": self.outsider,
            "clerk": self.clerk,
            "analyst": self.analyst,
            "mayor": self.mayor,
            "social": self.social_inspector,
            "police": self.police_inspector,
            "dpo": self.dpo,
            "coordinator": self.coordinator,
        }

    def paths(self) -> list[tuple[str, str]]:
        """(label, path) of every GET the access matrix requests."""
        found = []
        for route, name in routes():
            for variant in DAY_VARIANTS if day_route(route) else ("",):
                values = self.fixture.values(name, variant) if "<" in route else {}
                label = f"{name}[{variant}]" if variant else name
                found.append((label, fill(route, values)))
        return found

    def test_no_get_of_any_route_writes_for_anyone(self) -> None:
        problems = []
        for label, path in self.paths():
            for person in USERS:
                user = self.people()[person]
                client = Client()
                client.cookies["django_language"] = "en"
                if user is not None:
                    client.force_login(user)
                sid = transaction.savepoint()
                try:
                    with CaptureQueriesContext(connection) as captured:
                        client.get(path)
                finally:
                    transaction.savepoint_rollback(sid)
                problems += [
                    f"GET {label} as {person}: {sql}" for sql in writes(captured.captured_queries)
                ]
        self.assertEqual(problems, [], "\n" + "\n".join(problems))

    def test_the_check_sees_a_write(self) -> None:
        with CaptureQueriesContext(connection) as captured:
            Decision.objects.filter(pk=self.fixture.decision.pk).update(appeal_note="x")
            ImportRun.objects.filter(pk=self.fixture.import_run.pk).update(message="x")
        self.assertEqual(len(writes(captured.captured_queries)), 2)

    def test_an_ended_measure_reads_expired_before_the_nightly_run_writes_it(self) -> None:
        from decisions import actions
        from decisions.tasks_schedule import REFRESH_STATUSES, ensure_schedules

        decision = self.fixture.decision
        self.client.cookies["django_language"] = "en"
        self.client.force_login(self.mayor)
        page = self.client.get(reverse("decision-detail", args=[decision.code]))
        register = self.client.get(reverse("decision-register"), {"status": "expired"})
        self.assertContains(page, "Expired")
        self.assertContains(register, "D-2026-0042")
        decision.refresh_from_db()
        self.assertEqual(decision.status, Decision.Status.IN_FORCE)
        ensure_schedules()
        from django_q.models import Schedule

        schedule = Schedule.objects.get(name=REFRESH_STATUSES)
        self.assertEqual(schedule.func, "decisions.actions.refresh_all_statuses")
        self.assertEqual(actions.refresh_all_statuses(), 1)
        decision.refresh_from_db()
        self.assertEqual(decision.status, Decision.Status.EXPIRED)

    def test_the_sector_rules_page_shows_the_defaults_and_the_first_change_saves_them(
        self,
    ) -> None:
        from inspections import actions

        defaults = actions.sector_rules_in_use(self.city_a)
        self.assertTrue(defaults)
        self.client.cookies["django_language"] = "en"
        self.client.force_login(self.coordinator)
        page = self.client.get(reverse("sector-rules"))
        self.assertEqual(page.status_code, 200)
        self.assertFalse(SectorRule.objects.filter(municipality=self.city_a).exists())
        self.client.post(
            reverse("sector-rule-toggle"),
            {
                "municipality": self.city_a.code,
                "sector": "car_wash",
                "competency": "fire-safety",
                "needed": "on",
            },
        )
        saved = set(
            SectorRule.objects.filter(municipality=self.city_a).values_list("sector", "competency")
        )
        self.assertTrue(defaults < saved)

    def test_an_unreadable_preview_shows_its_reason_and_the_upload_writes_the_refusal(
        self,
    ) -> None:
        run = self.fixture.import_run
        self.client.cookies["django_language"] = "en"
        self.client.force_login(self.coordinator)
        page = self.client.get(reverse("gis-import-detail", args=[run.code]))
        run.refresh_from_db()
        self.assertEqual(run.status, ImportRun.Status.PREVIEW)
        self.assertContains(page, "Refused")
        self.client.post(
            reverse("gis-import-upload"),
            {
                "municipality": self.city_a.pk,
                "kind": "premises",
                "zone_kind": "neighbourhood",
                "file": SimpleUploadedFile("broken.geojson", b"no layer"),
            },
        )
        uploaded = ImportRun.objects.exclude(pk=run.pk).get()
        self.assertEqual(uploaded.status, ImportRun.Status.REFUSED)
        self.assertTrue(uploaded.message)
