"""Planning an action day: the day itself, the partners taking part, teams, visits and
what each partner checks at each visit, and the sector × competency rules that propose it.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from gis.models import Premises, Sector, Zone
from partners.models import Competency, Municipality, Partner, SharingProtocol

# Proposed at every visit, whatever the angle of the action ("regardless of the angle
# ... keep an eye out for indicators of human trafficking", CONFINE L3457-3460).
TRAFFICKING_COMPETENCY = "trafficking-indicators"


class InvalidTransition(Exception):
    """A status change the action day's life cycle does not allow."""


class ActionDayQuerySet(models.QuerySet["ActionDay"]):
    def upcoming(self) -> ActionDayQuerySet:
        return self.filter(date__gte=timezone.localdate())

    def held_on(self, day: date) -> ActionDayQuerySet:
        return self.filter(date=day)


class ActionDay(models.Model):
    """A flex action / integrated control: several partners inspect several premises
    of one municipality on one day."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PLANNED = "planned", _("Planned")
        RELEASED = "released", _("Released")
        IN_PROGRESS = "in_progress", _("In progress")
        CLOSED = "closed", _("Closed")
        REPORTED = "reported", _("Reported")

    # Each status and the ones it may move to; anything else is refused.
    TRANSITIONS: dict[str, tuple[str, ...]] = {
        Status.DRAFT: (Status.PLANNED,),
        Status.PLANNED: (Status.DRAFT, Status.RELEASED),
        Status.RELEASED: (Status.PLANNED, Status.IN_PROGRESS),
        Status.IN_PROGRESS: (Status.CLOSED,),
        Status.CLOSED: (Status.REPORTED,),
        Status.REPORTED: (),
    }
    # Until release, which premises are targeted is known to the coordinator only.
    SECRET_STATUSES = (Status.DRAFT, Status.PLANNED)

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="action_days"
    )
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("start"))
    ends_at = models.TimeField(_("end"))
    zone = models.ForeignKey(
        Zone,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("zone"),
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="coordinated_days",
        verbose_name=_("coordinator"),
    )
    lead_partner = models.ForeignKey(
        Partner,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lead partner"),
    )
    partners = models.ManyToManyField(
        Partner, related_name="action_days", blank=True, verbose_name=_("participating partners")
    )
    # The case whose meeting chose this day as one of its instruments, if any.
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_days",
        verbose_name=_("case"),
    )
    briefing_place = models.CharField(_("briefing place"), max_length=200, blank=True)
    briefing_time = models.TimeField(_("briefing time"), null=True, blank=True)
    # The route of every team starts here.
    briefing_lon = models.FloatField(_("briefing point longitude"), null=True, blank=True)
    briefing_lat = models.FloatField(_("briefing point latitude"), null=True, blank=True)
    priorities = models.TextField(_("priorities"), blank=True)
    sharing_protocol = models.ForeignKey(
        SharingProtocol,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sharing protocol"),
    )
    travel_speed_kmh = models.PositiveSmallIntegerField(_("travel speed (km/h)"), default=25)
    visit_minutes = models.PositiveSmallIntegerField(_("visit duration (minutes)"), default=40)
    recent_visit_days = models.PositiveSmallIntegerField(
        _("warn when visited within (days)"), default=90
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    released_at = models.DateTimeField(null=True, blank=True)
    # Optimistic locking: every change to the plan names the version it was based on.
    version = models.PositiveIntegerField(default=1)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ActionDayQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-starts_at"]
        verbose_name = _("action day")
        verbose_name_plural = _("action days")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="action_day_ends_after_start"
            ),
        ]
        indexes = [
            # "Is this person on another action day that day?" and the day's list.
            models.Index(fields=["municipality", "date"], name="action_day_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({formats.date_format(self.date)})"

    def clean(self) -> None:
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The end must be after the start.")
        if self.briefing_time and self.ends_at and self.briefing_time >= self.ends_at:
            errors["briefing_time"] = _("The briefing must be before the end of the day.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_secret(self) -> bool:
        return self.status in self.SECRET_STATUSES

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.PLANNED, self.Status.RELEASED)

    def start_datetime(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.date, self.starts_at))

    def end_datetime(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.date, self.ends_at))

    def overlaps(self, other: ActionDay) -> bool:
        return (
            self.date == other.date
            and self.starts_at < other.ends_at
            and other.starts_at < self.ends_at
        )

    def move_to(self, status: str) -> None:
        """Change status through the life cycle, or raise InvalidTransition."""
        if status not in self.TRANSITIONS[self.status]:
            raise InvalidTransition(
                _("An action day cannot go from “%(old)s” to “%(new)s”.")
                % {"old": self.get_status_display(), "new": self.Status(status).label}
            )
        self.status = status
        if status == self.Status.RELEASED:
            self.released_at = timezone.now()

    def plan(self) -> None:
        self.move_to(self.Status.PLANNED)

    def release(self) -> None:
        self.move_to(self.Status.RELEASED)

    def start(self) -> None:
        self.move_to(self.Status.IN_PROGRESS)

    def close(self) -> None:
        self.move_to(self.Status.CLOSED)

    def mark_reported(self) -> None:
        self.move_to(self.Status.REPORTED)

    def briefing_point(self) -> tuple[float, float] | None:
        if self.briefing_lon is None or self.briefing_lat is None:
            return None
        return (self.briefing_lon, self.briefing_lat)


class Team(models.Model):
    action_day = models.ForeignKey(ActionDay, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("name"), max_length=60)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("team lead"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="inspection_teams",
        blank=True,
        verbose_name=_("members"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.UniqueConstraint(fields=["action_day", "name"], name="team_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Visit(models.Model):
    """One premises inspected on an action day by one team."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        UNDERWAY = "underway", _("Underway")
        DONE = "done", _("Done")
        NO_ACCESS = "no_access", _("No access")
        CLOSED = "closed", _("Closed (premises shut)")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    action_day = models.ForeignKey(ActionDay, on_delete=models.CASCADE, related_name="visits")
    premises = models.ForeignKey(Premises, on_delete=models.PROTECT, related_name="visits")
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visits",
        verbose_name=_("team"),
    )
    route_order = models.PositiveSmallIntegerField(null=True, blank=True)
    slot_start = models.TimeField(_("slot start"), null=True, blank=True)
    slot_end = models.TimeField(_("slot end"), null=True, blank=True)
    entry_partner = models.ForeignKey(
        Partner,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("partner whose power gives entry"),
    )
    entry_basis = models.CharField(_("legal basis of entry"), max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    reinspection_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["team__name", "route_order", "slot_start"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [
            # A premises is visited once per action day.
            models.UniqueConstraint(
                fields=["action_day", "premises"], name="visit_unique_premises"
            ),
        ]
        indexes = [
            # "Was this premises visited in the last N days?"
            models.Index(fields=["premises", "status"], name="visit_premises_status_idx"),
        ]

    def __str__(self) -> str:
        return str(self.premises)

    def slot_overlaps(self, other: Visit) -> bool:
        if None in (self.slot_start, self.slot_end, other.slot_start, other.slot_end):
            return False
        return self.slot_start < other.slot_end and other.slot_start < self.slot_end  # type: ignore[operator]

    def begin(self, when: datetime | None = None) -> None:
        if self.status not in (self.Status.PLANNED, self.Status.UNDERWAY):
            raise InvalidTransition(_("This visit has already ended."))
        self.status = self.Status.UNDERWAY
        self.started_at = self.started_at or when or timezone.now()

    def finish(self, outcome: str = Status.DONE, when: datetime | None = None) -> None:
        if outcome not in (self.Status.DONE, self.Status.NO_ACCESS, self.Status.CLOSED):
            raise InvalidTransition(_("Unknown outcome of a visit."))
        if self.status in (self.Status.DONE, self.Status.NO_ACCESS, self.Status.CLOSED):
            raise InvalidTransition(_("This visit has already ended."))
        self.status = outcome
        self.started_at = self.started_at or when or timezone.now()
        self.finished_at = when or timezone.now()


class VisitTask(models.Model):
    """What one partner checks at one visit (proposed from the rules, adjusted by the
    coordinator). ``partner`` is empty when no participating partner holds the competency."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="tasks")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.SET_NULL, related_name="visit_tasks"
    )

    class Meta:
        ordering = ["competency__domain", "competency__code"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "competency"], name="task_unique_competency"),
        ]

    def __str__(self) -> str:
        return f"{self.competency} – {self.partner or '?'}"


class SectorRule(models.Model):
    """In this municipality, a premises of ``sector`` needs a check of ``competency``."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="sector_rules"
    )
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, related_name="+")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["sector__code", "competency__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "sector", "competency"], name="sector_rule_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sector} → {self.competency}"
