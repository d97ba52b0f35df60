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

import functools
import gc
import logging
import os
import queue
import re
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone
from django.utils.translation import gettext as _

from gis import layers
from gis.access import IMPORT_ROLES
from gis.boundaries import outside_municipality
from gis.identifiers import normalise_bag_id, normalise_capakey, normalise_enterprise_number
from gis.layers import (
    POINT_TYPES,
    POLYGON_TYPES,
    Addresses,
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
from gis.reference import prepare_reference, reference_options, replace_features
from gis.search import address_keys_of_parts, premises_keys, search_text, search_texts
from gis.zones import prepare_zones
from partners.access import visible_municipalities
from partners.models import Municipality, person_of

logger = logging.getLogger(__name__)

# How many problems a refusal lists and a run keeps; every problem is counted by reason.
SHOWN_PROBLEMS = 10
KEPT_PROBLEMS = 200
BATCH = 5000
# The longest address a premises keeps (Premises.address).
ADDRESS_LENGTH = 300

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
    "search_key",
)
# A BeSt address id carries its version: namespace/object id/version.
VERSIONED_ID = re.compile(r"^(?P<id>[A-Za-z]+/\d+)/(?P<version>[^/]+)$")
# The same, line by line, over ids joined by line breaks (none of them holding one).
VERSIONED_IDS = re.compile(r"^([A-Za-z]+/\d+)/([^/\n]+)$", re.MULTILINE)


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


def refuse(
    run: ImportRun,
    message: str,
    problems: Sequence[tuple[int, str, str]] = (),
    *,
    save: bool = True,
) -> None:
    """End the run refused with the reason; with ``save=False`` only in memory, for a
    page that shows the refusal while reading (the POST that follows writes it)."""
    run.status = ImportRun.Status.REFUSED
    run.message = message
    run.created = run.updated = run.unchanged = 0
    run.skipped = len(problems)
    run.errors = problem_list(problems)
    run.reasons = count_reasons(problems)
    run.progress = 100
    run.finished_at = timezone.now()
    if save:
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


def describe_problem(row: int, reason: str, detail: str = "") -> str:
    """One invalid row, in the active language: ``row 3: duplicate id (HAL-1)``."""
    described = _("row %(row)d: %(reason)s") % {"row": row, "reason": reason}
    return f"{described} ({detail})" if detail else described


