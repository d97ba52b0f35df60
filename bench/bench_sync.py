"""Field sync under load: 50 inspectors at once, each sending 20 findings (two with a
photo) and replaying two of them, against gunicorn on a loopback port and the bench's
SQLite database. Measured against a no-op authenticated endpoint (``/api/v1/ping``) under
the same load in the same run; afterwards the database must hold every submission
exactly once. Then the bytes a tablet downloads to cache a 12-visit day
(``bench/field_cache.py``).
"""

from __future__ import annotations

import hashlib
import http.client
import io
import json
import threading
import time
import uuid
from datetime import time as clock
from typing import Any

from bench import field_cache
from bench.harness import free_port, report, start_gunicorn

INSPECTORS = 50
FINDINGS = 20
PHOTOS = 2
REPLAYS = 2


def build_day() -> tuple[list[dict[str, Any]], Any]:
    """A released day: each inspector (of their own partner) leads a team of one with ten
    visits, where they fill the social checklist and the trafficking indicators."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from gis.models import Premises, Sector
    from inspections.field_access import checklists_by_visit
    from inspections.models import ActionDay, DeviceToken, Team, Visit, VisitTask
    from partners.models import Competency, Municipality, Partner, Person, Role

    city = Municipality.objects.create(code="99999", name="Benchstad", language="nl", country="BE")
    coordinator = User.objects.create(username="bench-sync-coordinator")
    day = ActionDay.objects.create(
        municipality=city,
        title="Bench day",
        date=timezone.localdate(),
        starts_at=clock(8),
        ends_at=clock(18),
        coordinator=coordinator,
        status=ActionDay.Status.RELEASED,
    )
    sector = Sector.objects.get(code="car_wash")
    competency = Competency.objects.get(code="undeclared-work")
    inspectors = []
    for number in range(INSPECTORS):
        user = User.objects.create(username=f"inspector{number}")
        partner = Partner.objects.create(
            slug=f"bench-{number}", name=f"Partner {number}", short_name=f"P{number}",
            level="federal", country="BE",
        )  # fmt: skip
        partner.municipalities.add(city)
        person = Person.objects.create(user=user, partner=partner, roles=[Role.INSPECTOR])
        person.municipalities.add(city)
        team = Team.objects.create(action_day=day, name=f"Team {number:02}", lead=user)
        visits = []
        for stop in range(FINDINGS // 2):
            premises = Premises.objects.create(
                municipality=city, external_id=f"b-{number}-{stop}",
                name=f"Carwash {number}.{stop}", sector=sector, lon=4.2 + stop / 1000,
                lat=50.7 + number / 1000, source_x=0, source_y=0, source_crs="EPSG:31370",
            )  # fmt: skip
            visit = Visit.objects.create(
                action_day=day, premises=premises, team=team, route_order=stop + 1
            )
            VisitTask.objects.create(visit=visit, competency=competency, partner=partner)
            visits.append(visit)
        _token, raw = DeviceToken.issue(user, "bench tablet")
        checklists = checklists_by_visit(user, visits)
        work = [(visit, version) for visit in visits for version in checklists[visit.pk]]
        inspectors.append({"user": user, "token": raw, "work": work})
    return inspectors, day


def device_descriptions(built: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The inspectors of :func:`build_day` as a device outside the installation knows
    them: its token and, per visit, the checklist version to fill."""
    return [
        {
            "token": inspector["token"],
            "work": [
                {
                    "visit": str(visit.code),
                    "version": str(version.code),
                    "slug": version.template.slug,
                }
                for visit, version in inspector["work"]
            ],
        }
        for inspector in built
    ]


def jpeg(seed: int) -> bytes:
    from PIL import Image

    stream = io.BytesIO()
    Image.new("RGB", (320, 240), (seed % 256, (seed * 7) % 256, (seed * 13) % 256)).save(
        stream, format="JPEG", quality=80
    )
    return stream.getvalue()


def answers_for(slug: str, photo: str | None) -> dict[str, Any]:
    if slug == "trafficking-indicators":
        return {"papers_held": "no", "interpreter_present": "no", "debt": "no"}
    answers: dict[str, Any] = {"workers_present": 4, "without_dimona": "no"}
    if photo:
        answers["documents"] = [photo]
    return answers


