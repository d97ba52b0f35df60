"""Who takes part: municipalities, partner organisations, their competencies, people
and sharing protocols, and the audit log of who read or changed what."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def in_active_language(obj: Any, field: str, language: str | None = None) -> str:
    """``obj.<field>_<language>`` in the given or the active interface language, falling
    back to the Dutch text when that language has none (catalogues keep nl, fr and en
    columns)."""
    language = (language or get_language() or "nl")[:2]
    return str(getattr(obj, f"{field}_{language}", None) or getattr(obj, f"{field}_nl", ""))


class Country(models.TextChoices):
    BELGIUM = "BE", _("Belgium")
    NETHERLANDS = "NL", _("Netherlands")


class Region(models.TextChoices):
    """Belgium's regions, coded as in ISO 3166-2: housing, planning and environment law
    are regional, so a Belgian city's catalogue depends on its region."""

    FLANDERS = "BE-VLG", _("Flanders")
    BRUSSELS = "BE-BRU", _("Brussels-Capital Region")
    WALLONIA = "BE-WAL", _("Wallonia")


def region_of_nis_code(code: str) -> str:
    """The region of a Belgian NIS code, from its province digits ("" when unknown):
    21 is Brussels, 25 Walloon Brabant, 23/24 Flemish Brabant, 1/3/4/7 the Flemish and
    5/6/8/9 the Walloon provinces."""
    if len(code) != 5 or not code.isdigit():
        return ""
    if code.startswith("21"):
        return Region.BRUSSELS
    if code.startswith("25") or code[0] in "5689":
        return Region.WALLONIA
    if code.startswith(("23", "24")) or code[0] in "1347":
        return Region.FLANDERS
    return ""


class CatalogueQuerySet(models.QuerySet[Any]):
    """Catalogue entries (competencies, legal articles, decision types) carry the country
    and region whose law they rest on; a city sees only those that apply to it."""

    def applying_to(self, *municipalities: Municipality) -> CatalogueQuerySet:
        condition = Q(pk__in=[])
        for municipality in municipalities:
            condition |= applies_to(municipality)
        return self.filter(condition)


def applies_to(municipality: Municipality, prefix: str = "") -> Q:
    """Entries of every country or of the municipality's, of the whole country or of its
    region. ``prefix`` reaches a related catalogue entry (``"competency__"``)."""
    return Q(**{f"{prefix}country__in": ["", municipality.country]}) & Q(
        **{f"{prefix}region__in": ["", municipality.region]}
    )


def jurisdiction_field() -> tuple[models.CharField, models.CharField]:
    """The country and region of a catalogue entry (empty: every country, every region)."""
    return (
        models.CharField(
            _("country"),
            max_length=2,
            choices=Country.choices,
            blank=True,
            help_text=_("Empty: its law applies in every country."),
        ),
        models.CharField(
            _("region"),
            max_length=6,
            choices=Region.choices,
            blank=True,
            help_text=_("Empty: its law applies in every region of the country."),
        ),
    )


