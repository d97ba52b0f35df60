"""The mayor's decisions, in the shape of the ZGW "Besluiten" record (conventions.md),
with what closures need besides: legal-basis articles, duration and its maximum, a
remedy term, urgency, the hearing and the prosecutor's consultation.

Rules:

- The identification is given when the decision is taken, from a counter row per
  municipality and year, and never changes.
- Once decided, what was decided is frozen; only its service, entry into force, appeal,
  lifting and expiry are recorded afterwards.
"""

from __future__ import annotations

import uuid
from calendar import monthrange
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from decisions.models.catalogue import DecisionTypeVersion, LegalArticle, Measure
from decisions.models.reports import Document, JointReport
from gis.models import Premises
from inspections.models import ActionDay
from partners.models import Municipality

# Before the measure ends, the coordinator is asked to plan a re-inspection.
FOLLOW_UP_LEAD = timedelta(weeks=3)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has fewer days)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


class DecidedError(Exception):
    """What was decided never changes."""


class DecisionCounter(models.Model):
    """The last identification number given per municipality and year."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="decision_counter_year"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year}: {self.last}"


class DecisionQuerySet(models.QuerySet["Decision"]):
    def in_force(self, on: date | None = None) -> DecisionQuerySet:
        """Served decisions whose period covers ``on`` and that were not lifted."""
        on = on or timezone.localdate()
        return self.filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=on),
            status__in=(Decision.Status.SERVED, Decision.Status.IN_FORCE),
            effective_from__lte=on,
        )

    def decided(self) -> DecisionQuerySet:
        return self.exclude(status__in=Decision.OPEN_STATUSES)

    def overlapping(self, decision: Decision) -> DecisionQuerySet:
        """Decisions taken and not ended that impose the same measure on the same premises
        for a period sharing a day with ``decision``'s (from today when it has no start
        yet; an open end runs on)."""
        start = decision.effective_from or timezone.localdate()
        found = self.filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=start),
            premises_id=decision.premises_id,
            measure=decision.measure,
            status__in=(Decision.Status.DECIDED, Decision.Status.SERVED, Decision.Status.IN_FORCE),
        ).exclude(pk=decision.pk)
        if decision.expires_on is not None:
            found = found.filter(effective_from__lte=decision.expires_on)
        return found.order_by("effective_from")


class Decision(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        HEARING = "hearing", _("Hearing scheduled")
        DECIDED = "decided", _("Decided")
        SERVED = "served", _("Served")
        IN_FORCE = "in_force", _("In force")
        LIFTED = "lifted", _("Lifted")
        EXPIRED = "expired", _("Expired")

    class Body(models.TextChoices):
        MAYOR = "mayor", _("Mayor")
        COLLEGE = "college", _("College of mayor and aldermen")
        COUNCIL = "council", _("Municipal council")

    class ExpiryReason(models.TextChoices):
        TEMPORARY = "temporary", _("Temporary: the period ended")
        BY_AUTHORITY = "by_authority", _("Withdrawn by the authority")
        AT_REQUEST = "at_request", _("Withdrawn at the party's request")
        REMEDIED = "remedied", _("Lifted: the operator remedied")

    OPEN_STATUSES = (Status.DRAFT, Status.HEARING)
    # What the mayor's office edits in the draft (the page's form and the demo alike).
    DRAFT_FIELDS = (
        "measure",
        "governing_body",
        "articles",
        "motivation",
        "lifting_condition",
        "urgent",
        "decision_date",
        "effective_from",
        "expires_on",
        "remedy_deadline",
        "warned_on",
        "prosecutor_consulted_on",
        "prosecutor_reference",
        "prosecutor_advice",
        "signatory_name",
        "signatory_capacity",
    )
    # Fields that may still change once decided.
    AFTER_DECISION_FIELDS = frozenset(
        {
            "status",
            "dispatch_date",
            "publication_date",
            "appeal_deadline",
            "appeal_lodged_on",
            "appeal_note",
            "expiry_reason",
            "ended_on",
            "updated_at",
        }
    )

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="decisions"
    )
    identification = models.CharField(_("identification"), max_length=40, blank=True)
    type_version = models.ForeignKey(
        DecisionTypeVersion,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("decision type"),
    )
    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices)
    joint_report = models.ForeignKey(
        JointReport, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("case")
    )
    premises = models.ForeignKey(Premises, on_delete=models.PROTECT, related_name="decisions")
    # Copied from the premises when drafting: the register is searched by them.
    operator_name = models.CharField(_("operator"), max_length=200, blank=True)
    enterprise_number = models.CharField(_("enterprise number"), max_length=12, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    governing_body = models.CharField(
        _("governing body"), max_length=10, choices=Body.choices, default=Body.MAYOR
    )
    motivation = models.TextField(
        _("motivation"),
        help_text=_("One consideration per line; the document numbers them."),
    )
    lifting_condition = models.TextField(_("condition for lifting"), blank=True)
    articles = models.ManyToManyField(
        LegalArticle, related_name="decisions", blank=True, verbose_name=_("legal basis")
    )
    urgent = models.BooleanField(_("urgent"), default=False)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    remedy_deadline = models.DateField(_("remedy deadline"), null=True, blank=True)
    expiry_reason = models.CharField(
        _("expiry reason"), max_length=15, choices=ExpiryReason.choices, blank=True
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    dispatch_date = models.DateField(_("dispatch date"), null=True, blank=True)
    publication_date = models.DateField(_("publication date"), null=True, blank=True)
    appeal_deadline = models.DateField(_("appeal deadline"), null=True, blank=True)
    appeal_lodged_on = models.DateField(_("appeal lodged on"), null=True, blank=True)
    appeal_note = models.TextField(_("appeal"), blank=True)
    warned_on = models.DateField(_("prior warning given on"), null=True, blank=True)
    hearing_at = models.DateTimeField(_("hearing scheduled at"), null=True, blank=True)
    hearing_place = models.CharField(_("hearing place"), max_length=200, blank=True)
    heard_on = models.DateField(_("operator heard on"), null=True, blank=True)
    hearing_minutes = models.TextField(_("hearing minutes"), blank=True)
    prosecutor_consulted_on = models.DateField(_("prosecutor consulted on"), null=True, blank=True)
    prosecutor_reference = models.CharField(_("prosecutor's reference"), max_length=100, blank=True)
    prosecutor_advice = models.TextField(_("prosecutor's answer"), blank=True)
    # Printed under the decision: who signs it and as what (the mayor, an alderman by
    # delegation, the general director for the college).
    signatory_name = models.CharField(_("signed by"), max_length=200, blank=True)
    signatory_capacity = models.CharField(_("in the capacity of"), max_length=200, blank=True)
    documents = models.ManyToManyField(
        Document, related_name="decisions", blank=True, verbose_name=_("documents")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decision_date", "-created_at"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            # Unique per municipality once given (drafts have none yet).
            models.UniqueConstraint(
                fields=["municipality", "identification"],
                condition=~Q(identification=""),
                name="decision_unique_identification",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(effective_from__isnull=True)
                | Q(expires_on__gte=models.F("effective_from")),
                name="decision_period_in_order",
            ),
        ]
        indexes = [
            # The permit desk's flag and the conflict check: "in force at these premises".
            models.Index(fields=["premises", "status"], name="decision_premises_idx"),
            # The permit register searched by enterprise number.
            models.Index(fields=["enterprise_number"], name="decision_enterprise_idx"),
        ]

    def __str__(self) -> str:
        return self.identification or f"{self.type_version.decision_type} ({_('draft')})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            stored = Decision.objects.filter(pk=self.pk).first()
            if stored is not None and not stored.is_open:
                changed = {
                    item.attname
                    for item in self._meta.concrete_fields
                    if getattr(stored, item.attname) != getattr(self, item.attname)
                }
                if changed - self.AFTER_DECISION_FIELDS:
                    raise DecidedError(
                        f"Decision {self.identification} is decided: "
                        f"{', '.join(sorted(changed - self.AFTER_DECISION_FIELDS))} cannot change."
                    )
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def latest_end(self) -> date | None:
        """The last day the measure may run under its type's maximum."""
        limit = self.type_version.max_duration_months
        if limit is None or self.effective_from is None:
            return None
        return add_months(self.effective_from, limit)

    def follow_up_due(self) -> date | None:
        return self.expires_on - FOLLOW_UP_LEAD if self.expires_on else None


class FollowUp(models.Model):
    """A re-inspection proposed to the coordinator before a measure ends."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        PLANNED = "planned", _("Planned")
        DISMISSED = "dismissed", _("Dismissed")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    decision = models.OneToOneField(Decision, on_delete=models.CASCADE, related_name="follow_up")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("re-inspect by"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    action_day = models.ForeignKey(
        ActionDay, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on"]
        verbose_name = _("follow-up inspection")
        verbose_name_plural = _("follow-up inspections")
        indexes = [
            # The coordinator's home: "proposed follow-ups of my municipality".
            models.Index(fields=["municipality", "status"], name="follow_up_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.decision} → {self.due_on}"
