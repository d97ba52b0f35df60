"""`/readyz` answers whether this process can serve: database, task broker and file
storage, each named in the answer; `/healthz` stays the bare liveness probe."""

from __future__ import annotations

import tempfile
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import ConnectionHandler
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

CHECKS = {"database", "broker", "storage"}
WRITES = ("INSERT", "UPDATE", "DELETE")


class ReadinessTests(TestCase):
    def test_ready_without_logging_in_naming_each_check(self) -> None:
        with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as queries:
            response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertIn("no-cache", response["Cache-Control"])
        body = response.json()
        self.assertEqual(body, {"status": "ready", "checks": dict.fromkeys(CHECKS, "ok")})
        writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
        self.assertEqual(writes, [], "the readiness check writes nothing to the database")
        self.assertTrue(any("SELECT 1" in q["sql"] for q in queries))
        if default_storage.exists("readyz"):
            self.assertEqual(default_storage.listdir("readyz"), ([], []), "probe removed")

    def test_liveness_stays_a_plain_ok(self) -> None:
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"ok")

    def test_an_unreachable_redis_broker_makes_it_unavailable(self) -> None:
        # Nothing listens on port 1: the connection is refused at once.
        cluster = {**settings.Q_CLUSTER, "redis": "redis://127.0.0.1:1/0"}
        cluster.pop("orm", None)
        with override_settings(Q_CLUSTER=cluster), self.assertLogs("config.health", "ERROR"):
            response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(
            response.json(),
            {
                "status": "unavailable",
                "checks": {"database": "ok", "broker": "failed", "storage": "ok"},
            },
        )
        self.assertNotIn(b"127.0.0.1", response.content, "no detail to an anonymous caller")

    def test_a_database_that_cannot_be_opened_makes_it_unavailable(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            # A real database connection to a file that cannot exist (its folder is a plain
            # file), served in place of the default connection for the probe only.
            blocker = Path(tmp) / "not-a-folder"
            blocker.write_text("")
            broken = ConnectionHandler(
                {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(blocker / "db")}}
            )
            with (
                mock.patch("config.health.connections", broken),
                self.assertLogs("config.health", "ERROR"),
            ):
                response = self.client.get("/readyz")
            broken.close_all()
        self.assertEqual(response.status_code, 503)
        self.assertEqual(
            response.json(),
            {
                "status": "unavailable",
                "checks": {"database": "failed", "broker": "ok", "storage": "ok"},
            },
        )
        self.assertNotIn(b"not-a-folder", response.content)

    def test_a_storage_that_cannot_be_written_makes_it_unavailable(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            # A folder inside a plain file: no one, not even root, can write there.
            blocker = Path(tmp) / "not-a-folder"
            blocker.write_text("")
            # One named storage (the photos') is enough to make the node unready.
            storages = {
                **settings.STORAGES,
                "evidence": {
                    "BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(blocker / "media")},
                },
            }
            with override_settings(STORAGES=storages), self.assertLogs("config.health", "ERROR"):
                response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(
            response.json()["checks"], {"database": "ok", "broker": "ok", "storage": "failed"}
        )


def test_persistent_database_connections_are_checked_before_reuse() -> None:
    """With DATABASE_URL, connections live on between requests and are tested before each
    reuse, so a restarted database server costs no failed request."""
    import os
    import subprocess
    import sys

    code = (
        "import django; django.setup(); from django.conf import settings; "
        "d = settings.DATABASES['default']; print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": "postgres://integra@db.invalid:5432/integra",
    }
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["60", "True"]
