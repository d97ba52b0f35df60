"""Retention of personal data, and the right of access.

Privacy spans every app, so this module reaches the other apps' models through the app
registry rather than importing them (``partners`` stays the app the others build on).

**Retention** (``purge_personal_data``). A case is *closed* when its action day is
closed or reported; ``RETENTION_DAYS`` (default 5 years) after the day was held, its
personal data go:

* of each finding of the day: the answers to free-text questions (notes, names,
  descriptions of people) and to photo questions are removed — from the answer rows,
  from the finding and from every device submission of it;
* the photos those findings referred to, file and row, unless a finding that is kept
  still refers to the same photo;
* the notes written on the day's visits.

Also, signals received before the cutoff lose their description (who complained and
what they said); their source, date and indicators stay, so the register's history
still explains itself. Uploaded GIS layers (which may name operators and their
enterprise numbers) go ``IMPORT_UPLOAD_DAYS`` after their import started, unless a
more recent import of the same file still needs it; the import log keeps the run.

What stays everywhere: counts, yes/no answers, indicators, legal references, the joint
reports and decisions (administrative records the municipality must archive), and the
audit log, which gets one entry with the counts of what went.

**Right of access** (``subject_access``). Everything held about an enterprise (by its
enterprise number) or a named person: premises they operate, signals about those
premises, visits and findings there, and for a person with an account their account,
roles and what the audit log holds about their actions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from partners import audit
from partners.models import AuditEntry, Municipality

PURGED_KINDS = ("text", "photo")
CLOSED_STATUSES = ("closed", "reported")


def model(label: str) -> Any:
    return apps.get_model(label)


def retention_cutoff(today: date | None = None) -> date:
    return (today or timezone.localdate()) - timedelta(days=settings.RETENTION_DAYS)


@dataclass
class PurgePlan:
    cutoff: date
    action_days: list[Any]
    answers: QuerySet
    photos: list[Any]
    visits: QuerySet
    signals: QuerySet
    findings: QuerySet
    counts: dict[str, int] = field(default_factory=dict)
    # Import runs whose uploaded file goes, and the stored files themselves.
    upload_runs: list[int] = field(default_factory=list)
    upload_files: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        head = [f"Retention cutoff: {self.cutoff.isoformat()} ({settings.RETENTION_DAYS} days)"]
        days = [
            f"  {day.date.isoformat()} {day.title} ({day.municipality})" for day in self.action_days
        ]
        tail = [f"  {name}: {count}" for name, count in self.counts.items()]
        return [*head, f"Closed action days past retention: {len(days)}", *days, *tail]


def plan_purge(today: date | None = None) -> PurgePlan:
    """What a purge would remove now; changes nothing."""
    cutoff = retention_cutoff(today)
    action_days = model("inspections.ActionDay").objects.filter(
        status__in=CLOSED_STATUSES, date__lt=cutoff
    )
    findings = model("inspections.Finding").objects.filter(visit__action_day__in=action_days)
    answers = model("inspections.FindingAnswer").objects.filter(
        finding__in=findings, kind__in=PURGED_KINDS
    )
    photos = purgeable_photos(findings)
    visits = model("inspections.Visit").objects.filter(action_day__in=action_days).exclude(notes="")
    signals = model("gis.Signal").objects.filter(received_on__lt=cutoff).exclude(description="")
    upload_runs, upload_files = expired_uploads(today)
    plan = PurgePlan(
        cutoff=cutoff,
        action_days=list(action_days.select_related("municipality").order_by("date")),
        answers=answers,
        photos=photos,
        visits=visits,
        signals=signals,
        findings=findings,
        upload_runs=upload_runs,
        upload_files=upload_files,
    )
    plan.counts = {
        "findings touched": answers.values("finding").distinct().count(),
        "answers removed": answers.count(),
        "photos removed": len(photos),
        "visit notes removed": visits.count(),
        "signal descriptions removed": signals.count(),
        "uploaded layers removed": len(upload_files),
    }
    return plan


def expired_uploads(today: date | None = None) -> tuple[list[int], list[str]]:
    """The import runs started more than ``IMPORT_UPLOAD_DAYS`` ago that still keep their
    uploaded file, and the files that can go: not those a more recent run (a retry of
    the same upload) or a run still waiting or running needs."""
    start = timezone.make_aware(
        datetime.combine(today or timezone.localdate(), datetime.min.time())
    ) - timedelta(days=settings.IMPORT_UPLOAD_DAYS)
    runs = model("gis.ImportRun").objects.exclude(stored_file="")
    expired = runs.filter(started_at__lt=start).exclude(status__in=("pending", "running"))
    needed = set(runs.exclude(pk__in=expired.values("pk")).values_list("stored_file", flat=True))
    found = list(expired.values_list("pk", "stored_file"))
    return (
        [pk for pk, name in found if name not in needed],
        sorted({name for _pk, name in found} - needed),
    )


def photo_hashes(rows: Any) -> set[str]:
    return {
        sha
        for value in rows.filter(kind="photo").values_list("value", flat=True)
        if isinstance(value, list)
        for sha in value
        if isinstance(sha, str)
    }


def purgeable_photos(findings: QuerySet) -> list[Any]:
    """Photos of the purged findings that no kept finding refers to."""
    answers = model("inspections.FindingAnswer").objects
    purged = photo_hashes(answers.filter(finding__in=findings))
    kept = photo_hashes(answers.exclude(finding__in=findings))
    return list(model("inspections.Evidence").objects.filter(sha256__in=purged - kept))


def purge_personal_data(*, today: date | None = None, user: Any = None) -> PurgePlan:
    """Remove what :func:`plan_purge` lists, in one transaction with one audit entry;
    photo files are deleted once the transaction has committed."""
    with transaction.atomic():
        plan = plan_purge(today)
        questions: dict[int, set[str]] = {}
        for finding_id, question in plan.answers.values_list("finding_id", "question"):
            questions.setdefault(finding_id, set()).add(question)
        plan.answers.delete()
        strip_answers(questions)
        files = [evidence_path(photo) for photo in plan.photos]
        model("inspections.Evidence").objects.filter(pk__in=[p.pk for p in plan.photos]).delete()
        plan.visits.update(notes="")
        plan.signals.update(description="")
        model("gis.ImportRun").objects.filter(pk__in=plan.upload_runs).update(stored_file="")
        counts: dict[str, Any] = {k.replace(" ", "_"): v for k, v in plan.counts.items()}
        audit.record(
            user,
            AuditEntry.Action.DELETE,
            object_type="privacy.retention",
            object_code=plan.cutoff.isoformat(),
            retention_days=settings.RETENTION_DAYS,
            action_days=[str(day.code) for day in plan.action_days],
            **counts,
        )
        transaction.on_commit(lambda: remove_files(files))
        transaction.on_commit(lambda: remove_stored(plan.upload_files))
    return plan


def remove_stored(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def remove_files(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def strip_answers(questions: dict[int, set[str]]) -> None:
    """Remove the purged questions from the findings' and submissions' answer copies."""
    finding_model = model("inspections.Finding")
    submission_model = model("inspections.Submission")
    for finding in finding_model.objects.filter(pk__in=questions):
        names = questions[finding.pk]
        finding.answers = {k: v for k, v in finding.answers.items() if k not in names}
        finding_model.objects.filter(pk=finding.pk).update(answers=finding.answers)
        for submission in submission_model.objects.filter(finding=finding):
            kept = {k: v for k, v in submission.answers.items() if k not in names}
            submission_model.objects.filter(pk=submission.pk).update(answers=kept)


def evidence_path(photo: Any) -> Path:
    return Path(settings.MEDIA_ROOT) / photo.relative_path


# The right of access -------------------------------------------------------------------


def normalised_enterprise(value: str) -> str:
    from gis.identifiers import normalise_enterprise_number

    return normalise_enterprise_number(value)


def subject_access(
    *,
    enterprise: str = "",
    name: str = "",
    municipalities: QuerySet[Municipality] | None = None,
    reader_partner: Any = None,
) -> dict[str, Any]:
    """Everything held about an enterprise or a named person, as plain JSON data.

    ``municipalities`` limits it to those cities (the data protection officer's);
    ``reader_partner`` set withholds other partners' internal answers, which only the
    partner that recorded them may disclose (``None``: everything, for the operator).
    """
    if not enterprise and not name:
        raise ValueError("Name an enterprise number or a person.")
    premises_model = model("gis.Premises")
    premises = premises_model.objects.all()
    if municipalities is not None:
        premises = premises.filter(municipality__in=municipalities)
    if enterprise:
        premises = premises.filter(enterprise_number=normalised_enterprise(enterprise))
    else:
        premises = premises.filter(Q(operator_name__icontains=name) | Q(name__icontains=name))
    premises = premises.select_related("municipality", "sector").order_by("pk")
    result: dict[str, Any] = {
        "subject": {
            "enterprise_number": enterprise and normalised_enterprise(enterprise),
            "name": name,
        },
        "generated_at": timezone.now().isoformat(),
        "premises": [premises_data(p, reader_partner) for p in premises],
    }
    if name:
        result["signals_mentioning"] = signals_mentioning(name, municipalities)
        result["findings_mentioning"] = findings_mentioning(name, municipalities, reader_partner)
        result["accounts"] = accounts_named(name, municipalities)
    return result


def premises_data(premises: Any, reader_partner: Any) -> dict[str, Any]:
    return {
        "code": str(premises.code),
        "municipality": premises.municipality.name,
        "name": premises.name,
        "address": premises.address,
        "operator": premises.operator_name,
        "enterprise_number": premises.enterprise_number,
        "signals": [signal_data(s) for s in premises.signals.order_by("received_on", "pk")],
        "visits": [
            visit_data(v, reader_partner)
            for v in premises.visits.select_related("action_day").order_by("pk")
        ],
    }


def signal_data(signal: Any) -> dict[str, Any]:
    return {
        "code": str(signal.code),
        "received_on": signal.received_on.isoformat(),
        "source": signal.source,
        "description": signal.description,
        "confidentiality": signal.confidentiality,
        "indicators": sorted(signal.indicators.values_list("code", flat=True)),
    }


def visit_data(visit: Any, reader_partner: Any) -> dict[str, Any]:
    return {
        "code": str(visit.code),
        "action_day": visit.action_day.date.isoformat(),
        "status": visit.status,
        "notes": visit.notes,
        "findings": [
            finding_data(f, reader_partner)
            for f in visit.findings.select_related("partner", "template").order_by("pk")
        ],
    }


def finding_data(finding: Any, reader_partner: Any) -> dict[str, Any]:
    rows = finding.answer_rows.all()
    if reader_partner is not None:
        rows = rows.readable_by_partner(reader_partner)
    withheld = finding.answer_rows.count() - rows.count()
    return {
        "code": str(finding.code),
        "partner": finding.partner.short_name,
        "checklist": finding.template.slug,
        "recorded_at": finding.recorded_at.isoformat(),
        "answers": {row.question: row.value for row in rows.order_by("pk")},
        "answers_withheld": withheld,
    }


def signals_mentioning(name: str, municipalities: Any) -> list[dict[str, Any]]:
    signals = model("gis.Signal").objects.filter(description__icontains=name)
    if municipalities is not None:
        signals = signals.filter(premises__municipality__in=municipalities)
    return [signal_data(s) | {"premises": str(s.premises.code)} for s in signals.order_by("pk")]


def findings_mentioning(
    name: str, municipalities: Any, reader_partner: Any
) -> list[dict[str, Any]]:
    rows = model("inspections.FindingAnswer").objects.filter(kind="text", value__icontains=name)
    if municipalities is not None:
        rows = rows.filter(finding__visit__action_day__municipality__in=municipalities)
    if reader_partner is not None:
        rows = rows.readable_by_partner(reader_partner)
    findings = model("inspections.Finding").objects.filter(pk__in=rows.values("finding"))
    return [finding_data(f, reader_partner) for f in findings.select_related("partner", "template")]


def accounts_named(name: str, municipalities: Any) -> list[dict[str, Any]]:
    terms = name.split()
    users = get_user_model().objects.all()
    for term in terms:
        users = users.filter(
            Q(first_name__icontains=term) | Q(last_name__icontains=term) | Q(username__iexact=term)
        )
    if municipalities is not None:
        users = users.filter(person__municipalities__in=municipalities).distinct()
    return [
        {
            "username": user.get_username(),
            "name": user.get_full_name(),
            "email": user.email,
            "roles": getattr(getattr(user, "person", None), "roles", []),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "audit_entries": AuditEntry.objects.filter(user=user).count(),
        }
        for user in users.order_by("pk")
    ]


def as_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)
