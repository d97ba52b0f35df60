"""Checklist templates, per partner competency and sector, in immutable published
versions: a finding names the version it answers, so what a question said is never
rewritten under it."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from gis.models import Sector
from inspections.checklists.definition import check_definition, label_in
from partners.models import Competency, Municipality, Partner, in_active_language


class Sharing(models.TextChoices):
    """Who may see an answer beyond the partner that recorded it (the default comes from
    the question; the values match ``gis.Signal.Confidentiality``)."""

    SHARED = "shared", _("Shareable with all action partners")
    CITY = "city", _("Usable by the city for an administrative decision")
    INTERNAL = "internal", _("Internal to the partner")


class PublishedVersionError(Exception):
    """A published checklist version never changes; make a new version instead."""


class ChecklistTemplate(models.Model):
    """A checklist for one competency; ``sectors`` empty means every sector.

    Its owner decides who may change it: a shared checklist (no owner, seeded for every
    city) only the platform's superusers; a city's own copy that city's coordinators; a
    partner's checklist that partner's administrators. A copy names the shared entry it
    adapts (``adapted_from``) and takes its place, once published, where its owner works.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("short code"), max_length=60, unique=True)
    competency = models.ForeignKey(
        Competency,
        on_delete=models.PROTECT,
        related_name="checklist_templates",
        verbose_name=_("competency"),
    )
    sectors = models.ManyToManyField(
        Sector, related_name="+", blank=True, verbose_name=_("sectors")
    )
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    municipality = models.ForeignKey(
        Municipality,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="own_checklists",
        verbose_name=_("city that owns it"),
    )
    owner_partner = models.ForeignKey(
        Partner,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="own_checklists",
        verbose_name=_("partner that owns it"),
    )
    adapted_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adaptations",
        verbose_name=_("adapted from"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["competency__code", "slug"]
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        constraints = [
            # One owner at most: a city's copy or a partner's checklist, never both.
            models.CheckConstraint(
                condition=models.Q(municipality__isnull=True)
                | models.Q(owner_partner__isnull=True),
                name="checklist_one_owner",
            ),
            # "Adapt for my city" finds the city's copy of a shared entry; one per city.
            models.UniqueConstraint(
                fields=["adapted_from", "municipality"], name="checklist_one_copy_per_city"
            ),
            models.UniqueConstraint(
                fields=["adapted_from", "owner_partner"], name="checklist_one_copy_per_partner"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_shared(self) -> bool:
        return self.municipality_id is None and self.owner_partner_id is None

    @property
    def owner_name(self) -> str:
        """Whose it is, as the builder lists it: a city, a partner or every city."""
        if self.municipality_id is not None:
            return str(self.municipality)
        if self.owner_partner_id is not None:
            return str(self.owner_partner)
        return str(_("Shared by every city"))

    @property
    def root_id(self) -> int:
        """The shared entry this checklist adapts, or itself: copies of one entry compete
        for its place at a visit."""
        return self.adapted_from_id or self.pk

    @property
    def title(self) -> str:
        return in_active_language(self, "title")

    def current_version(self) -> ChecklistVersion | None:
        """The latest published version: the one assigned to new findings."""
        return self.versions.filter(status=ChecklistVersion.Status.PUBLISHED).first()

    def latest_version(self) -> ChecklistVersion | None:
        return self.versions.first()


class ChecklistVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    definition = models.JSONField(_("questions"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["template", "-number"]
        verbose_name = _("checklist version")
        verbose_name_plural = _("checklist versions")
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="checklist_version_number"),
        ]

    def __str__(self) -> str:
        return f"{self.template} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and (
            ChecklistVersion.objects.filter(pk=self.pk, status=self.Status.PUBLISHED).exists()
        ):
            raise PublishedVersionError(f"{self} is published and cannot change.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.status == self.Status.PUBLISHED:
            raise PublishedVersionError(f"{self} is published and cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def questions(self) -> list[dict[str, Any]]:
        return list(self.definition.get("questions", []))

    def question(self, name: str) -> dict[str, Any] | None:
        return next((item for item in self.questions if item["name"] == name), None)

    def problems(self) -> list[str]:
        return check_definition(self.definition)

    def publish(self) -> None:
        """Freeze this draft; raises ValueError with the reasons when it is not valid."""
        problems = self.problems()
        if problems:
            raise ValueError(" ".join(problems))
        self.status = self.Status.PUBLISHED
        self.published_at = timezone.now()
        self.save()

    def new_draft(self, user: Any = None) -> ChecklistVersion:
        """A draft copy to edit: the next version number of the same template."""
        latest = self.template.versions.order_by("-number").values_list("number", flat=True)
        return ChecklistVersion.objects.create(
            template=self.template,
            number=(latest.first() or 0) + 1,
            definition=self.definition,
            created_by=user if user is not None and user.is_authenticated else None,
        )

    def label(self, item: dict[str, Any]) -> str:
        return label_in(item.get("label", {}), (get_language() or "nl")[:2])
