"""Start-up configuration: what an operator sees when a setting is missing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# Processes, configuration and files: nothing here depends on the database, so the
# second database run of make test leaves them to the first.
pytestmark = pytest.mark.once_per_make_test

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 20 + "-production-secret-with-enough-entropy-4c9f7a1e8b2d6",
    "ALLOWED_HOSTS": "integra.example.be",
}


def manage(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    environment.update(INTEGRA_DATA_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_secret_key_stops_start_up_with_a_clear_message(tmp_path: Path) -> None:
    result = manage("check", tmp_path=tmp_path, DEBUG="0", ALLOWED_HOSTS="integra.example.be")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_missing_allowed_hosts_stops_start_up_with_a_clear_message(tmp_path: Path) -> None:
    result = manage("check", tmp_path=tmp_path, DEBUG="0", SECRET_KEY=PRODUCTION["SECRET_KEY"])
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_deploy_check_reports_no_warnings(tmp_path: Path) -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_nothing_set_means_sqlite_in_wal_mode_and_orm_broker(tmp_path: Path) -> None:
    code = (
        "import django; django.setup();"
        "from django.conf import settings; from django.db import connection;"
        "print(settings.DEBUG, connection.vendor, settings.Q_CLUSTER.get('orm'));"
        "cursor = connection.cursor(); cursor.execute('PRAGMA journal_mode');"
        "print(cursor.fetchone()[0])"
    )
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "DATABASE_URL", "REDIS_URL"}
    }
    environment.update(INTEGRA_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings")
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "sqlite", "default", "wal"]


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("DATABASE_URL", "postgres://integra@db.example:5432/integra", "postgresql"),
        ("REDIS_URL", "redis://127.0.0.1:6379/3", "redis://127.0.0.1:6379/3"),
    ],
)
def test_urls_select_postgresql_and_redis(
    tmp_path: Path, variable: str, value: str, expected: str
) -> None:
    code = (
        "import django; django.setup(); from django.conf import settings;"
        "print(settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]"
        if variable == "DATABASE_URL"
        else "import django; django.setup(); from django.conf import settings;"
        "print(settings.Q_CLUSTER['redis']"
    ) + ")"
    environment = dict(
        os.environ,
        INTEGRA_DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="config.settings",
        **{variable: value},
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected
