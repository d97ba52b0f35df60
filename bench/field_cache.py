"""What a tablet downloads to hold a 12-visit day offline, measured from the real server's
answers: gunicorn with DEBUG off and the collected (hashed, precompressed) static files,
asked as a browser asks (logged in through the login form, ``Accept-Encoding: gzip,
deflate, br``).

The download follows what the field app does on the day page, opened online:

- the day page itself (the navigation, before the service worker controls the page);
- every file the page links (styles, scripts, icon) and the service worker's precache
  list (read from the worker the server hands out), each once: the hashed URLs are
  cached by the browser for good, so the worker's install finds them there;
- the service worker and the manifest;
- every page of the day's precache list (the day page again, each visit, each checklist
  version once: its page is shared by the visits, which the tablet fills in itself).

Counted are the bytes on the wire (bodies as the server sent them, compressed when it
compressed them) and the bytes the tablet keeps once decoded (each file once), per part.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import re
import zlib
from datetime import time as clock
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import brotli

from bench.harness import free_port, report, start_gunicorn

PASSWORD = "bench-tablet"  # noqa: S105 - a throw-away user of the bench's own database
ACCEPT_ENCODING = "gzip, deflate, br"
STATIC_REFERENCE = re.compile(r'(?:href|src)="(/static/[^"]+)"')


def build_twelve_visit_day() -> Any:
    """One tablet's day: a police officer's team with twelve car washes, each with the
    police, social and trafficking checklists of the seed."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from gis.models import Premises, Sector
    from inspections.models import ActionDay, Team, Visit, VisitTask
    from partners.models import Competency, Municipality, Partner, Person, Role

    city, _ = Municipality.objects.get_or_create(
        code="99999", defaults={"name": "Benchstad", "language": "nl", "country": "BE"}
    )
    user = User.objects.create(username="tablet", first_name="Tablet")
    user.set_password(PASSWORD)
    user.save()
    partner = Partner.objects.create(
        slug="bench-police", name="Police", short_name="Police", level="local", country="BE"
    )
    person = Person.objects.create(user=user, partner=partner, roles=[Role.INSPECTOR])
    person.municipalities.add(city)
    day = ActionDay.objects.create(
        municipality=city, title="Twelve visits", date=timezone.localdate(), starts_at=clock(8),
        ends_at=clock(18), coordinator=user, status=ActionDay.Status.RELEASED,
    )  # fmt: skip
    team = Team.objects.create(action_day=day, name="Team 1", lead=user)
    competencies = Competency.objects.filter(code__in=["identity-residence", "undeclared-work"])
    for stop in range(12):
        premises = Premises.objects.create(
            municipality=city, external_id=f"tablet-{stop}", name=f"Carwash {stop}",
            address=f"Bergensesteenweg {stop}", sector=Sector.objects.get(code="car_wash"),
            lon=4.23 + stop / 500, lat=50.73, source_x=0, source_y=0, source_crs="EPSG:31370",
        )  # fmt: skip
        visit = Visit.objects.create(
            action_day=day, premises=premises, team=team, route_order=stop + 1
        )
        for competency in competencies:
            VisitTask.objects.create(visit=visit, competency=competency, partner=partner)
    return user


def decoded(body: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return bytes(brotli.decompress(body))
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "deflate":
        return zlib.decompress(body)
    return body


class Tablet:
    """A browser's view of the server: one keep-alive connection, its cookies, and the
    bytes of every answer (as sent and as decoded)."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Any:
        headers = {"Accept-Encoding": ACCEPT_ENCODING}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = urlencode(form).encode() if form is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        wire = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        encoding = response.headers.get("Content-Encoding", "")
        return response.status, wire, decoded(wire, encoding)

    def get(self, path: str) -> tuple[int, int]:
        """Bytes on the wire and decoded of one GET that must succeed."""
        status, wire, content = self.request("GET", path)
        assert status == 200, (path, status, content[:200])
        return len(wire), len(content)

    def log_in(self, username: str) -> None:
        _status, _wire, page = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, page[:300]
        form = {
            "csrfmiddlewaretoken": token.group(1).decode(),
            "username": username,
            "password": PASSWORD,
        }
        status, _wire, page = self.request("POST", "/accounts/login/", form)
        assert status == 302, (status, page[:300])


def download_day(port: int, username: str) -> tuple[dict[str, dict[str, int]], int]:
    """The parts a tablet downloads for its day, each as ``{"wire": n, "kept": n,
    "files": n}``, and the bytes on the wire of the day page's navigation."""
    tablet = Tablet(port)
    tablet.log_in(username)
    parts: dict[str, dict[str, int]] = {}

    def add(part: str, sizes: tuple[int, int]) -> None:
        totals = parts.setdefault(part, {"wire": 0, "kept": 0, "files": 0})
        totals["wire"] += sizes[0]
        totals["kept"] += sizes[1]
        totals["files"] += 1

    status, wire, content = tablet.request("GET", "/field/")
    assert status == 200, status
    # Kept once: the navigation is not cached, the day page's own precache fetch is.
    add("day_page", (len(wire), 0))
    navigation = len(wire)
    html = content.decode()
    island = html.split('<script id="field-data" type="application/json">', 1)[1]
    data = json.loads(island.split("</script>", 1)[0])
    status, wire, worker = tablet.request("GET", data["sw"])
    assert status == 200, status
    add("worker_manifest", (len(wire), len(worker)))
    # The worker's first line is its configuration: ``self.INTEGRA_FIELD = {...};``.
    config = json.loads(worker.decode().split("\n", 1)[0].split(" = ", 1)[1].rstrip(";"))
    add("worker_manifest", tablet.get("/field/manifest.webmanifest"))
    assets = dict.fromkeys([*STATIC_REFERENCE.findall(html), *config["assets"]])
    for url in assets:
        kind = "images" if url.endswith((".png", ".svg", ".jpg", ".webp")) else "scripts_styles"
        add(kind, tablet.get(url))
    for url in data["precache"]:
        kind = "day_page" if url == data["scope"] else (
            "checklist_pages" if "/checklists/" in url else "visit_pages"
        )  # fmt: skip
        add(kind, tablet.get(url))
    return parts, navigation


def collected_static() -> None:
    """The bench's data directory gets the production static files (hashed names, .gz and
    .br beside each), collected once per set of static files."""
    from django.conf import settings

    from bench.cluster import collected_static as link_collected

    environment = {
        **os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1",
        "SECRET_KEY": "collect-" + "x" * 50,
    }  # fmt: skip
    link_collected(Path(settings.DATA_DIR), environment)


def run() -> None:
    """Prints ``field_day_cache_bytes``: ``ours`` is what goes over the wire, the floor the
    day page alone as it goes over the wire; each part's bytes on the wire and kept."""
    from django.db import connection

    user = build_twelve_visit_day()
    collected_static()
    connection.close()
    port = free_port()
    # One worker: the tablet asks one thing at a time.
    server = start_gunicorn(port, workers=1, seconds=180)
    try:
        parts, navigation = download_day(port, user.username)
    finally:
        server.terminate()
        server.wait(timeout=30)
    wire = sum(part["wire"] for part in parts.values())
    kept = sum(part["kept"] for part in parts.values())
    fields = {
        f"{name}_{measure}": values[measure]
        for name, values in sorted(parts.items())
        for measure in ("wire", "kept", "files")
    }
    report(
        "field_day_cache_bytes",
        ours=wire,
        floor=navigation,
        visits=12,
        wire_bytes=wire,
        kept_bytes=kept,
        **fields,
    )


if __name__ == "__main__":
    from bench.harness import setup_django

    setup_django()
    run()
