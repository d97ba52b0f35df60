"""The field sync API (``/api/v1/``, OpenAPI schema at ``/api/v1/openapi.json``).

Devices sign in with the browser session (unsafe methods then need the CSRF token in
``X-CSRFToken``) or with a bearer token (:class:`inspections.models.DeviceToken`).
Errors are problem+json documents (RFC 9457). Every read of a finding is audited.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.responses import Response, Status
from ninja.security import HttpBearer, SessionAuth

from inspections.access import visible_checklists
from inspections.evidence import max_bytes, store_photo
from inspections.field_access import checklists_by_visit, field_days, field_visits, late_detail
from inspections.models import ChecklistVersion, DeviceToken, Finding, Submission
from inspections.sync import (
    Problem,
    expected_photos,
    get_submission_for_user,
    person_name,
    readable_answers,
    record_visit_outcome,
    submit,
)
from partners import audit
from partners.models import AuditEntry

PROBLEM_TYPE = "application/problem+json"


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


def user_for_token(raw: str) -> Any:
    """The active user a device token stands for (None when there is none), read with
    their person (partner and roles), which every field request needs."""
    token = (
        DeviceToken.objects.select_related("user__person")
        .filter(key_hash=DeviceToken.hash(raw))
        .order_by()
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    return token.user


api = NinjaAPI(
    title="Integra field sync",
    version="1",
    description=__doc__ or "",
    urls_namespace="api-v1",
    auth=[TokenAuth(), SessionAuth(csrf=True)],
)


def problem_response(problem: Problem) -> HttpResponse:
    return Response(problem.as_json(), status=problem.status, content_type=PROBLEM_TYPE)


@api.exception_handler(Problem)
def on_problem(request: HttpRequest, error: Problem) -> HttpResponse:
    return problem_response(error)


@api.exception_handler(ValidationError)
def on_invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for item in error.errors:
        location = [str(part) for part in item.get("loc", []) if part not in ("body", "payload")]
        errors.setdefault(".".join(location) or "body", []).append(str(item.get("msg", "")))
    return problem_response(Problem(400, _("Invalid request"), errors=errors))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return problem_response(Problem(401, _("Not signed in"), _("Sign in or send a device token.")))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    return problem_response(Problem(error.status_code, str(error)))


class Pong(Schema):
    ok: bool
    user: str


@api.get("/ping", response=Pong, summary="A no-op that checks the credentials")
def ping(request: HttpRequest) -> dict[str, Any]:
    return {"ok": True, "user": request.user.get_username()}


class ChecklistRef(Schema):
    code: uuid.UUID
    template: str
    title: str
    version: int


class PremisesOut(Schema):
    name: str
    address: str
    lon: float
    lat: float


class VisitOut(Schema):
    code: uuid.UUID
    route_order: int | None
    status: str
    team: str
    premises: PremisesOut
    checklists: list[ChecklistRef]


class DayOut(Schema):
    code: uuid.UUID
    title: str
    date: str
    status: str
    visits: list[VisitOut]


def assignments_for(user: Any) -> list[dict[str, Any]]:
    visits = list(
        field_visits(user)
        .select_related("premises", "team", "action_day")
        .order_by("action_day__date", "team__name", "route_order", "slot_start")
    )
    checklists = checklists_by_visit(user, visits)
    days: dict[int, dict[str, Any]] = {}
    for day in field_days(user):
        days[day.pk] = {
            "code": day.code,
            "title": day.title,
            "date": day.date.isoformat(),
            "status": day.status,
            "visits": [],
            "day": day,
        }
    for visit in visits:
        days[visit.action_day_id]["visits"].append(
            {
                "code": visit.code,
                "route_order": visit.route_order,
                "status": visit.status,
                "team": visit.team.name if visit.team else "",
                "premises": {
                    "name": visit.premises.label(),
                    "address": visit.premises.address,
                    "lon": visit.premises.lon,
                    "lat": visit.premises.lat,
                },
                "checklists": [
                    {
                        "code": version.code,
                        "template": version.template.slug,
                        "title": version.template.title,
                        "version": version.number,
                    }
                    for version in checklists[visit.pk]
                ],
                "visit": visit,
            }
        )
    return list(days.values())


@api.get("/me/assignments", response=list[DayOut], summary="My released action days")
def my_assignments(request: HttpRequest) -> list[dict[str, Any]]:
    """The released (or in progress) action days of the user's teams, each visit with
    the checklist versions the user's partner fills there."""
    return assignments_for(request.user)


class ChecklistOut(Schema):
    code: uuid.UUID
    template: str
    title: str
    version: int
    definition: dict[str, Any]


@api.get("/checklists/{code}", response=ChecklistOut, summary="A published checklist version")
def checklist(request: HttpRequest, code: uuid.UUID) -> dict[str, Any]:
    # Another city's own copy of a checklist is not found, as on the builder's pages.
    version = (
        ChecklistVersion.objects.select_related("template")
        .filter(code=code, status=ChecklistVersion.Status.PUBLISHED)
        .filter(template__in=visible_checklists(request.user))
        .first()
    )
    if version is None:
        raise Problem(404, _("No such checklist version"))
    return {
        "code": version.code,
        "template": version.template.slug,
        "title": version.template.title,
        "version": version.number,
        "definition": version.definition,
    }


class FindingIn(Schema):
    client_id: uuid.UUID
    visit: uuid.UUID
    template_version: uuid.UUID
    answers: dict[str, Any]
    base_version: int | None = None
    recorded_at: datetime


class ExpectedPhotoOut(Schema):
    sha256: str
    held_by: str
    saved_at: datetime | None


class FindingOut(Schema):
    client_id: uuid.UUID
    finding: uuid.UUID
    visit: uuid.UUID
    template_version: uuid.UUID
    version: int
    submission_version: int
    answers: dict[str, Any]
    sharing: dict[str, str]
    complete: bool
    missing_photos: list[str]
    expected_photos: list[ExpectedPhotoOut]
    recorded_by: str
    recorded_at: datetime


def finding_out(
    finding: Finding, submission: Submission, reader: Any, missing: list[str] | None = None
) -> dict[str, Any]:
    """The finding as ``reader`` may read it; ``missing`` are its photos still to come,
    when the caller knows them."""
    answers = readable_answers(finding, reader)
    questions = {item["name"]: item for item in finding.template_version.questions}
    expected = expected_photos(finding, missing)
    missing = [item["sha256"] for item in expected]
    return {
        "client_id": submission.client_id,
        "finding": finding.code,
        "visit": finding.visit.code,
        "template_version": finding.template_version.code,
        "version": finding.version,
        "submission_version": submission.version,
        "answers": answers,
        "sharing": {name: questions[name].get("sharing", "city") for name in answers},
        "complete": not missing,
        "missing_photos": missing,
        "expected_photos": expected,
        "recorded_by": person_name(finding.recorded_by),
        "recorded_at": finding.recorded_at,
    }


@api.post(
    "/findings",
    response={200: FindingOut, 201: FindingOut},
    summary="Store one submission of a finding",
)
def post_finding(request: HttpRequest, payload: FindingIn) -> Status[dict[str, Any]]:
    """201 when stored; 200 with the stored finding when this ``client_id`` was already
    stored; 409 when ``base_version`` is stale, with the current version's answers (as
    far as the user may read them), who saved it and when, and where its photos are
    (``current_answers``, ``current_by``, ``current_at``, ``current_photos``); 400 with
    the reasons per question when the answers do not fit; 403 when the user may not
    record this checklist here; 410 with the reason when the action day takes no more
    saves (a closed day takes only what was recorded on its date, a reported day
    nothing)."""
    stored = submit(
        user=request.user,
        client_id=payload.client_id,
        visit_code=payload.visit,
        version_code=payload.template_version,
        answers=payload.answers,
        base_version=payload.base_version,
        recorded_at=payload.recorded_at,
    )
    if not stored.created:
        audit.record(
            request.user, AuditEntry.Action.READ, stored.finding, client_id=str(payload.client_id)
        )
    body = finding_out(stored.finding, stored.submission, request.user, stored.missing)
    return Status(201 if stored.created else 200, body)


