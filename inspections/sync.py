"""Storing what devices send: findings (idempotent, versioned) and visit outcomes.

Rules:

- a submission is stored once: its ``client_id`` is unique, and sending it again, also
  concurrently, returns what was stored without storing anything new;
- ``base_version`` is the finding version the device last saw (None for a new finding);
  a stale one is refused with the current version (409), never written over;
- answers are validated against the checklist version they answer; nothing is stored
  when any answer is wrong (400, the reasons per question);
- a save of a closed day is taken when the device recorded it on the action day's date
  (the tablet was offline when the day closed), audited as arrived after the close; a
  reported day, or a save of another date, is refused (410) with the reason;
- a "yes" to a question linked to an indicator raises a signal on the premises (source
  "earlier inspection", confidentiality from the answer's sharing level) and refreshes
  the premises' risk; a later "no" withdraws it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, transaction
from django.db.models import F, Q
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from gis import risk
from gis.models import Indicator, Premises, Signal
from inspections import actions
from inspections.checklists.definition import (
    clean_answers,
    label_in,
    legal_reference_in,
    photos_in,
)
from inspections.field_access import (
    CITY_COLUMNS,
    DAY_COLUMNS,
    PREMISES_COLUMNS,
    TEMPLATE_COLUMNS,
    VISIT_COLUMNS,
    checklist_at_visit,
    late_detail,
    late_refusal,
    team_visit_for,
    write_refusal,
    written_columns,
    written_instances,
)
from inspections.models import (
    ActionDay,
    ChecklistTemplate,
    ChecklistVersion,
    Evidence,
    Finding,
    FindingAnswer,
    InvalidTransition,
    Submission,
    Visit,
)
from partners import audit
from partners.models import AuditEntry, Municipality, person_of


@dataclass
class Problem(Exception):
    """An answer in the problem+json style (RFC 9457)."""

    status: int
    title: str
    detail: str = ""
    errors: dict[str, list[str]] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": "about:blank",
            "title": self.title,
            "status": self.status,
            "detail": self.detail or self.title,
        }
        if self.errors:
            body["errors"] = self.errors
        return body | self.extra


@dataclass
class Stored:
    created: bool
    finding: Finding
    submission: Submission
    # The photos the finding still waits for, when the save already knows them.
    missing: list[str] | None = None


class _Taken(Exception):
    """Another transaction stored this client_id first."""


class _FindingTaken(Exception):
    """A first version of a finding that exists already (its key)."""

    def __init__(self, key: dict[str, Any]):
        super().__init__()
        self.key = key


@dataclass(frozen=True)
class VersionData:
    """What a published checklist version says, which never changes (see
    ``ChecklistVersion.save``): its definition and its questions by name."""

    definition: dict[str, Any]
    questions: dict[str, dict[str, Any]]


# Read once per process, by the version's code (a random UUID, never reused). Only what
# never changes: the indicators its questions name are looked up at each save, as the
# catalogue may change through any process of the installation.
_VERSIONS: dict[uuid.UUID, VersionData] = {}
_VERSIONS_KEPT = 500


def version_data(version: ChecklistVersion) -> VersionData:
    """The definition of a published ``version``, read once per process; the version gets
    its definition (it may come without it)."""
    data = _VERSIONS.get(version.code)
    if data is None:
        if "definition" in version.get_deferred_fields():
            rows = ChecklistVersion.objects.filter(pk=version.pk).values_list("definition")
            version.definition = rows.get()[0]
        definition = version.definition
        questions = {str(item["name"]): item for item in definition.get("questions", [])}
        data = VersionData(definition, questions)
        if version.status == ChecklistVersion.Status.PUBLISHED:
            if len(_VERSIONS) >= _VERSIONS_KEPT:
                _VERSIONS.clear()
            _VERSIONS[version.code] = data
    version.definition = data.definition
    return data


def submit(
    *,
    user: Any,
    client_id: uuid.UUID,
    visit_code: uuid.UUID,
    version_code: uuid.UUID,
    answers: dict[str, Any],
    base_version: int | None,
    recorded_at: datetime,
) -> Stored:
    """Store one submission, or return the one stored under ``client_id``."""
    existing = _stored(client_id)
    if existing is not None:
        return _replay(user, existing)
    visit, version = writable_checklist(user, visit_code, version_code)
    data = version_data(version)
    if recorded_at.tzinfo is None:
        recorded_at = timezone.make_aware(recorded_at)
    # As the database gives it back, so a first answer and a replay read the same.
    recorded_at = recorded_at.astimezone(UTC)
    refuse_late(user, visit, recorded_at)
    cleaned, errors = clean_answers(version.definition, answers)
    if errors:
        # The outbox names each refused answer by its question, not by the question's key.
        language = get_language() or "nl"
        labels = {
            name: label_in(item.get("label") or {}, language)
            for name, item in data.questions.items()
            if name in errors
        }
        raise Problem(
            400,
            _("Invalid answers"),
            _("Some answers do not fit the checklist."),
            errors,
            extra={"labels": labels},
        )
    # Prepared before the write transaction, which then only writes (SQLite has one
    # writer at a time: every statement inside it holds up every other inspector).
    rows = answer_rows(visit, data, cleaned)
    try:
        # No savepoint inside: a unique key taken by another save rolls it all back, and
        # what happened is read after (SQLite has one writer at a time).
        with transaction.atomic():
            return _store(
                user=user,
                client_id=client_id,
                visit=visit,
                version=version,
                rows=rows,
                base_version=base_version,
                recorded_at=recorded_at,
            )
    except (_Taken, _FindingTaken, Problem) as error:
        existing = _stored(client_id)
        if existing is not None:
            return _replay(user, existing)
        if isinstance(error, _FindingTaken):
            raise _conflict(Finding.objects.filter(**error.key).first(), None, user) from None
        if isinstance(error, Problem):
            raise
        raise Problem(409, _("Submission conflict")) from error


def writable_checklist(
    user: Any, visit_code: uuid.UUID, version_code: uuid.UUID
) -> tuple[Visit, ChecklistVersion]:
    """The visit of the user's team and the published checklist version they record
    there, in two queries; else Problem 400 (no such published version) or 403 with the
    reason (the day's status aside: see :func:`refuse_late`)."""
    visit = team_visit_for(user, visit_code)
    published = Q(code=version_code, status=ChecklistVersion.Status.PUBLISHED)
    version = checklist_at_visit(user, visit, version_code) if visit is not None else None
    if version is not None and version.fills:  # type: ignore[attr-defined]
        assert visit is not None
        return visit, version
    # Refused: read again only to say why, the version first.
    if version is None:
        version = ChecklistVersion.objects.filter(published).select_related("template").first()
    if version is None:
        raise Problem(
            400,
            _("Unknown checklist version"),
            errors={"template_version": [_("No published checklist version has this code.")]},
        )
    if visit is None:
        other = Visit.objects.select_related("action_day").filter(code=visit_code).first()
        refusal = write_refusal(user, other, version) or _("This visit is not one of your team's.")
    else:
        refusal = _("This checklist is not your partner's at this visit.")
    raise Problem(403, _("Not allowed"), refusal)


def refuse_late(user: Any, visit: Visit, recorded_at: datetime) -> None:
    """410 when the visit's day no longer takes this save (see ``late_refusal``): the
    device keeps it, refused, with the reason."""
    person = person_of(user)
    reason = late_refusal(visit, person.partner_id if person else None, recorded_at)
    if reason:
        raise Problem(410, _("The action day takes no more saves"), reason)


_SUBMISSION_COLUMNS = written_columns("s", Submission)
_FINDING_COLUMNS = written_columns("f", Finding)
_FINDING_VERSION_COLUMNS = written_columns("fv", ChecklistVersion)
_SUBMISSION_VERSION_COLUMNS = written_columns("sv", ChecklistVersion)
_RECORDER = Finding._meta.get_field("recorded_by").related_model
_RECORDER_COLUMNS = written_columns("u", _RECORDER)
# A submission, its finding, the finding's visit, day and city: the start of the
# written-out reads below, which select their columns first (see _read_submission).
_SUBMISSION_TO_CITY = f"""FROM {Submission._meta.db_table} s
  INNER JOIN {Finding._meta.db_table} f ON f.id = s.finding_id
  INNER JOIN {Visit._meta.db_table} vi ON vi.id = f.visit_id
  INNER JOIN {ActionDay._meta.db_table} d ON d.id = vi.action_day_id
  INNER JOIN {Municipality._meta.db_table} m ON m.id = d.municipality_id
"""  # noqa: S608
# Written out, as the visit and checklist checks (see inspections.field_access): every
# save asks it, and the ORM takes longer to build it than the database to answer it.
# A new save finds nothing; a replay finds the submission with what its answer shows:
# the finding, its visit, day, city and premises, its checklist and who saved it last.
_SUBMISSION_BY_CLIENT_ID = f"""
SELECT {_SUBMISSION_COLUMNS[1]}, {_FINDING_COLUMNS[1]}, {VISIT_COLUMNS[1]},
  {DAY_COLUMNS[1]}, {CITY_COLUMNS[1]}, {PREMISES_COLUMNS[1]}, {TEMPLATE_COLUMNS[1]},
  {_FINDING_VERSION_COLUMNS[1]}, {_RECORDER_COLUMNS[1]}
{_SUBMISSION_TO_CITY}
  INNER JOIN {Premises._meta.db_table} p ON p.id = vi.premises_id
  INNER JOIN {ChecklistTemplate._meta.db_table} t ON t.id = f.template_id
  INNER JOIN {ChecklistVersion._meta.db_table} fv ON fv.id = f.template_version_id
  LEFT OUTER JOIN {_RECORDER._meta.db_table} u ON u.id = f.recorded_by_id
WHERE s.client_id = %s
"""  # noqa: S608


def _read_submission(
    sql: str, client_id: uuid.UUID, params: list[Any], *more: tuple[Any, tuple[list[str], str]]
) -> list[Any] | None:
    """Run a written-out read of the submission stored under ``client_id`` (``params``
    follow it): the submission, linked to its finding, visit, day and city, then those
    four, then the instances of ``more``; None when it finds nothing."""
    connection = connections[Submission.objects.db]
    value = Submission._meta.get_field("client_id").get_db_prep_value(client_id, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [value, *params])
        row = cursor.fetchone()
    if row is None:
        return None
    found = written_instances(
        connection, row, (Submission, _SUBMISSION_COLUMNS), (Finding, _FINDING_COLUMNS),
        (Visit, VISIT_COLUMNS), (ActionDay, DAY_COLUMNS), (Municipality, CITY_COLUMNS), *more,
    )  # fmt: skip
    submission, finding, visit, day, city = found[:5]
    day.municipality = city
    visit.action_day = day
    finding.visit = visit
    submission.finding = finding
    return found


def _stored(client_id: uuid.UUID) -> Submission | None:
    """The submission stored under ``client_id``, with its finding as a replay answers
    it, in one query; None when there is none (most saves are new)."""
    found = _read_submission(
        _SUBMISSION_BY_CLIENT_ID, client_id, [],
        (Premises, PREMISES_COLUMNS), (ChecklistTemplate, TEMPLATE_COLUMNS),
        (ChecklistVersion, _FINDING_VERSION_COLUMNS), (_RECORDER, _RECORDER_COLUMNS),
    )  # fmt: skip
    if found is None:
        return None
    submission, finding, visit, _day, _city, premises, template, version, recorder = found
    version_data(version)
    visit.premises = premises
    finding.template = template
    finding.template_version = version
    # Nobody when the saver's account is gone (the left join found no row).
    finding.recorded_by = recorder if recorder.pk is not None else None
    assert isinstance(submission, Submission)
    return submission


def _replay(user: Any, submission: Submission) -> Stored:
    if submission.user_id != user.pk:
        raise Problem(
            409,
            _("client_id already used"),
            _("Another submission was stored under this client_id."),
        )
    return Stored(created=False, finding=submission.finding, submission=submission)


def _conflict(finding: Finding | None, base_version: int | None, user: Any) -> Problem:
    """A stale save: nothing is written, and the device gets what it needs to show the
    inspector both versions side by side."""
    current = finding.version if finding is not None else None
    extra: dict[str, Any] = {"current_version": current, "base_version": base_version}
    if finding is not None:
        details = conflict_details(finding, user)
        extra |= {f"current_{name}": value for name, value in details.items()}
    return Problem(
        409,
        _("Version conflict"),
        _("The finding changed since this device last saw it; nothing was overwritten."),
        extra=extra,
    )


def conflict_details(finding: Finding, reader: Any) -> dict[str, Any]:
    """The current version as the reader may see it: answers, who saved it and when,
    and where its photos are."""
    return {
        "answers": readable_answers(finding, reader),
        "by": person_name(finding.recorded_by),
        "at": finding.recorded_at.isoformat(),
        "photos": photo_places(finding),
    }


def person_name(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())


def _store(
    *,
    user: Any,
    client_id: uuid.UUID,
    visit: Visit,
    version: ChecklistVersion,
    rows: list[FindingAnswer],
    base_version: int | None,
    recorded_at: datetime,
) -> Stored:
    person = person_of(user)
    assert person is not None
    key = {"visit": visit, "partner_id": person.partner_id, "template": version.template}
    answers = {row.question: row.value for row in rows}
    missing = _missing(photos_in(version.definition, answers))
    fields = {
        "template_version": version,
        "answers": answers,
        "recorded_by": user,
        "recorded_at": recorded_at,
        "is_complete": not missing,
    }
    if base_version is None:
        finding = _first_version(key, fields, user)
    else:
        finding = _next_version(key, fields, base_version, user)
    try:
        submission = Submission.objects.create(
            client_id=client_id,
            finding=finding,
            user=user,
            template_version=version,
            base_version=base_version,
            version=finding.version,
            answers=answers,
            recorded_at=recorded_at,
        )
    except IntegrityError:
        raise _Taken() from None
    _store_answers(finding, rows, user, recorded_at, first=base_version is None)
    action = AuditEntry.Action.CREATE if base_version is None else AuditEntry.Action.CHANGE
    audit.record(
        user,
        action,
        finding,
        client_id=str(client_id),
        version=finding.version,
        **late_detail(visit),
    )
    return Stored(created=True, finding=finding, submission=submission, missing=missing)


def _first_version(key: dict[str, Any], fields: dict[str, Any], user: Any) -> Finding:
    """A new finding; a conflict when the partner's checklist at this visit exists
    already (the unique constraint decides, also between concurrent saves: the caller
    answers it once the write is rolled back)."""
    try:
        return Finding.objects.create(**key, **fields)
    except IntegrityError:
        raise _FindingTaken(key) from None


def _next_version(
    key: dict[str, Any], fields: dict[str, Any], base_version: int, user: Any
) -> Finding:
    """The finding raised to its next version, only from the version the device saw."""
    finding = Finding.objects.select_for_update().filter(**key).order_by("pk").first()
    if finding is None or finding.version != base_version:
        raise _conflict(finding, base_version, user)
    now = timezone.now()
    moved = Finding.objects.filter(pk=finding.pk, version=base_version).update(
        version=F("version") + 1, updated_at=now, **fields
    )
    if not moved:
        raise _conflict(finding, base_version, user)
    for name, value in (key | fields).items():
        setattr(finding, name, value)
    finding.version, finding.updated_at = base_version + 1, now
    return finding


def answer_rows(visit: Visit, data: VersionData, answers: dict[str, Any]) -> list[FindingAnswer]:
    """One unsaved row per answer with its sharing level, indicator and legal reference,
    the legal reference as the official documents print it: in the municipality's
    language and law."""
    questions = data.questions
    named = {questions[name].get("indicator") for name in answers} - {None, ""}
    indicators = (
        dict(Indicator.objects.filter(code__in=named).order_by().values_list("code", "pk"))
        if named
        else {}
    )
    municipality = visit.action_day.municipality
    language, jurisdictions = municipality.language, municipality.jurisdictions()
    return [
        FindingAnswer(
            question=name,
            kind=questions[name]["type"],
            value=value,
            sharing=questions[name].get("sharing") or "city",
            indicator_id=indicators.get(questions[name].get("indicator") or ""),
            legal_reference=legal_reference_in(questions[name], language, jurisdictions),
        )
        for name, value in answers.items()
    ]


def _store_answers(
    finding: Finding, rows: list[FindingAnswer], user: Any, recorded_at: datetime, *, first: bool
) -> None:
    """Keep one row per answer, and the signals they raise, in a few statements whatever
    the number of answers: a "yes" to an indicator question raises a signal, any other
    answer withdraws the one it raised, and so does an answer that is gone."""
    current = {} if first else {row.question: row for row in finding.answer_rows.all()}
    answered = {row.question for row in rows}
    gone = [row for name, row in current.items() if name not in answered]
    withdrawn = [row.signal_id for row in gone if row.signal_id is not None]
    raising = []
    for row in rows:
        row.finding = finding
        if (old := current.get(row.question)) is not None:
            row.pk, row.signal_id = old.pk, old.signal_id
        if row.indicator_id is not None and row.value == "yes" and row.signal_id is None:
            raising.append(row)
        elif row.value != "yes" and row.signal_id is not None:
            withdrawn.append(row.signal_id)
            row.signal_id = None
    _raise_signals(finding, raising, user, recorded_at)
    if gone:
        FindingAnswer.objects.filter(pk__in=[row.pk for row in gone]).delete()
    FindingAnswer.objects.bulk_create([row for row in rows if row.question not in current])
    kept = [row for row in rows if row.question in current]
    if kept:
        FindingAnswer.objects.bulk_update(
            kept, ["kind", "value", "sharing", "indicator", "legal_reference", "signal"]
        )
    if withdrawn:
        Signal.objects.filter(pk__in=withdrawn).delete()
    if raising or withdrawn:
        risk.refresh([finding.visit.premises])


def _raise_signals(
    finding: Finding, rows: list[FindingAnswer], user: Any, recorded_at: datetime
) -> None:
    """A signal on the premises for each of ``rows``, with its indicator."""
    if not rows:
        return
    signals = Signal.objects.bulk_create(
        [
            Signal(
                premises=finding.visit.premises,
                source=Signal.Source.EARLIER_INSPECTION,
                received_on=timezone.localdate(recorded_at),
                # By key: each reader sees the checklist and question in their own language.
                checklist=finding.template.slug,
                question=row.question,
                confidentiality=row.sharing,
                recorded_by=user,
                recorded_by_partner_id=finding.partner_id,
            )
            for row in rows
        ]
    )
    Signal.indicators.through.objects.bulk_create(
        [
            Signal.indicators.through(signal_id=signal.pk, indicator_id=row.indicator_id)
            for signal, row in zip(signals, rows, strict=True)
        ]
    )
    for signal, row in zip(signals, rows, strict=True):
        row.signal = signal


def _missing(wanted: set[str]) -> list[str]:
    """Of the photos ``wanted``, those not stored yet."""
    if not wanted:
        return []
    present = set(Evidence.objects.filter(sha256__in=wanted).values_list("sha256", flat=True))
    return sorted(wanted - present)


def refresh_completeness(finding: Finding) -> list[str]:
    """A finding is complete once every photo its answers refer to has arrived; the
    photos it still waits for."""
    missing = missing_photos(finding)
    complete = not missing
    if complete != finding.is_complete:
        Finding.objects.filter(pk=finding.pk).update(is_complete=complete)
        finding.is_complete = complete
    return missing


def missing_photos(finding: Finding) -> list[str]:
    return _missing(photos_in(finding.template_version.definition, finding.answers))


def expected_photos(finding: Finding, missing: list[str] | None = None) -> list[dict[str, Any]]:
    """The photos the finding still waits for (``missing`` when the caller knows them),
    each with the inspector whose device holds it: the one whose save first named it,
    and when."""
    if missing is None:
        missing = missing_photos(finding)
    if not missing:
        return []
    first: dict[str, Submission] = {}
    submissions = finding.submissions.select_related("user", "template_version")
    for submission in submissions.order_by("received_at", "pk"):
        for sha256 in photos_in(submission.template_version.definition, submission.answers):
            first.setdefault(sha256, submission)
    return [
        {
            "sha256": sha256,
            "held_by": person_name(first[sha256].user) if sha256 in first else "",
            "saved_at": first[sha256].recorded_at.isoformat() if sha256 in first else None,
        }
        for sha256 in missing
    ]


def photo_places(finding: Finding) -> dict[str, dict[str, Any]]:
    """Each photo of the finding: stored on the server, or held by whom."""
    wanted = photos_in(finding.template_version.definition, finding.answers)
    waiting = {item["sha256"]: item["held_by"] for item in expected_photos(finding)}
    return {
        sha256: {"stored": sha256 not in waiting, "held_by": waiting.get(sha256, "")}
        for sha256 in sorted(wanted)
    }


def readable_answers(finding: Finding, reader: Any) -> dict[str, Any]:
    """The finding's answers a reader may see: another partner's internal answers never
    leave that partner."""
    person = person_of(reader)
    if person is not None and person.partner_id == finding.partner_id:
        return dict(finding.answers)
    internal = {
        item["name"]
        for item in finding.template_version.questions
        if item.get("sharing") == "internal"
    }
    return {name: value for name, value in finding.answers.items() if name not in internal}


# Written out, as _SUBMISSION_BY_CLIENT_ID: every photo a device sends asks it. The
# client_id, the user.
_SUBMISSION_FOR_USER = f"""
SELECT {_SUBMISSION_COLUMNS[1]}, {_FINDING_COLUMNS[1]}, {VISIT_COLUMNS[1]},
  {DAY_COLUMNS[1]}, {CITY_COLUMNS[1]}, {_FINDING_VERSION_COLUMNS[1]},
  {_SUBMISSION_VERSION_COLUMNS[1]}
{_SUBMISSION_TO_CITY}
  INNER JOIN {ChecklistVersion._meta.db_table} fv ON fv.id = f.template_version_id
  INNER JOIN {ChecklistVersion._meta.db_table} sv ON sv.id = s.template_version_id
WHERE s.client_id = %s AND s.user_id = %s
"""  # noqa: S608


def get_submission_for_user(user: Any, client_id: uuid.UUID) -> Submission:
    """The user's own submission (404 for anyone else's, whether or not it exists), with
    its finding, the finding's visit, day and city, and both checklist versions (their
    definitions as :func:`version_data` keeps them), in one query."""
    found = _read_submission(
        _SUBMISSION_FOR_USER, client_id, [user.pk],
        (ChecklistVersion, _FINDING_VERSION_COLUMNS),
        (ChecklistVersion, _SUBMISSION_VERSION_COLUMNS),
    )  # fmt: skip
    if found is None:
        raise Problem(404, _("No such submission"))
    submission, finding, _visit, _day, _city, finding_version, version = found
    version_data(finding_version)
    version_data(version)
    finding.template_version = finding_version
    submission.template_version = version
    assert isinstance(submission, Submission)
    return submission


VISIT_ACTIONS = ("start", "done", "no_access", "closed")
# A device clock may run a little ahead of the server's.
CLOCK_SKEW = timedelta(minutes=10)


def record_visit_outcome(*, user: Any, visit_code: uuid.UUID, action: str, at: datetime) -> Visit:
    """Start a visit or record how it ended, at the time ``at`` the device recorded.

    Rules: ``at`` lies on the action day's date and not in the future (a device that
    syncs in the evening keeps the times of the day); a visit never ends before it
    started; the first visit started on the date of a released day starts the day (as
    the coordinator's "start" would: a released day has passed the release gate).
    A visit done marks its premises inspected on that date. A closed day still takes
    an outcome recorded on its date (audited as late); a reported one none. Repeating
    the same outcome changes nothing, so a device may send it again after a lost
    answer."""
    found = team_visit_for(user, visit_code)
    if found is None:
        raise Problem(403, _("Not allowed"), _("This visit is not one of your team's."))
    if at.tzinfo is None:
        at = timezone.make_aware(at)
    with transaction.atomic():
        found = (
            Visit.objects.select_for_update(of=("self",))
            .select_related("action_day", "premises")
            .get(pk=found.pk)
        )
        if _repeated(found, action):
            return found
        refuse_late(user, found, at)
        check_visit_time(found, at)
        start_day_with_first_visit(found.action_day, user)
        try:
            if action == "start":
                found.begin(at)
            else:
                found.finish(action, at)
        except InvalidTransition as error:
            raise Problem(409, _("Visit already ended"), str(error)) from error
        if found.finished_at and found.started_at and found.finished_at < found.started_at:
            raise Problem(400, _("Before the start"), _("A visit cannot end before it started."))
        found.save(update_fields=["status", "started_at", "finished_at"])
        if action == Visit.Status.DONE:
            mark_inspected(found.premises, found.action_day.date)
        audit.record(user, AuditEntry.Action.CHANGE, found, outcome=action, **late_detail(found))
    return found


def _repeated(visit: Visit, action: str) -> bool:
    ended = visit.status in (Visit.Status.DONE, Visit.Status.NO_ACCESS, Visit.Status.CLOSED)
    if action == "start":
        return ended or visit.status == Visit.Status.UNDERWAY
    return visit.status == action


def check_visit_time(visit: Visit, at: datetime) -> None:
    """Refuse a time off the action day's date, or ahead of now (Problem 400)."""
    day, other = visit.action_day.date, timezone.localdate(at)
    if other != day:
        raise Problem(
            400,
            _("Not on the action day"),
            _(
                "Visits of this action day are started and ended on %(day)s; "
                "this time is of %(other)s."
            )
            % {"day": formats.date_format(day), "other": formats.date_format(other)},
        )
    if at > timezone.now() + CLOCK_SKEW:
        raise Problem(
            400,
            _("A time in the future"),
            _("This time lies in the future: check the clock of this device."),
        )


def start_day_with_first_visit(action_day: ActionDay, user: Any) -> None:
    """A released day is started by its first visit, through the same step as the
    coordinator's; a day in progress stays as it is."""
    action_day = ActionDay.objects.select_for_update().get(pk=action_day.pk)
    if action_day.status != ActionDay.Status.RELEASED:
        return
    try:
        actions.change_status(
            action_day=action_day,
            user=user,
            version=action_day.version,
            status=ActionDay.Status.IN_PROGRESS,
        )
    except (ValidationError, actions.StalePlan, InvalidTransition) as error:
        detail = " ".join(getattr(error, "messages", None) or [str(error)])
        raise Problem(409, _("The action day cannot start"), detail) from error


def mark_inspected(premises: Premises, on: date) -> None:
    Premises.objects.filter(pk=premises.pk).filter(
        Q(last_inspected_on__isnull=True) | Q(last_inspected_on__lt=on)
    ).update(last_inspected_on=on)
