"""Log lines: readable text in development, one JSON object per line in production.

``LOG_FORMAT`` chooses (``text`` or ``json``); unset, it is ``text`` with DEBUG on and
``json`` with DEBUG off, which is what a log collector (journald, Loki, Elasticsearch)
reads without parsing rules. Every line carries the request id or the worker task's id
(:mod:`config.request_id`). Plain data and one small formatter, read by the settings
module and by ``config/gunicorn.conf.py`` before Django is set up.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

FORMATS = ("text", "json")
# The attributes every LogRecord has; anything else on a record came from ``extra=``.
STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
    "task_id",
    "task_suffix",
    # django.request and django.server put the request object on their records; its
    # text holds the query string, which may name a person.
    "request",
}


def log_format(value: str, *, debug: bool) -> str:
    chosen = value.strip().lower() or ("text" if debug else "json")
    if chosen not in FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, not {value!r}")
    return chosen


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC), level, logger, message, the request or
    task id, the fields given with ``extra=`` and the traceback, if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("request_id", "task_id"):
            value = getattr(record, key, None)
            if value and value != "-":
                entry[key] = value
        for key, value in vars(record).items():
            if key not in STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


TEXT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s%(task_suffix)s] %(message)s"


class TextFormatter(logging.Formatter):
    """Readable lines; ``[request id]`` or ``[- task <id>]`` after the logger's name."""

    def format(self, record: logging.LogRecord) -> str:
        task = getattr(record, "task_id", "-")
        record.task_suffix = f" task {task}" if task and task != "-" else ""
        if not hasattr(record, "request_id"):
            record.request_id = "-"
        return super().format(record)


def logging_config(*, fmt: str, level: str, requests: bool) -> dict[str, Any]:
    """Django's LOGGING: everything to stderr in ``fmt``; the request log at INFO unless
    ``requests`` is off, the rest from ``level``."""
    formatter = (
        {"()": "config.logs.JsonFormatter"}
        if fmt == "json"
        else {"()": "config.logs.TextFormatter", "format": TEXT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "config.request_id.RequestIdFilter"}},
        "formatters": {"integra": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "integra",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Our own line per request replaces runserver's and gunicorn's access logs.
            "integra.request": {"level": "INFO" if requests else "WARNING"},
            "django.server": {"level": "WARNING"},
            # django-q2 writes its own handler unless told otherwise; its lines go
            # through ours so they get the format and the task id.
            "django-q": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }
