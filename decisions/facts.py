"""What of a visit's findings goes into the joint report: the snapshot a report version
is rendered from.

Rules:

- Only answers recorded as usable by the city for an administrative decision
  (``Sharing.CITY``) enter the report. Answers shareable with the action's partners
  (``SHARED``) were exchanged during the action but are not thereby usable by the city
  ("exchanging information does not mean it can be used"); answers internal to a
  partner never leave it. Neither appears; the report counts them per partner only so
  that, where the partner allows it at sign-off, it can say that further information
  exists with that partner.
- A visit with no findings, a finding whose photos have not all arrived, or a photo
  missing from storage is refused with a message; nothing is made.
- The snapshot carries every label in Dutch, French and English, so the PDF is rendered
  from it alone, in the municipality's language.
"""

from __future__ import annotations

import hashlib
import io
import json
from datetime import datetime
from typing import Any, Protocol

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from inspections.checklists.definition import LANGUAGES, YES_NO_CHOICES
from inspections.evidence import evidence_exists, read_evidence
from inspections.models import Finding, FindingAnswer, Sharing, Visit

# Yes/no questions where "no" is the infraction (an answer "yes" means compliant).
INFRACTION_WHEN_NO = {"exits_clear", "extinguishers", "registered_till", "protective_equipment"}
# Measures taken on the spot, by question: the answer that means the measure was taken.
MEASURES = {"sealed": "yes", "closure_advised": "yes", "referred": "yes", "seized_kg": "positive"}
# The report's three counts and the questions that give them, first found wins.
COUNTS = {
    "persons_present": ("persons_present", "occupants", "workers_present"),
    "without_declaration": ("without_dimona_count",),
    "without_residence": ("irregular_stay_count",),
}
EXIF_IFD, GPS_IFD = 0x8769, 0x8825
DATETIME_ORIGINAL, DATETIME = 36867, 306


