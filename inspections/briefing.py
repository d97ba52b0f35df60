"""Briefing packs: one PDF per team and one for the coordinator, rendered by WeasyPrint
from Django templates in the municipality's language.

Rules:

- A team's pack holds only what that team needs: its own visits, premises, tasks and
  people, the day's coordinator and briefing. Nothing of another team reaches it; the
  context is built from the team alone, never filtered from the whole day.
- Rendering never goes over the network: the URL fetcher reads static files from the
  static folders and ``/media/<storage>/<name>`` from the named storages (see
  config/storage.py), and refuses everything else. The map is inline SVG drawn here.
- Packs are generated in a django-q2 worker and stored in the "briefings" storage as
  ``<action-day-code>/<key>.pdf``; their state and progress are a BriefingPack row,
  which the page polls. Generating again overwrites them (the task is idempotent) and
  removes packs of teams that no longer exist.
- A pack states the plan version (``ActionDay.version``) it shows, and its file row
  keeps that version: a pack made for an older plan is listed as outdated. Once
  the day is released, every change to the plan queues the packs again (see
  :func:`regenerate_after_release`), so participants never get a plan that was dropped.
"""

from __future__ import annotations

import hashlib
import math
import mimetypes
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.db import transaction
from django.db.models import F, Prefetch, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django_q.tasks import async_task
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from config.storage import NAMED, briefings_storage, read_file, write_file
from gis.reference import svg_background
from inspections.models import ActionDay, BriefingPack, BriefingPackFile, Team, Visit, VisitTask
from partners import audit
from partners.models import AuditEntry, Municipality, Person

COORDINATOR_KEY = "coordinator"
# Relative URLs in the pack's HTML (``/static/...``) resolve against this base; the
# fetcher maps them back onto the static folders and the named storages.
BASE_URL = "file:///"
ROUTE_COLOURS = ("#0b5cad", "#b3261e", "#1d7a3a", "#7b3fa0", "#c77700", "#00717a", "#5b4636")
MAP_WIDTH = 680
MAP_HEIGHT = 400
MAP_PADDING = 28
LABEL = (
    'fill="#fff" text-anchor="middle" font-family="sans-serif" font-size="11" font-weight="bold"'
)


class BriefingRefused(Exception):
    """A pack that may not or cannot be produced."""


# -- Where packs live ------------------------------------------------------------------


def pack_name(action_day: ActionDay, key: str) -> str:
    """Where a pack is in the "briefings" storage."""
    return f"{action_day.code}/{key}.pdf"


def team_keys(teams: Iterable[Team]) -> dict[str, Team]:
    """File key per team: its name as a slug, made unique with its id when two names
    slug alike or one would pass for the coordinator's pack."""
    keys: dict[str, Team] = {}
    for team in sorted(teams, key=lambda team: team.pk):
        key = slugify(team.name) or "team"
        if key in keys or key == COORDINATOR_KEY:
            key = f"{key}-{team.pk}"
        keys[key] = team
    return keys


def key_of(team: Team) -> str:
    return next(
        key for key, other in team_keys(team.action_day.teams.all()).items() if other.pk == team.pk
    )


def pack_of(action_day: ActionDay) -> BriefingPack | None:
    return BriefingPack.objects.filter(day=action_day).first()


def read_status(action_day: ActionDay) -> dict[str, Any]:
    """The last generation's state, progress and files; ``{"state": "none"}`` when
    nothing was generated."""
    pack = pack_of(action_day)
    if pack is None:
        return {"state": "none", "files": {}}
    return {
        "state": pack.state,
        "done": pack.progress,
        "total": pack.total,
        "version": pack.version,
        "error": pack.error,
        "requested_by": pack.requested_by,
        "requested_at": pack.requested_at,
        "finished_at": pack.generated_at,
        "files": {
            stored.key: {
                "name": stored.name,
                "bytes": stored.size,
                "sha256": stored.sha256,
                "version": stored.version,
                "file": stored.file.name,
            }
            for stored in pack.files.all()
        },
    }


