"""Where things are: the premises register, zones, sectors, the indicator catalogue,
signals and the log of layer imports.

Positions are stored in WGS84 (``lon``/``lat``) beside the source coordinates and CRS
they came in, so nothing is lost in translation and no GDAL/GEOS install is needed;
footprints and zone outlines are GeoJSON geometries in WGS84.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.formats import coordinates
from config.storage import uploads_storage
from gis.search import premises_key
from partners.models import Competency, Municipality, in_active_language

# The risk score from which a premises counts as flagged: by construction more than
# one fresh indicator is needed, because one indicator is never conclusive.
FLAG_THRESHOLD = 3.0


class TranslatedTitle(models.Model):
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return in_active_language(self, "title")


class Sector(TranslatedTitle):
    """An economic sector (car wash, massage parlour, night shop…), as data.

    ``aliases`` are the lower-case words a GIS layer may use for it (``pub`` for a bar,
    ``carwash`` for a car wash); an import matches a layer's value against the code and
    the aliases.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")


class Indicator(TranslatedTitle):
    """A catalogue entry: something that, with others, points to exploitation or
    undermining crime (from the CONFINE barrier models)."""

    class Category(models.TextChoices):
        HOUSING = "housing", _("Housing")
        RESIDENCE = "residence", _("Residence")
        CORPORATE = "corporate", _("Corporate")
        LABOUR = "labour", _("Labour")
        FISCAL = "fiscal", _("Fiscal")
        FINANCIAL = "financial", _("Financial")
        DEPENDENCE = "dependence", _("Dependence")
        NUISANCE = "nuisance", _("Nuisance")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    sectors = models.ManyToManyField(
        Sector,
        related_name="indicators",
        blank=True,
        verbose_name=_("sectors"),
        help_text=_("Empty: relevant in every sector."),
    )
    information_source = models.CharField(_("typical information source"), max_length=200)
    actionable_by = models.ForeignKey(
        Competency,
        on_delete=models.PROTECT,
        related_name="indicators",
        verbose_name=_("competency that can act on it"),
    )
    weight = models.FloatField(
        _("weight"),
        default=1.0,
        help_text=_("What a fresh report of this indicator adds to the risk score."),
    )

    class Meta:
        ordering = ["category", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            # One indicator alone must never flag a premises.
            models.CheckConstraint(
                condition=Q(weight__gt=0) & Q(weight__lt=FLAG_THRESHOLD),
                name="indicator_weight_below_flag_threshold",
            )
        ]


class PremisesQuerySet(models.QuerySet["Premises"]):
    def flagged(self) -> PremisesQuerySet:
        return self.filter(Q(flagged_manually=True) | Q(risk_score__gte=FLAG_THRESHOLD))


class Premises(models.Model):
    """One inspectable place: a shop, a house, a car wash, a plot of land."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="premises",
        # The unique external id and the indexes below all lead with the municipality;
        # an index of its own would only slow down every import.
        db_index=False,
    )
    external_id = models.CharField(
        _("external id"),
        max_length=100,
        help_text=_("The id in the city's GIS layer; a re-import updates by it."),
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    sector = models.ForeignKey(
        Sector,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="premises",
        verbose_name=_("sector"),
        # Indexed without the premises of no sector (see Meta.indexes).
        db_index=False,
    )
    lon = models.FloatField(_("longitude (WGS84)"))
    lat = models.FloatField(_("latitude (WGS84)"))
    source_x = models.FloatField(_("source x"))
    source_y = models.FloatField(_("source y"))
    source_crs = models.CharField(_("source CRS"), max_length=40)
    footprint = models.JSONField(
        _("footprint (GeoJSON, WGS84)"),
        null=True,
        blank=True,
        help_text=_("For premises imported from polygons; the marker is its representative point."),
    )
    parcel_key = models.CharField(_("parcel key (CAPAKEY)"), max_length=17, blank=True)
    address_register_id = models.CharField(_("address register id"), max_length=60, blank=True)
    address_register_version = models.CharField(
        _("address register version"), max_length=40, blank=True
    )
    bag_id = models.CharField(_("BAG id"), max_length=16, blank=True)
    enterprise_number = models.CharField(_("operator enterprise number"), max_length=12, blank=True)
    operator_name = models.CharField(_("operator"), max_length=200, blank=True)
    # The name, operator and address as the permit desk compares them (gis.search); kept
    # by save() and by the import, so a lookup filters in the database.
    search_key = models.CharField(max_length=800, blank=True, default="", editable=False)
    flagged_manually = models.BooleanField(
        _("flagged by the administrative-approach team"), default=False
    )
    risk_score = models.FloatField(
        _("risk score"), default=0.0, help_text=_("Kept up to date from the signals.")
    )
    last_inspected_on = models.DateField(_("last inspected on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PremisesQuerySet.as_manager()

    class Meta:
        ordering = ["address", "name"]
        verbose_name = _("premises")
        verbose_name_plural = _("premises")
        constraints = [
            # Re-importing a layer updates by external id: never two rows for one id.
            models.UniqueConstraint(
                fields=["municipality", "external_id"], name="premises_unique_external_id"
            )
        ]
        indexes = [
            # The map's risk filter and the risk list, per municipality.
            models.Index(fields=["municipality", "risk_score"], name="premises_risk_idx"),
            # No index on the position: the only query by it, a zone's bounding box, is
            # as fast over the municipality's rows (bench_map's zone fragment), and an
            # index of random coordinates made a 100,000-row import a fifth slower.
            # Permit-desk lookups by identifier, and the filters by sector. An address
            # layer fills none of them: the rows without one are left out of the index,
            # which made a 100,000-row import a fifth slower. A lookup must say
            # ``.exclude(parcel_key="")`` (and so on) for SQLite to use these indexes;
            # ``sector_id = …`` is enough.
            models.Index(
                fields=["parcel_key"], name="premises_parcel_idx", condition=~Q(parcel_key="")
            ),
            models.Index(
                fields=["enterprise_number"],
                name="premises_enterprise_idx",
                condition=~Q(enterprise_number=""),
            ),
            models.Index(
                fields=["sector"], name="premises_sector_idx", condition=Q(sector__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_key = premises_key(self.name, self.operator_name, self.address)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "operator_name", "address"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_key"}
        super().save(*args, **kwargs)

    @property
    def is_flagged(self) -> bool:
        return self.flagged_manually or self.risk_score >= FLAG_THRESHOLD

    def label(self) -> str:
        return " – ".join(part for part in (self.name, self.address) if part) or self.display_name

    @staticmethod
    def name_for(name: str, address: str, parcel_key: str, lat: float, lon: float) -> str:
        """What a person recognises a premises by: its name, else its address, else its
        parcel key, else where it is. Never the id of the city's GIS layer, which is an
        internal key (``VA/1221136/2013-10-05T15:58:31.813``)."""
        if name or address:
            return name or address
        if parcel_key:
            return gettext("Parcel %(parcel_key)s") % {"parcel_key": parcel_key}
        return coordinates(lat, lon)

    @property
    def display_name(self) -> str:
        return self.name_for(self.name, self.address, self.parcel_key, self.lat, self.lon)


class Zone(models.Model):
    """A named polygon: a neighbourhood, a police zone, a shopping area."""

    class Kind(models.TextChoices):
        NEIGHBOURHOOD = "neighbourhood", _("Neighbourhood")
        POLICE_ZONE = "police_zone", _("Police zone")
        SHOPPING_AREA = "shopping_area", _("Shopping area")
        MUNICIPALITY = "municipality", _("Municipality")
        OTHER = "other", _("Other")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="zones")
    external_id = models.CharField(_("external id"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    name = models.CharField(_("name"), max_length=200)
    geometry = models.JSONField(_("outline (GeoJSON, WGS84)"))
    # The bounding box pre-filters premises before the exact point-in-polygon test.
    west = models.FloatField()
    south = models.FloatField()
    east = models.FloatField()
    north = models.FloatField()
    source_crs = models.CharField(_("source CRS"), max_length=40)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "external_id"], name="zone_unique_external_id"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ReferenceLayer(models.Model):
    """One of the city's own GIS layers drawn under the premises on every map and PDF
    excerpt (parcels, buildings, streets, neighbourhoods, address points): the
    background a closed network has without public tiles. Re-importing a layer of the
    same name replaces its features."""

    class Kind(models.TextChoices):
        PARCELS = "parcels", _("Parcels")
        BUILDINGS = "buildings", _("Buildings")
        STREETS = "streets", _("Streets")
        NEIGHBOURHOODS = "neighbourhoods", _("Neighbourhoods")
        ADDRESSES = "addresses", _("Address points")
        OTHER = "other", _("Other")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="reference_layers"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    name = models.CharField(_("name"), max_length=200)
    # Overrides of the kind's drawing style (gis.reference.STYLES): colour, weight…
    style = models.JSONField(_("style"), default=dict, blank=True)
    feature_count = models.PositiveIntegerField(default=0)
    source_crs = models.CharField(_("source CRS"), max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["municipality", "kind", "name"]
        verbose_name = _("reference layer")
        verbose_name_plural = _("reference layers")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="reference_layer_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ReferenceFeature(models.Model):
    """One geometry of a reference layer, in WGS84, simplified at import to what a map
    shows, with its bounding box."""

    layer = models.ForeignKey(ReferenceLayer, on_delete=models.CASCADE, related_name="features")
    geometry = models.JSONField(_("geometry (GeoJSON, WGS84)"))
    west = models.FloatField()
    south = models.FloatField()
    east = models.FloatField()
    north = models.FloatField()

    class Meta:
        indexes = [
            # The features of a layer that reach into a map's view: layer and west <= the
            # view's east first, the other sides checked on those rows.
            models.Index(fields=["layer", "west"], name="reference_feature_view"),
        ]

    def __str__(self) -> str:
        return f"{self.layer} #{self.pk}"


class Signal(models.Model):
    """A report about a premises that attaches one or more indicators to it.

    A signal raised by an inspection finding keeps the checklist and question by key
    (``checklist``, ``question``) instead of a text in one language: each reader sees
    them in their own language (see :mod:`gis.signal_text`)."""

    class Source(models.TextChoices):
        NEIGHBOUR = "neighbour", _("Neighbour")
        ANONYMOUS_LETTER = "anonymous_letter", _("Anonymous letter")
        INTERNAL_SERVICE = "internal_service", _("Internal service")
        POLICE_REPORT = "police_report", _("Police report")
        FOREIGN_REPORT = "foreign_report", _("Foreign report")
        HOTLINE = "hotline", _("Hotline")
        PERMIT_DESK = "permit_desk", _("Permit desk")
        EARLIER_INSPECTION = "earlier_inspection", _("Earlier inspection")

    class Confidentiality(models.TextChoices):
        """Who beyond the recording partner may read the signal's text."""

        SHARED = "shared", _("Shareable with the action partners")
        CITY = "city", _("Usable by the city")
        INTERNAL = "internal", _("Internal to the recording partner")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    premises = models.ForeignKey(Premises, on_delete=models.CASCADE, related_name="signals")
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    received_on = models.DateField(_("received on"))
    description = models.TextField(_("description"), blank=True)
    checklist = models.SlugField(_("checklist"), max_length=60, blank=True)
    question = models.CharField(_("checklist question"), max_length=80, blank=True)
    indicators = models.ManyToManyField(
        Indicator, related_name="signals", verbose_name=_("indicators")
    )
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=10,
        choices=Confidentiality.choices,
        default=Confidentiality.CITY,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by_partner = models.ForeignKey(
        "partners.Partner", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_on", "-recorded_at"]
        verbose_name = _("signal")
        verbose_name_plural = _("signals")

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.received_on:%Y-%m-%d}"


def upload_name(run: ImportRun, filename: str) -> str:
    """Where an uploaded layer is kept in the uploads storage: one folder per run."""
    return f"imports/{run.code}/{filename}"


class ImportRun(models.Model):
    """One import of a GIS layer, from the command line or the web page: who, which file,
    what it counted and which problems it found. Refused imports are logged too.

    ``stored_file`` is the uploaded layer in the uploads storage (the disk or S3); a run
    tried again names the same file as the run it came from, and the file goes when no
    run needs it any more (gis/records.py)."""

    class Kind(models.TextChoices):
        PREMISES = "premises", _("Premises")
        ZONES = "zones", _("Zones")
        REFERENCE = "reference", _("Reference layer (background)")

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Uploaded, not started")
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        REFUSED = "refused", _("Refused")
        FAILED = "failed", _("Failed")

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="import_runs"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PREMISES)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(_("file"), max_length=255)
    stored_file = models.FileField(
        storage=uploads_storage, upload_to=upload_name, max_length=500, blank=True
    )
    layer = models.CharField(_("layer"), max_length=200, blank=True)
    crs = models.CharField(_("CRS"), max_length=40, blank=True)
    options = models.JSONField(default=dict, blank=True)
    dry_run = models.BooleanField(default=False)
    skip_invalid = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)
    total_rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    # Every problem counted by reason; ``errors`` keeps only the first ones in detail.
    reasons = models.JSONField(default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    # Something the coordinator should look at in an import that went through, such as
    # premises outside the municipality (see gis.boundaries).
    warning = models.TextField(_("import warning"), blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("layer import")
        verbose_name_plural = _("layer imports")

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    def summary(self) -> str:
        """The one summary line the command ends with: counts and the reasons for skipped
        rows, or why the layer was refused."""
        if self.status == self.Status.REFUSED:
            first_line = (self.message.splitlines() or [""])[0]
            return str(_("refused, nothing imported: %s")) % first_line
        line = _(
            "created %(created)d, updated %(updated)d, unchanged %(unchanged)d, skipped %(skipped)d"
        ) % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
        }
        reasons: dict[str, int] = dict(self.reasons)
        if not reasons:
            for error in self.errors:
                reason = error.get("reason", "") if isinstance(error, dict) else str(error)
                reasons[reason] = reasons.get(reason, 0) + 1
        if self.skipped and reasons:
            line += " (" + ", ".join(f"{count} {reason}" for reason, count in reasons.items()) + ")"
        if self.dry_run:
            line = str(_("dry run, nothing written: ")) + line
        return line

    @property
    def can_retry(self) -> bool:
        """Over, from an upload that is kept: its file can be taken again with another
        mapping or with "skip invalid" (a new run; this one stays as it ended)."""
        return bool(self.stored_file) and self.status in (
            self.Status.DONE,
            self.Status.REFUSED,
            self.Status.FAILED,
        )

    def upload_is_kept(self) -> bool:
        """The uploaded file is still in its storage (the retention purge removes it)."""
        name = self.stored_file.name or ""
        return bool(name) and self.stored_file.storage.exists(name)

    def as_progress(self) -> dict[str, Any]:
        return {"status": self.status, "progress": self.progress, "summary": self.summary()}
