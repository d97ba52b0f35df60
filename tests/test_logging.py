"""Logs an operator can follow: one line per request with its request id (the proxy's,
or a new one), the same id on everything logged meanwhile and in the response, the
worker's lines with their task id; JSON with DEBUG off; no query string, no name."""

from __future__ import annotations

import contextvars
import io
import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.test import TestCase
from django_q.tasks import async_task

from config import logs
from config.request_id import RequestIdFilter
from tests.base import CastTestCase

ROOT = Path(__file__).resolve().parent.parent
UUID_HEX = re.compile(r"[0-9a-f]{32}")


@contextmanager
def json_log() -> Iterator[io.StringIO]:
    """What the configured console handler writes with LOG_FORMAT=json: the same
    formatter and filter, into a buffer."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logs.JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield out
    finally:
        root.removeHandler(handler)


def lines(out: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def request_lines(out: io.StringIO) -> list[dict[str, Any]]:
    return [line for line in lines(out) if line["logger"] == "integra.request"]


def task_that_logs(word: str) -> None:
    logging.getLogger("integra.tests").warning("task says %s", word)


class RequestLogTests(CastTestCase):
    def test_the_proxys_request_id_is_kept_logged_and_returned(self) -> None:
        with json_log() as out:
            response = self.client.get(
                "/healthz?name=Jan+Peeters", headers={"X-Request-ID": "edge-7f3a.42"}
            )
        self.assertEqual(response["X-Request-ID"], "edge-7f3a.42")
        [line] = request_lines(out)
        self.assertEqual(line["request_id"], "edge-7f3a.42")
        self.assertEqual(
            {key: line[key] for key in ("method", "path", "status", "user_id")},
            {"method": "GET", "path": "/healthz", "status": 200, "user_id": None},
        )
        self.assertIsInstance(line["duration_ms"], float)
        self.assertNotIn("Peeters", out.getvalue(), "no query string in the log")

    def test_an_odd_request_id_is_replaced_by_a_new_one(self) -> None:
        for given in ("two words", "x" * 200, "id\nforged line", "-leading-dash", ""):
            with self.subTest(given=given), json_log() as out:
                response = self.client.get("/healthz", headers={"X-Request-ID": given})
                rid = response["X-Request-ID"]
                self.assertRegex(rid, UUID_HEX)
                self.assertEqual(request_lines(out)[0]["request_id"], rid)

    def test_two_requests_get_two_ids(self) -> None:
        first = self.client.get("/healthz")["X-Request-ID"]
        second = self.client.get("/healthz")["X-Request-ID"]
        self.assertNotEqual(first, second)

    def test_a_logged_in_user_is_logged_by_internal_id_only(self) -> None:
        self.client.force_login(self.coordinator)
        with json_log() as out:
            response = self.client.get("/")
        self.assertEqual(response.status_code, 200)
        [line] = request_lines(out)
        self.assertEqual(line["user_id"], self.coordinator.pk)
        text = out.getvalue()
        self.assertNotIn(self.coordinator.username, text)
        self.assertNotIn(self.coordinator.get_full_name() or "\0", text)

    def test_djangos_own_lines_about_the_request_carry_its_id(self) -> None:
        with json_log() as out:
            response = self.client.get("/no-such-page/")
        self.assertEqual(response.status_code, 404)
        rid = response["X-Request-ID"]
        by_logger = {line["logger"]: line for line in lines(out)}
        self.assertEqual(by_logger["django.request"]["message"], "Not Found: /no-such-page/")
        self.assertEqual(by_logger["django.request"]["request_id"], rid)
        self.assertEqual(by_logger["integra.request"]["status"], 404)

    def test_a_redirect_is_logged_with_its_status(self) -> None:
        with json_log() as out:
            response = self.client.get("/")
        self.assertEqual(response.status_code, 302)
        [line] = request_lines(out)
        self.assertEqual((line["path"], line["status"]), ("/", 302))


class TaskLogTests(TestCase):
    def test_a_worker_tasks_lines_carry_its_task_id(self) -> None:
        def worker() -> str:
            task = async_task("tests.test_logging.task_that_logs", "hello", sync=True)
            logging.getLogger("integra.tests").warning("after the task")
            return str(task)

        with json_log() as out:
            # A fresh context, as in a worker process: no request around the task.
            task = contextvars.Context().run(worker)
        during, after = [line for line in lines(out) if line["logger"] == "integra.tests"]
        self.assertEqual(during["message"], "task says hello")
        self.assertEqual(during["task_id"], task)
        self.assertNotIn("request_id", during)
        self.assertEqual(after["message"], "after the task")
        self.assertNotIn("task_id", after, "the id ends with its task")


@pytest.mark.once_per_make_test  # settings in a new process: the same on every database
class FormatTests(TestCase):
    def test_text_in_development_json_in_production_unless_chosen(self) -> None:
        self.assertEqual(logs.log_format("", debug=True), "text")
        self.assertEqual(logs.log_format("", debug=False), "json")
        self.assertEqual(logs.log_format("TEXT", debug=False), "text")
        self.assertEqual(logs.log_format("json", debug=True), "json")
        with self.assertRaisesMessage(ValueError, "LOG_FORMAT must be one of text, json"):
            logs.log_format("xml", debug=False)

    def test_a_traceback_stays_inside_its_json_line(self) -> None:
        with json_log() as out:
            try:
                raise ValueError("broken")
            except ValueError:
                logging.getLogger("integra.tests").exception("failed")
        [line] = lines(out)
        self.assertEqual(line["level"], "ERROR")
        self.assertIn("ValueError: broken", line["exception"])

    def test_production_settings_write_json_lines_to_stderr(self) -> None:
        # The settings' LOGGING as Django applies it, without loading every app.
        script = (
            "import logging.config; from config import settings;"
            "logging.config.dictConfig(settings.LOGGING);"
            "logging.getLogger('integra.tests').warning('hello %s', 'world')"
        )
        result = run_settings(script, DEBUG="0")
        self.assertEqual(result.returncode, 0, result.stderr)
        line = json.loads(result.stderr.strip().splitlines()[-1])
        self.assertEqual(
            (line["level"], line["logger"], line["message"]),
            ("WARNING", "integra.tests", "hello world"),
        )

    def test_an_unknown_format_stops_the_start_with_the_choices(self) -> None:
        result = run_settings("import config.settings", LOG_FORMAT="xml")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("LOG_FORMAT must be one of text, json", result.stderr)


def run_settings(script: str, **environment: str) -> subprocess.CompletedProcess[str]:
    """Python with Integra's settings and the given environment, in a fresh process
    (the settings are read once per process)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LOG_", "METRICS_", "SENTRY_", "DEBUG"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY="test-" + "k" * 60,
        ALLOWED_HOSTS="testserver",
        **environment,
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
