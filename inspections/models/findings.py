"""Findings recorded in the field, the device submissions that made them, their photo
evidence, and the tokens devices sign in with.

A finding is one partner's answers to one checklist at one visit. Every save on a device
is a :class:`Submission` with its own ``client_id``: replaying it changes nothing, and an
edit names the finding version it was based on, so a stale edit is refused, never
written over a newer one.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.storage import evidence_storage
from gis.models import Indicator, Signal
from inspections.models.checklists import ChecklistTemplate, ChecklistVersion, Sharing
from inspections.models.planning import Visit
from partners.models import Municipality, Partner


class FindingQuerySet(models.QuerySet["Finding"]):
    def complete(self) -> FindingQuerySet:
        return self.filter(is_complete=True)


class Finding(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="findings")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="findings")
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.PROTECT, related_name="+")
    template_version = models.ForeignKey(
        ChecklistVersion, on_delete=models.PROTECT, related_name="findings"
    )
    # Raised by one with every accepted submission; edits name the version they saw.
    version = models.PositiveIntegerField(default=1)
    answers = models.JSONField(default=dict)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Complete once every photo its answers refer to has arrived.
    is_complete = models.BooleanField(default=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["visit", "partner", "template"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        constraints = [
            # One partner fills one checklist once per visit; later saves are versions.
            models.UniqueConstraint(
                fields=["visit", "partner", "template"], name="finding_unique_per_visit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} – {self.visit}"

    @property
    def municipality(self) -> Municipality:
        return self.visit.action_day.municipality

    def photos(self) -> set[str]:
        return {
            sha
            for answer in self.answer_rows.all()
            if isinstance(answer.value, list) and answer.kind == "photo"
            for sha in answer.value
        }

    def missing_photos(self) -> list[str]:
        wanted = self.photos()
        present = set(Evidence.objects.filter(sha256__in=wanted).values_list("sha256", flat=True))
        return sorted(wanted - present)


class FindingAnswerQuerySet(models.QuerySet["FindingAnswer"]):
    def readable_by_partner(self, partner: Partner | None) -> FindingAnswerQuerySet:
        """Internal answers stay with the partner that recorded them."""
        rule = ~models.Q(sharing=Sharing.INTERNAL)
        if partner is not None:
            rule |= models.Q(finding__partner=partner)
        return self.filter(rule)


class FindingAnswer(models.Model):
    """One answer of a finding, with the sharing level it was recorded under, so a report
    can filter on it."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="answer_rows")
    question = models.CharField(max_length=80)
    kind = models.CharField(max_length=20)
    value = models.JSONField()
    sharing = models.CharField(max_length=10, choices=Sharing.choices)
    indicator = models.ForeignKey(
        Indicator, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    legal_reference = models.CharField(max_length=300, blank=True)
    # The premises signal a "yes" to an indicator question raised.
    signal = models.ForeignKey(
        Signal, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = FindingAnswerQuerySet.as_manager()

    class Meta:
        ordering = ["finding", "id"]
        constraints = [
            models.UniqueConstraint(fields=["finding", "question"], name="answer_unique_question"),
        ]
        indexes = [
            # The report: "the answers of this day's findings usable by the city".
            models.Index(fields=["sharing", "finding"], name="answer_sharing_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.question} = {self.value}"


class Submission(models.Model):
    """One save from a device, accepted once whatever how often it is sent."""

    client_id = models.UUIDField(unique=True)
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="submissions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    template_version = models.ForeignKey(
        ChecklistVersion, on_delete=models.PROTECT, related_name="+"
    )
    base_version = models.PositiveIntegerField(null=True, blank=True)
    version = models.PositiveIntegerField()
    answers = models.JSONField(default=dict)
    recorded_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["finding", "version"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")

    def __str__(self) -> str:
        return str(self.client_id)


class Evidence(models.Model):
    """A photo, stored once under its SHA-256 in the "evidence" storage (``ab/abcdef…``;
    on disk ``MEDIA_ROOT/evidence/ab/abcdef…``)."""

    sha256 = models.CharField(max_length=64, unique=True)
    file = models.FileField(storage=evidence_storage, max_length=100, blank=True)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.sha256

    @staticmethod
    def name_for(sha256: str) -> str:
        """The photo's name in the evidence storage: content-addressed, two-letter fan-out."""
        return f"{sha256[:2]}/{sha256}"

    @property
    def relative_path(self) -> str:
        """Where the photo is under ``MEDIA_ROOT`` with the storage on disk; code that
        reads or removes the file uses ``file`` (the "evidence" storage) instead."""
        return f"evidence/{self.name_for(self.sha256)}"


class DeviceToken(models.Model):
    """A bearer token for a tablet or a script; only its hash is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="device_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("device token")
        verbose_name_plural = _("device tokens")

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user: Any, name: str) -> tuple[DeviceToken, str]:
        """A new token; the raw value is shown once and never stored."""
        raw = secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, key_hash=cls.hash(raw)), raw

    @classmethod
    def user_for(cls, raw: str) -> Any:
        token = cls.objects.select_related("user").filter(key_hash=cls.hash(raw)).first()
        if token is None or not token.user.is_active:
            return None
        return token.user
