"""Liveness and readiness probes for load balancers and orchestrators.

``/healthz`` says the process answers. ``/readyz`` says it can serve: the database answers
a SELECT 1, the task broker answers (Redis ping, or the ORM broker's queue table is
readable), and each named file storage takes a small file, gives it back and removes it. No
authentication, no data in the answer, no write to the database.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from config.storage import NAMED

logger = logging.getLogger(__name__)

PROBE = b"integra readiness probe"


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers, and the no-op floor of the benchmarks."""
    return HttpResponse("ok", content_type="text/plain")


def check_database() -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 did not answer 1")


def check_broker() -> None:
    # Read at request time, so the answer follows the configuration being served.
    cluster = getattr(settings, "Q_CLUSTER", {})
    if cluster.get("redis"):
        import redis

        conf = cluster["redis"]
        client = (
            redis.Redis.from_url(conf, socket_connect_timeout=2, socket_timeout=2)
            if isinstance(conf, str)
            else redis.Redis(**{"socket_connect_timeout": 2, "socket_timeout": 2, **conf})
        )
        try:
            if not client.ping():
                raise RuntimeError("Redis did not answer the ping")
        finally:
            client.close()
        return
    from django_q.models import OrmQ

    alias = cluster.get("orm", DEFAULT_DB_ALIAS)
    OrmQ.objects.using(alias).exists()


def check_storage() -> None:
    """Every named storage the apps keep files in (evidence, documents, briefing packs,
    uploads) takes a probe file, gives it back and removes it; on S3 each is a prefix
    that its own permissions may refuse."""
    for storage_name, storage in NAMED.items():
        try:
            probe(storage)  # type: ignore[arg-type]
        except Exception as error:
            raise RuntimeError(f"the {storage_name} storage failed: {error}") from error


def probe(storage: Storage) -> None:
    name = storage.save(f"readyz/{uuid.uuid4().hex}.txt", ContentFile(PROBE))
    try:
        with storage.open(name, "rb") as handle:
            if handle.read() != PROBE:
                raise RuntimeError("the probe file came back different")
    finally:
        storage.delete(name)


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "broker": check_broker,
    "storage": check_storage,
}


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """200 with every check "ok", or 503 naming each check that failed (the reason goes to
    the log only, never to an unauthenticated caller)."""
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:
            logger.exception("readiness check %s failed", name)
            results[name] = "failed"
        else:
            results[name] = "ok"
    ready = all(result == "ok" for result in results.values())
    body = {"status": "ready" if ready else "unavailable", "checks": results}
    return JsonResponse(body, status=200 if ready else 503)
