"""Importing a GIS layer into the premises register or the zones, from the command line or
from a worker task started by the upload page.

Rules:

* Every import is logged as an :class:`ImportRun` (who, which file, counts, problems),
  refused ones included.
* A layer is imported whole or not at all: one invalid row (no or invalid geometry, a
  duplicate or missing id, an unknown sector, an invalid identifier, undecodable text)
  refuses the layer and names the first problems, unless ``skip_invalid`` is set; then
  the valid rows are imported and the invalid ones counted as skipped, by reason.
* A re-import updates by external id within the municipality: a row whose values did
  not change counts as unchanged and is not written. Import-owned fields are the only
  ones written; risk scores and flags set in Integra stay.
* ``dry_run`` validates and counts without writing anything but the log.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gis import layers
from gis.access import IMPORT_ROLES
from gis.identifiers import normalise_bag_id, normalise_capakey, normalise_enterprise_number
from gis.layers import (
    POINT_TYPES,
    POLYGON_TYPES,
    Layer,
    LayerError,
    Prepared,
    addresses,
    column,
    complete_mapping,
    geojson,
    geometry_problems,
    id_problems,
    lonlat_problems,
    transform_geometries,
)
from gis.models import ImportRun, Premises, Sector, Zone
from gis.zones import prepare_zones
from partners.access import visible_municipalities
from partners.models import Municipality, person_of

logger = logging.getLogger(__name__)

# How many problems a refusal lists and a run keeps; every problem is counted by reason.
SHOWN_PROBLEMS = 10
KEPT_PROBLEMS = 200
BATCH = 5000

PREMISES_FIELDS = (
    "name",
    "address",
    "sector_id",
    "lon",
    "lat",
    "source_x",
    "source_y",
    "source_crs",
    "footprint",
    "parcel_key",
    "address_register_id",
    "address_register_version",
    "bag_id",
    "enterprise_number",
    "operator_name",
)
# A BeSt address id carries its version: namespace/object id/version.
VERSIONED_ID = re.compile(r"^(?P<id>[A-Za-z]+/\d+)/(?P<version>[^/]+)$")


class ImportRefused(Exception):
    """The import cannot run at all (no municipality, no rights); nothing was logged."""


# --- choosing the municipality and logging the run -------------------------------------


def resolve_municipality(*, user: Any, code: str | None) -> Municipality:
    """The municipality to import into: the one named, or the only one the user (or, with
    no user, the installation) has. The user must be a coordinator or an admin."""
    if user is None:
        choices = Municipality.objects.all()
    else:
        person = person_of(user)
        if not user.is_superuser and (person is None or not person.has_role(*IMPORT_ROLES)):
            raise ImportRefused(_("%s may not import layers.") % user.get_username())
        choices = visible_municipalities(user)
    if code:
        found = choices.filter(code=code).first()
        if found is None:
            raise ImportRefused(_("No municipality %s (among yours).") % code)
        return found
    options = list(choices[:50])
    if len(options) != 1:
        names = ", ".join(f"{m.code} {m.name}" for m in options)
        raise ImportRefused(_("Name the municipality to import into: one of %s.") % names)
    return options[0]


def start_run(
    *,
    municipality: Municipality,
    user: Any,
    kind: str,
    filename: str,
    options: dict[str, Any],
    dry_run: bool = False,
    skip_invalid: bool = False,
    stored_file: str = "",
    status: str = ImportRun.Status.PENDING,
) -> ImportRun:
    return ImportRun.objects.create(
        municipality=municipality,
        user=user if user is not None and user.is_authenticated else None,
        kind=kind,
        filename=filename[:255],
        stored_file=stored_file,
        options=options,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        status=status,
    )


def set_progress(run: ImportRun, progress: int, **values: Any) -> None:
    for name, value in values.items():
        setattr(run, name, value)
    run.progress = progress
    run.save(update_fields=["progress", *values])


def refuse(run: ImportRun, message: str, problems: Sequence[tuple[int, str, str]] = ()) -> None:
    run.status = ImportRun.Status.REFUSED
    run.message = message
    run.created = run.updated = run.unchanged = 0
    run.skipped = len(problems)
    run.errors = problem_list(problems)
    run.reasons = count_reasons(problems)
    run.progress = 100
    run.finished_at = timezone.now()
    run.save()


def count_reasons(problems: Sequence[tuple[int, str, str]]) -> dict[str, int]:
    """Problems counted by reason, the most frequent first."""
    counts = Counter(reason for _row, reason, _detail in problems)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def problem_list(problems: Sequence[tuple[int, str, str]]) -> list[dict[str, Any]]:
    return [
        {"row": row, "reason": reason, "detail": detail}
        for row, reason, detail in problems[:KEPT_PROBLEMS]
    ]


def describe_problems(problems: Sequence[tuple[int, str, str]]) -> str:
    shown = "; ".join(
        _("row %(row)d: %(reason)s") % {"row": row, "reason": reason}
        + (f" ({detail})" if detail else "")
        for row, reason, detail in problems[:SHOWN_PROBLEMS]
    )
    more = len(problems) - SHOWN_PROBLEMS
    if more > 0:
        shown += "; " + _("and %d more") % more
    return (
        (
            _("%(count)d invalid rows, so nothing was imported: %(problems)s.")
            % {"count": len(problems), "problems": shown}
        )
        + " "
        + _("Fix them, or import the valid rows only (skip invalid).")
    )


# --- running an import -----------------------------------------------------------------


def execute(run: ImportRun, path: Path) -> ImportRun:
    """Run ``run`` on the file at ``path``: read, validate, write, log. Never raises for
    bad input: the run ends refused, with its message."""
    set_progress(run, 5, status=ImportRun.Status.RUNNING)
    options = run.options or {}
    try:
        with tempfile.TemporaryDirectory(prefix="integra-import-") as workdir:
            source = layers.unpack(path, Path(workdir))
            layer = layers.read_layer(
                source,
                layer=options.get("layer") or None,
                crs=options.get("crs") or None,
                where=options.get("where") or None,
                encoding=options.get("encoding") or None,
            )
        set_progress(run, 30, layer=layer.name[:200], crs=layer.crs, total_rows=len(layer))
        if run.kind == ImportRun.Kind.ZONES:
            prepared = prepare_zones(layer, options)
            model: type[models.Model] = Zone
        else:
            prepared = prepare_premises(layer, options)
            model = Premises
    except LayerError as error:
        refuse(run, str(error))
        return run
    except Exception as error:
        run.status = ImportRun.Status.FAILED
        run.message = str(error)[:2000]
        run.finished_at = timezone.now()
        run.save()
        raise
    if prepared.problems and not run.skip_invalid:
        refuse(run, describe_problems(prepared.problems), prepared.problems)
        return run
    set_progress(run, 60)
    write(run, model, prepared)
    return run


def write(run: ImportRun, model: type[models.Model], prepared: Prepared) -> None:
    existing = {
        external_id: (pk, tuple(values))
        for external_id, pk, *values in model._default_manager.filter(
            municipality=run.municipality
        ).values_list("external_id", "pk", *prepared.fields)
    }
    creates: list[tuple[Any, ...]] = []
    updates: list[tuple[Any, ...]] = []
    for external_id, values in prepared.rows.items():
        known = existing.get(external_id)
        if known is None:
            creates.append((external_id, *values))
        elif known[1] != values:
            updates.append((*values, known[0]))
    if not run.dry_run:
        with large_page_cache(), transaction.atomic():
            insert_rows(model, run.municipality_id, ("external_id", *prepared.fields), creates)
            update_rows(model, prepared.fields, updates)
    run.created, run.updated = len(creates), len(updates)
    run.unchanged = len(prepared.rows) - len(creates) - len(updates)
    run.skipped = len(prepared.problems)
    run.errors = problem_list(prepared.problems)
    run.reasons = count_reasons(prepared.problems)
    run.status = ImportRun.Status.DONE
    run.progress = 100
    run.finished_at = timezone.now()
    run.save()


@contextmanager
def large_page_cache() -> Iterator[None]:
    """On SQLite, a 64 MB page cache while a layer is written: the random UUIDs of new
    rows scatter index writes, and the default 2 MB cache halves the insert speed."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -65536")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def by_attname(model: type[models.Model], name: str) -> models.Field:
    return next(f for f in model._meta.concrete_fields if f.attname == name)