class Municipality(models.Model):
    """A city that owns premises, action days and decisions.

    ``code`` is the Belgian NIS code (5 digits) or the Dutch CBS code (``GM0935``).
    """

    class Language(models.TextChoices):
        DUTCH = "nl", _("Dutch")
        FRENCH = "fr", _("French")

    code = models.CharField(_("NIS/CBS code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=100)
    language = models.CharField(
        _("language of official documents"), max_length=2, choices=Language.choices
    )
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    region = models.CharField(
        _("region"),
        max_length=6,
        choices=Region.choices,
        blank=True,
        help_text=_(
            "Required for a Belgian municipality: it decides which regional law applies "
            "(housing, planning). Left empty, it follows from the NIS code."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.country == Country.BELGIUM and not self.region:
            self.region = region_of_nis_code(self.code)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.country != Country.BELGIUM:
            if self.region:
                raise ValidationError({"region": _("Only a Belgian municipality has a region.")})
            return
        self.region = self.region or region_of_nis_code(self.code)
        if not self.region:
            raise ValidationError(
                {"region": _("Choose the region: its law applies to this municipality.")}
            )

    @property
    def jurisdiction(self) -> str:
        """``BE-VLG``, ``BE-BRU``, ``BE-WAL`` or the country (``NL``)."""
        return self.region or self.country

    def jurisdictions(self) -> tuple[str, ...]:
        """The codes of the law that applies here, the most specific first."""
        return tuple(code for code in (self.region, self.country) if code)


class Competency(models.Model):
    """What a partner may check, with the law that gives it the power.

    ``country`` and ``region`` say where the competency exists (empty: everywhere);
    ``regional_legal_bases`` holds the law of a region or country where it differs from
    the default text, as ``{"BE-BRU": {"nl": ..., "fr": ...}, "NL": {...}}``.
    """

    class Domain(models.TextChoices):
        POLICE = "police", _("Police and public order")
        RESIDENCE = "residence", _("Identity and residence")
        SOCIAL = "social", _("Social law and undeclared work")
        LABOUR = "labour", _("Well-being at work")
        SOCIAL_SECURITY = "social_security", _("Social security contributions")
        FIRE = "fire", _("Fire safety")
        HOUSING = "housing", _("Housing quality")
        PLANNING = "planning", _("Planning and environment")
        PERMITS = "permits", _("Permits and economy")
        POPULATION = "population", _("Population register")
        FOOD = "food", _("Food safety")
        TAX = "tax", _("Tax")
        TRAFFICKING = "trafficking", _("Human trafficking")
        JUDICIAL = "judicial", _("Judicial")
        COORDINATION = "coordination", _("Coordination and information")

    code = models.SlugField(_("code"), max_length=50, unique=True)
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    legal_basis_nl = models.TextField(_("legal basis (Dutch)"), blank=True)
    legal_basis_fr = models.TextField(_("legal basis (French)"), blank=True)
    country, region = jurisdiction_field()
    regional_legal_bases = models.JSONField(
        _("legal basis per region or country"),
        default=dict,
        blank=True,
        help_text=_(
            'Where the law differs, e.g. {"BE-BRU": {"nl": "…", "fr": "…"}}; '
            "the texts above apply everywhere else."
        ),
    )

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        ordering = ["domain", "code"]
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return in_active_language(self, "title")

    @property
    def legal_basis(self) -> str:
        """In the interface language: pages a person reads, not official documents."""
        return in_active_language(self, "legal_basis")

    def legal_basis_in(self, language: str) -> str:
        return in_active_language(self, "legal_basis", language)

    def legal_basis_for(self, municipality: Municipality, language: str | None = None) -> str:
        """The legal basis in the municipality's region or country, in ``language`` (the
        interface language when None): Brussels reads the Code bruxellois du Logement
        where Flanders reads the Vlaamse Codex Wonen. Law has no English text: an English
        page shows it in the municipality's language."""
        return regional_text(
            self.regional_legal_bases,
            municipality,
            language,
            default=lambda lang: str(
                getattr(self, f"legal_basis_{lang}", "")
                or getattr(self, f"legal_basis_{municipality.language}", "")
                or self.legal_basis_nl
            ),
        )


def with_local_legal_basis(
    competencies: Iterable[Competency], municipality: Municipality | None
) -> list[Competency]:
    """The competencies, each with ``local_legal_basis``: its law in the municipality's
    region or country, in the interface language (the default text without one)."""
    listed = list(competencies)
    for competency in listed:
        competency.local_legal_basis = (  # type: ignore[attr-defined]
            competency.legal_basis_for(municipality)
            if municipality is not None
            else competency.legal_basis
        )
    return listed


def regional_text(
    texts: dict[str, dict[str, str]],
    municipality: Municipality,
    language: str | None,
    *,
    default: Callable[[str], str],
) -> str:
    """The text of the municipality's region, else of its country, in ``language`` (else
    the municipality's language, else Dutch); ``default(language)`` when neither has one."""
    language = (language or get_language() or "nl")[:2]
    for code in municipality.jurisdictions():
        entry = texts.get(code) if isinstance(texts, dict) else None
        if entry:
            found = entry.get(language) or entry.get(municipality.language) or entry.get("nl")
            return str(found or "")
    return default(language)


class Partner(models.Model):
    """An organisation taking part in inspections: a police zone, an inspectorate, a
    city service. Partners are data: cities add their own."""

    class Level(models.TextChoices):
        LOCAL = "local", _("Local")
        REGIONAL = "regional", _("Regional")
        FEDERAL = "federal", _("Federal")
        JUDICIAL = "judicial", _("Judicial")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("short code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40)
    level = models.CharField(_("government level"), max_length=10, choices=Level.choices)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    makes_official_findings = models.BooleanField(
        _("makes official findings"),
        default=True,
        help_text=_("Off for partners that only support others (they draw up no report)."),
    )
    competencies = models.ManyToManyField(
        Competency, related_name="partners", blank=True, verbose_name=_("competencies")
    )
    municipalities = models.ManyToManyField(
        Municipality,
        related_name="partners",
        verbose_name=_("works for"),
        help_text=_("A police zone or a federal inspectorate works for several cities."),
    )

    class Meta:
        ordering = ["level", "name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self) -> str:
        return self.short_name


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    INSPECTOR = "inspector", _("Inspector")
    TEAM_LEAD = "team_lead", _("Team lead")
    MAYORS_OFFICE = "mayors_office", _("Mayor's office")
    PERMIT_DESK = "permit_desk", _("Permit desk")
    ANALYST = "analyst", _("Analyst")
    ADMIN = "admin", _("Administrator")


class Person(models.Model):
    """A user's place in the work: the partner they belong to, their roles and the
    municipalities they work for (always among their partner's)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person"
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="people", verbose_name=_("partner")
    )
    roles = models.JSONField(_("roles"), default=list)
    municipalities = models.ManyToManyField(
        Municipality, related_name="people", verbose_name=_("works for")
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    def role_labels(self) -> list[str]:
        return [str(Role(role).label) for role in self.roles if role in Role.values]


def person_of(user: AbstractBaseUser | AnonymousUser) -> Person | None:
    """The user's Person, or None for anonymous users and accounts without one."""
    if not user.is_authenticated:
        return None
    try:
        return user.person  # type: ignore[attr-defined]
    except Person.DoesNotExist:
        return None


def has_role(user: AbstractBaseUser | AnonymousUser, *roles: str) -> bool:
    person = person_of(user)
    return person is not None and person.has_role(*roles)


class SharingProtocolQuerySet(models.QuerySet["SharingProtocol"]):
    def in_force(self, on: date | None = None) -> SharingProtocolQuerySet:
        on = on or timezone.localdate()
        return self.filter(valid_from__lte=on).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )

    def covering(self, partner: Partner, municipality: Municipality) -> SharingProtocolQuerySet:
        return self.filter(parties=partner, municipality=municipality)


class SharingProtocol(models.Model):
    """A protocol or covenant under which partners may exchange information about one
    municipality's cases, limited to some themes and a period."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="sharing_protocols",
        verbose_name=_("municipality"),
    )
    parties = models.ManyToManyField(
        Partner, related_name="sharing_protocols", verbose_name=_("parties")
    )
    themes = models.ManyToManyField(
        Competency, related_name="sharing_protocols", blank=True, verbose_name=_("themes")
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = SharingProtocolQuerySet.as_manager()

    class Meta:
        ordering = ["municipality", "-valid_from"]
        verbose_name = _("sharing protocol")
        verbose_name_plural = _("sharing protocols")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="sharing_protocol_period_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_in_force(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


class AppendOnlyQuerySet(models.QuerySet["AuditEntry"]):
    """Audit rows can be added, never changed or removed in bulk."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The audit log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only.")


class AuditEntry(models.Model):
    """One row per read, creation, change or export of a sensitive object.

    Written only through :func:`partners.audit.record`. The user's name and the object's
    description are copied, so the entry still reads right after either is gone.
    """

    class Action(models.TextChoices):
        READ = "read", _("read")
        CREATE = "create", _("created")
        CHANGE = "change", _("changed")
        DELETE = "delete", _("deleted")
        EXPORT = "export", _("exported")
        LOOKUP = "lookup", _("looked up")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(_("user"), max_length=150)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=100)
    object_code = models.CharField(_("object"), max_length=64, blank=True)
    object_repr = models.CharField(_("description"), max_length=200, blank=True)
    municipality = models.ForeignKey(
        Municipality, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [
            # "Who looked at this object?" — the data protection officer's question.
            models.Index(fields=["object_type", "object_code"], name="audit_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only.")

    @property
    def object_type_name(self) -> str:
        """What the entry is about, in the reader's language ("joint report"), where the
        stored type is a model's label ("decisions.JointReport"); other types as stored."""
        from django.apps import apps

        try:
            model = apps.get_model(self.object_type)
        except (LookupError, ValueError):
            return self.object_type
        return str(capfirst(model._meta.verbose_name))
