"""Error reporting to Sentry (or a compatible server: GlitchTip, self-hosted Sentry),
only when ``SENTRY_DSN`` is set; without it nothing is loaded and nothing leaves.

An event carries the error, its traceback and the request or task id as the tag
``request_id`` / ``task_id``, so it can be found in the logs. It carries no personal
data: no user, address or cookie (``send_default_pii=False``), no request body, no
query string (searches put names and enterprise numbers there) and no local variables
of the stack frames (they hold the rows being worked on).
"""

from __future__ import annotations

from typing import Any

from config import request_id


def before_send(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    tags = event.setdefault("tags", {})
    if rid := request_id.request_id.get():
        tags["request_id"] = rid
    if tid := request_id.task_id.get():
        tags["task_id"] = tid
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("query_string", "data", "cookies"):
            request.pop(key, None)
        if isinstance(request.get("url"), str):
            request["url"] = request["url"].split("?", 1)[0]
    return event


def init(*, dsn: str, environment: str, release: str, traces_sample_rate: float) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        release=release or None,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        traces_sample_rate=traces_sample_rate,
        before_send=before_send,  # type: ignore[arg-type]
    )
