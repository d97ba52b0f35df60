"""The inspector's day on a tablet: "My action day", a visit, a checklist, and the files
that make it an installable, offline-first web app (manifest and service worker).

Every page is rendered by the server and cached by the service worker; the behaviour
lives in ``static/integra/field/*.js`` and reads each page's data from a JSON island.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from gis.reference import around
from gis.views.reference import map_background
from inspections.api import assignments_for
from inspections.checklists.definition import label_in
from inspections.field_access import checklists_by_visit, field_visits, write_refusal
from inspections.models import ChecklistVersion, Finding, Visit
from inspections.sync import (
    Problem,
    person_name,
    photo_places,
    readable_answers,
    record_visit_outcome,
)
from partners import audit
from partners.models import AuditEntry, person_of

FIELD_ASSETS = (
    "integra/integra.css",
    "integra/integra.js",
    "integra/field/field.css",
    "integra/field/conditions.js",
    "integra/field/store.js",
    "integra/background.js",
    "integra/field/app.js",
    "integra/field/icon-192.png",
    "integra/field/icon-512.png",
    # Leaflet without its marker images: the route's stops are drawn as numbered divIcons
    # and the reference layers' points as circles.
    "vendor/leaflet/leaflet.css",
    "vendor/leaflet/leaflet.js",
)
OUTCOMES = ("start", "done", "no_access", "closed")
ENDED = (Visit.Status.DONE, Visit.Status.NO_ACCESS, Visit.Status.CLOSED)


def geo_link(lat: float, lon: float, label: str) -> str:
    """A ``geo:`` URI (RFC 5870, with the ``q`` query Android's and iOS's maps apps read)
    that opens the tablet's own maps app on the premises, ready to navigate there."""
    point = f"{lat:.6f},{lon:.6f}"
    return f"geo:{point}?q={point}({quote(label, safe='')})"


def visit_phase(status: str, checklists: list[dict[str, Any]]) -> str:
    """What the visit page offers first: start the visit, continue with the first
    checklist not yet filled, finish the visit, or nothing more once it ended. The
    field script applies the same rule to what the device itself has saved."""
    if status in ENDED:
        return "ended"
    if status == Visit.Status.PLANNED:
        return "start"
    return "continue" if any(not item["finding"] for item in checklists) else "finish"


def language() -> str:
    return (get_language() or "nl")[:2]


def strings() -> dict[str, str]:
    """The texts the field scripts show, in the page's language."""
    return {
        "pending": _("Waiting to be sent"),
        "sending": _("Sending…"),
        "sent": _("Sent"),
        "failed": _("Failed"),
        "refused": _("Refused: kept on this device"),
        "offline": _("Offline: your work is kept on this device and sent later."),
        "online": _("Online"),
        "ready": _("This day is available offline."),
        "preparing": _("Preparing this day for offline use…"),
        "notReady": _("This day could not be stored for offline use yet."),
        "storageShort": _("Storage on this device is running short: sync and free space."),
        "storageNotPersistent": _(
            "The browser may clear stored work when space is short: sync often."
        ),
        "saved": _("Saved on this device."),
        "required": _("This question is required."),
        "wholeNumber": _("A whole number is expected."),
        "number": _("A number is expected."),
        "notNegative": _("A number of persons cannot be negative."),
        "fixErrors": _("Some answers need attention."),
        "emptyOutbox": _("Nothing waiting to be sent."),
        "retry": _("Try again"),
        "signIn": _("Sign in again to send your work."),
        "photo": _("Photo"),
        "removePhoto": _("Remove photo"),
        "started": _("Visit started"),
        "done": _("Visit finished"),
        "no_access": _("No access"),
        "closed": _("Premises closed"),
        "outboxTitle": _("Outbox"),
        "sentTitle": _("Sent"),
        "conflict": _("Someone changed this finding since you opened it."),
        "conflictState": _("Changed by a colleague: choose the answers"),
        "merged": _("Merged with a colleague's version"),
        "compare": _("Compare and choose"),
        "savedBy": _("Saved by"),
        "changedBy": _("Changed by a colleague:"),
        "useMine": _("Mine"),
        "useTheirs": _("Theirs"),
        "same": _("Same answer"),
        "bothKept": _("Photos of both kept"),
        "yes": _("Yes"),
        "no": _("No"),
        "photos": _("photos"),
        "photosElsewhere": _("photos held on another device, sent from there"),
        "photoOnServer": _("Photo already sent"),
        "photoHeldBy": _("Photo held on the device of"),
        "photoElsewhere": _("Photo held on another device"),
        "photosPending": _("photos waiting"),
        "localDraft": _("Saved on this device"),
        "savedWaiting": _("Saved on this device: it will be sent when there is a network."),
        "sentToServer": _("Sent: the server has it."),
        "visitDone": _("Visit done"),
    }


