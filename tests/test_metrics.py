"""``/metrics``: absent (404) unless switched on; then Prometheus figures by view and of
the database for the scraper only (its bearer token or a listed address), 403 to
everyone else, logged in or not."""

from __future__ import annotations

import json
import tempfile

import pytest
from django.conf import settings
from django.test import SimpleTestCase, override_settings

from config import metrics
from tests.base import CastTestCase
from tests.test_logging import run_settings

TOKEN = "scrape-" + "t" * 40
ON = {
    "METRICS_ENABLED": True,
    "METRICS_TOKEN": TOKEN,
    "METRICS_ALLOWED_IPS": ["10.8.0.0/24", "2001:db8::7"],
}


class MetricsOffTests(CastTestCase):
    def test_off_by_default_it_is_not_found_even_with_a_token(self) -> None:
        self.assertFalse(settings.METRICS_ENABLED)
        self.assertEqual(self.client.get("/metrics").status_code, 404)
        response = self.client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        self.assertEqual(response.status_code, 404)


@override_settings(**ON, MIDDLEWARE=metrics.instrumented_middleware(settings.MIDDLEWARE))
class MetricsOnTests(CastTestCase):
    def scrape(self, **extra: str) -> str:
        response = self.client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("text/plain"))
        return response.content.decode()

    def test_the_scraper_with_its_token_reads_requests_by_view(self) -> None:
        self.client.get("/healthz")
        self.client.get("/healthz")
        text = self.scrape()
        self.assertIn("django_http_requests_latency_seconds_by_view_method_bucket{", text)
        counted = [
            line
            for line in text.splitlines()
            if line.startswith("django_http_requests_total_by_view_transport_method_total{")
            and 'view="healthz"' in line
        ]
        self.assertTrue(counted, "requests counted by view")
        self.assertGreaterEqual(float(counted[0].rsplit(" ", 1)[1]), 2)

    def test_without_the_token_nobody_reads_it_logged_in_or_not(self) -> None:
        self.assertEqual(self.client.get("/metrics").status_code, 403)
        for header in (f"Bearer {TOKEN}x", f"Basic {TOKEN}", TOKEN, "Bearer "):
            with self.subTest(header=header):
                response = self.client.get("/metrics", headers={"Authorization": header})
                self.assertEqual(response.status_code, 403)
        self.client.force_login(self.coordinator)
        self.assertEqual(self.client.get("/metrics").status_code, 403)

    def test_listed_addresses_and_networks_may_scrape_without_the_token(self) -> None:
        for address, status in (
            ("10.8.0.17", 200),
            ("2001:db8::7", 200),
            ("10.8.1.17", 403),
            ("2001:db8::8", 403),
        ):
            with self.subTest(address=address):
                response = self.client.get("/metrics", REMOTE_ADDR=address)
                self.assertEqual(response.status_code, status)

    def test_a_forwarded_address_does_not_open_it(self) -> None:
        response = self.client.get(
            "/metrics",
            REMOTE_ADDR="203.0.113.9",
            headers={"X-Forwarded-For": "10.8.0.17", "X-Real-IP": "10.8.0.17"},
        )
        self.assertEqual(response.status_code, 403)

    def test_the_figures_name_no_person(self) -> None:
        self.client.force_login(self.coordinator)
        self.client.get("/")
        self.client.logout()
        text = self.scrape()
        for word in (self.coordinator.username, self.city_a.name):
            self.assertNotIn(word, text)


@pytest.mark.once_per_make_test  # settings in a new process: the same on every database
class MetricsConfigurationTests(SimpleTestCase):
    def test_switched_on_without_a_token_or_an_address_it_refuses_to_start(self) -> None:
        with self.assertRaisesMessage(ValueError, "METRICS_TOKEN"):
            metrics.check_configuration(enabled=True, token="", allowed=[])
        with self.assertRaisesMessage(ValueError, "10.0.0.300"):
            metrics.check_configuration(enabled=True, token="", allowed=["10.0.0.300"])
        metrics.check_configuration(enabled=False, token="", allowed=[])
        result = run_settings("import config.settings", METRICS_ENABLED="1")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("METRICS_ENABLED=1 needs METRICS_TOKEN", result.stderr)

    def test_switched_on_by_the_environment_it_counts_requests_and_queries(self) -> None:
        # A fresh process with the settings of a real installation: the middlewares and
        # the database wrapper come from METRICS_ENABLED alone.
        script = f"""
import django, json
django.setup()
from django.db import connection
from django.test import Client, override_settings
from django.urls import path
from config.health import healthz
from config.metrics import metrics

class Urls:  # the two routes needed, without importing every page's view
    urlpatterns = [path("healthz", healthz, name="healthz"), path("metrics", metrics)]

with connection.cursor() as cursor:
    cursor.execute("SELECT 1")
client = Client()
with override_settings(ROOT_URLCONF=Urls):
    client.get("/healthz")
    page = client.get("/metrics", headers={{"Authorization": "Bearer {TOKEN}"}})
print(json.dumps({{"status": page.status_code, "text": page.content.decode()}}))
"""
        with tempfile.TemporaryDirectory() as data:
            result = run_settings(
                script,
                METRICS_ENABLED="1",
                METRICS_TOKEN=TOKEN,
                INTEGRA_DATA_DIR=data,
                DATABASE_URL="",
                LOG_REQUESTS="0",
            )
        self.assertEqual(result.returncode, 0, result.stderr)
        answer = json.loads(result.stdout.strip().splitlines()[-1])
        self.assertEqual(answer["status"], 200)
        text = answer["text"]
        self.assertIn('view="healthz"', text)
        queries = [
            line
            for line in text.splitlines()
            if line.startswith("django_db_execute_total{") and 'vendor="sqlite"' in line
        ]
        self.assertTrue(queries, "database queries counted")
        self.assertGreaterEqual(float(queries[0].rsplit(" ", 1)[1]), 1)
