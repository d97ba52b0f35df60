"""The case file: a phenomenon, its team, its subjects, and information entries that
each keep their source, kind and sharing level ("exchanging is not using")."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from partners.models import Municipality, Partner, Person


class Phenomenon(models.TextChoices):
    HUMAN_TRAFFICKING = "human_trafficking", _("Human trafficking")
    LABOUR_EXPLOITATION = "labour_exploitation", _("Labour exploitation")
    PROSTITUTION = "prostitution", _("Exploitation of prostitution")
    DRUGS = "drugs", _("Drugs")
    SLUM_LANDLORDING = "slum_landlording", _("Slum landlording")
    MONEY_LAUNDERING = "money_laundering", _("Money laundering")
    OUTLAW_BIKERS = "outlaw_bikers", _("Outlaw motorcycle gangs")
    FRAUD = "fraud", _("Social or tax fraud")
    OTHER = "other", _("Other")


class Approach(models.TextChoices):
    INTEGRATED = "integrated", _("Integrated approach")
    ADMINISTRATIVE = "administrative", _("Administrative approach")
    JUDICIAL = "judicial", _("Judicial approach")
    TAX = "tax", _("Tax approach")
    SOCIAL = "social", _("Social-law approach")


class CaseCounter(models.Model):
    """The last case number given per municipality and year (see partners.numbering)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="one_case_counter_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id}-{self.year}: {self.last}"


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> CaseQuerySet:
        return self.exclude(state=Case.State.CLOSED)


class Case(models.Model):
    class State(models.TextChoices):
        INTAKE = "intake", _("Intake")
        ANALYSIS = "analysis", _("Analysis")
        MEETING = "meeting", _("Case meeting")
        APPROACH_CHOSEN = "approach_chosen", _("Approach chosen")
        ACTIONS = "actions", _("Actions")
        MONITORING = "monitoring", _("Monitoring")
        CLOSED = "closed", pgettext_lazy("a case or a signal", "Closed")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="cases")
    # Human number, e.g. 23027-2026-0004: what people cite in minutes and e-mails.
    number = models.CharField(_("case number"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=200)
    phenomenon = models.CharField(_("phenomenon"), max_length=30, choices=Phenomenon.choices)
    summary = models.TextField(_("summary"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.INTAKE)
    approach = models.CharField(_("approach"), max_length=20, choices=Approach.choices, blank=True)
    evaluation = models.TextField(_("evaluation"), blank=True)
    lead_partner = models.ForeignKey(
        Partner,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("lead partner"),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    subjects = models.ManyToManyField(
        "cases.Subject", through="cases.CaseSubject", related_name="cases"
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def next_states(self) -> tuple[str, ...]:
        """Where the case may go from its state: forward along the chain, back one step
        where the work shows it is needed, and closed (with an evaluation) from any open
        state, since a case may end at intake when nothing is found."""
        return CASE_TRANSITIONS.get(self.state, ())

    def can_move_to(self, state: str) -> bool:
        return state in self.next_states()


_S = Case.State
CASE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    _S.INTAKE: (_S.ANALYSIS, _S.CLOSED),
    _S.ANALYSIS: (_S.MEETING, _S.INTAKE, _S.CLOSED),
    _S.MEETING: (_S.APPROACH_CHOSEN, _S.ANALYSIS, _S.CLOSED),
    _S.APPROACH_CHOSEN: (_S.ACTIONS, _S.MEETING, _S.CLOSED),
    _S.ACTIONS: (_S.MONITORING, _S.MEETING, _S.CLOSED),
    _S.MONITORING: (_S.CLOSED, _S.ACTIONS, _S.MEETING),
    _S.CLOSED: (),
}


class CaseMember(models.Model):
    """A named person of a named partner in the case team: only they see the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="case_memberships")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("case team member")
        verbose_name_plural = _("case team")
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="one_membership_per_case")
        ]

    def __str__(self) -> str:
        return str(self.person)


class CaseSubject(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_subjects")
    subject = models.ForeignKey(
        "cases.Subject", on_delete=models.CASCADE, related_name="case_subjects"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "subject"], name="subject_once_per_case")
        ]

    def __str__(self) -> str:
        return str(self.subject)


class Entry(models.Model):
    """One fact in the information matrix, with where it came from and who may read it.

    An internal entry is read only by its partner's members; the others see that one
    exists. An entry shared in an art. 458ter consultation is bound to that meeting's
    purpose (``bound_to_meeting``) and never leaves it: no export, report or decision
    carries it."""

    class Kind(models.TextChoices):
        OPEN = "open", _("Open source")
        HALF_OPEN = "half_open", _("Half-open source")
        CLOSED = "closed", _("Closed source")

    class Sharing(models.TextChoices):
        CASE_TEAM = "case_team", _("Shareable with the case team")
        CITY = "city", _("Usable by the city for an administrative measure")
        INTERNAL = "internal", _("Internal to the partner")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="entries")
    subject = models.ForeignKey(
        "cases.Subject",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entries",
        verbose_name=_("about"),
    )
    fact = models.TextField(_("fact"))
    source = models.CharField(_("source"), max_length=200)
    kind = models.CharField(_("kind of source"), max_length=10, choices=Kind.choices)
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="+", verbose_name=_("brought by")
    )
    known_on = models.DateField(_("date of the fact"))
    sharing = models.CharField(_("sharing"), max_length=10, choices=Sharing.choices)
    bound_to_meeting = models.ForeignKey(
        "cases.Meeting",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("shared only for the purpose of"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-known_on", "-created_at"]
        verbose_name = _("information entry")
        verbose_name_plural = _("information entries")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.known_on:%Y-%m-%d}"