def page_data(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {
        "api": "/api/v1/",
        "user": request.user.get_username(),
        "language": language(),
        "strings": strings(),
        "sw": reverse("field-sw"),
        "scope": reverse("field-day"),
        **extra,
    }


@login_required
def field_day(request: HttpRequest) -> HttpResponse:
    """My action day: the team's visits in route order, a small map, and every page the
    device must cache to work offline: the day, each visit, and each checklist version
    once (its page serves every visit; what belongs to a visit travels in this page's
    data and is filled in on the device)."""
    days = assignments_for(request.user)
    urls = [reverse("field-day")]
    forms: dict[str, str] = {}
    markers = []
    visit_data: dict[str, dict[str, Any]] = {}
    for day in days:
        for visit in day["visits"]:
            code = visit["code"]
            place = visit["premises"]
            visit["geo"] = geo_link(place["lat"], place["lon"], place["name"])
            url = reverse("field-visit", args=[code])
            urls.append(url)
            for checklist in visit["checklists"]:
                form = reverse("field-checklist-form", args=[checklist["code"]])
                forms.setdefault(form, form)
            markers.append(
                {
                    "day": str(day["code"]),
                    "order": visit["route_order"],
                    "name": visit["premises"]["name"],
                    "lon": visit["premises"]["lon"],
                    "lat": visit["premises"]["lat"],
                    "url": url,
                }
            )
            name = visit["visit"].premises.display_name
            visit_data[str(code)] = {"url": url, "name": name, "label": place["name"]}
    for code, known in known_findings(request, [v["visit"] for d in days for v in d["visits"]]):
        visit_data[code].setdefault("known", {}).update(known)
    data = page_data(
        request,
        page="day",
        precache=urls + list(forms),
        markers=markers,
        # Drawn offline too: the reference layers around the day's stops travel inline.
        background=map_background(
            request.user, inline=around([(m["lon"], m["lat"]) for m in markers])
        ),
        visits=visit_data,
    )
    return render(request, "inspections/field_day.html", {"days": days, "field_data": data})


def known_finding(request: HttpRequest, finding: Finding) -> dict[str, Any]:
    """What the device is told of a finding already on the server (a colleague's save or
    this device's own), read on the user's behalf and recorded as read."""
    audit.record(request.user, AuditEntry.Action.READ, finding, path=request.path)
    return {
        "version": finding.version,
        "answers": readable_answers(finding, request.user),
        "recorded_by": person_name(finding.recorded_by),
        "photos": photo_places(finding),
    }


def known_findings(
    request: HttpRequest, visits: list[Visit]
) -> list[tuple[str, dict[str, dict[str, Any]]]]:
    """The findings the user's partner already has at these visits, by visit code and
    checklist (template slug): the day page carries them, so that a checklist opened
    offline starts from them as its own page once did."""
    person = person_of(request.user)
    if person is None or not visits:
        return []
    findings = (
        Finding.objects.filter(visit__in=visits, partner_id=person.partner_id)
        .select_related("visit", "template", "recorded_by")
        .order_by("pk")
    )
    return [
        (str(finding.visit.code), {finding.template.slug: known_finding(request, finding)})
        for finding in findings
    ]


def checklist_url(visit: Visit, version: ChecklistVersion) -> str:
    """A checklist's shared page, for this visit."""
    return f"{reverse('field-checklist-form', args=[version.code])}?visit={visit.code}"


def get_field_visit(request: HttpRequest, code: uuid.UUID) -> Visit:
    """A visit of the user's team on a released day (404 otherwise)."""
    visit = (
        field_visits(request.user)
        .select_related("action_day", "premises", "premises__sector", "team")
        .filter(code=code)
        .first()
    )
    if visit is None:
        raise Http404("No such visit")
    return visit


@login_required
@require_http_methods(["GET", "POST"])
def field_visit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """A visit: its premises, its checklists for the user's partner, and the buttons that
    start it and record how it ended (a plain form without JavaScript)."""
    visit = get_field_visit(request, code)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in OUTCOMES:
            try:
                record_visit_outcome(
                    user=request.user, visit_code=visit.code, action=action, at=timezone.now()
                )
            except Problem as problem:
                return HttpResponse(problem.detail, status=problem.status)
        return redirect("field-visit", code=visit.code)
    versions = checklists_by_visit(request.user, [visit])[visit.pk]
    person = person_of(request.user)
    findings = {
        finding.template_id: finding
        for finding in Finding.objects.filter(visit=visit, partner_id=person.partner_id)  # type: ignore[union-attr]
    }
    checklists = [
        {
            "version": version,
            "finding": findings.get(version.template_id),
            "url": checklist_url(visit, version),
            "key": f"{visit.code}/{version.template.slug}",
        }
        for version in versions
    ]
    data = page_data(request, page="visit", visit=str(visit.code), status=visit.status)
    context = {
        "visit": visit,
        "checklists": checklists,
        "phase": visit_phase(visit.status, checklists),
        "next_checklist": next((item for item in checklists if not item["finding"]), None),
        "geo": geo_link(visit.premises.lat, visit.premises.lon, visit.premises.label()),
        "field_data": data,
    }
    return render(request, "inspections/field_visit.html", context)


def checklist_version(code: uuid.UUID) -> ChecklistVersion | None:
    return (
        ChecklistVersion.objects.select_related("template")
        .filter(code=code, status=ChecklistVersion.Status.PUBLISHED)
        .first()
    )


def visit_checklist(
    request: HttpRequest, code: uuid.UUID, version: uuid.UUID
) -> tuple[Visit, ChecklistVersion]:
    """A visit of the user's team and a checklist version their partner fills there
    (404 otherwise)."""
    visit = get_field_visit(request, code)
    checklist = checklist_version(version)
    if checklist is None or write_refusal(request.user, visit, checklist):
        raise Http404("No such checklist at this visit")
    return visit, checklist


def visit_part(request: HttpRequest, visit: Visit, checklist: ChecklistVersion) -> dict[str, Any]:
    """What belongs to one visit on a checklist's page: which visit, its premises, the
    finding the user's partner already has there, and the key the device stores the
    answers under."""
    person = person_of(request.user)
    assert person is not None  # write_refusal let only field workers through
    finding = Finding.objects.filter(
        visit=visit, partner_id=person.partner_id, template_id=checklist.template_id
    ).first()
    return {
        "visit": str(visit.code),
        "visitUrl": reverse("field-visit", args=[visit.code]),
        "name": visit.premises.display_name,
        "label": visit.premises.label(),
        "key": f"{visit.code}/{checklist.template.slug}",
        "title": f"{visit.premises.label()} · {checklist.template.title}",
        "known": known_finding(request, finding) if finding is not None else None,
    }


def render_checklist(
    request: HttpRequest, checklist: ChecklistVersion, visit: Visit | None = None
) -> HttpResponse:
    part = visit_part(request, visit, checklist) if visit is not None else {}
    data = page_data(
        request,
        page="checklist",
        templateVersion=str(checklist.code),
        template=checklist.template.slug,
        templateTitle=checklist.template.title,
        # Where the device asks for a visit's part of this page, when online.
        visitPart=reverse("field-checklist-data", args=[uuid.UUID(int=0), checklist.code]),
        definition=checklist.definition,
        **part,
    )
    questions = [question_context(item) for item in checklist.questions]
    context = {
        "visit": visit,
        "checklist": checklist,
        "questions": questions,
        "groups": {g["name"]: g for g in checklist.definition.get("groups", [])},
        "field_data": data,
    }
    return render(request, "inspections/field_checklist.html", context)


@login_required
def field_checklist_form(request: HttpRequest, version: uuid.UUID) -> HttpResponse:
    """One checklist version's page, the same for every visit of the day: the device
    caches it once and fills in the visit named by ``?visit=`` (its premises, the
    answers already saved there) from what it holds of the day."""
    checklist = checklist_version(version)
    visits = list(field_visits(request.user).select_related("premises", "team", "action_day"))
    filled = {v.pk for found in checklists_by_visit(request.user, visits).values() for v in found}
    if checklist is None or checklist.pk not in filled:
        raise Http404("No such checklist on your action days")
    return render_checklist(request, checklist)


@login_required
def field_checklist(request: HttpRequest, code: uuid.UUID, version: uuid.UUID) -> HttpResponse:
    """One checklist to fill at a visit, with the visit's part drawn in by the server
    (the address a checklist had before its page was shared by the visits)."""
    visit, checklist = visit_checklist(request, code, version)
    return render_checklist(request, checklist, visit)


@never_cache
@login_required
def field_checklist_data(request: HttpRequest, code: uuid.UUID, version: uuid.UUID) -> JsonResponse:
    """A visit's part of a checklist's page, asked by the device when online so that it
    starts from the latest answers on the server."""
    visit, checklist = visit_checklist(request, code, version)
    return JsonResponse(visit_part(request, visit, checklist))


def question_context(item: dict[str, Any]) -> dict[str, Any]:
    lang = language()
    return {
        **item,
        "text": label_in(item.get("label", {}), lang),
        "hint_text": label_in(item.get("hint", {}), lang) if item.get("hint") else "",
        "choice_list": [
            {"name": choice["name"], "text": label_in(choice.get("label", {}), lang)}
            for choice in (
                item.get("choices")
                or (
                    [
                        {"name": "yes", "label": {"nl": "Ja", "fr": "Oui", "en": "Yes"}},
                        {"name": "no", "label": {"nl": "Nee", "fr": "Non", "en": "No"}},
                    ]
                    if item["type"] == "yes_no"
                    else []
                )
            )
        ],
    }


def asset_urls() -> list[str]:
    return [static(path) for path in FIELD_ASSETS]


def release() -> str:
    """A fingerprint of the field app's files: a new release installs a new service
    worker with its own cache, while the old cache stays until the outbox is empty."""
    digest = hashlib.sha256()
    for path in (*FIELD_ASSETS, "integra/field/sw.js"):
        found = finders.find(path)
        if found:
            with open(found, "rb") as stream:  # noqa: PTH123
                digest.update(stream.read())
        digest.update(static(path).encode())
    return digest.hexdigest()[:12]


@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from /field/ so that it controls every field page."""
    found = finders.find("integra/field/sw.js")
    if not found:
        raise Http404("No service worker")
    with open(found, encoding="utf-8") as stream:  # noqa: PTH123
        body = stream.read()
    config = {"release": release(), "assets": asset_urls(), "scope": reverse("field-day")}
    script = f"self.INTEGRA_FIELD = {json.dumps(config)};\n{body}"
    response = HttpResponse(script, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("field-day")
    return response


def manifest(request: HttpRequest) -> HttpResponse:
    data = {
        "name": "Integra – " + _("My action day"),
        "short_name": "Integra",
        "start_url": reverse("field-day"),
        "scope": reverse("field-day"),
        "display": "standalone",
        "background_color": "#f5f7fa",
        "theme_color": "#12263f",
        "lang": language(),
        "icons": [
            {"src": static("integra/field/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("integra/field/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response