def describe_problems(problems: Sequence[tuple[int, str, str]]) -> str:
    shown = "; ".join(describe_problem(*problem) for problem in problems[:SHOWN_PROBLEMS])
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
    with cyclic_gc_paused():
        return execute_run(run, path)


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """A large layer is millions of small objects (strings, tuples), none of them in a
    reference cycle. The cyclic garbage collector would still walk all of them again and
    again while they are made, which costs a 100,000-row import a third of its time; it
    is paused meanwhile."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def execute_run(run: ImportRun, path: Path) -> ImportRun:
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
        if run.kind == ImportRun.Kind.REFERENCE:
            return execute_reference(run, layer)
        if run.kind == ImportRun.Kind.ZONES:
            prepared = prepare_zones(layer, options)
            model: type[models.Model] = Zone
        else:
            prepared = prepare_premises(layer, options, language=run.municipality.language)
            model = Premises
    except LayerError as error:
        refuse(run, str(error))
        return run
    except Exception as error:
        fail(run, error)
        raise
    if prepared.problems and not run.skip_invalid:
        refuse(run, describe_problems(prepared.problems), prepared.problems)
        return run
    set_progress(run, 60)
    if model is Premises:
        run.warning = outside_municipality(run.municipality, prepared)
    try:
        write(run, model, prepared)
    except Exception as error:
        # Nothing was written (one transaction), and the run must not stay "running".
        fail(run, error)
        raise
    return run


def execute_reference(run: ImportRun, layer: Layer) -> ImportRun:
    """A reference layer: its features replace the layer's of the same name (see
    gis.reference); the same refusal rules as premises and zones."""
    prepared = prepare_reference(layer)
    if prepared.problems and not run.skip_invalid:
        refuse(run, describe_problems(prepared.problems), prepared.problems)
        return run
    set_progress(run, 60)
    kind, name = reference_options(run.options or {}, layer)
    created = len(prepared.geometries)
    if not run.dry_run:
        replace_features(run.municipality, kind=kind, name=name, crs=layer.crs, prepared=prepared)
    run.created, run.updated, run.unchanged = created, 0, 0
    run.skipped = len(prepared.problems)
    run.errors = problem_list(prepared.problems)
    run.reasons = count_reasons(prepared.problems)
    run.status = ImportRun.Status.DONE
    run.progress = 100
    run.finished_at = timezone.now()
    run.save()
    return run


def fail(run: ImportRun, error: Exception) -> None:
    """End ``run`` failed: the import broke down (a bug, the database), not the layer."""
    run.status = ImportRun.Status.FAILED
    run.message = str(error)[:2000]
    run.finished_at = timezone.now()
    run.save()


def write(run: ImportRun, model: type[models.Model], prepared: Prepared) -> None:
    existing = {
        external_id: (pk, tuple(values))
        for external_id, pk, *values in model._default_manager.filter(
            municipality=run.municipality
        ).values_list("external_id", "pk", *prepared.fields)
    }
    new: list[int] = []
    updates: list[tuple[Any, ...]] = []
    creates: dict[str, list[Any]] | None = None
    if existing:
        for position, (external_id, values) in enumerate(prepared.rows()):
            known = existing.get(external_id)
            if known is None:
                new.append(position)
            elif known[1] != values:
                updates.append((*values, known[0]))
        creates = {
            name: [values[p] for p in new]
            for name, values in zip(
                ("external_id", *prepared.fields), prepared.all_columns(), strict=True
            )
        }
    else:
        # A first import (the usual large one): every row is new, taken as it is.
        new = list(range(len(prepared.ids)))
    if not run.dry_run:
        with large_page_cache(), transaction.atomic():
            if creates is None:
                insert_prepared(model, run.municipality_id, prepared)
            else:
                insert_rows(model, run.municipality_id, creates)
            update_rows(model, prepared.fields, updates)
    run.created, run.updated = len(new), len(updates)
    run.unchanged = len(prepared.ids) - len(new) - len(updates)
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


def json_for_db(model_field: models.Field, value: Any) -> Any:
    """A JSON field's value as a database parameter (None stays NULL)."""
    return None if value is None else model_field.get_db_prep_save(value, connection)


def db_values(model: type[models.Model], names: Sequence[str]) -> list[Callable[[Any], Any]]:
    """Per column, how a Python value becomes a database parameter (JSON needs adapting)."""
    adapters: list[Callable[[Any], Any]] = []
    for name in names:
        model_field = by_attname(model, name)
        if isinstance(model_field, models.JSONField):
            adapters.append(functools.partial(json_for_db, model_field))
        else:
            adapters.append(lambda value: value)
    return adapters


def other_fields(
    model: type[models.Model], municipality_id: int, given: Iterable[str], count: int
) -> tuple[dict[str, list[Any]], dict[str, Any]]:
    """The values of the model's fields not ``given``, ready for the database: a fresh
    default per row (a UUID), or one value for every row (the municipality, the
    creation time, a plain default)."""
    now = timezone.now()
    shared: dict[str, Any] = {"municipality_id": municipality_id}
    fresh: dict[str, list[Any]] = {}
    for model_field in model._meta.concrete_fields:
        name = model_field.attname
        if model_field.primary_key or name in given or name in shared:
            continue
        if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
            shared[name] = model_field.get_db_prep_save(now, connection)
        elif model_field.has_default() and callable(model_field.default):
            fresh[name] = fresh_values(model_field, count)
        else:
            default = model_field.get_default() if model_field.has_default() else None
            shared[name] = model_field.get_db_prep_save(default, connection)
    return fresh, shared


