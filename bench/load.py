"""A bounded load run on loopback (``make load``): N simulated users for T seconds
against the production server — gunicorn with DEBUG off, static files collected into a
temporary folder and served by whitenoise, PostgreSQL in a fresh database (SQLite when
no PostgreSQL answers) — loaded with the demo city.

The users are a mix: coordinators walking their pages (home, action-day list, planning
page), map users changing filters (HTMX fragments of /gis/map/), and inspectors syncing
findings (POST /api/v1/findings, new ones and edits, with a device token). Every user
also calls /healthz now and then: the no-op floor, measured under the same load in the
same run. Prints per kind of request the count, errors, p50 and p95, and the p50/p95 as
ratios against the floor.

    python -m bench.load --users 200 --seconds 300
    LOAD_USERS=20 LOAD_SECONDS=30 make load
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.harness import free_port, wait_until_healthy

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("LOAD_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DATABASE = "integra_load"
MAP_FILTERS = [
    "",
    "flagged=on",
    "band=high",
    "min_score=0.3",
    "never_inspected=on",
    "flagged=on&band=high",
]


def postgres_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), 2).close()
    except OSError:
        return False
    return True


def fresh_postgres_database(name: str) -> str:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def production_environment(data_dir: Path, database_url: str) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "REDIS_URL"}
    }
    environment.update(
        DEBUG="0",
        SECRET_KEY="load-" + secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        INTEGRA_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="config.settings",
        LOG_LEVEL="ERROR",
        # No line per request: the output stays the figures (the line costs the same
        # on every request, the /healthz floor included).
        LOG_REQUESTS="0",
    )
    if database_url:
        environment["DATABASE_URL"] = database_url
    return environment


def manage(environment: dict[str, str], *args: str) -> None:
    print(f"  manage.py {' '.join(args)}", flush=True)
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, check=True, timeout=900
    )


def prepare(environment: dict[str, str], inspectors: int) -> dict[str, Any]:
    """Migrate, load the demo, collect static files, and make the users' credentials."""
    manage(environment, "migrate", "--noinput", "-v", "0")
    manage(environment, "load_demo", "-v", "0")
    manage(environment, "collectstatic", "--noinput", "-v", "0")
    code = f"from bench.load import credentials; credentials({inspectors})"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
        timeout=900,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def credentials(inspectors: int) -> None:
    """Run inside the prepared installation: a session for the demo coordinator, the
    plannable days, and ``inspectors`` device tokens each with their own visits."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore

    import bench.bench_sync as sync
    from inspections.models import ActionDay

    coordinator = User.objects.get(username="coordinator")
    session = SessionStore()
    session[SESSION_KEY] = str(coordinator.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = coordinator.get_session_auth_hash()
    session.create()
    days = [str(code) for code in ActionDay.objects.values_list("code", flat=True)]
    sync.INSPECTORS = max(inspectors, 1)
    built, _day = sync.build_day()
    devices = sync.device_descriptions(built)
    print(json.dumps({"session": session.session_key, "days": days, "devices": devices}))


def start_server(environment: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "--bind",
         f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning"],
        cwd=ROOT, env=environment, start_new_session=True,
    )  # fmt: skip
    try:
        wait_until_healthy(server, port, seconds=180)
    except RuntimeError:
        if server.poll() is None:
            os.killpg(server.pid, 15)
        raise
    return server


class User:
    """One simulated user on its own keep-alive connection."""

    def __init__(self, port: int, kind: str, setup: dict[str, Any], index: int, record: Any):
        self.port, self.kind, self.setup, self.record = port, kind, setup, record
        self.random = random.Random(index)
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        # Each syncing user has a device of its own: two devices editing one finding
        # would be version conflicts, not load.
        ordinal = sum(KINDS[n % len(KINDS)] == "sync" for n in range(index))
        self.device = setup["devices"][ordinal] if kind == "sync" else None
        self.step = 0
        self.versions: dict[tuple[str, str], int] = {}

    def request(self, kind: str, method: str, path: str, body: Any = None, **headers: str):
        if body is not None:
            headers["Content-Type"] = "application/json"
            body = json.dumps(body).encode()
        start = time.perf_counter()
        for _attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                status = response.status
                break
            except (OSError, http.client.HTTPException) as error:
                # The server closes idle keep-alive connections; like a browser, try once
                # more on a new one (every request here may be repeated safely).
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                status, content = 0, str(error).encode()
        self.record(kind, time.perf_counter() - start, status, content)
        return status, content

    def page(self, kind: str, path: str, **headers: str) -> None:
        cookie = f"sessionid={self.setup['session']}; django_language=en"
        self.request(kind, "GET", path, Cookie=cookie, **headers)

    def act(self) -> None:
        if self.random.random() < 0.15:
            self.request("healthz", "GET", "/healthz")
        elif self.kind == "pages":
            choice = self.random.choice(["home", "action_days", "planning"])
            path = {
                "home": "/",
                "action_days": "/inspections/",
                "planning": f"/inspections/{self.random.choice(self.setup['days'])}/plan/",
            }[choice]
            self.page(choice, path)
        elif self.kind == "map":
            query = self.random.choice(MAP_FILTERS)
            self.page("map_filter", f"/gis/map/?{query}", **{"HX-Request": "true"})
        else:
            self.sync()

    def sync(self) -> None:
        assert self.device is not None
        work = self.device["work"][self.step % len(self.device["work"])]
        self.step += 1
        key = (work["visit"], work["version"])
        answers: dict[str, Any]
        if work["slug"] == "trafficking-indicators":
            answers = {"papers_held": "no", "interpreter_present": "no", "debt": "no"}
        else:
            answers = {"workers_present": self.random.randint(1, 9), "without_dimona": "no"}
        payload = {
            "client_id": str(uuid.uuid4()),
            "visit": work["visit"],
            "template_version": work["version"],
            "answers": answers,
            "base_version": self.versions.get(key),
            "recorded_at": "2026-01-01T10:00:00+01:00",
        }
        token = self.device["token"]
        status, content = self.request(
            "sync", "POST", "/api/v1/findings", payload, Authorization=f"Bearer {token}"
        )
        if status in (200, 201):
            self.versions[key] = json.loads(content)["version"]


EXPECTED = {"sync": (200, 201)}
# The mix of users: four in ten walk the coordinator's pages, three use the map, three sync.
KINDS = ["pages"] * 4 + ["map"] * 3 + ["sync"] * 3


def sync_users(users: int) -> int:
    return sum(KINDS[n % len(KINDS)] == "sync" for n in range(users))


def drive(port: int, setup: dict[str, Any], users: int, seconds: float, think: float) -> dict:
    samples: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    examples: list[str] = []
    lock = threading.Lock()

    def record(kind: str, elapsed: float, status: int, content: bytes) -> None:
        with lock:
            samples[kind].append(elapsed)
            if status not in EXPECTED.get(kind, (200,)):
                errors[kind] += 1
                if len(examples) < 5:
                    examples.append(f"{kind} {status} {content[:160]!r}")

    kinds = KINDS
    deadline = time.monotonic() + seconds

    def run(index: int) -> None:
        user = User(port, kinds[index % len(kinds)], setup, index, record)
        time.sleep(user.random.uniform(0, min(think, 2.0)))
        while time.monotonic() < deadline:
            user.act()
            time.sleep(user.random.uniform(0.5 * think, 1.5 * think))

    threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(users)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return {
        "samples": samples,
        "errors": errors,
        "examples": examples,
        "elapsed": time.perf_counter() - started,
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * (len(ordered) - 1) + 0.5))]


def summarise(result: dict[str, Any], users: int, seconds: float, database: str) -> str:
    samples, errors = result["samples"], result["errors"]
    floor = samples.get("healthz") or [float("nan")]
    floor50, floor95 = percentile(floor, 0.5), percentile(floor, 0.95)
    total = sum(len(values) for values in samples.values())
    failed = sum(errors.values())
    lines = [
        f"load: {users} users for {seconds:.0f} s on {database}, {total} requests "
        f"({total / result['elapsed']:.1f}/s), "
        f"errors {failed} ({100 * failed / max(total, 1):.2f}%)",
        f"{'kind':<12}{'n':>7}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p50 ×floor':>12}{'p95 ×floor':>12}",
    ]
    for kind in ["healthz", "home", "action_days", "planning", "map_filter", "sync"]:
        values = samples.get(kind)
        if not values:
            continue
        p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
        lines.append(
            f"{kind:<12}{len(values):>7}{errors.get(kind, 0):>8}{p50 * 1000:>9.1f}"
            f"{p95 * 1000:>9.1f}{p50 / floor50:>12.1f}{p95 / floor95:>12.1f}"
        )
    lines += [f"  e.g. {example}" for example in result["examples"]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=int(os.environ.get("LOAD_USERS", "200")))
    parser.add_argument(
        "--seconds", type=float, default=float(os.environ.get("LOAD_SECONDS", "300"))
    )
    parser.add_argument("--think", type=float, default=float(os.environ.get("LOAD_THINK", "1.0")))
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--sqlite", action="store_true", help="use SQLite even if PostgreSQL is up")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="integra-load-") as folder:
        use_postgres = postgres_reachable() and not options.sqlite
        database_url = fresh_postgres_database(DATABASE) if use_postgres else ""
        environment = production_environment(Path(folder), database_url)
        print("preparing: migrate, demo city, collectstatic …", flush=True)
        setup = prepare(environment, inspectors=max(1, sync_users(options.users)))
        port = free_port()
        server = start_server(environment, port, options.workers)
        try:
            print(f"running {options.users} users for {options.seconds:.0f} s …", flush=True)
            result = drive(port, setup, options.users, options.seconds, options.think)
        finally:
            os.killpg(server.pid, 15)
            server.wait(timeout=30)
        label = "PostgreSQL" if use_postgres else "SQLite"
        print(summarise(result, options.users, options.seconds, label))
        failed = sum(result["errors"].values())
        total = sum(len(v) for v in result["samples"].values())
        if use_postgres:
            drop_database(DATABASE)
        sys.exit(1 if failed > 0.01 * max(total, 1) else 0)


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