def write_status(action_day: ActionDay, **values: Any) -> dict[str, Any]:
    """Update (or start) the day's BriefingPack row and return the status as read."""
    BriefingPack.objects.update_or_create(day=action_day, defaults=values)
    return read_status(action_day)


# -- Rendering without the network -----------------------------------------------------


class LocalFetcher(URLFetcher):
    """Serves ``/static/…`` from the static folders, ``/media/<storage>/<name>`` from the
    named storages (``/media/evidence/ab/abcdef…`` is a photo) and ``data:`` URLs;
    refuses http, https and every other file."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"Refused to fetch {url}: only local static and media files")
        url_path = unquote(parts.path)
        content = stored_file(url_path)
        if content is None:
            path = static_file(url_path)
            content = path.read_bytes() if path is not None else None
        if content is None:
            raise ValueError(f"Refused to fetch {url}: not a static or stored file")
        return URLFetcherResponse(url, content, {"Content-Type": mime_type(url_path)})


def stored_file(url_path: str) -> bytes | None:
    """The bytes of ``/media/<storage>/<name>`` from that named storage, or None when
    the URL is not one or names no stored file. Names are relative to the storage: a
    ``..``, an absolute name or an unknown storage is refused."""
    media_prefix = "/" + settings.MEDIA_URL.lstrip("/")
    if not url_path.startswith(media_prefix):
        return None
    storage_name, _, name = url_path.removeprefix(media_prefix).partition("/")
    parts = PurePosixPath(name).parts
    if storage_name not in NAMED or not parts or ".." in parts or name.startswith("/"):
        return None
    try:
        return read_file(NAMED[storage_name], name)  # type: ignore[arg-type]
    except (FileNotFoundError, SuspiciousFileOperation, OSError):
        return None


def static_file(url_path: str) -> Path | None:
    """A file of the static folders, by ``/static/…`` URL or by its path inside them."""
    static_prefix = "/" + settings.STATIC_URL.lstrip("/")
    if url_path.startswith(static_prefix):
        try:
            found = finders.find(url_path.removeprefix(static_prefix))
        except SuspiciousFileOperation:
            return None
        candidate = Path(found) if isinstance(found, str) else None
    else:
        candidate = Path(url_path)
    if candidate is None or not candidate.is_file():
        return None
    resolved = candidate.resolve()
    return resolved if any(resolved.is_relative_to(root) for root in static_roots()) else None


def static_roots() -> list[Path]:
    roots = [Path(settings.STATIC_ROOT)] + [Path(folder) for folder in settings.STATICFILES_DIRS]
    return [root.resolve() for root in roots]


def mime_type(url_path: str) -> str:
    known = {
        ".css": "text/css",
        ".svg": "image/svg+xml",
        ".png": "image/png",
        ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg",
        ".woff2": "font/woff2",
    }.get(PurePosixPath(url_path).suffix.lower())
    # Photos are stored under their hash, without a suffix: WeasyPrint tells an image
    # by its bytes, so a generic type serves them.
    return known or mimetypes.guess_type(url_path)[0] or "application/octet-stream"


def html_to_pdf(html: str) -> bytes:
    return HTML(string=html, base_url=BASE_URL, url_fetcher=LocalFetcher()).write_pdf()


# -- The map ---------------------------------------------------------------------------


@dataclass
class Route:
    """One team's stops in route order, drawn in one colour."""

    name: str
    colour: str
    stops: list[tuple[float, float]] = field(default_factory=list)


def zone_rings(geometry: dict[str, Any] | None) -> list[list[tuple[float, float]]]:
    if not geometry:
        return []
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates") or []
    polygons = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else []
    return [[(float(x), float(y)) for x, y, *_ in ring] for polygon in polygons for ring in polygon]