class Countable(Protocol):
    """What :func:`is_infraction` and :func:`is_measure` read of an answer: a
    ``FindingAnswer``, or a row of the same columns where a whole day is counted."""

    @property
    def question(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def value(self) -> Any: ...
    @property
    def legal_reference(self) -> str: ...
    @property
    def indicator_id(self) -> int | None: ...


class ReportRefused(Exception):
    """A report that cannot be made; the message says why, and nothing was made."""


def canonical_hash(content: dict[str, Any]) -> str:
    encoded = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()


def labels(item: dict[str, Any]) -> dict[str, str]:
    given = item.get("label", {}) if isinstance(item, dict) else {}
    fallback = given.get("nl") or next(iter(given.values()), "")
    return {language: given.get(language) or fallback for language in LANGUAGES}


def display(item: dict[str, Any], value: Any) -> dict[str, str]:
    """The answer as the report prints it, in every language."""
    kind = item.get("type")
    if kind in ("yes_no", "select_one", "select_multiple"):
        choices = {
            choice["name"]: labels(choice)
            for choice in (YES_NO_CHOICES if kind == "yes_no" else item.get("choices", []))
        }
        chosen = value if isinstance(value, list) else [value]
        return {
            language: ", ".join(choices.get(v, {}).get(language, str(v)) for v in chosen)
            for language in LANGUAGES
        }
    if kind == "photo":
        return {language: str(len(value)) for language in LANGUAGES}
    return {language: str(value) for language in LANGUAGES}


def usable_by_city(answers: QuerySet[FindingAnswer]) -> QuerySet[FindingAnswer]:
    """The answers the joint report is made of; every count of infractions and measures
    counts these, so the day's report and the figures never count what a report leaves
    out."""
    return answers.filter(sharing=Sharing.CITY)


def is_usable_by_city(answer: FindingAnswer) -> bool:
    return answer.sharing == Sharing.CITY


def is_infraction(answer: Countable) -> bool:
    if answer.kind != "yes_no" or not (answer.legal_reference or answer.indicator_id):
        return False
    if answer.question in MEASURES:
        return False
    return answer.value == ("no" if answer.question in INFRACTION_WHEN_NO else "yes")


def is_measure(answer: Countable) -> bool:
    wanted = MEASURES.get(answer.question)
    if wanted == "positive":
        return isinstance(answer.value, int | float) and answer.value > 0
    return wanted is not None and answer.value == wanted


def compile_content(visit: Visit) -> dict[str, Any]:
    """The snapshot of a visit's report, or ReportRefused."""
    findings = list(
        Finding.objects.filter(visit=visit)
        .select_related("partner", "template", "template_version", "recorded_by")
        .prefetch_related("answer_rows")
        .order_by("partner__name", "template__slug")
    )
    if not findings:
        raise ReportRefused(_("This visit has no findings: there is nothing to report."))
    waiting = [finding for finding in findings if not finding.is_complete]
    if waiting:
        raise ReportRefused(
            _("Photos of %(partner)s have not all arrived yet; try again once they have synced.")
            % {"partner": waiting[0].partner.short_name}
        )
    sections: dict[int, dict[str, Any]] = {}
    photos: list[dict[str, Any]] = []
    for finding in findings:
        section = sections.setdefault(finding.partner_id, new_section(finding))
        usable = [row for row in finding.answer_rows.all() if is_usable_by_city(row)]
        section["withheld"] += len(finding.answer_rows.all()) - len(usable)
        if usable:
            section["findings"].append(finding_entry(finding, usable))
            photos += photo_entries(visit, finding, usable)
    partners = list(sections.values())
    content: dict[str, Any] = {
        "premises": premises_entry(visit),
        "action_day": action_day_entry(visit),
        "partners": partners,
        "photos": photos,
    }
    content["counts"] = counts(partners)
    content["infractions"] = highlighted(partners, "infraction")
    content["measures"] = highlighted(partners, "measure")
    return content


def new_section(finding: Finding) -> dict[str, Any]:
    return {
        "partner_id": finding.partner_id,
        "partner": finding.partner.short_name,
        "partner_name": finding.partner.name,
        "findings": [],
        "withheld": 0,
    }


def finding_entry(finding: Finding, rows: list[FindingAnswer]) -> dict[str, Any]:
    questions = {item["name"]: item for item in finding.template_version.questions}
    recorder = finding.recorded_by
    return {
        "checklist": {
            "nl": finding.template.title_nl,
            "fr": finding.template.title_fr,
            "en": finding.template.title_en,
        },
        "checklist_version": finding.template_version.number,
        "recorded_at": timezone.localtime(finding.recorded_at).isoformat(),
        "recorded_by": (recorder.get_full_name() or recorder.get_username()) if recorder else "",
        "answers": [
            {
                "question": row.question,
                "kind": row.kind,
                "value": row.value,
                "label": labels(questions.get(row.question, {})),
                "display": display(questions.get(row.question, {"type": row.kind}), row.value),
                "legal_reference": row.legal_reference,
                "infraction": is_infraction(row),
                "measure": is_measure(row),
            }
            for row in rows
            if row.kind != "note"
        ],
    }


def premises_entry(visit: Visit) -> dict[str, Any]:
    premises = visit.premises
    sector = premises.sector
    return {
        "code": str(premises.code),
        "label": premises.label(),
        "name": premises.name,
        "address": premises.address,
        "parcel_key": premises.parcel_key,
        "operator_name": premises.operator_name,
        "enterprise_number": premises.enterprise_number,
        "sector": {"nl": sector.title_nl, "fr": sector.title_fr, "en": sector.title_en}
        if sector
        else None,
        "lon": premises.lon,
        "lat": premises.lat,
        "footprint": premises.footprint,
    }


def action_day_entry(visit: Visit) -> dict[str, Any]:
    day = visit.action_day
    return {
        "code": str(day.code),
        "title": day.title,
        "date": day.date.isoformat(),
        "lead_partner": day.lead_partner.name if day.lead_partner else "",
        "entry_partner": visit.entry_partner.name if visit.entry_partner else "",
        "entry_basis": visit.entry_basis,
        "visit_code": str(visit.code),
        "visit_status": visit.status,
        "started_at": timezone.localtime(visit.started_at).isoformat() if visit.started_at else "",
        "finished_at": timezone.localtime(visit.finished_at).isoformat()
        if visit.finished_at
        else "",
    }


def photo_entries(
    visit: Visit, finding: Finding, rows: list[FindingAnswer]
) -> list[dict[str, Any]]:
    entries = []
    questions = {item["name"]: item for item in finding.template_version.questions}
    for row in rows:
        if row.kind != "photo" or not isinstance(row.value, list):
            continue
        for sha256 in row.value:
            if not evidence_exists(sha256):
                raise ReportRefused(
                    _(
                        "A photo of %(partner)s (%(sha)s…) is missing from storage; "
                        "nothing was made."
                    )
                    % {"partner": finding.partner.short_name, "sha": sha256[:12]}
                )
            taken_at, place = photo_metadata(sha256)
            entries.append(
                {
                    "sha256": sha256,
                    "partner": finding.partner.short_name,
                    "label": labels(questions.get(row.question, {})),
                    "taken_at": taken_at or timezone.localtime(finding.recorded_at).isoformat(),
                    "time_source": "exif" if taken_at else "recorded",
                    "lon": place[0] if place else visit.premises.lon,
                    "lat": place[1] if place else visit.premises.lat,
                    "place_source": "exif" if place else "premises",
                }
            )
    return entries


def photo_metadata(sha256: str) -> tuple[str, tuple[float, float] | None]:
    """(ISO time the photo was taken, (lon, lat)) from its EXIF data, where present."""
    try:
        with Image.open(io.BytesIO(read_evidence(sha256))) as image:
            exif = image.getexif()
            detail = exif.get_ifd(EXIF_IFD)
            gps = exif.get_ifd(GPS_IFD)
    except Exception:
        return "", None
    stamp = detail.get(DATETIME_ORIGINAL) or exif.get(DATETIME) or ""
    taken = ""
    if stamp:
        try:
            taken = datetime.strptime(str(stamp), "%Y:%m:%d %H:%M:%S").isoformat()
        except ValueError:
            taken = ""
    return taken, gps_point(gps)


def gps_point(gps: Any) -> tuple[float, float] | None:
    try:
        lat = sum(float(part) / 60**i for i, part in enumerate(gps[2]))
        lon = sum(float(part) / 60**i for i, part in enumerate(gps[4]))
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    return (-lon if gps.get(3) == "W" else lon, -lat if gps.get(1) == "S" else lat)


def counts(sections: list[dict[str, Any]]) -> dict[str, int | None]:
    """The three counts from usable answers; None where no usable answer gives one."""
    values = {
        answer["question"]: answer["value"]
        for section in sections
        for finding in section["findings"]
        for answer in finding["answers"]
        if answer["kind"] in ("count", "integer")
    }
    result: dict[str, int | None] = {}
    for name, questions in COUNTS.items():
        result[name] = next((values[q] for q in questions if q in values), None)
    return result


def highlighted(sections: list[dict[str, Any]], flag: str) -> list[dict[str, Any]]:
    return [
        {"partner": section["partner"], **answer}
        for section in sections
        for finding in section["findings"]
        for answer in finding["answers"]
        if answer[flag]
    ]