def adapt_json(model: type[models.Model], columns: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """``columns`` with the JSON fields' values as database parameters."""
    for name, values in columns.items():
        model_field = by_attname(model, name)
        # A layer of points has no footprints: nothing to adapt.
        if isinstance(model_field, models.JSONField) and values.count(None) != len(values):
            columns[name] = [json_for_db(model_field, value) for value in values]
    return columns


# A first import on SQLite is written in parts of at least this many rows, at most
# PARTS of them.
PART_ROWS = 2000
PARTS = 8
# How long (seconds) a thread may keep Python's lock while another waits for it, while
# a layer is written part by part: the writing thread needs it back after each INSERT.
SWITCH_INTERVAL = 0.0005


def insert_prepared(model: type[models.Model], municipality_id: int, prepared: Prepared) -> None:
    """INSERT every row of ``prepared``, all of them new.

    On SQLite, a layer whose texts are still to be composed (``prepared.later``) is
    composed part by part, and each part written by a second thread while this one
    composes the next: SQLite lets go of Python's lock while it writes, so on two cores
    most of the INSERT is hidden behind the composing. The same rows as
    :func:`insert_rows`, in one transaction (the caller's)."""
    names = ("external_id", *prepared.fields)
    count = len(prepared.ids)
    if connection.vendor != "sqlite" or prepared.later is None or count < 2 * PART_ROWS:
        insert_rows(model, municipality_id, dict(zip(names, prepared.all_columns(), strict=True)))
        return
    size = max(PART_ROWS, -(-count // PARTS))
    fresh, shared = other_fields(model, municipality_id, names, count)
    db = connections[DEFAULT_DB_ALIAS]
    db.ensure_connection()
    parts: queue.Queue[dict[str, list[Any]] | None] = queue.Queue(maxsize=2)
    failures: list[BaseException] = []

    def write_parts() -> None:
        try:
            while (columns := parts.get()) is not None:
                insert_sqlite(model, columns, shared, db=db)
        except BaseException as error:  # handed to the composing thread
            failures.append(error)
            while parts.get() is not None:
                pass  # the composing thread never waits on a full queue

    writer = threading.Thread(target=write_parts, name="import-writer", daemon=True)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL)
    writer.start()
    try:
        for start in range(0, count, size):
            if failures:
                break
            columns = dict(zip(names, prepared.part(start, start + size), strict=True))
            columns.update({name: values[start : start + size] for name, values in fresh.items()})
            parts.put(adapt_json(model, columns))
    finally:
        parts.put(None)
        writer.join()
        sys.setswitchinterval(interval)
    if failures:
        raise failures[0]


def insert_rows(
    model: type[models.Model], municipality_id: int, columns: dict[str, list[Any]]
) -> None:
    """INSERT the rows given column by column (attname → values), straight to the
    cursor: for a 100,000-row layer, building model instances costs more than reading
    and transforming the whole file. The model's other fields get their defaults."""
    count = len(next(iter(columns.values()), []))
    if not count:
        return
    fresh, shared = other_fields(model, municipality_id, columns, count)
    columns = adapt_json(model, {**columns, **fresh})
    if connection.vendor == "sqlite":
        insert_sqlite(model, columns, shared)
        return
    if connection.vendor == "postgresql":
        insert_postgresql(model, columns, shared)
        return
    names = [*columns, *shared]
    # Table and column names come from the model, never from the layer.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        connection.ops.quote_name(model._meta.db_table),
        ", ".join(connection.ops.quote_name(name) for name in names),
        ", ".join(["%s"] * len(names)),
    )
    tail = tuple(shared.values())
    with connection.cursor() as cursor:
        for start in range(0, count, BATCH):
            batch = [values[start : start + BATCH] for values in columns.values()]
            cursor.executemany(sql, [(*row, *tail) for row in zip(*batch, strict=True)])


def insert_postgresql(
    model: type[models.Model], columns: dict[str, list[Any]], shared: dict[str, Any]
) -> None:
    """COPY … FROM STDIN, PostgreSQL's own bulk load: one statement streams every row,
    where INSERTs one row at a time made a 100,000-row layer take fifteen times as long
    as reading and transforming it."""
    quote = connection.ops.quote_name
    # Table and column names come from the model, never from the layer.
    sql = "COPY {} ({}) FROM STDIN".format(
        quote(model._meta.db_table), ", ".join(quote(name) for name in (*columns, *shared))
    )
    tail = tuple(shared.values())
    # psycopg's own copy object: its errors are turned into Django's database errors.
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(sql) as copy,
    ):
        for row in zip(*columns.values(), strict=True):
            copy.write_row((*row, *tail))


# Rows per INSERT statement on SQLite.
SQLITE_ROWS_PER_STATEMENT = 500