class Session:
    """One inspector's keep-alive connection; records each request's latency."""

    def __init__(self, port: int, token: str, latencies: list[float], failures: list[str]):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {"Authorization": f"Bearer {token}"}
        self.latencies, self.failures = latencies, failures

    def call(self, method: str, path: str, body: bytes | None, kind: str, ok: tuple) -> int:
        headers = dict(self.headers, **({"Content-Type": kind} if body is not None else {}))
        start = time.perf_counter()
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        content = response.read()
        self.latencies.append(time.perf_counter() - start)
        if response.status not in ok:
            self.failures.append(f"{method} {path} {response.status} {content[:200]!r}")
        return response.status


def inspector_sync(port: int, inspector: dict[str, Any], seed: int, out: dict[str, Any]) -> None:
    session = Session(port, inspector["token"], out["latencies"], out["failures"])
    photos_left, sent = PHOTOS, []
    for visit, version in inspector["work"][:FINDINGS]:
        photo = None
        if version.template.slug == "social-employment" and photos_left:
            photo = jpeg(seed * 10 + photos_left)
            photos_left -= 1
        sha = hashlib.sha256(photo).hexdigest() if photo else None
        payload = {
            "client_id": str(uuid.uuid4()),
            "visit": str(visit.code),
            "template_version": str(version.code),
            "answers": answers_for(version.template.slug, sha),
            "base_version": None,
            "recorded_at": "2026-01-01T10:00:00+01:00",
        }
        body = json.dumps(payload).encode()
        session.call("POST", "/api/v1/findings", body, "application/json", (201,))
        sent.append(body)
        if photo:
            path = f"/api/v1/findings/{payload['client_id']}/evidence/{sha}"
            session.call("PUT", path, photo, "image/jpeg", (201,))
    for body in sent[:REPLAYS]:
        session.call("POST", "/api/v1/findings", body, "application/json", (200,))


def inspector_ping(port: int, inspector: dict[str, Any], out: dict[str, Any]) -> None:
    session = Session(port, inspector["token"], out["latencies"], out["failures"])
    for _ in range(FINDINGS + PHOTOS + REPLAYS):
        session.call("GET", "/api/v1/ping", None, "", (200,))


def load(target: Any, inspectors: list[dict[str, Any]], *args: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"latencies": [], "failures": []}
    threads = [
        threading.Thread(target=target, args=(args[0], inspector, *args[1:], out))
        if target is inspector_ping
        else threading.Thread(target=target, args=(args[0], inspector, index, out))
        for index, inspector in enumerate(inspectors)
    ]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    out["elapsed"] = time.perf_counter() - start
    return out


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(0.95 * (len(ordered) - 1))]


def run() -> None:
    from django.db import connection

    from inspections.models import Evidence, Finding, Submission

    inspectors, _day = build_day()
    # Other benchmarks may have stored findings and photos in this database before:
    # what this one checks is what it added.
    before = {
        "submissions": Submission.objects.count(),
        "findings": Finding.objects.count(),
        "photos": Evidence.objects.count(),
    }
    connection.close()
    port = free_port()
    server = start_gunicorn(port, workers=3)
    try:
        floor = load(inspector_ping, inspectors, port)
        ours = load(inspector_sync, inspectors, port)
    finally:
        server.terminate()
        server.wait(timeout=30)
    failures = floor["failures"] + ours["failures"]
    locked = sum("locked" in failure for failure in failures)
    submissions = Submission.objects.count() - before["submissions"]
    findings = Finding.objects.count() - before["findings"]
    photos = Evidence.objects.count() - before["photos"]
    expected = INSPECTORS * FINDINGS
    lost, doubled = max(expected - submissions, 0), max(submissions - expected, 0)
    requests_ours, requests_floor = len(ours["latencies"]), len(floor["latencies"])
    report(
        "sync_throughput",
        ours=ours["elapsed"] / requests_ours,
        floor=floor["elapsed"] / requests_floor,
        requests=requests_ours,
        ours_rps=round(requests_ours / ours["elapsed"], 1),
        floor_rps=round(requests_floor / floor["elapsed"], 1),
        failures=len(failures),
        locked=locked,
    )
    report(
        "sync_p95_latency",
        ours=p95(ours["latencies"]),
        floor=p95(floor["latencies"]),
        inspectors=INSPECTORS,
        lost=lost,
        doubled=doubled,
        findings=findings,
        photos=photos,
    )
    field_cache.run()
    for failure in failures[:5]:
        print("FAILED", failure, flush=True)
    assert not failures and not lost and not doubled, (len(failures), lost, doubled)
    assert photos == INSPECTORS * PHOTOS, photos
