"""A small benchmark harness: each benchmark is measured against a floor measured in the
same run, on the same machine, so the ratio means something on a shared, noisy host.

Output, one line per benchmark::

    BENCH <name> ratio=<ours/floor> ours=<seconds> floor=<seconds> [key=value ...]
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def setup_django() -> None:
    """A throw-away data directory (SQLite database, media) with the schema migrated."""
    os.environ.setdefault("INTEGRA_DATA_DIR", tempfile.mkdtemp(prefix="integra-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from django.conf import settings

    # As in production: no per-query logging (CaptureQueriesContext still counts).
    settings.DEBUG = False


def best_of(function: Callable[[], Any], *, repeat: int = 5) -> float:
    """The fastest of ``repeat`` runs: the least disturbed by the rest of the machine."""
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return min(timings)


@dataclass
class Paired:
    """Fastest wall-clock and CPU seconds of ``ours`` and of its floor, run in turns."""

    ours: float
    floor: float
    ours_cpu: float
    floor_cpu: float


def paired_best_of(ours: Callable[[], Any], floor: Callable[[], Any], *, repeat: int = 5) -> Paired:
    """The fastest of ``repeat`` runs of each, taken in turns (floor, ours, floor, …) so
    that a burst of load on the shared machine falls on both alike rather than on all the
    runs of one. CPU time (this process) is kept beside the wall clock: on a machine
    loaded by other processes it moves far less, and with SQLite it includes the queries."""
    wall: dict[str, list[float]] = {"ours": [], "floor": []}
    cpu: dict[str, list[float]] = {"ours": [], "floor": []}
    for _ in range(repeat):
        for name, function in (("floor", floor), ("ours", ours)):
            start, start_cpu = time.perf_counter(), time.process_time()
            function()
            wall[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - start_cpu)
    return Paired(
        ours=min(wall["ours"]),
        floor=min(wall["floor"]),
        ours_cpu=min(cpu["ours"]),
        floor_cpu=min(cpu["floor"]),
    )


def count_queries(function: Callable[[], Any]) -> int:
    """How many SQL statements ``function`` runs (robust to the per-request query-log
    reset that defeats CaptureQueriesContext around test-client requests)."""
    from django.db import connection

    statements = 0

    def counter(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        function()
    return statements


def report(name: str, *, ours: float, floor: float, **extra: Any) -> str:
    fields = " ".join(f"{key}={value}" for key, value in extra.items())
    line = f"BENCH {name} ratio={ours / floor:.2f} ours={ours:.6f} floor={floor:.6f} {fields}"
    print(line.rstrip(), flush=True)
    return line


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_healthy(
    server: subprocess.Popen, port: int, *, seconds: float, pause: float = 0.2
) -> None:
    """Return once the server on ``port`` answers /healthz with 200; raise when its
    process stops or ``seconds`` pass first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped with {server.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(pause)
    raise RuntimeError("gunicorn did not start")


ROOT = Path(__file__).resolve().parent.parent


def start_gunicorn(port: int, *, workers: int, seconds: float = 120) -> subprocess.Popen:
    """gunicorn as in production (DEBUG off, its config file, no request log) on a
    loopback port, returned once it answers /healthz. A busy machine can take a while to
    import the application, hence the generous wait."""
    env = dict(
        os.environ, DEBUG="0", SECRET_KEY="bench-" + uuid.uuid4().hex * 2,
        ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="0", LOG_REQUESTS="0",
    )  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "--bind",
         f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        wait_until_healthy(server, port, seconds=seconds)
    except RuntimeError:
        if server.poll() is None:
            server.terminate()
        raise
    return server
