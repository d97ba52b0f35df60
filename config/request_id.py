"""One id per request (or per worker task), on every log line written while it runs.

The middleware takes the proxy's ``X-Request-ID`` when it is a plain token (a client
could send anything: a long or odd header would let it forge or break log lines), else
makes a uuid4, keeps it in a context variable for :class:`RequestIdFilter`, returns it
in the response's ``X-Request-ID`` and writes one line per request on the
``integra.request`` logger. That line holds no personal data: the path without its
query string (searches put names and enterprise numbers there), the status, the
duration and the user's internal id, never a name.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
# Proxies send uuids, hex strings (nginx's $request_id) or dotted/colon-separated
# trace ids; nothing that could break a log line or a header, and not too long.
SANE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:+/=-]{0,127}")

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
task_id: ContextVar[str | None] = ContextVar("task_id", default=None)

request_logger = logging.getLogger("integra.request")


def incoming_id(request: HttpRequest) -> str:
    given = request.headers.get(HEADER, "")
    return given if SANE.fullmatch(given) else uuid.uuid4().hex


def user_id(request: HttpRequest) -> int | None:
    # Only a user the request already loaded: reading request.user here would cost
    # a session and user query on requests that never needed them (/healthz).
    user = getattr(request, "_cached_user", None)
    return user.pk if user is not None and user.is_authenticated else None


class RequestIdMiddleware:
    """First in MIDDLEWARE, so every other middleware's log lines carry the id too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = incoming_id(request)
        # Not reset on the way out: Django writes its "Not Found" line after the last
        # middleware returns, and it should carry the id too. The next request on this
        # thread sets its own before anything logs.
        request_id.set(rid)
        started = time.perf_counter()
        response = self.get_response(request)
        response[HEADER] = rid
        log_request(request, response.status_code, started)
        return response


def log_request(request: HttpRequest, status: int, started: float) -> None:
    duration_ms = round((time.perf_counter() - started) * 1000, 1)
    uid = user_id(request)
    request_logger.info(
        "%s %s %s %.1fms user=%s",
        request.method,
        request.path,
        status,
        duration_ms,
        uid if uid is not None else "-",
        extra={
            "method": request.method,
            "path": request.path,
            "status": status,
            "duration_ms": duration_ms,
            "user_id": uid,
        },
    )


class RequestIdFilter(logging.Filter):
    """Puts the current request id and task id (``-`` outside one) on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get() or "-"
        record.task_id = task_id.get() or "-"
        return True


def task_started(sender: Any, task: dict[str, Any], **kwargs: Any) -> None:
    """django-q2's pre_execute: the worker's log lines name the task they run for."""
    task_id.set(str(task.get("id") or "") or None)


def task_finished(sender: Any, task: dict[str, Any], **kwargs: Any) -> None:
    task_id.set(None)
