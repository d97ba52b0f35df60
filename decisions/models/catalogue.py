"""The law the mayor's office decides under, as data: legal articles and decision types
in published, frozen versions. A decision names the type version it used, so a later
change of the catalogue never rewrites what an earlier decision relied on.

The seeded defaults are marked for review ("verify with your legal service"): they are a
starting point, not legal advice.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import CatalogueQuerySet, Country, Region, in_active_language

# The decisions app names it after what it does for documents in a given language.
in_language = in_active_language


def region_field() -> models.CharField:
    return models.CharField(
        _("region"),
        max_length=6,
        choices=Region.choices,
        blank=True,
        help_text=_("Empty: the law of the whole country."),
    )


class PublishedVersionError(Exception):
    """A published decision type version never changes; publish a new version instead."""


class Measure(models.TextChoices):
    CLOSURE = "closure", _("Closure")
    SUSPENSION = "suspension", _("Permit suspension")
    WITHDRAWAL = "withdrawal", _("Permit withdrawal")
    REFUSAL = "refusal", _("Permit refusal")
    CLOSING_HOURS = "closing_hours", _("Closing hours")
    COVENANT = "covenant", _("Covenant with the operator")
    ORDER = "order", _("Police order")


# The measures that end up in the register of refused, suspended and withdrawn permits.
PERMIT_MEASURES = (Measure.REFUSAL, Measure.SUSPENSION, Measure.WITHDRAWAL)


class LegalArticle(models.Model):
    """One article of law a decision may cite; kept explicit so a decision's legal bases
    can be exported (OSLO "Besluit Publicatie", ZGW Besluiten)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    region = region_field()
    citation_nl = models.CharField(_("citation (Dutch)"), max_length=200)
    citation_fr = models.CharField(_("citation (French)"), max_length=200)
    citation_en = models.CharField(_("citation (English)"), max_length=200)

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        ordering = ["country", "code"]
        verbose_name = _("legal article")
        verbose_name_plural = _("legal articles")

    def __str__(self) -> str:
        return self.citation

    @property
    def citation(self) -> str:
        return in_language(self, "citation")


class DecisionType(models.Model):
    """A kind of decision under one law: of a country, or of one region where the law
    is regional (a Brussels housing measure rests on the Code bruxellois du Logement)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    region = region_field()
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        ordering = ["country", "code"]
        verbose_name = _("decision type")
        verbose_name_plural = _("decision types")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return in_language(self, "title")

    def current_version(self) -> DecisionTypeVersion | None:
        return self.versions.filter(status=DecisionTypeVersion.Status.PUBLISHED).first()


class DecisionTypeVersion(models.Model):
    """What the law requires of one kind of decision, frozen once published."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    decision_type = models.ForeignKey(
        DecisionType, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    measures = models.JSONField(_("measures it allows"), default=list)
    legal_basis_nl = models.TextField(_("legal basis (Dutch)"))
    legal_basis_fr = models.TextField(_("legal basis (French)"))
    articles = models.ManyToManyField(
        LegalArticle, related_name="+", blank=True, verbose_name=_("articles")
    )
    max_duration_months = models.PositiveSmallIntegerField(
        _("maximum duration (months)"), null=True, blank=True
    )
    requires_hearing = models.BooleanField(_("hearing of the operator required"), default=False)
    hearing_waivable_if_urgent = models.BooleanField(
        _("hearing may be skipped when urgent"), default=False
    )
    requires_prior_warning = models.BooleanField(_("prior warning required"), default=False)
    requires_prosecutor = models.BooleanField(
        _("prior consultation of the prosecutor required"), default=False
    )
    requires_remedy_term = models.BooleanField(
        _("a term to remedy is required unless urgent"), default=False
    )
    appeal_term_days = models.PositiveSmallIntegerField(_("appeal term (days)"), default=60)
    appeal_body_nl = models.CharField(_("appeal to (Dutch)"), max_length=200, blank=True)
    appeal_body_fr = models.CharField(_("appeal to (French)"), max_length=200, blank=True)
    motivation_nl = models.TextField(_("model motivation (Dutch)"), blank=True)
    motivation_fr = models.TextField(_("model motivation (French)"), blank=True)
    needs_legal_review = models.BooleanField(
        _("verify with your legal service"),
        default=True,
        help_text=_("Seeded defaults stay marked until the city's legal service confirms them."),
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["decision_type", "-number"]
        verbose_name = _("decision type version")
        verbose_name_plural = _("decision type versions")
        constraints = [
            models.UniqueConstraint(
                fields=["decision_type", "number"], name="decision_type_version_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision_type} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and (
            DecisionTypeVersion.objects.filter(pk=self.pk, status=self.Status.PUBLISHED).exists()
        ):
            raise PublishedVersionError(f"{self} is published and cannot change.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.status == self.Status.PUBLISHED:
            raise PublishedVersionError(f"{self} is published and cannot be deleted.")
        return super().delete(*args, **kwargs)

    def publish(self) -> None:
        self.status = self.Status.PUBLISHED
        self.published_at = timezone.now()
        self.save()

    def legal_basis(self, language: str | None = None) -> str:
        return in_language(self, "legal_basis", language)

    def appeal_body(self, language: str | None = None) -> str:
        return in_language(self, "appeal_body", language)

    def motivation(self, language: str | None = None) -> str:
        return in_language(self, "motivation", language)

    def required_steps(self, *, urgent: bool = False) -> list[str]:
        """The steps (``hearing``, ``prior_warning``, ``prosecutor``) a decision of this
        version needs before it is taken."""
        steps = []
        if self.requires_hearing and not (urgent and self.hearing_waivable_if_urgent):
            steps.append("hearing")
        if self.requires_prior_warning and not urgent:
            steps.append("prior_warning")
        if self.requires_prosecutor:
            steps.append("prosecutor")
        return steps