def insert_sqlite(
    model: type[models.Model],
    columns: dict[str, list[Any]],
    shared: dict[str, Any],
    *,
    db: BaseDatabaseWrapper | None = None,
) -> None:
    """Many rows per INSERT with numbered parameters. SQLite spends most of a bulk insert
    binding parameters and stepping statements, so:

    * a column with one value for every row (a layer without names, the CRS, the
      creation time) is bound once per statement, as ?1, ?2…;
    * the other columns follow column after column, so a statement's parameters are
      slices of the columns, never rebuilt row by row;
    * the statement goes to the connection's plain cursor: Django's would rewrite its
      thousands of placeholders on every call.

    ``db``: the connection to write on, when it is another thread's (its transaction).
    """
    db = db or connections[DEFAULT_DB_ALIAS]
    count = len(next(iter(columns.values())))
    shared = dict(shared)
    varying: dict[str, list[Any]] = {}
    for name, values in columns.items():
        first = values[0]
        # Two looks rule out most varying columns before every value is compared.
        if values[-1] == first and values[count // 2] == first and values.count(first) == count:
            shared[name] = first
        else:
            varying[name] = values
    quote = db.ops.quote_name
    width = len(shared)

    def statement(rows: int) -> str:
        tuples = []
        for row in range(rows):
            numbers = [width + column * rows + row + 1 for column in range(len(varying))]
            numbers.extend(range(1, width + 1))
            tuples.append("(" + ",".join(f"?{number}" for number in numbers) + ")")
        # Table and column names come from the model, never from the layer.
        return "INSERT INTO {} ({}) VALUES {}".format(  # noqa: S608
            quote(model._meta.db_table),
            ", ".join(quote(name) for name in (*varying, *shared)),
            ", ".join(tuples),
        )

    head = list(shared.values())
    full = statement(SQLITE_ROWS_PER_STATEMENT)
    db.ensure_connection()
    cursor = db.connection.cursor()
    try:
        # Errors of the plain cursor reach callers as Django's database errors.
        with db.wrap_database_errors:
            for start in range(0, count, SQLITE_ROWS_PER_STATEMENT):
                end = min(start + SQLITE_ROWS_PER_STATEMENT, count)
                sql = full if end - start == SQLITE_ROWS_PER_STATEMENT else statement(end - start)
                params = list(head)
                for values in varying.values():
                    params.extend(values[start:end])
                cursor.execute(sql, params)
    finally:
        cursor.close()


def fresh_values(model_field: models.Field, count: int) -> list[Any]:
    """``count`` fresh defaults of ``model_field`` ready for the database. UUIDs are made
    in one go (uuid4() one by one costs as much as the INSERT) and time-ordered (RFC 9562
    version 7, increasing within the batch), so that the unique index on them grows at
    its end instead of being rewritten all over."""
    if not isinstance(model_field, models.UUIDField):
        return [
            model_field.get_db_prep_save(model_field.get_default(), connection)
            for _ in range(count)
        ]
    raw = np.frombuffer(os.urandom(16 * count), dtype=np.uint8).reshape(count, 16).copy()
    milliseconds = time.time_ns() // 1_000_000
    raw[:, :6] = np.frombuffer(milliseconds.to_bytes(8, "big")[2:], dtype=np.uint8)
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x70  # version 7
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80  # RFC 9562 variant
    # Sorting the random bits keeps the batch increasing; they stay unpredictable.
    blob = np.sort(raw.view("S16").ravel()).tobytes()
    # As 32 hex digits: how SQLite keeps a UUID, and text PostgreSQL's COPY reads as one
    # (100,000 uuid.UUID objects would cost a quarter of the COPY).
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
    if connection.vendor == "postgresql":
        update_postgresql(model, names, rows, adapters, dict(zip(timestamps, stamps, strict=True)))
        return
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = [
                (*(adapt(v) for adapt, v in zip(adapters, row[:-1], strict=True)), *stamps, row[-1])
                for row in rows[start : start + BATCH]
            ]
            cursor.executemany(sql, batch)


def update_postgresql(
    model: type[models.Model],
    names: Sequence[str],
    rows: list[tuple[Any, ...]],
    adapters: list[Callable[[Any], Any]],
    stamps: dict[str, Any],
) -> None:
    """The new values COPY'd into a temporary table, then one UPDATE … FROM it: an
    UPDATE per row made re-importing a changed 100,000-row layer take nearly 9 s."""
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(str(model._meta.pk.column))
    columns = ", ".join(quote(name) for name in names)
    staged = quote("integra_import_update")
    assignments = ", ".join(
        [*(f"{quote(name)} = staged.{quote(name)}" for name in names)]
        + [f"{quote(name)} = %s" for name in stamps]
    )
    # Table and column names come from the model, never from the layer.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        # Same column types as the table; dropped at the end of the import's transaction.
        cursor.execute(
            f"CREATE TEMPORARY TABLE {staged} ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {pk}, {columns} FROM {table} WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY {staged} ({pk}, {columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    (row[-1], *(adapt(v) for adapt, v in zip(adapters, row[:-1], strict=True)))
                )
        cursor.execute(
            f"UPDATE {table} SET {assignments} FROM {staged} AS staged "  # noqa: S608
            f"WHERE {table}.{pk} = staged.{pk}",
            list(stamps.values()),
        )
        cursor.execute(f"DROP TABLE {staged}")


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


def prepare_premises(layer: Layer, options: dict[str, Any], *, language: str = "nl") -> Prepared:
    """The premises a layer holds, by external id, and its invalid rows.

    Column by column rather than row by row: a 100,000-row address layer is prepared in
    a fraction of the time its INSERT takes. Per-value work (sector names, identifiers)
    runs once per distinct value."""
    mapping = complete_mapping(layer, options.get("mapping") or {}, zones=False)
    prepared = Prepared(fields=PREMISES_FIELDS)
    n = len(layer)
    usable = geometry_problems(layer, POINT_TYPES | POLYGON_TYPES, prepared, kind_label="point")
    for index, (reason, detail) in layer.problems.items():
        prepared.problem(index, reason, detail)
        usable[index] = False
    geometry = layer.geometry
    types = shapely.get_type_id(geometry)
    polygons = usable & np.isin(types, list(POLYGON_TYPES))
    # A point is its own marker; anything else gets a point on its surface.
    single_points = usable & (types == 0)
    markers = np.full(n, None, dtype=object)
    markers[single_points] = geometry[single_points]
    markers[usable & ~single_points] = shapely.point_on_surface(geometry[usable & ~single_points])
    source_x = shapely.get_x(markers)
    source_y = shapely.get_y(markers)
    lon, lat = layers.to_wgs84(layer.crs).transform(source_x, source_y)
    lon, lat = np.round(np.asarray(lon), 8), np.round(np.asarray(lat), 8)
    usable = lonlat_problems(lon, lat, usable, prepared)
    footprints = np.full(n, None, dtype=object)
    footprints[polygons] = [
        geojson(shape) for shape in transform_geometries(geometry[polygons], layer.crs)
    ]
    ids = column(layer, mapping["id_field"])
    usable = id_problems(ids, usable, prepared)

    sector_ids = np.full(n, None, dtype=object)
    if mapping["sector_field"]:
        sector_values = column(layer, mapping["sector_field"])
        known = sector_index()
        by_value = {value: known.get(value.lower()) for value in set(sector_values) if value}
        sector_ids[:] = [by_value.get(value) for value in sector_values]
        for i in np.flatnonzero(usable).tolist():
            if sector_values[i] and sector_ids[i] is None:
                prepared.problem(i, _("unknown sector"), sector_values[i])
                usable[i] = False
    identifiers = [
        normalised_identifiers(layer, mapping[key], normalise, usable, prepared)
        for key, normalise in IDENTIFIERS
    ]
    rows = np.flatnonzero(usable)
    every_row = len(rows) == n

    def kept(values: Sequence[Any] | np.ndarray) -> list[Any]:
        """The usable rows' values (all of them, in the usual case, without indexing)."""
        if every_row:
            return values.tolist() if isinstance(values, np.ndarray) else list(values)
        return np.asarray(values, dtype=object)[rows].tolist()

    count = len(rows)
    prepared.ids = kept(ids)
    # The texts (names, addresses, search keys…) are left for later: a first import
    # writes the first rows while it composes the next ones.
    prepared.columns = [
        [],
        [],
        kept(sector_ids),
        lon[rows].tolist(),
        lat[rows].tolist(),
        source_x[rows].tolist(),
        source_y[rows].tolist(),
        [layer.crs] * count,
        kept(footprints),
        kept(identifiers[0]),
        [],
        [],
        kept(identifiers[2]),
        kept(identifiers[1]),
        [],
        [],
    ]
    prepared.later = functools.partial(premises_texts, layer, mapping, rows, language)
    if mapping["municipality_field"]:
        prepared.municipality_field = mapping["municipality_field"]
        prepared.municipalities = kept(column(layer, mapping["municipality_field"]))
    prepared.problems.sort()
    return prepared


# Where premises_texts() puts its columns, by position in PREMISES_FIELDS.
TEXT_FIELDS = tuple(
    PREMISES_FIELDS.index(name)
    for name in (
        "name",
        "address",
        "address_register_id",
        "address_register_version",
        "operator_name",
        "search_key",
    )
)


def premises_texts(
    layer: Layer, mapping: dict[str, Any], rows: np.ndarray, language: str, start: int, end: int
) -> dict[int, list[str]]:
    """The texts of the kept ``rows`` start..end: names, addresses and operators cut to
    their fields' lengths, address-register ids and versions, and the search keys, by
    position in PREMISES_FIELDS. Row by row, the same whatever rows are asked for."""
    part = layers.rows_of(layer, rows[start:end])
    names = cut(column(part, mapping["name_field"]), 200)
    found = addresses(part, mapping, language=language)
    street_addresses = cut(found.texts, ADDRESS_LENGTH)
    operators = cut(column(part, mapping["operator_field"]), 200)
    address_ids, address_versions = address_register_ids(part, mapping)
    # As Premises.save() keeps it: the permit desk finds imported premises too.
    keys = premises_keys(names, operators, street_addresses, address_keys(found))
    texts = (names, street_addresses, cut(address_ids, 60), cut(address_versions, 40))
    return dict(zip(TEXT_FIELDS, (*texts, operators, keys), strict=True))


def cut(values: list[str], length: int | None = None) -> list[str]:
    """``values`` (a new list), each cut to ``length``."""
    if length is not None and max(map(len, values), default=0) > length:
        return [value[:length] for value in values]
    return list(values)


def address_keys(found: Addresses) -> list[str]:
    """The kept rows' addresses as the permit desk reads them (``search_text``): part by
    part when they were composed from parts, an address cut to the field's length as
    cut."""
    if found.streets is None or found.numbers is None or found.places is None:
        return search_texts(cut(found.texts, ADDRESS_LENGTH))
    keys = address_keys_of_parts(found.streets, found.numbers, found.places)
    if max(map(len, found.texts), default=0) > ADDRESS_LENGTH:
        texts = cut(found.texts, ADDRESS_LENGTH)
        keys = [
            search_text(text) if len(text) == ADDRESS_LENGTH else key
            for text, key in zip(texts, keys, strict=True)
        ]
    return keys


def normalised_identifiers(
    layer: Layer,
    field_name: str,
    normalise: Callable[[str], str],
    usable: np.ndarray,
    prepared: Prepared,
) -> list[str]:
    """The field's identifiers in their normal form; a usable row with an invalid one
    becomes a problem (and unusable). Each distinct value is checked once."""
    values = column(layer, field_name)
    if not field_name:
        return values
    normal: dict[str, str | ValueError] = {}
    for value in set(values):
        if value:
            try:
                normal[value] = normalise(value)
            except ValueError as error:
                normal[value] = error
    result = []
    for i, value in enumerate(values):
        found = normal.get(value, "")
        if isinstance(found, ValueError):
            if usable[i]:
                prepared.problem(i, _("invalid identifier"), str(found))
                usable[i] = False
            found = ""
        result.append(found)
    return result


def address_register_ids(layer: Layer, mapping: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Address-register ids and versions; a BeSt id with its version in it
    (``namespace/id/version``) is split when the layer gives no version."""
    address_ids = column(layer, mapping["address_id_field"])
    versions = column(layer, mapping["address_version_field"])
    if not mapping["address_id_field"]:
        return address_ids, versions
    if mapping["address_version_field"]:
        split = [
            VERSIONED_ID.match(address_id) if not version else None
            for address_id, version in zip(address_ids, versions, strict=True)
        ]
    else:
        whole = "\n".join(address_ids)
        found = VERSIONED_IDS.findall(whole)
        if len(found) == len(address_ids) and whole.count("\n") == len(address_ids) - 1:
            # Every id is versioned (a BeSt layer): one pass over them all, no match per row.
            found_ids, found_versions = zip(*found, strict=True)
            return list(found_ids), list(found_versions)
        split = list(map(VERSIONED_ID.match, address_ids))
    return (
        [m["id"] if m else value for m, value in zip(split, address_ids, strict=True)],
        [m["version"] if m else value for m, value in zip(split, versions, strict=True)],
    )


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