def db_values(model: type[models.Model], names: Sequence[str]) -> list[Callable[[Any], Any]]:
    """Per column, how a Python value becomes a database parameter (JSON needs adapting)."""
    adapters: list[Callable[[Any], Any]] = []
    for name in names:
        model_field = by_attname(model, name)
        if isinstance(model_field, models.JSONField):

            def adapt(value: Any, model_field: Any = model_field) -> Any:
                return None if value is None else model_field.get_db_prep_save(value, connection)

            adapters.append(adapt)
        else:
            adapters.append(lambda value: value)
    return adapters


def insert_rows(
    model: type[models.Model],
    municipality_id: int,
    names: Sequence[str],
    rows: list[tuple[Any, ...]],
) -> None:
    """INSERT in batches, straight to the cursor: for a 100,000-row layer, building model
    instances costs more than reading and transforming the whole file."""
    if not rows:
        return
    now = timezone.now()
    constant: dict[str, Any] = {"municipality_id": municipality_id}
    fresh: list[models.Field] = []
    for model_field in model._meta.concrete_fields:
        if model_field.primary_key or model_field.attname in names:
            continue
        if model_field.attname in constant:
            continue
        if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
            constant[model_field.attname] = model_field.get_db_prep_save(now, connection)
        elif model_field.has_default() and callable(model_field.default):
            fresh.append(model_field)
        else:
            default = model_field.get_default() if model_field.has_default() else None
            constant[model_field.attname] = model_field.get_db_prep_save(default, connection)
    columns = [*names, *constant, *(f.attname for f in fresh)]
    quote = connection.ops.quote_name
    # Table and column names come from the model, never from the layer.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(quote(column) for column in columns),
        ", ".join(["%s"] * len(columns)),
    )
    adapters = db_values(model, names)
    tail = tuple(constant.values())
    json_columns = [
        i for i, name in enumerate(names) if isinstance(by_attname(model, name), models.JSONField)
    ]
    generated = [fresh_values(f, len(rows)) for f in fresh]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = []
            for offset, row in enumerate(rows[start : start + BATCH], start):
                values = list(row)
                for i in json_columns:
                    if values[i] is not None:
                        values[i] = adapters[i](values[i])
                batch.append((*values, *tail, *(column[offset] for column in generated)))
            cursor.executemany(sql, batch)


