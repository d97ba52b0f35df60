"""Two nodes, one city (``make cluster-test``): two gunicorn nodes and a django-q2 worker
on one PostgreSQL database, a Redis broker and an S3 server (moto's, on loopback), as
several stateless machines would run Integra.

- A coordinator logs in through the login form on node A; node B accepts that session
  cookie for a page that needs a login (sessions live in the shared database).
- The coordinator asks node A for the day's briefing packs before the inspectors sync,
  and node B for the PDF of a joint report once the day is over (while A may still be
  starting again); the worker makes them; node B and node A hand out the same bytes,
  which hash to what the database recorded and to the object in the bucket.
- Inspectors drain their outboxes (crash_sync's: a first save with a photo, then an
  edit) alternating between the nodes; at random moments mid-flush node A is killed
  (SIGKILL to its process group) and restarted; a client whose request fails sends it
  again to the other node, or to A once it is back, until it is acknowledged.
- Afterwards every finding is there once at its last edit's version, every submission
  once, and every photo complete with its object in the bucket hashing to its name.

Prints ``lost=0 doubled=0 photos_verified=N sessions_shared=yes packs_from_both=yes
rounds=R`` and exits non-zero on any loss, doubling or failed check.

The database is a copy of a migrated template (made once per set of migrations, then
reused) and the static files are collected once per set of static files into a cache
folder: a run then takes seconds of setup instead of a minute.

    python -m bench.cluster --rounds 3 --inspectors 8
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import io
import json
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.crash_sync import Inspector
from bench.harness import free_port, wait_until_healthy
from bench.load import PG_ADMIN_URL, ROOT, postgres_reachable, production_environment

DATABASE = "integra_cluster"
# Migrated once per set of migrations; every run's database is a copy of it.
TEMPLATE = "integra_cluster_template"
BUCKET = "integra-cluster"
REDIS_DB = 11
COORDINATOR = "cluster-coordinator"
S3 = {
    "S3_REGION": "us-east-1",
    # moto takes any credentials; these never reach a real service.
    "AWS_ACCESS_KEY_ID": "integra-cluster",
    "AWS_SECRET_ACCESS_KEY": "integra-cluster-secret",
}


def redis_reachable(db: int = REDIS_DB) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(f"redis://127.0.0.1:6379/{db}", socket_timeout=2).ping())
    except (redis.RedisError, OSError):
        return False


# -- Processes ---------------------------------------------------------------------------


class Processes:
    """Every process of the run in its own process group, ended at the end whatever
    happened."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.running: list[subprocess.Popen] = []

    def start(self, name: str, *args: str, environment: dict[str, str]) -> subprocess.Popen:
        log = (self.logs / f"{name}.log").open("ab")
        process = subprocess.Popen(
            [sys.executable, *args], cwd=ROOT, env=environment, start_new_session=True,
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.running.append(process)
        return process

    def stop(self, process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=20)

    def stop_all(self) -> None:
        # Everything was checked by then: no need to let anything finish gracefully.
        for process in reversed(self.running):
            if process.poll() is None:
                self.stop(process, signal.SIGKILL)


class Node:
    """One gunicorn node; node A is killed with SIGKILL and started again."""

    def __init__(self, name: str, processes: Processes, environment: dict[str, str]) -> None:
        self.name, self.processes, self.environment = name, processes, environment
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.up = threading.Event()
        self.served = 0

    def start(self) -> None:
        self.process = self.processes.start(
            f"node-{self.name}", "-m", "gunicorn", "-c", "config/gunicorn.conf.py",
            "--bind", f"127.0.0.1:{self.port}",
            environment=self.environment,
        )  # fmt: skip
        wait_until_healthy(self.process, self.port, seconds=240, pause=0.1)
        self.up.set()

    def kill(self) -> None:
        self.up.clear()
        if self.process is not None:
            self.processes.stop(self.process, signal.SIGKILL)


def start_s3(processes: Processes, environment: dict[str, str], port: int) -> str:
    process = processes.start(
        "s3", "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port), environment=environment
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        if process.poll() is not None:
            raise RuntimeError("the S3 server stopped")
        try:
            s3_client(endpoint).create_bucket(Bucket=BUCKET)
            return endpoint
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def s3_client(endpoint: str) -> Any:
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=S3["S3_REGION"],
        aws_access_key_id=S3["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=S3["AWS_SECRET_ACCESS_KEY"],
    )


def s3_object(endpoint: str, key: str) -> bytes:
    return bytes(s3_client(endpoint).get_object(Bucket=BUCKET, Key=key)["Body"].read())


# -- The database and the static files, prepared once and reused -------------------------


def migrations_digest() -> str:
    """A digest of every migration file Django would apply."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    digest = hashlib.sha256()
    for key in sorted(loader.disk_migrations):
        digest.update(repr(key).encode())
        module = sys.modules[loader.disk_migrations[key].__module__]
        digest.update(Path(module.__file__ or "").read_bytes())
    return digest.hexdigest()


def fresh_database(name: str, environment: dict[str, str]) -> str:
    """``name`` as a copy of a template migrated with today's migrations (migrated again
    only when a migration changed). Under an advisory lock: runs at once do not race."""
    import psycopg

    template = TEMPLATE
    digest = migrations_digest()
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute("SELECT pg_advisory_lock(hashtext(%s))", [template])
        row = admin.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [template],
        ).fetchone()
        if row is None or row[0] != digest:
            print("  migrating a template database (once per set of migrations)", flush=True)
            admin.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{template}"')
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
                cwd=ROOT, env={**environment, "DATABASE_URL": f"{base}/{template}"},
                check=True, timeout=900,
            )  # fmt: skip
            admin.execute(f"COMMENT ON DATABASE \"{template}\" IS '{digest}'")
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        admin.execute("SELECT pg_advisory_unlock(hashtext(%s))", [template])
    return f"{base}/{name}"


def drop_database(name: str) -> None:
    import psycopg
    from django.db import connections

    with contextlib.suppress(Exception):  # Django may not be set up if the run failed early
        connections.close_all()
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def static_digest() -> str:
    """A digest of every static file collectstatic would copy (its path and content: a
    fresh clone of the same files finds the same collection)."""
    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256()
    entries = []
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            content = hashlib.sha256(Path(storage.path(path)).read_bytes()).hexdigest()
            entries.append(f"{path}\0{content}")
    for entry in sorted(entries):
        digest.update(entry.encode())
    return digest.hexdigest()[:24]


def collected_static(data_dir: Path, environment: dict[str, str]) -> None:
    """``data_dir/staticfiles`` as a link to static files collected once into a cache
    folder (the production pages name hashed files from the manifest)."""
    cache = Path(tempfile.gettempdir()) / f"integra-cluster-static-{static_digest()}"
    if not (cache / "staticfiles" / "staticfiles.json").exists():
        print("  collecting static files (once per set of static files)", flush=True)
        building = Path(tempfile.mkdtemp(prefix="integra-cluster-static-"))
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT, env={**environment, "INTEGRA_DATA_DIR": str(building)},
            check=True, timeout=900,
        )  # fmt: skip
        try:
            building.rename(cache)
        except OSError:
            shutil.rmtree(building, ignore_errors=True)  # another run collected it first
    target = data_dir / "staticfiles"
    if target.is_dir() and not target.is_symlink():
        target.rmdir()
    target.symlink_to(cache / "staticfiles", target_is_directory=True)


# -- The city --------------------------------------------------------------------------


def seed(inspectors: int, password: str) -> dict[str, Any]:
    """Inspectors with a device token and their visits (as crash_sync), and a
    coordinator of the city who logs in with a password."""
    from django.contrib.auth.models import User

    import bench.bench_sync as sync
    from partners.models import Person, Role

    sync.INSPECTORS = inspectors
    built, day = sync.build_day()
    city = day.municipality
    coordinator = User.objects.create_user(COORDINATOR, password=password)
    partner = Person.objects.get(user=built[0]["user"]).partner
    person = Person.objects.create(user=coordinator, partner=partner, roles=[Role.COORDINATOR])
    person.municipalities.add(city)
    return {
        "devices": sync.device_descriptions(built),
        "day": str(day.code),
    }


# -- A browser's worth of HTTP: cookies, CSRF --------------------------------------------


class Browser:
    """One person's cookies, sent to whichever node is asked."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {"django_language": "en"}

    def request(
        self, node: Node, method: str, path: str, form: dict[str, str] | None = None,
        **headers: str,
    ) -> tuple[int, dict[str, str], bytes]:  # fmt: skip
        connection = http.client.HTTPConnection("127.0.0.1", node.port, timeout=60)
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if method == "POST" and "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, dict(response.headers.items()), content

    def login(self, node: Node, username: str, password: str) -> None:
        status, _, page = self.request(node, "GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            raise RuntimeError(f"login page: {status}")
        form = {"username": username, "password": password}
        form["csrfmiddlewaretoken"] = token.group(1).decode()
        status, headers, _ = self.request(node, "POST", "/accounts/login/", form)
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login refused: {status} {headers.get('Location')}")

    def fetch(self, node: Node, path: str, **headers: str) -> tuple[int, bytes]:
        status, _, content = self.request(node, "GET", path, None, **headers)
        return status, content

    def wait_for(
        self, node: Node, path: str, ready: Callable[[int, bytes], bool], seconds: float,
        **headers: str,
    ) -> tuple[int, bytes]:  # fmt: skip
        deadline = time.monotonic() + seconds
        while True:
            status, content = self.fetch(node, path, **headers)
            if ready(status, content) or time.monotonic() > deadline:
                return status, content
            time.sleep(0.25)


def signed_in_page(status: int, content: bytes) -> bool:
    """A page shown to the coordinator (not the login form, not an error)."""
    return status == 200 and COORDINATOR.encode() in content and b"csrfmiddlewaretoken" in content


# -- Inspectors over two nodes --------------------------------------------------------------


class ClusterInspector(Inspector):
    """crash_sync's inspector, its requests alternating between the nodes; a request that
    fails goes to the other node next."""

    def __init__(self, nodes: list[Node], device: dict[str, Any], seed: int, stats: dict):
        super().__init__(server=None, device=device, seed=seed, stats=stats)  # type: ignore[arg-type]
        self.nodes = nodes
        self.turn = seed
        self.connections: dict[str, http.client.HTTPConnection] = {}

    def call(self, method: str, path: str, body: bytes, kind: str) -> tuple[int, bytes]:
        while True:
            node = self.nodes[self.turn % len(self.nodes)]
            self.turn += 1
            if not node.up.is_set():
                if not any(other.up.is_set() for other in self.nodes):
                    self.nodes[0].up.wait(timeout=60)
                continue
            connection = self.connections.get(node.name)
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", node.port, timeout=30)
                self.connections[node.name] = connection
            try:
                headers = {"Authorization": f"Bearer {self.token}", "Content-Type": kind}
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                content = response.read()
            except (OSError, http.client.HTTPException):
                self.stats["dropped"] += 1
                connection.close()
                del self.connections[node.name]
                time.sleep(random.uniform(0.02, 0.1))
                continue
            if response.status >= 500:
                self.stats["server_errors"] += 1
                time.sleep(0.1)
                continue
            node.served += 1
            return response.status, content


# -- The run -------------------------------------------------------------------------------


def pack_check(browser: Browser, a: Node, b: Node, day: str, endpoint: str) -> dict[str, Any]:
    """The coordinator's pack asked for on A: made by the worker, the same bytes from B
    and from A, hashing to the database's record and to the object in the bucket."""
    from inspections.models import BriefingPackFile

    path = f"/inspections/{day}/briefing/coordinator.pdf"
    status, from_b = browser.wait_for(b, path, lambda s, c: s == 200, seconds=180)
    if status != 200:
        return {"ok": False, "why": f"pack on B: {status}"}
    _, from_a = browser.fetch(a, path)
    stored = BriefingPackFile.objects.get(pack__day__code=day, key="coordinator")
    in_bucket = s3_object(endpoint, f"briefings/{stored.file.name}")
    sha = hashlib.sha256(from_b).hexdigest()
    ok = from_a == from_b == in_bucket and sha == stored.sha256 and from_b.startswith(b"%PDF")
    ok = ok and made_by_worker("inspections.briefing.generate_packs")
    return {"ok": ok, "bytes": len(from_b), "sha256": sha[:12]}


def made_by_worker(function: str) -> bool:
    """The worker ran the task and recorded its success (the nodes run no task)."""
    from django_q.models import Task

    return Task.objects.filter(func=function, success=True).exists()


def ask_for_report(browser: Browser, node: Node, day: str, visit: str) -> str | None:
    """Once the day is over: a joint report of a visit compiled on ``node`` and its PDF
    asked for there."""
    from inspections.models import ActionDay

    ActionDay.objects.filter(code=day).update(status=ActionDay.Status.CLOSED)
    status, headers, _ = browser.request(node, "POST", f"/decisions/visits/{visit}/report/")
    found = re.search(r"/decisions/reports/([0-9a-f-]+)/", headers.get("Location", ""))
    if status != 302 or found is None:
        return None
    report = found.group(1)
    status, _, _ = browser.request(node, "POST", f"/decisions/reports/{report}/pdf/")
    return report if status == 302 else None


def report_check(browser: Browser, a: Node, b: Node, report: str, endpoint: str) -> dict:
    """The joint report's PDF, made by the worker, read from B and A."""
    from decisions.models import Document

    detail = f"/decisions/reports/{report}/"
    status, content = browser.wait_for(
        b, f"{detail}?part=pdf", lambda s, c: b"documents/" in c, seconds=180,
        **{"HX-Request": "true"},
    )  # fmt: skip
    link = re.search(rb'href="(/decisions/documents/[0-9a-f-]+\.pdf)"', content)
    if link is None:
        return {"ok": False, "why": f"no PDF link on B: {status}"}
    status, from_b = browser.fetch(b, link.group(1).decode())
    _, from_a = browser.fetch(a, link.group(1).decode())
    document = Document.objects.get(joint_report__code=report, state=Document.State.DONE)
    in_bucket = s3_object(endpoint, f"documents/{document.file.name}")
    sha = hashlib.sha256(from_b).hexdigest()
    ok = status == 200 and from_a == from_b == in_bucket and sha == document.sha256
    ok = ok and sha.encode() in content and from_b.startswith(b"%PDF")
    ok = ok and made_by_worker("decisions.documents.generate")
    return {"ok": ok, "bytes": len(from_b), "sha256": sha[:12]}


def photos_in_bucket(endpoint: str, shas: list[str]) -> tuple[int, list[str]]:
    """Each photo's object in the bucket, read directly: it must hash to its name."""
    from inspections.evidence import evidence_name

    verified, broken = 0, []
    for sha in shas:
        try:
            data = s3_object(endpoint, f"evidence/{evidence_name(sha)}")
        except Exception as error:
            broken.append(f"{sha} not in the bucket ({type(error).__name__})")
            continue
        if hashlib.sha256(data).hexdigest() != sha:
            broken.append(f"{sha} damaged in the bucket")
            continue
        verified += 1
    return verified, broken


def flush(
    nodes: list[Node], devices: list[dict], options: Any
) -> tuple[list, dict, int, int, threading.Thread | None]:
    """Drain every outbox over both nodes in as many waves as node A is killed (phones
    send what they hold when they get a connection): in each wave A is killed at a random
    moment mid-flush and restarted while the clients go on with B. Returns, with the
    figures, the restart of A that may still be under way."""
    stats: dict[str, Any] = {
        "acked": 0, "dropped": 0, "server_errors": 0, "locked": 0, "refused": [],
    }  # fmt: skip
    inspectors = [ClusterInspector(nodes, d, n, stats) for n, d in enumerate(devices)]
    outboxes = [inspector.outbox for inspector in inspectors]
    rng = random.Random(options.seed)
    rounds = mid_flush = 0
    node_a = nodes[0]
    waves = max(options.rounds, 1)
    restart: threading.Thread | None = None
    for wave in range(waves):
        for inspector, outbox in zip(inspectors, outboxes, strict=True):
            share = len(outbox) * wave // waves, len(outbox) * (wave + 1) // waves
            inspector.outbox = outbox[share[0] : share[1]]
        if restart is not None:
            restart.join()  # each wave starts with both nodes up
        before = stats["acked"]
        size = sum(len(inspector.outbox) for inspector in inspectors)
        moment = before + max(1, int(size * rng.uniform(0.25, 0.75)))
        threads = [threading.Thread(target=i.run, daemon=True) for i in inspectors]
        for thread in threads:
            thread.start()
        while stats["acked"] < moment and any(t.is_alive() for t in threads):
            time.sleep(0.01)
        if options.rounds and any(t.is_alive() for t in threads):
            node_a.kill()
            rounds += 1
            mid_flush += stats["acked"] < before + size
            print(
                f"  node A killed after {stats['acked'] - before}/{size} submissions of wave "
                f"{wave + 1}",
                flush=True,
            )
            restart = threading.Thread(target=node_a.start)
            restart.start()
        for thread in threads:
            thread.join(timeout=600)
    for inspector, outbox in zip(inspectors, outboxes, strict=True):
        inspector.outbox = outbox
    return inspectors, stats, rounds, mid_flush, restart


def run(options: Any, data_dir: Path, processes: Processes) -> bool:
    started = time.monotonic()
    environment = production_environment(data_dir, "")
    redis_url = f"redis://127.0.0.1:6379/{options.redis_db}"
    s3_port = free_port()
    environment.update(
        REDIS_URL=redis_url, Q_WORKERS="1", GUNICORN_THREADS="8", WEB_CONCURRENCY="1",
        S3_BUCKET=BUCKET, S3_ENDPOINT_URL=f"http://127.0.0.1:{s3_port}", **S3,
    )  # fmt: skip
    os.environ.update(environment)
    os.environ["DATABASE_URL"] = environment["DATABASE_URL"] = (
        PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + options.database
    )
    os.environ.pop("REDIS_URL", None)  # this process queues nothing
    import django

    django.setup()
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    # The S3 server comes up while the rest is prepared.
    s3_ready: dict[str, str] = {}
    s3_thread = threading.Thread(
        target=lambda: s3_ready.update(endpoint=start_s3(processes, environment, s3_port)),
        daemon=True,
    )
    s3_thread.start()
    collected_static(data_dir, environment)
    # The nodes start (their liveness probe needs no database) while the database is
    # copied; the worker once it is there; both while this process makes the city.
    a, b = Node("A", processes, environment), Node("B", processes, environment)
    starting = [threading.Thread(target=node.start) for node in (a, b)]
    for thread in starting:
        thread.start()
    fresh_database(options.database, environment)
    worker = processes.start("worker", "manage.py", "qcluster", environment=environment)
    from django.core.management import call_command

    # The copy is up to date: nothing to apply, said by migrate itself.
    call_command("migrate", verbosity=0, interactive=False, skip_checks=True)
    password = secrets.token_urlsafe(18)
    city = seed(options.inspectors, password)
    print(f"  database and city ready after {time.monotonic() - started:.1f} s", flush=True)
    s3_thread.join()
    endpoint = s3_ready["endpoint"]
    for thread in starting:
        thread.join()
    if not (a.up.is_set() and b.up.is_set()):
        raise RuntimeError("a node did not start")
    print(f"  two nodes and a worker up after {time.monotonic() - started:.1f} s", flush=True)

    # A session made on A, accepted on B.
    browser = Browser()
    browser.login(a, COORDINATOR, password)
    sessions_on_b = signed_in_page(*browser.fetch(b, "/"))
    # The packs asked for on A; the worker makes them while the inspectors sync.
    status, _, _ = browser.request(a, "POST", f"/inspections/{city['day']}/briefing/generate/")
    asked = status == 302

    inspectors, stats, rounds, mid_flush, restart = flush([a, b], city["devices"], options)
    print(f"  outboxes drained after {time.monotonic() - started:.1f} s", flush=True)
    # The day is over: a joint report compiled on B, its PDF asked for there, made by the
    # worker while A may still be starting again.
    first_visit = city["devices"][0]["work"][0]["visit"]
    report_code = ask_for_report(browser, b, city["day"], first_visit)
    if restart is not None:
        restart.join()
    if not a.up.is_set():
        raise RuntimeError("node A did not start again")
    # After its restarts, A still knows the session; B still does too.
    sessions_shared = sessions_on_b and signed_in_page(*browser.fetch(a, "/"))
    sessions_shared &= signed_in_page(*browser.fetch(b, "/"))
    pack = pack_check(browser, a, b, city["day"], endpoint) if asked else {"ok": False}
    report = {"ok": False, "why": "not compiled"}
    if report_code:
        report = report_check(browser, a, b, report_code, endpoint)

    expected: dict[str, Any] = {
        "client_ids": [e["client_id"] for i in inspectors for e in i.outbox],
        "findings": sum(len(i.outbox) // 2 for i in inspectors),
        "photos": sorted({e["sha"] for i in inspectors for e in i.outbox if e["sha"]}),
    }
    path = data_dir / "expected.json"
    path.write_text(json.dumps(expected))
    from bench.crash_sync import verify

    captured = io.StringIO()
    with contextlib.redirect_stdout(captured):
        verify(str(path))
    facts = json.loads(captured.getvalue().strip().splitlines()[-1])
    in_bucket, bucket_broken = photos_in_bucket(endpoint, expected["photos"])
    photos_verified = min(facts["photos_verified"], in_bucket)
    broken = facts["photos_broken"] + bucket_broken
    worker_alive = worker.poll() is None
    print(
        f"lost={facts['lost']} doubled={facts['doubled']} photos_verified={photos_verified} "
        f"sessions_shared={'yes' if sessions_shared else 'no'} "
        f"packs_from_both={'yes' if pack['ok'] else 'no'} "
        f"reports_from_both={'yes' if report['ok'] else 'no'} rounds={rounds}"
    )
    print(
        f"  findings={facts['findings']} stale={facts['stale']} "
        f"incomplete={facts['incomplete']} acked={stats['acked']} "
        f"served_by_A={a.served} served_by_B={b.served} kills_mid_flush={mid_flush} "
        f"dropped_connections={stats['dropped']} 5xx={stats['server_errors']} "
        f"refused={len(stats['refused'])} worker_alive={'yes' if worker_alive else 'no'}"
    )
    print(f"  pack {pack}  report {report}")
    print(f"  {time.monotonic() - started:.1f} s in all")
    for line in stats["refused"][:5] + broken[:5]:
        print(f"  {line}")
    return not (
        facts["lost"] or facts["doubled"] or broken or stats["refused"] or facts["stale"]
        or facts["incomplete"] or photos_verified != len(expected["photos"])
        or not sessions_shared or not pack["ok"] or not report["ok"] or rounds < options.rounds
        or mid_flush < rounds
        or not a.served or not b.served
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("CLUSTER_ROUNDS", "3")))
    parser.add_argument(
        "--inspectors", type=int, default=int(os.environ.get("CLUSTER_INSPECTORS", "8"))
    )
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--redis-db", type=int, default=REDIS_DB)
    parser.add_argument("--keep", action="store_true", help="keep the database and the logs")
    options = parser.parse_args()
    if not postgres_reachable() or not redis_reachable(options.redis_db):
        print("cluster-test needs PostgreSQL and Redis on 127.0.0.1 (5432, 6379)")
        sys.exit(2)
    print(
        f"== two nodes, a worker, PostgreSQL, Redis and S3: {options.inspectors} inspectors, "
        f"{options.rounds} kills of node A",
        flush=True,
    )
    # A test's timeout stops the run with SIGTERM: the nodes, the worker and the S3 server
    # (each in its own process group) are ended on the way out.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))
    folder = Path(tempfile.mkdtemp(prefix="integra-cluster-"))
    (folder / "logs").mkdir()
    processes = Processes(folder / "logs")
    ok = False
    try:
        ok = run(options, folder, processes)
    finally:
        processes.stop_all()
        if not options.keep:
            drop_database(options.database)
        if ok and not options.keep:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            print(f"  logs of the processes: {folder / 'logs'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
