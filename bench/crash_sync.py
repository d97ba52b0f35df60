"""Crash-safe sync (``make crash-test``): simulated inspectors drain their outboxes into
the sync API while the server is killed (SIGKILL to gunicorn's whole process group) and
restarted at random moments, on SQLite (a file in a temporary folder) and on
PostgreSQL (a fresh database) when one answers on loopback.

Each outbox entry is a submission with its own ``client_id``, retried until the server
acknowledges it; an edit names the version the first save was acknowledged with;
photos are PUT by SHA-256 until acknowledged. Afterwards the database must hold every
finding once, at the version of its last edit, every submission once, and every photo
complete with a file that hashes to its name. Prints per database
``lost=0 doubled=0 photos_verified=N rounds=R`` and the number of 5xx answers that
mention a locked database (which a user must never see).

    python -m bench.crash_sync --rounds 12 --inspectors 6
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from bench.harness import free_port, wait_until_healthy
from bench.load import (
    ROOT,
    fresh_postgres_database,
    postgres_reachable,
    production_environment,
)
from bench.load import drop_database as drop_postgres_database

DATABASE = "integra_crash"


def prepare(environment: dict[str, str], inspectors: int) -> list[dict[str, Any]]:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT, env=environment, check=True, timeout=900,
    )  # fmt: skip
    code = f"from bench.crash_sync import devices; devices({inspectors})"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT, env=environment, check=True, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])


def devices(inspectors: int) -> None:
    """Inside the installation: inspectors with a device token and their visits."""
    import django

    django.setup()
    import bench.bench_sync as sync

    sync.INSPECTORS = inspectors
    built, _day = sync.build_day()
    print(json.dumps(sync.device_descriptions(built)))


class Server:
    """gunicorn in its own process group, killed and restarted on demand."""

    def __init__(self, environment: dict[str, str], port: int) -> None:
        self.environment, self.port = environment, port
        self.process: subprocess.Popen | None = None
        self.up = threading.Event()

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "--bind",
             f"127.0.0.1:{self.port}", "--workers", "3", "--log-level", "critical"],
            cwd=ROOT, env=self.environment, start_new_session=True,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until_healthy(self.process, self.port, seconds=180, pause=0.1)
        self.up.set()

    def kill(self) -> None:
        self.up.clear()
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)


def jpeg(seed: int) -> bytes:
    import io

    from PIL import Image

    stream = io.BytesIO()
    rng = random.Random(seed)
    image = Image.new("RGB", (160, 120), (rng.randrange(256), rng.randrange(256), 40))
    image.putpixel((rng.randrange(160), rng.randrange(120)), (255, 255, 255))
    image.save(stream, format="JPEG", quality=85)
    return stream.getvalue()


def outbox_for(device: dict[str, Any], seed: int) -> list[dict[str, Any]]:
    """Per checklist at a visit: a first save (with a photo on social checklists) and an
    edit of it."""
    entries = []
    for number, work in enumerate(device["work"]):
        photo = jpeg(seed * 1000 + number) if work["slug"] == "social-employment" else None
        sha = hashlib.sha256(photo).hexdigest() if photo else None
        first: dict[str, Any]
        if work["slug"] == "trafficking-indicators":
            first = {"papers_held": "no", "interpreter_present": "no", "debt": "no"}
            edit = first | {"debt": "yes"}
        else:
            first = {"workers_present": 3, "without_dimona": "no"}
            first |= {"documents": [sha]} if sha else {}
            edit = first | {"workers_present": 4}
        key = f"{work['visit']}/{work['version']}"
        for step, answers in enumerate([first, edit]):
            entries.append(
                {
                    "key": key,
                    "client_id": str(uuid.uuid4()),
                    "visit": work["visit"],
                    "version": work["version"],
                    "answers": answers,
                    "edit": step == 1,
                    "photo": photo if step == 0 else None,
                    "sha": sha if step == 0 else None,
                }
            )
    return entries


class Inspector:
    def __init__(self, server: Server, device: dict[str, Any], seed: int, stats: dict) -> None:
        self.server, self.token, self.stats = server, device["token"], stats
        self.outbox = outbox_for(device, seed)
        self.acked: dict[str, int] = {}
        self.connection: http.client.HTTPConnection | None = None

    def call(self, method: str, path: str, body: bytes, kind: str) -> tuple[int, bytes]:
        """Until the server answers; a dropped connection is retried like a phone would."""
        while True:
            self.server.up.wait(timeout=300)
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection(
                        "127.0.0.1", self.server.port, timeout=30
                    )
                headers = {"Authorization": f"Bearer {self.token}", "Content-Type": kind}
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
            except (OSError, http.client.HTTPException):
                self.stats["dropped"] += 1
                self.reconnect()
                continue
            if response.status >= 500:
                self.stats["server_errors"] += 1
                if b"locked" in content:
                    self.stats["locked"] += 1
                time.sleep(0.2)
                continue
            return response.status, content

    def reconnect(self) -> None:
        if self.connection is not None:
            self.connection.close()
        self.connection = None
        time.sleep(random.uniform(0.05, 0.3))

    def run(self) -> None:
        for entry in self.outbox:
            payload = {
                "client_id": entry["client_id"],
                "visit": entry["visit"],
                "template_version": entry["version"],
                "answers": entry["answers"],
                "base_version": self.acked[entry["key"]] if entry["edit"] else None,
                "recorded_at": "2026-01-01T10:00:00+01:00",
            }
            status, content = self.call(
                "POST", "/api/v1/findings", json.dumps(payload).encode(), "application/json"
            )
            if status not in (200, 201):
                self.stats["refused"].append(f"{status} {content[:200]!r}")
                continue
            self.acked[entry["key"]] = json.loads(content)["version"]
            self.stats["acked"] += 1
            if entry["photo"]:
                path = f"/api/v1/findings/{entry['client_id']}/evidence/{entry['sha']}"
                status, content = self.call("PUT", path, entry["photo"], "image/jpeg")
                if status not in (200, 201):
                    self.stats["refused"].append(f"photo {status} {content[:200]!r}")


def verify(expected_path: str) -> None:
    """Inside the installation: compare the database and the files with what was sent."""
    import django

    django.setup()
    from django.db.models import Count

    from inspections.evidence import evidence_exists, read_evidence
    from inspections.models import Evidence, Finding, Submission

    expected = json.loads(Path(expected_path).read_text())
    sent = set(expected["client_ids"])
    stored = list(Submission.objects.values_list("client_id", flat=True))
    stored_ids = {str(c) for c in stored}
    lost = len(sent - stored_ids)
    doubled = len(stored) - len(stored_ids) + len(stored_ids - sent)
    per_target = Finding.objects.values("visit", "partner", "template").annotate(n=Count("id"))
    doubled += sum(row["n"] - 1 for row in per_target)
    findings = Finding.objects.count()
    lost += max(expected["findings"] - findings, 0)
    stale = Finding.objects.exclude(version=2).count()
    verified = 0
    broken = []
    for sha in expected["photos"]:
        evidence = Evidence.objects.filter(sha256=sha).first()
        if evidence is None or not evidence_exists(sha):
            broken.append(f"{sha} missing")
            continue
        data = read_evidence(sha)
        if hashlib.sha256(data).hexdigest() != sha or len(data) != evidence.size:
            broken.append(f"{sha} damaged")
            continue
        verified += 1
    incomplete = Finding.objects.filter(is_complete=False).count()
    print(
        json.dumps(
            {
                "lost": lost,
                "doubled": doubled,
                "findings": findings,
                "stale": stale,
                "photos_verified": verified,
                "photos_broken": broken,
                "incomplete": incomplete,
            }
        )
    )


def crash_run(label: str, environment: dict[str, str], options: Any) -> dict[str, Any]:
    devices_ = prepare(environment, options.inspectors)
    server = Server(environment, free_port())
    stats: dict[str, Any] = {
        "acked": 0, "dropped": 0, "server_errors": 0, "locked": 0, "refused": [],
    }  # fmt: skip
    inspectors = [Inspector(server, d, n, stats) for n, d in enumerate(devices_)]
    server.start()
    threads = [threading.Thread(target=i.run, daemon=True) for i in inspectors]
    for thread in threads:
        thread.start()
    rounds = 0
    rng = random.Random(options.seed)
    while rounds < options.rounds and any(t.is_alive() for t in threads):
        time.sleep(rng.uniform(0.2, options.max_interval))
        server.kill()
        rounds += 1
        server.start()
    for thread in threads:
        thread.join(timeout=600)
    server.kill()
    expected = {
        "client_ids": [e["client_id"] for i in inspectors for e in i.outbox],
        "findings": sum(len(i.outbox) // 2 for i in inspectors),
        "photos": sorted({e["sha"] for i in inspectors for e in i.outbox if e["sha"]}),
    }
    path = Path(environment["INTEGRA_DATA_DIR"]) / "expected.json"
    path.write_text(json.dumps(expected))
    code = f"from bench.crash_sync import verify; verify({str(path)!r})"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT, env=environment, check=True, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    facts.update(rounds=rounds, label=label, stats=stats)
    return facts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("CRASH_ROUNDS", "12")))
    parser.add_argument(
        "--inspectors", type=int, default=int(os.environ.get("CRASH_INSPECTORS", "6"))
    )
    parser.add_argument("--max-interval", type=float, default=2.5)
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--sqlite-only", action="store_true")
    options = parser.parse_args()
    failed = False
    targets = ["SQLite"] + (
        [] if options.sqlite_only or not postgres_reachable() else ["PostgreSQL"]
    )
    for label in targets:
        with tempfile.TemporaryDirectory(prefix="integra-crash-") as folder:
            url = fresh_postgres_database(DATABASE) if label == "PostgreSQL" else ""
            environment = production_environment(Path(folder), url)
            Path(folder, "staticfiles").mkdir(exist_ok=True)
            print(
                f"== {label}: {options.inspectors} inspectors, {options.rounds} kills", flush=True
            )
            facts = crash_run(label, environment, options)
            if url:
                drop_postgres_database(DATABASE)
        stats = facts["stats"]
        print(
            f"{label}: lost={facts['lost']} doubled={facts['doubled']} "
            f"photos_verified={facts['photos_verified']} rounds={facts['rounds']}"
        )
        print(
            f"  findings={facts['findings']} stale={facts['stale']} "
            f"incomplete={facts['incomplete']} acked={stats['acked']} "
            f"dropped_connections={stats['dropped']} 5xx={stats['server_errors']} "
            f"locked_5xx={stats['locked']} refused={len(stats['refused'])}"
        )
        for line in stats["refused"][:5] + facts["photos_broken"][:5]:
            print(f"  {line}")
        failed |= bool(
            facts["lost"] or facts["doubled"] or facts["photos_broken"] or stats["locked"]
            or stats["refused"] or facts["stale"] or facts["incomplete"]
        )  # fmt: skip
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
