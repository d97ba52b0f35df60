"""Signals from every desk: what a permit clerk, a population-office clerk, a warden or
an inspector saw, on an address, a premises, a company or a person. A coordinator
triages each one; the reporter follows only its status."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gis.models import Indicator, Premises
from gis.models import Signal as RegisterSignal
from partners.models import Municipality, Partner


class DeskSignal(models.Model):
    class Desk(models.TextChoices):
        PERMIT_DESK = "permit_desk", _("Permit desk")
        POPULATION_OFFICE = "population_office", _("Population office")
        WARDENS = "wardens", _("City wardens")
        INSPECTION = "inspection", _("Inspection")
        POLICE = "police", _("Police")
        OTHER = "other", _("Other service")

    class About(models.TextChoices):
        ADDRESS = "address", _("An address")
        PREMISES = "premises", _("A premises")
        COMPANY = "company", _("A company")
        PERSON = "person", _("A person")

    class Status(models.TextChoices):
        """What the reporter sees: nothing of what the triage found."""

        RECEIVED = "received", _("Received")
        IN_TREATMENT = "in_treatment", _("In treatment")
        CLOSED = "closed", pgettext_lazy("a case or a signal", "Closed")

    class Outcome(models.TextChoices):
        """What the triage decided; shown to the case team, never to the reporter."""

        NONE = "", _("Not triaged yet")
        VERIFIED = "verified", _("Verified")
        LINKED = "linked", _("Linked to a case")
        MERGED = "merged", _("Merged into another signal")
        DISMISSED = "dismissed", _("Dismissed")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="desk_signals"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reporter_partner = models.ForeignKey(
        Partner, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    desk = models.CharField(_("desk"), max_length=20, choices=Desk.choices)
    about = models.CharField(_("about"), max_length=10, choices=About.choices)
    # What it is about, as the reporter gave it; triage links it to the register.
    address = models.CharField(_("address"), max_length=300, blank=True)
    subject_name = models.CharField(_("name of the company or person"), max_length=200, blank=True)
    enterprise_number = models.CharField(_("enterprise number"), max_length=12, blank=True)
    # A person's birth date, when the reporter knows it: with the name it tells the
    # register's person apart from others of the same name.
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    premises = models.ForeignKey(
        Premises, null=True, blank=True, on_delete=models.SET_NULL, related_name="desk_signals"
    )
    subject = models.ForeignKey(
        "cases.Subject", null=True, blank=True, on_delete=models.SET_NULL, related_name="signals"
    )
    observed_on = models.DateField(_("seen on"))
    what_was_seen = models.TextField(_("what was seen"))
    indicator = models.ForeignKey(
        Indicator,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("indicator"),
    )
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.RECEIVED
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default="", blank=True
    )
    dismiss_reason = models.TextField(_("reason for dismissal"), blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="signals"
    )
    # The register's signal a verified desk signal became (it feeds the premises' risk).
    register_signal = models.OneToOneField(
        RegisterSignal, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    triaged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        indexes = [
            # The coordinator's triage queue: a city's signals by status, oldest first.
            models.Index(fields=["municipality", "status", "created_at"]),
            # "My signals" for the reporter.
            models.Index(fields=["reporter", "created_at"]),
        ]

    def __str__(self) -> str:
        about = self.subject_name or self.address or (self.premises and str(self.premises))
        return f"{self.get_desk_display()}: {about or self.get_about_display()}"
