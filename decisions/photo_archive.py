"""The photos of a joint report as one ZIP for the mayor's file, with a manifest.

Which photos: those the report was made of, i.e. the photos of answers recorded as
usable by the city for an administrative decision (:mod:`decisions.facts`). Nothing
else marks a photo usable or rejected; a photo of an answer shared among the partners
only, or internal to one, was never the city's to use and is not in the report, so not
in the ZIP either. Whoever may read the report (its PDF shows these photos) may take
the ZIP.

Files are named for people (premises, date, partner, number); the manifest (CSV, in the
municipality's language like the report) lists each file's capture time and where that
time comes from, the partner whose inspector took it, the question it answers and its
SHA-256, which the evidence store checked on upload. The archive is streamed: it is
written file by file as the response goes out.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from decisions.models import JointReport
from inspections.evidence import evidence_exists, open_evidence
from inspections.models import Evidence

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
CHUNK = 256 * 1024


class PhotosMissing(Exception):
    """A photo of the report is missing from storage; nothing is sent."""


@dataclass(frozen=True)
class ArchivedPhoto:
    name: str
    sha256: str
    taken_at: str
    time_source: str
    partner: str
    question: str


def language_of(report: JointReport) -> str:
    return report.municipality.language or "nl"


def archive_name(report: JointReport) -> str:
    content = report.content
    day = content.get("action_day", {}).get("date", "")
    premises = content.get("premises", {})
    about = slugify(premises.get("name") or premises.get("address") or "") or "premises"
    return f"photos-{day}-{about}.zip"


def photos_of(report: JointReport) -> list[ArchivedPhoto]:
    """The report's photos with their file names; PhotosMissing when one is missing from
    storage."""
    content = report.content
    language = language_of(report)
    premises = content.get("premises", {})
    about = slugify(premises.get("name") or premises.get("address") or "")[:40] or "premises"
    day = content.get("action_day", {}).get("date", "")
    entries = content.get("photos", [])
    types = dict(
        Evidence.objects.filter(sha256__in=[e["sha256"] for e in entries]).values_list(
            "sha256", "content_type"
        )
    )
    photos = []
    for number, entry in enumerate(entries, start=1):
        if not evidence_exists(entry["sha256"]):
            raise PhotosMissing(entry["sha256"])
        extension = EXTENSIONS.get(types.get(entry["sha256"], ""), "jpg")
        partner = slugify(entry.get("partner", ""))[:30] or "partner"
        photos.append(
            ArchivedPhoto(
                name=f"{about}_{day}_{partner}_{number:02d}.{extension}",
                sha256=entry["sha256"],
                taken_at=entry.get("taken_at", ""),
                time_source=entry.get("time_source", ""),
                partner=entry.get("partner", ""),
                question=entry.get("label", {}).get(language, ""),
            )
        )
    return photos


def manifest(report: JointReport, photos: list[ArchivedPhoto]) -> bytes:
    """The manifest as a CSV Excel opens in Belgium and the Netherlands (see
    :mod:`inspections.exports`)."""
    with translation.override(language_of(report)):
        stream = io.StringIO()
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(
            [
                _("File"),
                _("Taken at"),
                _("Time from"),
                _("Partner"),
                _("Question"),
                _("SHA-256"),
            ]
        )
        for photo in photos:
            writer.writerow(
                [
                    photo.name,
                    moment(photo.taken_at),
                    time_source(photo.time_source),
                    photo.partner,
                    photo.question,
                    photo.sha256,
                ]
            )
    return ("\ufeff" + stream.getvalue()).encode("utf-8")


def moment(value: str) -> str:
    try:
        return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return value


def time_source(source: str) -> str:
    if source == "exif":
        return _("the camera (EXIF)")
    return _("the time the finding was recorded")


class _Sink:
    """A write-only stream whose written bytes are taken out as the archive grows."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    def write(self, data: Any) -> int:
        self.buffer += data
        return len(data)

    def flush(self) -> None:
        return None

    def take(self) -> bytes:
        data = bytes(self.buffer)
        self.buffer.clear()
        return data


def stream_zip(report: JointReport, photos: list[ArchivedPhoto]) -> Iterator[bytes]:
    """The ZIP, piece by piece. Deflated at the lightest level: photos hardly shrink, but
    a stored member of unknown size in a stream is one that some unzip tools refuse."""
    sink = _Sink()
    with zipfile.ZipFile(
        sink,  # type: ignore[call-overload]
        mode="w",
        compression=zipfile.ZIP_DEFLATED,
        compresslevel=1,
    ) as archive:
        for photo in photos:
            info = zipfile.ZipInfo(photo.name, date_time=zip_time(photo.taken_at))
            info.compress_type = zipfile.ZIP_DEFLATED
            with (
                archive.open(info, mode="w") as member,
                open_evidence(photo.sha256) as source,
            ):
                while chunk := source.read(CHUNK):
                    member.write(chunk)
                    yield sink.take()
        manifest_name = f"{_manifest_name(report)}.csv"
        archive.writestr(manifest_name, manifest(report, photos))
        yield sink.take()
    yield sink.take()


def _manifest_name(report: JointReport) -> str:
    with translation.override(language_of(report)):
        return slugify(_("manifest")) or "manifest"


def zip_time(value: str) -> tuple[int, int, int, int, int, int]:
    try:
        taken = datetime.fromisoformat(value)
    except ValueError:
        return (1980, 1, 1, 0, 0, 0)
    return (max(taken.year, 1980), taken.month, taken.day, taken.hour, taken.minute, taken.second)