class Projection:
    """Equirectangular, scaled to fit the points in the box: at a city's scale the
    distortion is negligible and no projection library is needed."""

    def __init__(self, points: Sequence[tuple[float, float]], width: int, height: int) -> None:
        lons = [lon for lon, _ in points]
        lats = [lat for _, lat in points]
        self.west, self.east = min(lons), max(lons)
        self.south, self.north = min(lats), max(lats)
        self.shrink = math.cos(math.radians((self.south + self.north) / 2))
        span_x = max((self.east - self.west) * self.shrink, 0.002)
        span_y = max(self.north - self.south, 0.002)
        self.scale = min((width - 2 * MAP_PADDING) / span_x, (height - 2 * MAP_PADDING) / span_y)
        self.offset_x = (width - (self.east - self.west) * self.shrink * self.scale) / 2
        self.offset_y = (height - (self.north - self.south) * self.scale) / 2

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        x = self.offset_x + (lon - self.west) * self.shrink * self.scale
        y = self.offset_y + (self.north - lat) * self.scale
        return round(x, 1), round(y, 1)

    def box(self, width: int, height: int) -> tuple[float, float, float, float]:
        """West, south, east and north of the whole drawing, in degrees."""
        per_x = self.shrink * self.scale
        return (
            self.west - self.offset_x / per_x,
            self.north - (height - self.offset_y) / self.scale,
            self.west + (width - self.offset_x) / per_x,
            self.north + self.offset_y / self.scale,
        )


