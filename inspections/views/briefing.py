"""Briefing packs and calendar invites of an action day.

The day's coordinators generate and download every pack and the zip of all invites.
A team member or lead downloads only their own team's pack, and only once the day is
released; anyone else gets a 404. Every generation and download is audited (EXPORT).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inspections import briefing, invites
from inspections.access import (
    AFTERMATH_STATUSES,
    coordinates,
    get_action_day_for_user,
    teams_of,
)
from inspections.models import ActionDay
from partners import audit
from partners.http import HtmxHttpRequest
from partners.models import AuditEntry


def packs_for(user: Any, action_day: ActionDay) -> list[dict[str, Any]]:
    """The packs this user may download, with whether each has been generated."""
    keys = briefing.team_keys(action_day.teams.all())
    if coordinates(user, action_day):
        wanted = [(briefing.COORDINATOR_KEY, _("Coordinator (all teams)"))]
        wanted += [(key, team.name) for key, team in keys.items()]
    else:
        mine = set(teams_of(user, action_day).values_list("pk", flat=True))
        wanted = [(key, team.name) for key, team in keys.items() if team.pk in mine]
    status = briefing.read_status(action_day)
    stored = status.get("files", {})
    packs = []
    for key, name in wanted:
        # Packs stored before each file kept its own version share the run's.
        version = stored.get(key, {}).get("version", status.get("version"))
        packs.append(
            {
                "key": key,
                "name": name,
                "ready": key in stored,
                "version": version,
                "outdated": key in stored and version != action_day.version,
            }
        )
    return packs


def briefing_context(request: HttpRequest, action_day: ActionDay) -> dict[str, Any]:
    status = briefing.read_status(action_day)
    return {
        "action_day": action_day,
        "status": status,
        "outdated": status.get("state") == "done" and status.get("version") != action_day.version,
        "can_generate": coordinates(request.user, action_day),
        "packs": packs_for(request.user, action_day),
        "is_closed": action_day.status in AFTERMATH_STATUSES,
    }


def get_participating_day(request: HttpRequest, code: Any) -> ActionDay:
    """The day if the user coordinates it or is in one of its teams (released), else 404."""
    action_day = get_action_day_for_user(request, code)
    if not coordinates(request.user, action_day) and not teams_of(request.user, action_day):
        raise Http404("No such action day")
    return action_day


@login_required
def briefing_page(request: HtmxHttpRequest, code: str) -> HttpResponse:
    action_day = get_participating_day(request, code)
    template = "inspections/briefing.html"
    if request.htmx:
        template += "#status"
    return render(request, template, briefing_context(request, action_day))


@login_required
@require_POST
def briefing_generate(request: HtmxHttpRequest, code: str) -> HttpResponse:
    action_day = get_action_day_for_user(request, code, plannable=True)
    briefing.start_generation(action_day=action_day, user=request.user)
    if not request.htmx:
        messages.success(request, _("The briefing packs are being generated."))
        return redirect("action-day-briefing", code=action_day.code)
    return render(
        request, "inspections/briefing.html#status", briefing_context(request, action_day)
    )


# The coordinator's pack in a file name, per document language (the team packs carry
# the team's name).
COORDINATOR_FILE_NAMES = {"nl": "coordinator", "fr": "coordinateur", "en": "coordinator"}


def pack_download_name(action_day: ActionDay, key: str, version: int | None) -> str:
    """``briefing-<day title>-<date>-<team>-v<plan version>.pdf``: which day and plan
    the pack shows, so a saved copy can be recognised and compared."""
    language = action_day.municipality.language
    who = (
        COORDINATOR_FILE_NAMES.get(language, "coordinator")
        if key == briefing.COORDINATOR_KEY
        else key
    )
    parts = ["briefing", slugify(action_day.title), action_day.date.isoformat(), who]
    if version:
        parts.append(f"v{version}")
    return "-".join(part for part in parts if part) + ".pdf"


@login_required
def briefing_download(request: HttpRequest, code: str, key: str) -> FileResponse:
    action_day = get_participating_day(request, code)
    pack = next((pack for pack in packs_for(request.user, action_day) if pack["key"] == key), None)
    stored = briefing.stored_pack(action_day, key) if pack else None
    if pack is None or stored is None:
        raise Http404("No such briefing pack")
    try:
        stream = stored.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404("No such briefing pack") from missing
    audit.record(request.user, AuditEntry.Action.EXPORT, action_day, briefing=key)
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=pack_download_name(action_day, key, pack["version"]),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def invite_download(request: HttpRequest, code: str) -> HttpResponse:
    """The requesting user's own invite."""
    action_day = get_participating_day(request, code)
    who = invites.participant(action_day, request.user)
    if who is None:
        raise Http404("Not taking part")
    audit.record(request.user, AuditEntry.Action.EXPORT, action_day, invite="self")
    response = HttpResponse(invites.invite(action_day, who), content_type="text/calendar")
    filename = invites.invite_filename(action_day, request.user)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def invites_download(request: HttpRequest, code: str) -> HttpResponse:
    """Every participant's invite in one zip, for the day's coordinators."""
    action_day = get_action_day_for_user(request, code, plannable=True)
    audit.record(request.user, AuditEntry.Action.EXPORT, action_day, invite="all")
    response = HttpResponse(invites.invites_zip(action_day), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="invites-{action_day.date:%Y%m%d}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response
