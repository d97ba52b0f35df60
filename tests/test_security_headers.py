"""The web surface's security headers, its script policy, and what changes with DEBUG off."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from django.urls import reverse

from tests.base import CastTestCase
from tests.test_settings import PRODUCTION, ROOT

MAIN_PAGES = [
    "home",
    "action-day-list",
    "action-day-create",
    "gis-map",
    "gis-risk-list",
    "gis-imports",
    "gis-lookup",
    "partner-list",
    "people-list",
    "competency-matrix",
    "protocol-list",
    "field-day",
]
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.DOTALL | re.IGNORECASE)


def script_policy(header: str) -> list[str]:
    for directive in header.split(";"):
        name, *values = directive.split()
        if name == "script-src":
            return values
    return []


class SecurityHeaderTests(CastTestCase):
    def test_every_main_page_sends_the_security_headers(self) -> None:
        self.client.force_login(self.coordinator)
        for name in MAIN_PAGES:
            with self.subTest(page=name):
                response = self.client.get(reverse(name))
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["X-Content-Type-Options"], "nosniff")
                self.assertEqual(response["Referrer-Policy"], "same-origin")
                self.assertEqual(response["X-Frame-Options"], "DENY")
                self.assertEqual(response["Cross-Origin-Opener-Policy"], "same-origin")
                policy = response["Content-Security-Policy"]
                self.assertIn("frame-ancestors 'none'", policy)
                self.assertIn("object-src 'none'", policy)

    def test_scripts_are_allowed_only_from_our_origin_or_with_the_nonce(self) -> None:
        self.client.force_login(self.coordinator)
        for name in ["login", *MAIN_PAGES]:
            with self.subTest(page=name):
                response = self.client.get(reverse(name))
                sources = script_policy(response["Content-Security-Policy"])
                self.assertIn("'self'", sources)
                self.assertNotIn("'unsafe-inline'", sources)
                self.assertNotIn("'unsafe-eval'", sources)
                self.assertFalse([s for s in sources if s.startswith("http")], sources)

    def test_no_page_holds_an_inline_script_without_the_nonce(self) -> None:
        self.client.force_login(self.coordinator)
        for name in ["login", *MAIN_PAGES]:
            with self.subTest(page=name):
                response = self.client.get(reverse(name))
                nonces = [
                    s for s in script_policy(response["Content-Security-Policy"]) if "nonce" in s
                ]
                nonce = nonces[0][len("'nonce-") : -1] if nonces else None
                for attributes, body in SCRIPT_TAG.findall(response.content.decode()):
                    if "src=" in attributes:
                        continue
                    if 'type="application/json"' in attributes:
                        continue
                    self.assertIn(f'nonce="{nonce}"', attributes, body[:80])

    def test_inline_event_handlers_are_absent(self) -> None:
        self.client.force_login(self.coordinator)
        handler = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
        for name in ["login", *MAIN_PAGES]:
            with self.subTest(page=name):
                body = self.client.get(reverse(name)).content.decode()
                self.assertIsNone(handler.search(body))

    def test_session_cookie_is_http_only_and_same_site(self) -> None:
        response = self.client.post(
            reverse("login"),
            {"username": "coordinator", "password": "correct horse battery staple"},
        )
        cookie = response.cookies["sessionid"]
        self.assertTrue(cookie["httponly"])
        self.assertEqual(cookie["samesite"], "Lax")


PRODUCTION_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client(HTTP_HOST="integra.example.be")
plain = client.get("/accounts/login/")
secure = client.get("/accounts/login/", secure=True)
cookie = secure.cookies.get("csrftoken")
print(json.dumps({
    "redirect": [plain.status_code, plain.get("Location", "")],
    "hsts": secure.get("Strict-Transport-Security", ""),
    "csrf_cookie_secure": bool(cookie and cookie["secure"]),
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_setting_secure": settings.CSRF_COOKIE_SECURE,
    "axes_first": settings.AUTHENTICATION_BACKENDS[0],
    "axes_last": settings.MIDDLEWARE[-1],
}))
"""


# Its own SQLite installation in a folder of its own, whatever the run's database.
@pytest.mark.once_per_make_test
def test_debug_off_means_https_hsts_and_secure_cookies(tmp_path) -> None:
    """Static files collected as in production, then a login page over HTTP and HTTPS."""
    environment = {
        key: value
        for key, value in __import__("os").environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}
    }
    environment.update(
        PRODUCTION, INTEGRA_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings"
    )
    for command in (["migrate"], ["collectstatic", "--noinput"]):
        subprocess.run(
            [sys.executable, "manage.py", *command, "-v0"], cwd=ROOT, env=environment, check=True
        )
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    assert facts["redirect"] == [301, "https://integra.example.be/accounts/login/"]
    assert facts["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert facts["csrf_cookie_secure"]
    assert facts["session_cookie_secure"] and facts["csrf_setting_secure"]
    assert facts["axes_first"] == "axes.backends.AxesStandaloneBackend"
    assert facts["axes_last"] == "axes.middleware.AxesMiddleware"
