"""The joint official report of one visited premises, its sign-offs, and the generated
documents (PDFs) of reports and decisions.

Rules:

- A report's ``content`` is a snapshot of the facts usable by the city, compiled from
  the findings when the version is made; the PDF is rendered from the snapshot alone,
  so it reads the same whenever and wherever it is rendered.
- Each partner with a finding at the visit signs off; when every one has, the report is
  final and never changes again. An amendment is a new version.
- A report is cited by its number, ``<municipality code>-<year>-<number>`` like the
  decisions' identification, given when its first version is compiled (a counter row
  per municipality and year); its amendments keep the number with the next version.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from config.storage import documents_storage
from inspections.models import Visit
from partners.models import Municipality, Partner


class FinalReportError(Exception):
    """A final report never changes; amend it with a new version instead."""


class JointReportCounter(models.Model):
    """The last joint-report number given per municipality and year."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year"], name="joint_report_counter_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year}: {self.last}"


class JointReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Awaiting sign-off")
        FINAL = "final", _("Final")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="joint_reports"
    )
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="joint_reports")
    number = models.CharField(_("number"), max_length=40, blank=True, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    content = models.JSONField(default=dict)
    # The SHA-256 of the canonical content: what each partner signed.
    content_sha256 = models.CharField(max_length=64)
    amends = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="amendments"
    )
    amendment_reason = models.TextField(_("reason for the amendment"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finalised_at = models.DateTimeField(_("final since"), null=True, blank=True)

    class Meta:
        ordering = ["visit", "-version"]
        verbose_name = _("joint report")
        verbose_name_plural = _("joint reports")
        constraints = [
            models.UniqueConstraint(fields=["visit", "version"], name="joint_report_version"),
            # At most one version of a visit's report awaits sign-off at a time.
            models.UniqueConstraint(
                fields=["visit"],
                condition=models.Q(status="draft"),
                name="joint_report_one_draft",
            ),
            # A number cites one report: its versions share it, other visits never do.
            models.UniqueConstraint(
                fields=["municipality", "number", "version"],
                condition=~models.Q(number=""),
                name="joint_report_number_version",
            ),
        ]
        indexes = [
            # The register and the figures: "final reports of this municipality".
            models.Index(fields=["municipality", "status"], name="joint_report_status_idx"),
        ]

    def __str__(self) -> str:
        label = self.content.get("premises", {}).get("label", "")
        return " · ".join(part for part in (self.reference, label) if part)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and (
            JointReport.objects.filter(pk=self.pk, status=self.Status.FINAL).exists()
        ):
            raise FinalReportError(f"Report {self.reference} is final and cannot change.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if JointReport.objects.filter(pk=self.pk, status=self.Status.FINAL).exists():
            raise FinalReportError(f"Report {self.reference} is final and cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def reference(self) -> str:
        """How a person cites this version: ``23027-2026-0003 v2``."""
        return f"{self.number} v{self.version}" if self.number else f"v{self.version}"

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL

    def partner_ids(self) -> list[int]:
        """The partners who must sign: every partner with a finding at the visit."""
        return [section["partner_id"] for section in self.content.get("partners", [])]

    def missing_sign_offs(self) -> list[str]:
        signed = set(self.sign_offs.values_list("partner_id", flat=True))
        return [
            section["partner"]
            for section in self.content.get("partners", [])
            if section["partner_id"] not in signed
        ]

    def current_pdf(self) -> Document | None:
        return self.documents.filter(kind=Document.Kind.JOINT_REPORT).order_by("-pk").first()


class ReportSignOff(models.Model):
    """One partner's sign-off of a report version, and whether the report may say that
    further information exists with that partner."""

    report = models.ForeignKey(JointReport, on_delete=models.PROTECT, related_name="sign_offs")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="+")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField()
    content_sha256 = models.CharField(max_length=64)
    mention_further_information = models.BooleanField(
        _("mention that further information exists with this partner"), default=False
    )

    class Meta:
        ordering = ["report", "signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["report", "partner"], name="sign_off_once"),
        ]

    def __str__(self) -> str:
        return f"{self.partner} – {self.report}"


class Document(models.Model):
    """A generated official PDF (PDF/A), stored privately in the "documents" storage
    (``<kind>/<code>-v<version>.pdf``) with its version and SHA-256. Generated once by a worker;
    ``state``, ``done`` and ``total`` are the progress the page polls."""

    class Kind(models.TextChoices):
        JOINT_REPORT = "joint_report", _("Joint report")
        DECISION = "decision", _("Decision")
        INVITATION = "invitation", _("Invitation to the hearing")
        MINUTES = "minutes", _("Hearing minutes")

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Being generated")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="decision_documents"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    language = models.CharField(_("language"), max_length=2)
    version = models.PositiveIntegerField(_("version"), default=1)
    joint_report = models.ForeignKey(
        JointReport, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    decision = models.ForeignKey(
        "decisions.Decision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="generated_documents",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveSmallIntegerField(default=0)
    total = models.PositiveSmallIntegerField(default=3)
    error = models.CharField(max_length=300, blank=True)
    file = models.FileField(storage=documents_storage, max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title

    @property
    def is_ready(self) -> bool:
        return self.state == self.State.DONE

    @property
    def is_pending(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)