def fresh_values(model_field: models.Field, count: int) -> list[Any]:
    """``count`` fresh defaults of ``model_field`` ready for the database; random UUIDs
    are made in one go, since uuid4() one by one costs as much as the INSERT."""
    if not isinstance(model_field, models.UUIDField):
        return [
            model_field.get_db_prep_save(model_field.get_default(), connection)
            for _ in range(count)
        ]
    raw = np.frombuffer(os.urandom(16 * count), dtype=np.uint8).reshape(count, 16).copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40  # version 4
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80  # RFC 4122 variant
    blob = raw.tobytes()
    if connection.features.has_native_uuid_field:
        return [uuid.UUID(bytes=blob[i * 16 : i * 16 + 16]) for i in range(count)]
    text = blob.hex()
    return [text[i * 32 : i * 32 + 32] for i in range(count)]


def update_rows(
    model: type[models.Model], names: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    if not rows:
        return
    quote = connection.ops.quote_name
    timestamps = [f.attname for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
    assignments = ", ".join(f"{quote(column)} = %s" for column in (*names, *timestamps))
    table, pk = quote(model._meta.db_table), quote(str(model._meta.pk.column))
    sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608
    adapters = db_values(model, names)
    now = timezone.now()
    stamps = tuple(by_attname(model, name).get_db_prep_save(now, connection) for name in timestamps)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = [
                (*(adapt(v) for adapt, v in zip(adapters, row[:-1], strict=True)), *stamps, row[-1])
                for row in rows[start : start + BATCH]
            ]
            cursor.executemany(sql, batch)


# --- premises --------------------------------------------------------------------------


def sector_index() -> dict[str, int]:
    index: dict[str, int] = {}
    for pk, code, aliases in Sector.objects.values_list("pk", "code", "aliases"):
        for alias in aliases or []:
            index.setdefault(str(alias).strip().lower(), pk)
        index[code.lower()] = pk
    return index


IDENTIFIERS: list[tuple[str, Callable[[str], str]]] = [
    ("parcel_field", normalise_capakey),
    ("enterprise_field", normalise_enterprise_number),
    ("bag_field", normalise_bag_id),
]


def prepare_premises(layer: Layer, options: dict[str, Any]) -> Prepared:
    mapping = complete_mapping(layer, options.get("mapping") or {}, zones=False)
    prepared = Prepared(fields=PREMISES_FIELDS)
    n = len(layer)
    usable = geometry_problems(layer, POINT_TYPES | POLYGON_TYPES, prepared, kind_label="point")
    usable &= ~np.isin(np.arange(n), list(layer.problems))
    for index, (reason, detail) in layer.problems.items():
        prepared.problem(index, reason, detail)
    geometry = layer.geometry
    polygons = usable & np.isin(shapely.get_type_id(geometry), list(POLYGON_TYPES))
    markers = geometry.copy()
    markers[~usable] = None
    markers[polygons] = shapely.point_on_surface(geometry[polygons])
    markers[usable & ~polygons] = shapely.point_on_surface(geometry[usable & ~polygons])
    source_x = shapely.get_x(markers)
    source_y = shapely.get_y(markers)
    lon, lat = layers.to_wgs84(layer.crs).transform(source_x, source_y)
    lon, lat = np.round(np.asarray(lon), 8), np.round(np.asarray(lat), 8)
    usable = lonlat_problems(lon, lat, usable, prepared)
    footprints = np.full(n, None, dtype=object)
    for position, shape in zip(
        np.flatnonzero(polygons).tolist(),
        transform_geometries(geometry[polygons], layer.crs),
        strict=True,
    ):
        footprints[position] = geojson(shape)
    ids = column(layer, mapping["id_field"])
    usable = id_problems(ids, usable, prepared)
    sectors = sector_index()
    sector_values = column(layer, mapping["sector_field"])
    names = column(layer, mapping["name_field"])
    address_values = addresses(layer, mapping)
    operators = column(layer, mapping["operator_field"])
    address_ids = column(layer, mapping["address_id_field"])
    address_versions = column(layer, mapping["address_version_field"])
    identifiers = [(column(layer, mapping[key]), normalise) for key, normalise in IDENTIFIERS]
    crs = layer.crs
    lon_list, lat_list = lon.tolist(), lat.tolist()
    x_list, y_list = source_x.tolist(), source_y.tolist()
    for i in np.flatnonzero(usable).tolist():
        sector_value = sector_values[i]
        sector_id = sectors.get(sector_value.lower()) if sector_value else None
        if sector_value and sector_id is None:
            prepared.problem(i, _("unknown sector"), sector_value)
            continue
        normalised = []
        for values, normalise in identifiers:
            try:
                normalised.append(normalise(values[i]) if values[i] else "")
            except ValueError as error:
                prepared.problem(i, _("invalid identifier"), str(error))
                break
        else:
            address_id, version = address_ids[i], address_versions[i]
            match = VERSIONED_ID.match(address_id)
            if match and not version:
                address_id, version = match["id"], match["version"]
            prepared.rows[ids[i][:100]] = (
                names[i][:200],
                address_values[i][:300],
                sector_id,
                lon_list[i],
                lat_list[i],
                x_list[i],
                y_list[i],
                crs,
                footprints[i],
                normalised[0],
                address_id[:60],
                version[:40],
                normalised[2],
                normalised[1],
                operators[i][:200],
            )
    prepared.problems.sort()
    return prepared


def import_file(
    path: Path,
    *,
    kind: str,
    municipality: str | None,
    user: Any = None,
    options: dict[str, Any],
    dry_run: bool = False,
    skip_invalid: bool = False,
) -> ImportRun:
    """Import the file at ``path`` at once (the management commands), logged as a run."""
    target = resolve_municipality(user=user, code=municipality)
    run = start_run(
        municipality=target,
        user=user,
        kind=kind,
        filename=path.name,
        options=options,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
    )
    return execute(run, path)
