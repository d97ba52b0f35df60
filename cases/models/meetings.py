"""The case meeting (casusoverleg) and the instruments it chooses from.

A meeting sits under a sharing protocol, or is a closed professional-secret consultation
under Belgian Code of Criminal Procedure art. 458ter: then its purpose is recorded, every
participant acknowledges the code of conduct, and what was shared stays bound to that
purpose."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.models.cases import Approach, Case
from partners.models import Municipality, Partner, Person, SharingProtocol


class Instrument(models.Model):
    """What a partner can do about a case: a closure, a permit measure, a tax audit, a
    social inspection, a judicial referral, a covenant… Seeded, marked "verify with your
    legal service"."""

    class Kind(models.TextChoices):
        ADMINISTRATIVE = "administrative", _("Administrative")
        JUDICIAL = "judicial", _("Judicial")
        TAX = "tax", _("Tax")
        SOCIAL = "social", _("Social law")
        INSPECTION = "inspection", _("Inspection")
        OTHER = "other", _("Other")

    code = models.SlugField(_("code"), max_length=60)
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="instruments", verbose_name=_("partner")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    # An instrument that is carried out as a joint inspection: choosing it offers
    # "plan an action day" on the case.
    is_action_day = models.BooleanField(_("carried out as an action day"), default=False)

    class Meta:
        ordering = ["partner", "code"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        constraints = [
            models.UniqueConstraint(fields=["partner", "code"], name="instrument_code_per_partner")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        from django.utils.translation import get_language

        language = (get_language() or "nl")[:2]
        return getattr(self, f"title_{language}", "") or self.title_nl


class Meeting(models.Model):
    class Frame(models.TextChoices):
        PROTOCOL = "protocol", _("Under a sharing protocol")
        ART_458TER = "458ter", _("Professional-secret consultation (art. 458ter Sv./CIC)")

    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="case_meetings"
    )
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    frame = models.CharField(_("legal frame"), max_length=10, choices=Frame.choices)
    protocol = models.ForeignKey(
        SharingProtocol,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sharing protocol"),
    )
    purpose = models.TextField(_("purpose"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PLANNED
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("case meeting")
        verbose_name_plural = _("case meetings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(frame="458ter") | models.Q(protocol__isnull=False),
                name="meeting_under_protocol_or_458ter",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.held_on:%Y-%m-%d}"


class Participant(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="+")
    # art. 458ter: each participant acknowledges the code of conduct before anything is shared.
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="participant_once")
        ]

    def __str__(self) -> str:
        return str(self.person)


class AgendaItem(models.Model):
    """A case on a meeting's agenda and what the meeting decided about it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(default=0)
    approach = models.CharField(_("approach"), max_length=20, choices=Approach.choices, blank=True)
    decision = models.TextField(_("decision"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "order"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "case"], name="case_once_per_agenda")
        ]

    def __str__(self) -> str:
        return str(self.case)


class CaseAction(models.Model):
    """An instrument a meeting assigned to a partner for a case, with its deadline."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("a case action", "Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions")
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="+")
    description = models.TextField(_("what is to be done"), blank=True)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    result = models.TextField(_("result"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["deadline"]
        verbose_name = _("case action")
        verbose_name_plural = _("case actions")

    def __str__(self) -> str:
        return f"{self.instrument} ({self.partner})"