@api.get("/findings/{client_id}", response=FindingOut, summary="A finding by a submission")
def get_finding(request: HttpRequest, client_id: uuid.UUID) -> dict[str, Any]:
    """The finding the user's submission ``client_id`` belongs to, its current version
    (who saved it last), and the photos still expected with the inspector holding each."""
    submission = get_submission_for_user(request.user, client_id)
    finding = submission.finding
    audit.record(request.user, AuditEntry.Action.READ, finding, client_id=str(client_id))
    return finding_out(finding, submission, request.user)


class PhotoOut(Schema):
    sha256: str
    size: int
    content_type: str
    finding_complete: bool
    missing_photos: list[str]


@api.put(
    "/findings/{client_id}/evidence/{sha256}",
    response={200: PhotoOut, 201: PhotoOut},
    summary="Upload one photo of a finding (the raw image bytes)",
)
def put_evidence(request: HttpRequest, client_id: uuid.UUID, sha256: str) -> Status[Any]:
    """Stored once under its SHA-256; the hash is checked and the image decoded. Sending
    it again is harmless (200). The photos of a finding the server took keep arriving
    after its day was closed (audited as late)."""
    submission = get_submission_for_user(request.user, client_id)
    data = read_limited(request, max_bytes())
    stored = store_photo(user=request.user, submission=submission, sha256=sha256, data=data)
    late = late_detail(submission.finding.visit)
    if stored.created and late:
        # The photo of a finding taken on the day, arriving after the day was closed.
        day = submission.finding.visit.action_day
        audit.record(
            request.user,
            AuditEntry.Action.CREATE,
            stored.evidence,
            municipality=day.municipality,
            client_id=str(client_id),
            **late,
        )
    body = {
        "sha256": stored.evidence.sha256,
        "size": stored.evidence.size,
        "content_type": stored.evidence.content_type,
        "finding_complete": not stored.missing,
        "missing_photos": stored.missing,
    }
    return Status(201 if stored.created else 200, body)


def read_limited(request: HttpRequest, limit: int) -> bytes:
    """The request body, refused (413) past ``limit`` bytes without reading it all."""
    declared = int(request.META.get("CONTENT_LENGTH") or 0)
    if declared > limit:
        raise Problem(413, _("Photo too large"), _("A photo may be at most %d bytes.") % limit)
    chunks, total = [], 0
    while chunk := request.read(64 * 1024):
        total += len(chunk)
        if total > limit:
            raise Problem(413, _("Photo too large"), _("A photo may be at most %d bytes.") % limit)
        chunks.append(chunk)
    return b"".join(chunks)


class VisitOutcomeIn(Schema):
    action: Literal["start", "done", "no_access", "closed"]
    at: datetime | None = None


class VisitStateOut(Schema):
    code: uuid.UUID
    status: str
    started_at: datetime | None
    finished_at: datetime | None


@api.post("/visits/{code}/outcome", response=VisitStateOut, summary="Start or end a visit")
def visit_outcome(request: HttpRequest, code: uuid.UUID, payload: VisitOutcomeIn) -> Any:
    """Start a visit, or record that it was done, had no access or found the premises
    closed, at ``at`` (the time the device recorded; now when left out). Sending the
    same outcome again changes nothing. 400 when ``at`` is not on the action day's date
    or lies in the future, or an end comes before the start; 409 when the day cannot
    start; 410 when the day takes no more saves (as for findings). The first visit
    started on the date of a released day starts the day."""
    return record_visit_outcome(
        user=request.user, visit_code=code, action=payload.action, at=payload.at or timezone.now()
    )
