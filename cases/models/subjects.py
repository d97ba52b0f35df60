"""Who and what a case is about: companies, persons, vehicles and premises (the
register's own rows), and the links between them with a role and a period.

Subjects belong to one municipality's register. A person holds only what the purpose
needs (name, birth date, nationality, address): nothing else is stored by default.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gis.models import Premises
from partners.models import Municipality


class SubjectQuerySet(models.QuerySet["Subject"]):
    def companies(self) -> SubjectQuerySet:
        return self.filter(kind=Subject.Kind.COMPANY)

    def persons(self) -> SubjectQuerySet:
        return self.filter(kind=Subject.Kind.PERSON)

    def premises_reached_through_companies(self, person: Subject) -> SubjectQuerySet:
        """The premises linked to a company that ``person`` is linked to: a manager's
        massage parlours through the companies that operate them. One query."""
        companies = Link.objects.filter(source=person, target__kind=Subject.Kind.COMPANY).values(
            "target"
        )
        linked = Link.objects.filter(source__in=companies, target__kind=Subject.Kind.PREMISES)
        return self.filter(kind=Subject.Kind.PREMISES, pk__in=linked.values("target"))


class Subject(models.Model):
    """A company, person, vehicle or premises in a city's case register."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        PERSON = "person", _("Person")
        PREMISES = "premises", _("Premises")
        VEHICLE = "vehicle", _("Vehicle")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="subjects"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    # Company: Belgian enterprise number (mod 97 checked, ``0xxx.xxx.xxx``) or Dutch KvK.
    enterprise_number = models.CharField(_("enterprise number"), max_length=12, blank=True)
    kvk_number = models.CharField(_("KvK number"), max_length=8, blank=True)
    legal_form = models.CharField(_("legal form"), max_length=40, blank=True)
    bankrupt_on = models.DateField(_("declared bankrupt on"), null=True, blank=True)
    # Person: what the purpose needs and nothing more.
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    nationality = models.CharField(_("nationality"), max_length=2, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    # Vehicle.
    plate = models.CharField(_("number plate"), max_length=20, blank=True)
    plate_country = models.CharField(_("country of registration"), max_length=2, blank=True)
    # Premises: the register's row; its name and address are read from there.
    premises = models.OneToOneField(
        Premises,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subject",
        verbose_name=_("premises"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = SubjectQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        constraints = [
            # One company per enterprise number (and per KvK number) in a city's register:
            # the same company found twice must be one node of the network.
            models.UniqueConstraint(
                fields=["municipality", "enterprise_number"],
                condition=~Q(enterprise_number=""),
                name="subject_unique_enterprise_number",
            ),
            models.UniqueConstraint(
                fields=["municipality", "kvk_number"],
                condition=~Q(kvk_number=""),
                name="subject_unique_kvk_number",
            ),
            models.CheckConstraint(
                condition=Q(kind="premises", premises__isnull=False)
                | (~Q(kind="premises") & Q(premises__isnull=True)),
                name="subject_premises_iff_kind_premises",
            ),
        ]
        indexes = [
            # The register's search by kind and name within a city.
            models.Index(fields=["municipality", "kind", "name"]),
        ]

    def __str__(self) -> str:
        return self.name


class RegisteredOffice(models.Model):
    """Where a company had its registered office, and when: a company moving its seat
    eight times in eight years is itself an indicator."""

    company = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="offices")
    address = models.CharField(_("address"), max_length=300)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["company", "valid_from"]
        verbose_name = _("registered office")
        verbose_name_plural = _("registered offices")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="registered_office_period_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.address


class LinkQuerySet(models.QuerySet["Link"]):
    def current(self, on: date | None = None) -> LinkQuerySet:
        on = on or timezone.localdate()
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )

    def touching(self, subject: Subject) -> LinkQuerySet:
        return self.filter(Q(source=subject) | Q(target=subject))


class Link(models.Model):
    """``source`` is ``role`` of ``target`` during a period: a person is *manager* of a
    company, a company is *operator* of a premises, a person is *resident* at a premises."""

    class Role(models.TextChoices):
        OPERATOR = "operator", _("operator")
        OWNER = "owner", _("owner")
        LANDLORD = "landlord", _("landlord")
        MANAGER = "manager", _("manager")
        EMPLOYEE = "employee", _("employee")
        RESIDENT = "resident", _("resident")
        REGISTERED_AT = "registered_at", _("registered at")
        USES = "uses", _("uses")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    source = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="links_in")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_to = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("source of the link"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = LinkQuerySet.as_manager()

    class Meta:
        ordering = ["source", "role", "valid_from"]
        verbose_name = _("link")
        verbose_name_plural = _("links")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="link_period_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")), name="link_between_two_subjects"
            ),
        ]
        indexes = [
            # The network's walk: every link of a set of subjects, both directions.
            models.Index(fields=["source", "target"]),
            models.Index(fields=["target", "source"]),
        ]

    def __str__(self) -> str:
        return f"{self.source} — {self.get_role_display()} — {self.target}"

    def describe(self) -> dict[str, Any]:
        return {"source": str(self.source), "role": self.role, "target": str(self.target)}
