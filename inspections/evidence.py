"""Photo evidence, stored once under its SHA-256 in the "evidence" storage.

Rules: the bytes must hash to the name they are sent under; they must be a JPEG, PNG or
WebP image that decodes, no larger than ``EVIDENCE_MAX_BYTES``; the photo must be one the
submission's answers refer to. The file is written whole or not at all (see
config.storage.write_file), so a reader never sees half a photo; sending it again
changes nothing.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageFile

from config.storage import evidence_storage, read_file, write_file
from inspections.checklists.definition import SHA256, photos_in
from inspections.models import Evidence, Finding, Submission
from inspections.sync import Problem, refresh_completeness

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
MAX_PIXELS = 60_000_000


@dataclass
class StoredPhoto:
    created: bool
    evidence: Evidence
    # The photos the finding still waits for, this one stored.
    missing: list[str]


def max_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))


def evidence_name(sha256: str) -> str:
    return Evidence.name_for(sha256)


def evidence_exists(sha256: str) -> bool:
    return bool(SHA256.match(sha256)) and evidence_storage().exists(evidence_name(sha256))


def open_evidence(sha256: str) -> IO[bytes]:
    """The stored photo, opened for reading (FileNotFoundError when it is not there)."""
    return evidence_storage().open(evidence_name(sha256), "rb")


def read_evidence(sha256: str) -> bytes:
    return read_file(evidence_storage(), evidence_name(sha256))


def inspect_image(data: bytes) -> tuple[str, int, int]:
    """(content type, width, height) of an image we accept, or Problem 400. The image is
    decoded whole, so that one cut short is refused."""
    try:
        with warnings.catch_warnings(), whole_images_only():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind = image.format or ""
                width, height = image.size
                if kind not in FORMATS:
                    raise Problem(400, _("Not a photo"), _("Send a JPEG, PNG or WebP image."))
                if width * height > MAX_PIXELS:
                    raise Problem(400, _("Photo too large"), _("The image has too many pixels."))
                # A JPEG is decoded at an eighth of its size: still every byte of it,
                # twice as fast for a camera's photo.
                image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                image.load()
    except Problem:
        raise
    except Exception as error:
        raise Problem(
            400, _("Not a photo"), _("The file is not an image that can be read.")
        ) from error
    return FORMATS[kind], width, height


@contextmanager
def whole_images_only() -> Iterator[None]:
    """Pillow refuses an image that ends too early, unless told to fill it in, which
    WeasyPrint tells it for the whole process as soon as it is imported. A worker that
    renders documents also takes photos in: the refusal is restored while a photo is
    checked (a worker serves one request at a time)."""
    before = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before


def store_photo(*, user: Any, submission: Submission, sha256: str, data: bytes) -> StoredPhoto:
    if not SHA256.match(sha256):
        raise Problem(
            400, _("Bad photo name"), _("A photo is named by its SHA-256 in lowercase hex.")
        )
    if sha256 not in photos_in(submission.template_version.definition, submission.answers):
        raise Problem(400, _("Unknown photo"), _("This submission's answers do not refer to it."))
    if len(data) > max_bytes():
        raise Problem(
            413, _("Photo too large"), _("A photo may be at most %d bytes.") % max_bytes()
        )
    if hashlib.sha256(data).hexdigest() != sha256:
        raise Problem(
            400, _("Hash mismatch"), _("The bytes do not hash to the name they were sent as.")
        )
    existing = Evidence.objects.filter(sha256=sha256).first()
    if existing is not None and evidence_exists(sha256):
        return StoredPhoto(created=False, evidence=existing, missing=_refresh(submission))
    existing, created = keep_evidence(data, sha256, user)
    return StoredPhoto(created=created, evidence=existing, missing=_refresh(submission))


def keep_evidence(data: bytes, sha256: str, user: Any) -> tuple[Evidence, bool]:
    """Write the image ``data`` (whose SHA-256 is ``sha256``) to the evidence store and
    record it once, whoever records it at the same time: (evidence, created)."""
    content_type, width, height = inspect_image(data)
    name = write_file(evidence_storage(), evidence_name(sha256), data, content_addressed=True)
    try:
        with transaction.atomic():
            evidence = Evidence.objects.create(
                sha256=sha256,
                size=len(data),
                content_type=content_type,
                width=width,
                height=height,
                uploaded_by=user,
                file=name,
            )
    except IntegrityError:
        # Recorded already: by whoever sent the same photo at the same time, or before
        # its file went missing from the store.
        return Evidence.objects.get(sha256=sha256), False
    return evidence, True


def _refresh(submission: Submission) -> list[str]:
    # The finding as it is now: a later submission may have replaced its answers.
    finding = Finding.objects.select_related("template_version").get(pk=submission.finding_id)
    return refresh_completeness(finding)