def route_map_svg(
    routes: Sequence[Route],
    *,
    briefing: tuple[float, float] | None,
    zone: dict[str, Any] | None,
    title: str,
    width: int = MAP_WIDTH,
    height: int = MAP_HEIGHT,
    municipality: Municipality | None = None,
) -> SafeString:
    """Numbered stops joined by the route line from the briefing point, the zone's outline
    behind them and the municipality's reference layers (gis.reference) behind all. The
    box fits the stops and the briefing point (the zone when there are none); a larger
    zone is cut at the edge."""
    points = [stop for route in routes for stop in route.stops]
    if briefing:
        points.append(briefing)
    rings = zone_rings(zone)
    if not points:
        points = [point for ring in rings for point in ring]
    if not points:
        return mark_safe("")  # noqa: S308 - nothing to draw
    project = Projection(points, width, height)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="route-map" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{width}" height="{height}" fill="#f4f6f3" stroke="#9aa5b1"/>',
        svg_background(municipality, project.box(width, height), project),
    ]
    for ring in rings:
        path = " ".join(f"{x},{y}" for x, y in (project(*point) for point in ring))
        parts.append(
            f'<polygon points="{path}" fill="#0b5cad14" stroke="#12263f" '
            f'stroke-width="1.5" stroke-dasharray="6 4"/>'
        )
    for route in routes:
        line = ([briefing] if briefing else []) + route.stops
        if len(line) > 1:
            path = " ".join(f"{x},{y}" for x, y in (project(*point) for point in line))
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{route.colour}" '
                f'stroke-width="2.5" stroke-linejoin="round" opacity=".8"/>'
            )
    if briefing:
        x, y = project(*briefing)
        parts.append(
            f'<rect x="{x - 8}" y="{y - 8}" width="16" height="16" fill="#12263f"/>'
            f'<text x="{x}" y="{y + 4}" {LABEL}>B</text>'
        )
    for route in routes:
        for number, point in enumerate(route.stops, start=1):
            x, y = project(*point)
            parts.append(
                f'<circle cx="{x}" cy="{y}" r="10" fill="{route.colour}" '
                f'stroke="#fff" stroke-width="2"/>'
                f'<text x="{x}" y="{y + 4}" {LABEL}>{number}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - numbers and escaped text only


# -- What goes into a pack -------------------------------------------------------------


@dataclass
class Contact:
    name: str
    partner: str
    phone: str
    email: str
    is_lead: bool = False


@dataclass
class TeamSection:
    team: Team | None
    name: str
    colour: str
    visits: list[Visit]
    contacts: list[Contact]
    lead: Contact | None
    map_svg: SafeString


def visits_in_route_order(visits: QuerySet[Visit]) -> list[Visit]:
    tasks = VisitTask.objects.select_related("competency", "partner")
    return list(
        visits.select_related("premises", "entry_partner")
        .prefetch_related(Prefetch("tasks", queryset=tasks))
        .order_by(F("route_order").asc(nulls_last=True), F("slot_start").asc(nulls_last=True), "pk")
    )


def contacts_for(users: Iterable[Any], lead_id: int | None = None) -> list[Contact]:
    users = list(users)
    people = {
        person.user_id: person
        for person in Person.objects.filter(user__in=users).select_related("partner")
    }
    contacts = []
    for user in users:
        person = people.get(user.pk)
        contacts.append(
            Contact(
                name=user.get_full_name() or user.get_username(),
                partner=person.partner.short_name if person else "",
                phone=person.phone if person else "",
                email=user.email,
                is_lead=user.pk == lead_id,
            )
        )
    return sorted(contacts, key=lambda contact: (not contact.is_lead, contact.name))


def team_section(action_day: ActionDay, team: Team, colour: str) -> TeamSection:
    """Everything one team's pack shows of that team, built from the team alone."""
    visits = visits_in_route_order(team.visits.all())
    users = {user.pk: user for user in team.members.all()}
    if team.lead is not None:
        users[team.lead.pk] = team.lead
    contacts = contacts_for(users.values(), team.lead_id)
    route = Route(team.name, colour, [(visit.premises.lon, visit.premises.lat) for visit in visits])
    return TeamSection(
        team=team,
        name=team.name,
        colour=colour,
        visits=visits,
        contacts=contacts,
        lead=next((contact for contact in contacts if contact.is_lead), None),
        map_svg=route_map_svg(
            [route],
            briefing=action_day.briefing_point(),
            zone=action_day.zone.geometry if action_day.zone else None,
            title=team.name,
            municipality=action_day.municipality,
        ),
    )


def unassigned_section(action_day: ActionDay) -> TeamSection | None:
    visits = visits_in_route_order(action_day.visits.filter(team__isnull=True))
    if not visits:
        return None
    return TeamSection(
        team=None,
        name=str(translation.gettext("Not assigned to a team")),
        colour="#5b6472",
        visits=visits,
        contacts=[],
        lead=None,
        map_svg=mark_safe(""),  # noqa: S308 - empty
    )


def pack_context(action_day: ActionDay, team: Team | None) -> dict[str, Any]:
    """The template context of the coordinator's pack (``team`` None) or one team's."""
    teams = list(action_day.teams.select_related("lead").prefetch_related("members"))
    colours = {t.pk: ROUTE_COLOURS[index % len(ROUTE_COLOURS)] for index, t in enumerate(teams)}
    if team is not None:
        sections = [team_section(action_day, team, colours.get(team.pk, ROUTE_COLOURS[0]))]
        overview = None
    else:
        sections = [team_section(action_day, t, colours[t.pk]) for t in teams]
        if unassigned := unassigned_section(action_day):
            sections.append(unassigned)
        overview = route_map_svg(
            [
                Route(
                    section.name,
                    section.colour,
                    [(visit.premises.lon, visit.premises.lat) for visit in section.visits],
                )
                for section in sections
                if section.team is not None
            ],
            briefing=action_day.briefing_point(),
            zone=action_day.zone.geometry if action_day.zone else None,
            title=action_day.title,
            municipality=action_day.municipality,
        )
    return {
        "action_day": action_day,
        "team": team,
        "sections": sections,
        "overview_map": overview,
        "coordinator": contacts_for([action_day.coordinator])[0],
        "generated_at": timezone.localtime(),
        "plan_version": action_day.version,
    }


def render_pack(action_day: ActionDay, team: Team | None = None) -> bytes:
    """The PDF of the coordinator's pack (``team`` None) or of one team's pack."""
    if team is not None and team.action_day_id != action_day.pk:
        raise BriefingRefused("This team belongs to another action day.")
    with translation.override(action_day.municipality.language):
        html = render_to_string("inspections/briefing_pack.html", pack_context(action_day, team))
    return html_to_pdf(html)


# -- Generation in the worker ----------------------------------------------------------


def mark_queued(action_day: ActionDay, *, requested_by: str) -> dict[str, Any]:
    """The status the page polls while the worker has yet to make the packs."""
    return write_status(
        action_day,
        state=BriefingPack.State.QUEUED,
        progress=0,
        total=action_day.teams.count() + 1,
        version=action_day.version,
        error="",
        requested_by=requested_by,
        requested_at=timezone.now(),
    )


def start_generation(*, action_day: ActionDay, user: Any) -> dict[str, Any]:
    """Queue the generation of every pack of the day once the request's transaction
    commits; audited as an export of the whole day."""
    status = mark_queued(action_day, requested_by=user.get_username())
    audit.record(user, AuditEntry.Action.EXPORT, action_day, briefing="generate")
    transaction.on_commit(
        lambda: async_task(
            "inspections.briefing.generate_packs",
            action_day.pk,
            task_name=f"briefing-{action_day.code}",
            group="briefing",
        )
    )
    return status


def generate_packs(action_day_id: int) -> dict[str, Any]:
    """Render and store every pack of the day, reporting progress in its BriefingPack."""
    action_day = ActionDay.objects.select_related("municipality", "zone", "coordinator").get(
        pk=action_day_id
    )
    keys = team_keys(action_day.teams.all())
    jobs: list[tuple[str, Team | None]] = [(COORDINATOR_KEY, None), *keys.items()]
    pack, _ = BriefingPack.objects.update_or_create(
        day=action_day,
        defaults={
            "state": BriefingPack.State.RUNNING,
            "progress": 0,
            "total": len(jobs),
            "version": action_day.version,
            "error": "",
        },
    )
    # Until this run ends, the packs of the previous one stay downloadable: each file
    # row is replaced as its new file is stored.
    try:
        for done, (key, team) in enumerate(jobs, start=1):
            content = render_pack(action_day, team)
            name = write_file(briefings_storage(), pack_name(action_day, key), content)
            BriefingPackFile.objects.update_or_create(
                pack=pack,
                key=key,
                defaults={
                    "name": team.name if team else COORDINATOR_KEY,
                    "file": name,
                    "size": len(content),
                    "sha256": hashlib.sha256(content).hexdigest(),
                    "version": action_day.version,
                },
            )
            BriefingPack.objects.filter(pk=pack.pk).update(progress=done)
    except Exception as error:
        BriefingPack.objects.filter(pk=pack.pk).update(
            state=BriefingPack.State.FAILED, error=str(error)[:300]
        )
        raise
    for stale in pack.files.exclude(key__in=[key for key, _ in jobs]):
        # Packs of teams that no longer exist: their row first, so none points nowhere.
        stale_name = stale.file.name or ""
        stale.delete()
        if stale_name:
            briefings_storage().delete(stale_name)
    BriefingPack.objects.filter(pk=pack.pk).update(
        state=BriefingPack.State.DONE, generated_at=timezone.now()
    )
    return read_status(action_day)


# Packs follow the plan only once it is out: before release nobody but the coordinator
# reads them, and they regenerate them when they want.
FOLLOWING_STATUSES = (ActionDay.Status.RELEASED, ActionDay.Status.IN_PROGRESS)


def regenerate_after_release(action_day: ActionDay) -> None:
    """Called with every change to the plan: when the change commits and the day is then
    released or under way (release itself included), make the packs again in the worker.
    The status is read after the commit, so a change refused or rolled back queues
    nothing, and a step back to planned leaves the packs marked outdated instead."""
    transaction.on_commit(lambda: queue_if_following(action_day.pk))


def queue_if_following(action_day_id: int) -> None:
    action_day = ActionDay.objects.filter(pk=action_day_id, status__in=FOLLOWING_STATUSES).first()
    if action_day is None:
        return
    mark_queued(action_day, requested_by="")
    async_task(
        "inspections.briefing.generate_packs",
        action_day.pk,
        task_name=f"briefing-{action_day.code}-v{action_day.version}",
        group="briefing",
    )


def pack_version(action_day: ActionDay, key: str) -> int | None:
    """The plan version a stored pack shows (None for packs made before packs said so)."""
    version = read_status(action_day).get("files", {}).get(key, {}).get("version")
    return version if isinstance(version, int) else None


def stored_pack(action_day: ActionDay, key: str) -> BriefingPackFile | None:
    """The stored pack of ``key`` when its file is there to be read."""
    stored = BriefingPackFile.objects.filter(pack__day=action_day, key=key).first()
    if stored is None or not briefings_storage().exists(stored.file.name or ""):
        return None
    return stored
