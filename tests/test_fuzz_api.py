"""Schemathesis against the sync API's own OpenAPI schema: generated requests to every
operation, as signed-in inspectors (device tokens) and anonymously, never get a server
error. ``FUZZ_EXAMPLES`` sets the examples per operation (``make fuzz`` runs more)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from config.wsgi import application
from inspections.models import DeviceToken
from tests.cast import build_cast
from tests.field_fixtures import build_field_day, seed_field_checklists

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """Requests go through the WSGI application in this thread, inside the test's
    transaction: like Django's test client, keep the connection open between them."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens() -> dict[str, str]:
    cast = build_cast()
    seed_field_checklists()
    build_field_day(cast)
    return {
        "police": DeviceToken.issue(cast.police_inspector, "fuzz")[1],
        "social": DeviceToken.issue(cast.social_inspector, "fuzz")[1],
        "outsider": DeviceToken.issue(cast.outsider, "fuzz")[1],
    }


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 50,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error(case: Any, tokens: dict[str, str]) -> None:
    for who in ("police", "social", "outsider", None):
        headers = {"Authorization": f"Bearer {tokens[who]}"} if who else {}
        response = case.call(headers=headers)
        assert response.status_code < 500, (
            who,
            case.method,
            case.formatted_path,
            response.text[:500],
        )
