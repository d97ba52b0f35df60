"""What inspections/ holds, for the backup, the retention purge and the right of access.

partners/ runs those for the whole installation without naming any app's models; this
module tells it, from :meth:`InspectionsConfig.ready`, what inspections hold:

* photo evidence, backed up under ``media/evidence/`` and checked on restore to hash
  to its name, and the briefing packs under ``media/briefings/``;
* retention: a case is *closed* when its action day is closed or reported; past the
  cutoff, the answers to free-text questions (notes, names, descriptions of people)
  and to photo questions of its findings go — from the answer rows, from the finding
  and from every device submission of it —, the photos those findings referred to
  (unless a kept finding refers to the same photo), and the notes on the day's visits.
  Counts, yes/no answers and indicators stay;
* the right of access: the visits at each premises with their findings, and the
  findings whose text answers name a person; another partner's internal answers are
  withheld and counted.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.storage import storages
from django.db import transaction
from django.db.models import QuerySet

from inspections.models import ActionDay, Evidence, Finding, FindingAnswer, Submission, Visit
from partners import backup, privacy

PURGED_KINDS = ("text", "photo")
CLOSED_STATUSES = ("closed", "reported")
# Where photos and briefing packs are stored (inspections/evidence.py and
# inspections/briefing.py write them there): a storage of settings.STORAGES and the
# folder inside it.
EVIDENCE_STORAGE, EVIDENCE_FOLDER = "evidence", ""
BRIEFING_STORAGE, BRIEFING_FOLDER = "briefings", ""


def register() -> None:
    backup.register_file_area(
        backup.FileArea("evidence", EVIDENCE_STORAGE, EVIDENCE_FOLDER, content_addressed=True)
    )
    backup.register_file_area(backup.FileArea("briefings", BRIEFING_STORAGE, BRIEFING_FOLDER))
    backup.register_headline("inspections.finding", "findings")
    backup.register_headline("inspections.evidence", "photos")
    backup.register_headline("inspections.actionday", "action days")
    privacy.register_purger(purge_closed_cases)
    privacy.register_subject_detail("premises", "visits", visits_at)
    privacy.register_subject_section("findings_mentioning", findings_mentioning)


# Retention ---------------------------------------------------------------------------


def purge_closed_cases(cutoff: date, today: date) -> privacy.PurgePart:
    action_days = ActionDay.objects.filter(status__in=CLOSED_STATUSES, date__lt=cutoff)
    findings = Finding.objects.filter(visit__action_day__in=action_days)
    answers = FindingAnswer.objects.filter(finding__in=findings, kind__in=PURGED_KINDS)
    photos = purgeable_photos(findings)
    visits = Visit.objects.filter(action_day__in=action_days).exclude(notes="")
    days = list(action_days.select_related("municipality").order_by("date"))

    def apply() -> None:
        questions: dict[int, set[str]] = {}
        for finding_id, question in answers.values_list("finding_id", "question"):
            questions.setdefault(finding_id, set()).add(question)
        answers.delete()
        strip_answers(questions)
        names = [f"{EVIDENCE_FOLDER}{photo.sha256[:2]}/{photo.sha256}" for photo in photos]
        Evidence.objects.filter(pk__in=[photo.pk for photo in photos]).delete()
        visits.update(notes="")
        transaction.on_commit(lambda: remove_photos(names))

    return privacy.PurgePart(
        counts={
            "findings touched": answers.values("finding").distinct().count(),
            "answers removed": answers.count(),
            "photos removed": len(photos),
            "visit notes removed": visits.count(),
        },
        apply=apply,
        lines=[
            f"Closed action days past retention: {len(days)}",
            *(f"  {day.date.isoformat()} {day.title} ({day.municipality})" for day in days),
        ],
        audit={"action_days": [str(day.code) for day in days]},
    )


def photo_hashes(rows: QuerySet[FindingAnswer]) -> set[str]:
    return {
        sha
        for value in rows.filter(kind="photo").values_list("value", flat=True)
        if isinstance(value, list)
        for sha in value
        if isinstance(sha, str)
    }


def purgeable_photos(findings: QuerySet[Finding]) -> list[Evidence]:
    """Photos of the purged findings that no kept finding refers to."""
    purged = photo_hashes(FindingAnswer.objects.filter(finding__in=findings))
    kept = photo_hashes(FindingAnswer.objects.exclude(finding__in=findings))
    return list(Evidence.objects.filter(sha256__in=purged - kept))


def strip_answers(questions: dict[int, set[str]]) -> None:
    """Remove the purged questions from the findings' and submissions' answer copies."""
    for finding in Finding.objects.filter(pk__in=questions):
        names = questions[finding.pk]
        finding.answers = {k: v for k, v in finding.answers.items() if k not in names}
        Finding.objects.filter(pk=finding.pk).update(answers=finding.answers)
        for submission in Submission.objects.filter(finding=finding):
            kept = {k: v for k, v in submission.answers.items() if k not in names}
            Submission.objects.filter(pk=submission.pk).update(answers=kept)


def remove_photos(names: list[str]) -> None:
    storage = storages[EVIDENCE_STORAGE]
    for name in names:
        storage.delete(name)


# The right of access -------------------------------------------------------------------


def visits_at(subject: privacy.Subject, premises: dict[str, Any]) -> list[dict[str, Any]]:
    visits = Visit.objects.filter(premises__code=premises["code"]).select_related("action_day")
    return [
        {
            "code": str(visit.code),
            "action_day": visit.action_day.date.isoformat(),
            "status": visit.status,
            "notes": visit.notes,
            "findings": [
                finding_data(f, subject.reader_partner)
                for f in visit.findings.select_related("partner", "template").order_by("pk")
            ],
        }
        for visit in visits.order_by("pk")
    ]


def finding_data(finding: Finding, reader_partner: Any) -> dict[str, Any]:
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


def findings_mentioning(subject: privacy.Subject) -> list[dict[str, Any]] | None:
    if not subject.name:
        return None
    rows = FindingAnswer.objects.filter(kind="text", value__icontains=subject.name)
    if subject.municipalities is not None:
        rows = rows.filter(finding__visit__action_day__municipality__in=subject.municipalities)
    if subject.reader_partner is not None:
        rows = rows.readable_by_partner(subject.reader_partner)
    findings = Finding.objects.filter(pk__in=rows.values("finding"))
    return [
        finding_data(f, subject.reader_partner)
        for f in findings.select_related("partner", "template").order_by("pk")
    ]
