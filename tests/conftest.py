from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Files on S3 (moto's server on loopback) when INTEGRA_TEST_STORAGE=s3, and for tests
# parametrised over the disk and S3.
from tests.storage import (  # noqa: F401
    _files_on_s3_when_asked,
    _own_bucket_per_class_on_s3,
    _own_bucket_per_test_on_s3,
    s3_endpoint,
)

SCREENSHOTS = Path(__file__).parent / "screenshots"


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing() -> Iterator[None]:
    """Passwords are hashed with MD5 in tests, as Django's guide to faster tests advises:
    production's PBKDF2 takes a third of a second per password by design, and the cast
    of every test class makes eight users. What the tests check (the right password
    signs in, a wrong one is refused, the demo's passwords) holds with any hasher; the
    settings a subprocess starts with (deployment checks, the cluster, gunicorn) are
    production's."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    """Evidence and generated files go to a per-test folder, never to var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english_outside_requests() -> Iterator[None]:
    """Messages built outside a request read in English, whatever language an earlier
    test in the same process left active; requests still choose their own."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (its own browser download is not reachable)."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("Chromium is not installed: `make test` installs Debian's chromium package")
    # Playwright runs an event loop in this thread; the live server's ORM calls are
    # still synchronous in their own thread.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-BE")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot(page: Any) -> Any:
    def take(name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def wait_until(page: Any, predicate: str, *, timeout: float = 15.0) -> None:
    """Poll a JavaScript predicate (a function's source) until it is true.

    Playwright's own ``wait_for_function`` re-evaluates string predicates with ``eval``,
    which our Content-Security-Policy forbids; ``page.evaluate`` calls the function
    through the browser's debugging protocol instead, which the policy allows."""
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(predicate):
        if time.monotonic() > deadline:
            raise AssertionError(f"Still false after {timeout} s: {predicate}")
        page.wait_for_timeout(100)


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """``make test`` runs the suite on SQLite and again on PostgreSQL. Page checks that
    no database changes (axe over every main page, reflow) build the demo city and take
    minutes: the second run (``INTEGRA_SECOND_RUN``) leaves them to the first. So do the
    browser tests other than the end-to-end walks (``first_database_only``): what they add
    to the view, API and sync tests is the browser's part (clicks, forms, htmx, the field
    app's outbox and offline copy, what the page and the map draw), the same on every
    database, while those tests run the same rules and queries, concurrent saves
    included, on both databases. Each run walks end to end (tests/test_e2e*.py): SQLite
    in Dutch, PostgreSQL in French (``INTEGRA_WALKS``)."""
    if not os.environ.get("INTEGRA_SECOND_RUN"):
        return
    skip = pytest.mark.skip(reason="checked in make test's SQLite run: no database changes it")
    flow = pytest.mark.skip(
        reason="walked in make test's SQLite run; its views' tests run on both databases"
    )
    for item in items:
        if "once_per_make_test" in item.keywords:
            item.add_marker(skip)
        elif "first_database_only" in item.keywords:
            item.add_marker(flow)
