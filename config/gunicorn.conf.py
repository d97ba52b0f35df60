"""gunicorn's settings for Integra: ``gunicorn -c config/gunicorn.conf.py config.wsgi``.

Everything comes from the environment, so one unit file or container image serves every
installation (docs/deploy.md). Options given on gunicorn's command line win over these.

* ``GUNICORN_BIND`` (``127.0.0.1:8000``): where to listen; a ``unix:/run/...`` socket
  for a proxy on the same machine.
* ``WEB_CONCURRENCY`` (2 × cores + 1): worker processes; ``GUNICORN_THREADS`` (4)
  threads each, so a slow PDF or upload does not hold a whole process.
* ``GUNICORN_TIMEOUT`` (60 s): a request still running after this is killed with its
  worker; ``GUNICORN_GRACEFUL_TIMEOUT`` (30 s): on a restart, workers finish the
  requests they have for this long.
* ``FORWARDED_ALLOW_IPS`` (``127.0.0.1,::1``): the proxies whose ``X-Forwarded-*``
  headers gunicorn believes.
* No access log: Integra writes its own line per request, with the request id and
  without query strings (config/request_id.py).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from pathlib import Path
from typing import Any

# gunicorn reads this file before it imports the application: make the project
# importable for config.logs whichever directory it was started from.
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config import logs  # noqa: E402

env = os.environ

wsgi_app = "config.wsgi:application"
chdir = str(ROOT)
bind = [address.strip() for address in env.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")]
workers = int(env.get("WEB_CONCURRENCY", str(multiprocessing.cpu_count() * 2 + 1)))
worker_class = "gthread"
threads = int(env.get("GUNICORN_THREADS", "4"))
timeout = int(env.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(env.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# A worker is replaced after this many requests (with jitter, so not all at once):
# whatever memory a long-lived process gathers is given back.
max_requests = int(env.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
forwarded_allow_ips = env.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Django and every app are imported once in the master and shared by the forked
# workers (less memory, faster restarts of a worker); a code change then needs a full
# restart, not a HUP.
preload_app = env.get("GUNICORN_PRELOAD", "1") != "0"
accesslog = None
errorlog = "-"
loglevel = env.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "integra-web"

# Metrics of several workers are added up from files in PROMETHEUS_MULTIPROC_DIR; those
# of a previous run would count twice. Here, not in a hook: the preloaded application
# creates its files before gunicorn's first hook runs.
if env.get("PROMETHEUS_MULTIPROC_DIR"):
    metrics_dir = Path(env["PROMETHEUS_MULTIPROC_DIR"])
    metrics_dir.mkdir(parents=True, exist_ok=True)
    for stale in metrics_dir.glob("*.db"):
        stale.unlink()
# gunicorn's control socket (one fixed path in the home directory) would be shared by
# every instance on the machine; systemd's signals do the same work.
control_socket_disable = True

# gunicorn's own lines (worker started, timed out, ...) in JSON like the rest when the
# logs are JSON; gunicorn's access log stays silent (its lines are dropped).
DEBUG = env.get("DEBUG", "1").strip().lower() in {"1", "true", "yes", "on"}
if logs.log_format(env.get("LOG_FORMAT", ""), debug=DEBUG) == "json":
    logconfig_dict: dict[str, Any] = {
        "version": 1,
        "disable_existing_loggers": False,
        "root": {"level": "WARNING", "handlers": []},
        "formatters": {"integra": {"()": "config.logs.JsonFormatter"}},
        "handlers": {
            "error_console": {
                "class": "logging.StreamHandler",
                "formatter": "integra",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "gunicorn.error": {
                "level": loglevel.upper(),
                "handlers": ["error_console"],
                "propagate": False,
            },
            "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
        },
    }


def when_ready(server: Any) -> None:
    # Import every view once in the master, before the workers fork: otherwise each
    # worker's first request waits seconds for it.
    if preload_app:
        from django.urls import get_resolver

        get_resolver().url_patterns  # noqa: B018


def post_fork(server: Any, worker: Any) -> None:
    # With preload, a database connection opened in the master would be shared by every
    # worker; each one opens its own.
    from django.db import connections

    connections.close_all()


def child_exit(server: Any, worker: Any) -> None:
    if env.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
