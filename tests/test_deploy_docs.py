"""The deployment guide holds: its systemd units pass ``systemd-analyze verify`` and start
commands that exist, the example environment sets only documented variables, and
gunicorn with config/gunicorn.conf.py serves (its probes and metrics over plain HTTP,
HTTPS redirects on), logs JSON lines with the request id and adds up its workers'
metrics."""

from __future__ import annotations

import grp
import http.client
import json
import os
import pwd
import re
import runpy
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import get_commands
from django.test import SimpleTestCase

from bench.harness import free_port, wait_until_healthy

# Processes, configuration and files: nothing here depends on the database, so the
# second database run of make test leaves them to the first.
pytestmark = pytest.mark.once_per_make_test

ROOT = Path(__file__).resolve().parent.parent
UNITS = ROOT / "docs" / "systemd"
INSTALLED_AT = "/opt/integra"
ENV_FILE = "/etc/integra/integra.env"


def unit_files() -> list[Path]:
    return sorted(UNITS.glob("*.service"))


def exec_starts(unit: Path) -> list[list[str]]:
    return [
        shlex.split(line.split("=", 1)[1])
        for line in unit.read_text().splitlines()
        if line.startswith("ExecStart=")
    ]


class SystemdUnitTests(SimpleTestCase):
    def test_the_three_units_are_there(self) -> None:
        self.assertEqual(
            [unit.name for unit in unit_files()],
            ["integra-migrate.service", "integra-web.service", "integra-worker.service"],
        )

    def test_units_pass_systemd_analyze_verify(self) -> None:
        analyze = shutil.which("systemd-analyze")
        if analyze is None:
            self.skipTest("systemd-analyze is not installed on this machine")
        user = pwd.getpwuid(os.getuid()).pw_name
        group = grp.getgrgid(os.getgid()).gr_name
        with tempfile.TemporaryDirectory() as folder:
            env_file = Path(folder) / "integra.env"
            env_file.write_text((UNITS / "integra.env.example").read_text())
            # As installed in this checkout: verify checks that each command exists.
            for unit in unit_files():
                text = (
                    unit.read_text()
                    .replace(INSTALLED_AT, str(ROOT))
                    .replace(ENV_FILE, str(env_file))
                    .replace("User=integra", f"User={user}")
                    .replace("Group=integra", f"Group={group}")
                )
                (Path(folder) / unit.name).write_text(text)
            result = subprocess.run(
                [analyze, "verify", *sorted(str(path) for path in Path(folder).glob("*.service"))],
                capture_output=True,
                text=True,
                timeout=120,
            )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual((result.stdout + result.stderr).strip(), "", "no warning either")

    def test_every_command_started_is_a_real_command_or_file(self) -> None:
        commands = get_commands()
        for unit in unit_files():
            starts = exec_starts(unit)
            self.assertTrue(starts, f"{unit.name} starts something")
            for argv in starts:
                with self.subTest(unit=unit.name, command=" ".join(argv)):
                    program = Path(argv[0].replace(INSTALLED_AT, str(ROOT)))
                    self.assertTrue(argv[0].startswith(f"{INSTALLED_AT}/.venv/bin/"))
                    self.assertTrue(program.exists(), f"{program} is installed by uv sync")
                    if "manage.py" in argv:
                        name = argv[argv.index("manage.py") + 1]
                        self.assertIn(name, commands, f"manage.py {name} exists")
                    if "-c" in argv:
                        self.assertTrue((ROOT / argv[argv.index("-c") + 1]).is_file())

    def test_deploy_runs_migrations_then_the_schedules_before_web_and_worker(self) -> None:
        migrate = [argv[2:3] for argv in exec_starts(UNITS / "integra-migrate.service")]
        self.assertEqual(migrate, [["migrate"], ["collectstatic"], ["ensure_schedules"]])
        for name in ("integra-web.service", "integra-worker.service"):
            text = (UNITS / name).read_text()
            self.assertIn("Requires=integra-migrate.service", text)
            self.assertRegex(text, r"After=integra-migrate\.service")
        self.assertEqual(
            exec_starts(UNITS / "integra-worker.service")[0][1:], ["manage.py", "qcluster"]
        )

    def test_the_example_environment_sets_only_documented_variables(self) -> None:
        readme = (ROOT / "README.md").read_text()
        documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", readme, re.MULTILINE))
        example = (UNITS / "integra.env.example").read_text()
        named = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", example, re.MULTILINE))
        self.assertIn("SECRET_KEY", named)
        self.assertEqual(sorted(named - documented), [], "in README's configuration table")
        guide = (ROOT / "docs" / "deploy.md").read_text()
        for unit in unit_files():
            self.assertIn(unit.name, guide)


class GunicornConfigTests(SimpleTestCase):
    def test_the_config_reads_the_environment(self) -> None:
        environment = {
            "WEB_CONCURRENCY": "3",
            "GUNICORN_THREADS": "8",
            "GUNICORN_BIND": "unix:/run/integra/web.sock,127.0.0.1:8001",
            "GUNICORN_TIMEOUT": "90",
            "GUNICORN_GRACEFUL_TIMEOUT": "20",
            "FORWARDED_ALLOW_IPS": "10.0.0.2",
            "LOG_FORMAT": "json",
        }
        with mock.patch.dict(os.environ, environment):
            conf = runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))
        self.assertEqual(
            {key: conf[key] for key in ("workers", "threads", "timeout", "graceful_timeout")},
            {"workers": 3, "threads": 8, "timeout": 90, "graceful_timeout": 20},
        )
        self.assertEqual(conf["bind"], ["unix:/run/integra/web.sock", "127.0.0.1:8001"])
        self.assertEqual(conf["forwarded_allow_ips"], "10.0.0.2")
        self.assertTrue(conf["preload_app"])
        self.assertIsNone(conf["accesslog"], "our request line instead of an access log")
        self.assertEqual(conf["wsgi_app"], "config.wsgi:application")
        formatter = conf["logconfig_dict"]["formatters"]["integra"]
        self.assertEqual(formatter, {"()": "config.logs.JsonFormatter"})

    def test_gunicorn_serves_logs_json_and_adds_up_its_workers_metrics(self) -> None:
        port = free_port()
        with tempfile.TemporaryDirectory() as data:
            environment = {
                key: value
                for key, value in os.environ.items()
                if not key.startswith(("LOG_", "METRICS_", "SENTRY_", "GUNICORN_", "DATABASE"))
            }
            environment.update(
                DEBUG="0",
                SECRET_KEY="test-" + "g" * 60,
                ALLOWED_HOSTS="127.0.0.1",
                INTEGRA_DATA_DIR=data,
                GUNICORN_BIND=f"127.0.0.1:{port}",
                WEB_CONCURRENCY="2",
                METRICS_ENABLED="1",
                METRICS_TOKEN="scrape-token",
                PROMETHEUS_MULTIPROC_DIR=str(Path(data) / "metrics"),
                DJANGO_SETTINGS_MODULE="config.settings",
            )
            log = Path(data) / "stderr.log"
            with log.open("w") as stderr:
                server = subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py"],
                    cwd=ROOT,
                    env=environment,
                    stderr=stderr,
                    stdout=subprocess.DEVNULL,
                    start_new_session=True,
                )
                try:
                    wait_until_healthy(server, port, seconds=120)
                    for _ in range(12):
                        self.assertEqual(get(port, "/healthz")[0], 200)
                    status, body = get(port, "/healthz", **{"X-Request-ID": "lb-1234"})
                    status, text = get(port, "/metrics", Authorization="Bearer scrape-token")
                finally:
                    os.killpg(server.pid, signal.SIGTERM)
                    returncode = server.wait(timeout=60)
            lines = [json.loads(line) for line in log.read_text().splitlines()]
        self.assertEqual(returncode, 0, "a graceful stop")
        self.assertEqual(status, 200)
        [total] = [
            line
            for line in text.splitlines()
            if line.startswith("django_http_requests_total_by_view_transport_method_total")
            and 'view="healthz"' in line
        ]
        # Counted in whichever worker answered, added up: at least the 13 above.
        self.assertGreaterEqual(float(total.rsplit(" ", 1)[1]), 13)
        tagged = [line for line in lines if line.get("request_id") == "lb-1234"]
        self.assertEqual([line["path"] for line in tagged], ["/healthz"])
        self.assertIn("gunicorn.error", {line["logger"] for line in lines})


def get(port: int, path: str, **headers: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()
