"""Error reporting: nothing without ``SENTRY_DSN``; with it, an unhandled error in a
request through Django's WSGI application reaches the server named (here a small HTTP
server on loopback standing in for Sentry) tagged with the request id, and without
personal data: no query string, cookie, body, address, user or local variables."""

from __future__ import annotations

import gzip
import json
import tempfile
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import SimpleTestCase

from config import error_reporting
from tests.test_logging import run_settings

# Processes, configuration and files: nothing here depends on the database, so the
# second database run of make test leaves them to the first.
pytestmark = pytest.mark.once_per_make_test

SCRIPT = """
import django, io
django.setup()
import sentry_sdk
from wsgiref.util import setup_testing_defaults
from django.test import override_settings
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from config.wsgi import application

@csrf_exempt
def failing(request):
    marker_in_a_local_variable = "local-Vermeulen"
    raise RuntimeError("the report could not be compiled")

class Urls:
    urlpatterns = [path("fails", failing)]

body = b"name=body-Vermeulen"
environ = {
    "REQUEST_METHOD": "POST",
    "PATH_INFO": "/fails",
    "QUERY_STRING": "name=query-Vermeulen",
    "HTTP_HOST": "testserver",
    "CONTENT_TYPE": "application/x-www-form-urlencoded",
    "CONTENT_LENGTH": str(len(body)),
    "wsgi.input": io.BytesIO(body),
    "HTTP_COOKIE": "preference=cookie-Vermeulen",
    "HTTP_X_REQUEST_ID": "edge-4711",
    "REMOTE_ADDR": "192.0.2.77",
}
setup_testing_defaults(environ)
statuses = []
with override_settings(ROOT_URLCONF=Urls):
    b"".join(application(environ, lambda status, headers: statuses.append(status)))
print(statuses[0].split()[0], sentry_sdk.get_client().is_active())
sentry_sdk.flush(timeout=20)
"""


class Collector(BaseHTTPRequestHandler):
    """Takes Sentry envelopes: one JSON header line, then item headers and payloads."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        server: Any = self.server
        server.envelopes.append((self.path, body))
        server.arrived.set()
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: Any) -> None:
        pass


def events(body: bytes) -> list[dict[str, Any]]:
    items = [json.loads(line) for line in body.splitlines() if line.strip()]
    return [
        payload
        for header, payload in zip(items[1::2], items[2::2], strict=False)
        if header.get("type") == "event"
    ]


class ErrorReportingTests(SimpleTestCase):
    def test_without_a_dsn_nothing_is_set_up(self) -> None:
        result = run_settings(
            # The settings module is where it would be set up.
            "import sentry_sdk, config.settings; print(sentry_sdk.get_client().is_active())"
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.strip(), "False")

    def test_an_unhandled_error_arrives_tagged_and_without_personal_data(self) -> None:
        server = ThreadingHTTPServer(("127.0.0.1", 0), Collector)
        server.envelopes = []  # type: ignore[attr-defined]
        server.arrived = threading.Event()  # type: ignore[attr-defined]
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            with tempfile.TemporaryDirectory() as data:
                result = run_settings(
                    SCRIPT,
                    DEBUG="0",
                    SECURE_SSL_REDIRECT="0",
                    INTEGRA_DATA_DIR=data,
                    SENTRY_DSN=f"http://publickey@127.0.0.1:{server.server_port}/42",
                    SENTRY_ENVIRONMENT="test",
                )
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual(result.stdout.split()[:2], ["500", "True"])
            self.assertTrue(server.arrived.wait(30), "an event arrived")  # type: ignore[attr-defined]
        finally:
            server.shutdown()
            server.server_close()
        received = server.envelopes  # type: ignore[attr-defined]
        self.assertEqual(received[0][0], "/api/42/envelope/")
        [event] = [event for _, body in received for event in events(body)]
        exception = event["exception"]["values"][-1]
        self.assertEqual(exception["type"], "RuntimeError")
        self.assertEqual(exception["value"], "the report could not be compiled")
        self.assertEqual(event["tags"]["request_id"], "edge-4711")
        self.assertEqual(event["environment"], "test")
        self.assertEqual(event["request"]["url"], "http://testserver/fails")
        self.assertNotIn("query_string", event["request"])
        self.assertNotIn("user", event)
        everything = b"".join(body for _, body in received).decode()
        self.assertNotIn("Vermeulen", everything, "no query, cookie, body or local variable")
        self.assertNotIn("192.0.2.77", everything, "no address")

    def test_the_report_drops_the_query_string_body_and_cookies(self) -> None:
        event = error_reporting.before_send(
            {
                "request": {
                    "url": "https://integra.example.be/gis/lookup?q=Jan",
                    "query_string": "q=Jan",
                    "data": {"name": "Jan"},
                    "cookies": {"sessionid": "x"},
                    "method": "GET",
                }
            },
            {},
        )
        self.assertEqual(
            event["request"], {"url": "https://integra.example.be/gis/lookup", "method": "GET"}
        )
