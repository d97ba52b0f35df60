"""A closed action day with findings recorded through the field code: at the car wash
(visit 1) the police recorded identities (shared with the partners, notes internal),
the social inspection recorded undeclared work with photos (usable by the city); the
other visits have no findings."""

from __future__ import annotations

import hashlib
import io
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from PIL import Image

from decisions import reports
from decisions.catalogue import seed_catalogue
from decisions.models import (
    DecisionType,
    DecisionTypeVersion,
    JointReport,
    LegalArticle,
)
from inspections import evidence, sync
from inspections.models import ActionDay, Visit
from tests.cast import Cast
from tests.field_fixtures import FieldDay, build_field_day, seed_field_checklists, version_of

FOOTPRINT = {
    "type": "Polygon",
    "coordinates": [
        [
            [4.2318, 50.7311],
            [4.2324, 50.7311],
            [4.2324, 50.7315],
            [4.2318, 50.7315],
            [4.2318, 50.7311],
        ]
    ],
}
POLICE_NOTE = "Informant X says the owner runs three more places"
SOCIAL_ANSWERS: dict[str, Any] = {
    "workers_present": 5,
    "without_dimona": "yes",
    "without_dimona_count": 3,
    "contracts": "none",
    "fee_to_work": "yes",
    "false_self_employed": "no",
    "rent_withheld": "yes",
}
POLICE_ANSWERS: dict[str, Any] = {
    "persons_present": 7,
    "identities_checked": 7,
    "irregular_stay": "yes",
    "irregular_stay_count": 2,
    "police_notes": POLICE_NOTE,
}


@dataclass
class ReportDay:
    field: FieldDay
    visit: Visit
    photos: list[str]

    @property
    def day(self) -> ActionDay:
        return self.field.day


def jpeg(colour: str, size: tuple[int, int] = (320, 240), *, exif: bool = False) -> bytes:
    image = Image.new("RGB", size, colour)
    stream = io.BytesIO()
    if exif:
        data = image.getexif()
        data[306] = "2025:03:13 09:52:10"
        image.save(stream, format="JPEG", exif=data)
    else:
        image.save(stream, format="JPEG")
    return stream.getvalue()


def submit(user: Any, visit: Visit, slug: str, answers: dict[str, Any]) -> sync.Stored:
    return sync.submit(
        user=user,
        client_id=uuid.uuid4(),
        visit_code=visit.code,
        version_code=version_of(slug).code,
        answers=answers,
        base_version=None,
        recorded_at=timezone.now(),
    )


def seed_decision_catalogue() -> None:
    """Seeded by a migration; restored after a transactional test's flush."""
    if not DecisionType.objects.exists():
        seed_catalogue(LegalArticle, DecisionType, DecisionTypeVersion)


def build_report_day(cast: Cast, *, photos: int = 2) -> ReportDay:
    seed_field_checklists()
    seed_decision_catalogue()
    field = build_field_day(cast, status=ActionDay.Status.RELEASED)
    visit = field.visits[0]
    premises = visit.premises
    premises.footprint = FOOTPRINT
    premises.parcel_key = "23027A0012/00B000"
    premises.operator_name = "Wash & Go BV"
    premises.enterprise_number = "0123.456.749"
    premises.save()
    visit.entry_partner = cast.police
    visit.entry_basis = "Wet op het politieambt art. 26"
    visit.save()
    blobs = [
        jpeg(colour, exif=index == 0)
        for index, colour in enumerate(["red", "green", "blue", "orange"][:photos])
    ]
    shas = [hashlib.sha256(blob).hexdigest() for blob in blobs]
    social = dict(SOCIAL_ANSWERS, documents=shas) if shas else dict(SOCIAL_ANSWERS)
    stored = submit(cast.social_inspector, visit, "social-employment", social)
    for sha, blob in zip(shas, blobs, strict=True):
        evidence.store_photo(
            user=cast.social_inspector, submission=stored.submission, sha256=sha, data=blob
        )
    submit(cast.police_inspector, visit, "police-identities", POLICE_ANSWERS)
    close(field.day)
    return ReportDay(field=field, visit=visit, photos=shas)


def close(day: ActionDay) -> None:
    ActionDay.objects.filter(pk=day.pk).update(status=ActionDay.Status.CLOSED)
    day.refresh_from_db()


def final_report(cast: Cast, built: ReportDay) -> JointReport:
    report = reports.compile_report(visit=built.visit, user=cast.mayor)
    for user, partner in (
        (cast.police_inspector, cast.police),
        (cast.social_inspector, cast.social),
    ):
        report = reports.sign_off(
            report=report, partner_id=partner.pk, user=user, mention_further_information=True
        )
    assert report.is_final
    return report


def type_version(code: str) -> DecisionTypeVersion:
    version = DecisionType.objects.get(code=code).current_version()
    assert version is not None
    return version


def days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)
