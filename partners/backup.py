"""Backup and restore of a whole installation: the database as portable JSON Lines
(Django's serializers, every app) and the stored files (photo evidence, briefing packs,
documents, layer uploads), in one ``.tar.gz`` with a manifest holding the SHA-256 of
every file.

partners/ names no app's models here. Every model is backed up; each app registers the
files it stores (:func:`register_file_area`: a storage of ``settings.STORAGES`` and a
folder in it, archived under ``media/<area>/``) and the counts worth naming in the
summary (:func:`register_headline`), from its ``AppConfig.ready`` (``gis/records.py``).

Rules:

* A backup reads the database in one transaction (one snapshot on PostgreSQL), so the
  rows agree with each other. It streams: rows are read in chunks and written straight
  to a temporary file, files are copied from their storage into the archive, so memory
  does not grow with the installation.
* Without ``BACKUP_KEY`` the manifest carries a SHA-256 *checksum*: it shows accidental
  damage, but whoever can change the archive can recompute it. With ``BACKUP_KEY`` it is
  *sealed* with an HMAC that only a holder of the key can make. Both commands say which.
* Restore checks everything before it touches anything: the archive reads to the end,
  the manifest matches its checksum or seal, every file listed is there with its size
  and hash, nothing unlisted is there, the data file holds the number of rows of each
  model the manifest says, and every photo's content hashes to its name.
* Restore goes only into an empty installation (migrated, with nothing but the seeded
  catalogues): the seeded rows are replaced by the backup's, keys included. The database
  is loaded in one transaction, read back and compared with the backup (a digest per
  model) before it commits; files are copied before the commit and removed again when
  anything fails.
* Left out: sessions, content types and permissions (rebuilt by migrations, referred to
  by natural key), login-throttling state, and the task queue's transient rows.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import hmac
import io
import json
import os
import shutil
import tarfile
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.core.management import call_command
from django.core.serializers.jsonl import Serializer as JSONLSerializer
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

FORMAT = "integra-backup"
# 2: rows as JSON Lines in data.jsonl; 1 (still restored): one JSON list in data.json.
FORMAT_VERSION = 2
DATA_NAMES = {1: "data.json", 2: "data.jsonl"}
DATA_NAME = DATA_NAMES[FORMAT_VERSION]
MANIFEST_NAME = "manifest.json"
SEAL_NAME = "manifest.seal"
MEDIA_PREFIX = "media/"
EXCLUDED_APPS = {"contenttypes", "sessions", "axes"}
EXCLUDED_MODELS = {
    "auth.permission",
    "django_q.task",
    "django_q.success",
    "django_q.failure",
    "django_q.ormq",
}
# Rows that tell an installation holds real data, not only the seeded catalogues.
DATA_MARKERS = ("auth.user", "partners.municipality")
# Rows read from the database at a time: memory stays flat whatever the table's size.
CHUNK_ROWS = 500
COPY_BYTES = 1024 * 1024
CHECKSUM_ONLY = (
    "The manifest carries a SHA-256 checksum, not a seal: it shows accidental damage, "
    "but whoever can change the archive can recompute it. Set BACKUP_KEY to seal "
    "backups with an HMAC."
)


class BackupError(Exception):
    """A backup that cannot be trusted or cannot be restored here; nothing was changed."""


@dataclass(frozen=True)
class FileArea:
    """Files an app stores: ``storage`` (a name in settings.STORAGES) under ``folder``
    (``"evidence/"``, or ``""`` for the whole storage), archived as ``media/<name>/``.
    ``content_addressed`` files are named by their SHA-256, which restore checks."""

    name: str
    storage: str
    folder: str = ""
    content_addressed: bool = False

    def store(self) -> Storage:
        return storages[self.storage]


FILE_AREAS: dict[str, FileArea] = {}
# Model label -> the plural the summary counts it by ("inspections.finding": "findings").
HEADLINES: dict[str, str] = {}


def register_file_area(area: FileArea) -> None:
    FILE_AREAS[area.name] = area


def register_headline(label: str, noun: str) -> None:
    HEADLINES[label] = noun


def headlines() -> dict[str, str]:
    """The registered headlines, then partners' own (the audit log) last."""
    return {**HEADLINES, "partners.auditentry": "audit entries"}


@dataclass
class Summary:
    counts: dict[str, int]
    files: int
    bytes: int
    photos_verified: int = 0
    notes: list[str] = field(default_factory=list)
    # "sha256" (a checksum anyone can recompute) or "hmac-sha256" (a seal with the key).
    seal_kind: str = "sha256"

    @property
    def sealed(self) -> bool:
        return self.seal_kind.startswith("hmac-")


def backed_up_models() -> list[type[Model]]:
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label not in EXCLUDED_APPS
        and model._meta.label_lower not in EXCLUDED_MODELS
        and not model._meta.proxy
        and model._meta.managed
    ]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(COPY_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def seal(body: bytes) -> str:
    """``sha256:<hex>``, or ``hmac-sha256:<hex>`` keyed with BACKUP_KEY when it is set."""
    key = os.environ.get("BACKUP_KEY", "")
    if key:
        return "hmac-sha256:" + hmac.new(key.encode(), body, hashlib.sha256).hexdigest()
    return "sha256:" + hashlib.sha256(body).hexdigest()


class ExactJSONSerializer(JSONLSerializer):
    """Django's JSON Lines serializer, keeping times to the microsecond (it rounds to ms)."""

    def _value_from_field(self, obj: Model, field: Any) -> Any:
        value = field.value_from_object(obj)
        if isinstance(value, datetime | time):
            return value.isoformat()
        return super()._value_from_field(obj, field)  # type: ignore[misc]


def rows_of(model: type[Model]) -> Iterator[Model]:
    """Every row of ``model`` by key, read in chunks, its many-to-many links fetched
    per chunk rather than per row."""
    links = [
        link.name
        for link in model._meta.many_to_many
        if getattr(link.remote_field.through, "_meta", None) is not None
        and link.remote_field.through._meta.auto_created  # type: ignore[union-attr]
    ]
    rows = model._base_manager.order_by("pk").prefetch_related(*links)
    return rows.iterator(chunk_size=CHUNK_ROWS)


def serialize_database(stream: Any, models: Iterable[type[Model]] | None = None) -> dict[str, int]:
    """Write every backed-up row (of ``models``, else of all) to ``stream`` (text) as
    JSON Lines, ordered by model and key; returns the count per model."""
    counts: dict[str, int] = {}
    for model in backed_up_models() if models is None else models:
        label = model._meta.label_lower
        counts[label] = 0

        def counted(rows: Iterator[Model], label: str = label) -> Iterator[Model]:
            for row in rows:
                counts[label] += 1
                yield row

        ExactJSONSerializer().serialize(
            counted(rows_of(model)),
            stream=stream,
            use_natural_foreign_keys=True,
            use_natural_primary_keys=False,
        )
    return counts


class HashingWriter:
    """A text stream that writes UTF-8 to a binary file, hashing and counting bytes."""

    def __init__(self, sink: Any) -> None:
        self.sink, self.sha256, self.size = sink, hashlib.sha256(), 0

    def write(self, text: str) -> int:
        data = text.encode()
        self.sha256.update(data)
        self.size += len(data)
        self.sink.write(data)
        return len(text)


class HashingReader:
    """A binary stream read into the archive, hashed and counted on the way."""

    def __init__(self, source: Any) -> None:
        self.source, self.sha256, self.size = source, hashlib.sha256(), 0

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return bytes(data)


class LineReader:
    """A text stream that hands each complete line written to it to ``line``: the rows
    of a serialization, one at a time, without collecting them."""

    def __init__(self, line: Callable[[str], None]) -> None:
        self.line, self.pending = line, ""

    def write(self, text: str) -> int:
        self.pending += text
        while "\n" in self.pending:
            head, self.pending = self.pending.split("\n", 1)
            if head.strip():
                self.line(head)
        return len(text)


def stored_files(area: FileArea) -> Iterator[str]:
    """The names of the area's files, relative to its folder, sorted."""
    storage = area.store()

    def walk(folder: str) -> Iterator[str]:
        try:
            folders, files = storage.listdir(area.folder + folder)
        except FileNotFoundError:
            return
        for name in sorted(files):
            yield folder + name
        for name in sorted(folders):
            yield from walk(f"{folder}{name}/")

    yield from walk("")


def create_backup(out: Path) -> Summary:
    """Write the archive to ``out`` (a ``.tar.gz``); returns what it holds."""
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    try:
        with tempfile.TemporaryFile(dir=out.parent, prefix=".integra-data-") as data:
            writer = HashingWriter(data)
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                counts = serialize_database(writer)
            files: dict[str, dict[str, Any]] = {
                DATA_NAME: {"sha256": writer.sha256.hexdigest(), "size": writer.size}
            }
            with tarfile.open(partial, "w:gz") as archive:
                data.seek(0)
                add_stream(archive, DATA_NAME, data, writer.size)
                for area in FILE_AREAS.values():
                    for name in stored_files(area):
                        member = f"{MEDIA_PREFIX}{area.name}/{name}"
                        files[member] = add_stored(archive, member, area, name)
                body = manifest_body(counts, files)
                add_bytes(archive, MANIFEST_NAME, body)
                add_bytes(archive, SEAL_NAME, seal(body).encode())
        partial.replace(out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Summary(
        counts=counts,
        files=len(files),
        bytes=sum(f["size"] for f in files.values()),
        seal_kind=seal(b"").split(":")[0],
    )


def manifest_body(counts: dict[str, int], files: dict[str, dict[str, Any]]) -> bytes:
    manifest = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "database": connection.vendor,
        "migrations": applied_migrations(),
        "counts": counts,
        "files": files,
    }
    return json.dumps(manifest, indent=1, sort_keys=True).encode()


def add_stored(archive: tarfile.TarFile, member: str, area: FileArea, name: str) -> dict[str, Any]:
    """Copy one stored file into the archive; its size and SHA-256 as copied."""
    storage = area.store()
    size = storage.size(area.folder + name)
    with storage.open(area.folder + name, "rb") as source:
        reader = HashingReader(source)
        add_stream(archive, member, reader, size)
    return {"sha256": reader.sha256.hexdigest(), "size": reader.size}


def add_stream(archive: tarfile.TarFile, name: str, stream: Any, size: int) -> None:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    archive.addfile(info, stream)


def add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    add_stream(archive, name, io.BytesIO(data), len(data))


def applied_migrations() -> dict[str, str]:
    """The last migration applied per app, so a restore can refuse an older schema."""
    from django.db.migrations.recorder import MigrationRecorder

    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, ""), name)
    return latest


# Restore ------------------------------------------------------------------------------


@contextmanager
def unpacked(archive_path: Path) -> Iterator[Path]:
    """The archive extracted into a temporary folder, or BackupError when it is unreadable."""
    with tempfile.TemporaryDirectory(prefix="integra-restore-") as folder:
        target = Path(folder)
        if archive_path.is_dir():
            shutil.copytree(archive_path, target, dirs_exist_ok=True)
        else:
            try:
                read_to_the_end(archive_path)
                with tarfile.open(archive_path, "r:gz") as archive:
                    archive.extractall(target, filter="data")
            except FileNotFoundError as error:
                raise BackupError(f"No backup at {archive_path}.") from error
            except (tarfile.TarError, EOFError, OSError, ValueError) as error:
                raise BackupError(
                    f"The backup archive is damaged or truncated and cannot be read ({error})."
                ) from error
        yield target


def read_to_the_end(path: Path) -> None:
    """Decompress the whole archive once: gzip's length and CRC catch a truncated or
    altered file, which tar alone may take for an early end."""
    with gzip.open(path, "rb") as stream:
        while stream.read(COPY_BYTES):
            pass


def read_manifest(folder: Path) -> dict[str, Any]:
    manifest_path, seal_path = folder / MANIFEST_NAME, folder / SEAL_NAME
    if not manifest_path.is_file() or not seal_path.is_file():
        raise BackupError("The backup has no manifest: it is not an Integra backup or is damaged.")
    body = manifest_path.read_bytes()
    expected = seal_path.read_text().strip()
    if expected.startswith("hmac-") and not os.environ.get("BACKUP_KEY"):
        raise BackupError("The backup is signed: set BACKUP_KEY to the key it was made with.")
    if not hmac.compare_digest(seal(body), expected):
        raise BackupError("The manifest does not match its seal: it was changed or damaged.")
    try:
        manifest = json.loads(body)
    except ValueError as error:
        raise BackupError("The manifest is not valid JSON.") from error
    if manifest.get("format") != FORMAT or manifest.get("version") not in DATA_NAMES:
        raise BackupError("The manifest is not of a backup format this version can restore.")
    manifest["seal_kind"] = expected.split(":")[0]
    return manifest


def area_of(member: str) -> FileArea | None:
    head, _, tail = member.removeprefix(MEDIA_PREFIX).partition("/")
    area = FILE_AREAS.get(head)
    return area if area and tail else None


def stored_target(member: str) -> tuple[Storage, str]:
    """Where an archived file goes back: its area's storage and folder, or for a file of
    no registered area (an older backup's) the same place in the default storage."""
    rest = member.removeprefix(MEDIA_PREFIX)
    area = area_of(member)
    if area is None:
        return storages["default"], rest
    return area.store(), area.folder + rest.partition("/")[2]


def verify_files(folder: Path, manifest: dict[str, Any]) -> int:
    """Check every listed file (size and hash) and that nothing else is there; returns the
    number of photos whose content hashes to their name."""
    listed: dict[str, dict[str, Any]] = manifest["files"]
    present = {
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and path.name not in (MANIFEST_NAME, SEAL_NAME)
    }
    missing = sorted(set(listed) - present)
    if missing:
        raise BackupError(f"Files listed in the manifest are missing: {', '.join(missing[:5])}.")
    extra = sorted(present - set(listed))
    if extra:
        raise BackupError(f"Files not listed in the manifest: {', '.join(extra[:5])}.")
    photos = 0
    for name, expected in listed.items():
        path = folder / name
        if path.stat().st_size != expected["size"] or sha256_of(path) != expected["sha256"]:
            raise BackupError(f"{name} does not match the manifest: it was changed or damaged.")
        area = area_of(name) if name.startswith(MEDIA_PREFIX) else None
        if area is not None and area.content_addressed:
            if path.name != expected["sha256"]:
                raise BackupError(f"Photo {name} does not hash to its name.")
            photos += 1
    return photos


def data_path(folder: Path, manifest: dict[str, Any]) -> Path:
    return folder / DATA_NAMES[manifest["version"]]


def backed_up_rows(folder: Path, manifest: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The rows of the data file, one at a time (all at once from an older backup's
    single JSON list)."""
    path = data_path(folder, manifest)
    try:
        if manifest["version"] == 1:
            yield from json.loads(path.read_bytes())
            return
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    yield json.loads(line)
    except ValueError as error:
        raise BackupError("The data file is not valid JSON.") from error


# Per model: the number of rows and the sum of their canonical hashes, which is the
# same whatever order the rows come in.
Digests = dict[str, tuple[int, int]]


def digests_of(rows: Iterable[dict[str, Any]]) -> Digests:
    count: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for row in rows:
        label = str(row.get("model"))
        count[label] += 1
        digest = hashlib.sha256(canonical_row(row).encode()).digest()
        total[label] = (total[label] + int.from_bytes(digest, "big")) % 2**256
    return {label: (count[label], total[label]) for label in count}


def verify_data(folder: Path, manifest: dict[str, Any]) -> Digests:
    digests = digests_of(backed_up_rows(folder, manifest))
    counts = {label: n for label, (n, _total) in digests.items()}
    expected = {label: n for label, n in manifest["counts"].items() if n}
    if counts != expected:
        raise BackupError("The data file does not hold the rows the manifest counts.")
    unknown = sorted({label for label in counts if not model_exists(label)})
    if unknown:
        raise BackupError(f"This installation has no table for: {', '.join(unknown)}.")
    here = applied_migrations()
    newer = sorted(app for app, name in manifest["migrations"].items() if name > here.get(app, ""))
    if newer:
        raise BackupError(
            "The backup was made with a newer version of Integra (migrations of "
            f"{', '.join(newer)}): migrate this installation first."
        )
    return digests


def model_exists(label: str) -> bool:
    try:
        apps.get_model(label)
    except LookupError:
        return False
    return True


def verify_backup(path: Path) -> Summary:
    """Every check a restore makes, without restoring."""
    with unpacked(path) as folder:
        manifest = read_manifest(folder)
        photos = verify_files(folder, manifest)
        verify_data(folder, manifest)
    return summary_of(manifest, photos)


def summary_of(manifest: dict[str, Any], photos: int) -> Summary:
    files = manifest["files"].values()
    return Summary(
        counts=manifest["counts"],
        files=len(manifest["files"]),
        bytes=sum(f["size"] for f in files),
        photos_verified=photos,
        seal_kind=manifest["seal_kind"],
    )


def installation_is_empty() -> bool:
    return not any(apps.get_model(label)._base_manager.exists() for label in DATA_MARKERS)


def canonical_row(row: dict[str, Any]) -> str:
    return json.dumps(with_sorted_links(row), sort_keys=True)


def canonical(rows: Iterable[dict[str, Any]]) -> list[str]:
    """Rows as sorted canonical JSON strings: equal whatever order the database gives
    keys and many-to-many links in (PostgreSQL may list a team's members in another
    order once they are restored; the links are the same)."""
    return sorted(canonical_row(row) for row in rows)


def with_sorted_links(row: dict[str, Any]) -> dict[str, Any]:
    links = many_to_many_names(str(row.get("model", "")))
    fields = row.get("fields")
    if not links or not isinstance(fields, dict):
        return row
    ordered = {
        name: sorted(fields[name], key=json.dumps)
        for name in links
        if isinstance(fields.get(name), list)
    }
    return {**row, "fields": {**fields, **ordered}}


@functools.cache
def many_to_many_names(label: str) -> frozenset[str]:
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return frozenset()
    return frozenset(field.name for field in model._meta.many_to_many)


def first_difference(restored: list[str], backed_up: list[str]) -> str:
    """Where two canonical dumps differ, for the administrator: the first row (model and
    key) the restore lacks or added; empty when they are equal."""
    if restored == backed_up:
        return ""
    missing = sorted(set(backed_up) - set(restored))
    added = sorted(set(restored) - set(backed_up))
    if not missing and not added:
        return "the same rows, a different number of times"
    row = json.loads((missing or added)[0])
    where = f"{row.get('model')} {row.get('pk')}"
    return (
        f"{len(missing)} rows missing, {len(added)} added, the first {where}"
        if missing and added
        else f"{len(missing or added)} rows {'missing' if missing else 'added'}, the first {where}"
    )


def database_digests() -> Digests:
    """The digests of the rows now in the database, read as a backup reads them."""
    rows: list[dict[str, Any]] = []
    totals: dict[str, tuple[int, int]] = {}

    def take(line: str) -> None:
        rows.append(json.loads(line))
        if len(rows) >= CHUNK_ROWS:
            merge(totals, digests_of(rows))
            rows.clear()

    serialize_database(LineReader(take))
    merge(totals, digests_of(rows))
    return totals


def merge(totals: dict[str, tuple[int, int]], more: Digests) -> None:
    for label, (count, total) in more.items():
        before = totals.get(label, (0, 0))
        totals[label] = (before[0] + count, (before[1] + total) % 2**256)


def difference_in(label: str, folder: Path, manifest: dict[str, Any]) -> str:
    """The first row of one model that differs; reads that model's rows into memory,
    which only a failed restore needs."""
    backed_up = canonical(r for r in backed_up_rows(folder, manifest) if r.get("model") == label)
    restored: list[dict[str, Any]] = []
    serialize_database(
        LineReader(lambda line: restored.append(json.loads(line))), [apps.get_model(label)]
    )
    return first_difference(canonical(restored), backed_up) or f"the rows of {label}"


def restore_backup(path: Path) -> Summary:
    """Restore into this (empty) installation, or raise BackupError having changed nothing."""
    with unpacked(path) as folder:
        manifest = read_manifest(folder)
        photos = verify_files(folder, manifest)
        backed_up = verify_data(folder, manifest)
        if not installation_is_empty():
            raise BackupError(
                "This installation already holds data: restore only into a freshly "
                "migrated, empty database."
            )
        conflicts = [name for name in stored_members(manifest) if in_the_way(name, manifest)]
        if conflicts:
            raise BackupError(f"Other files are in the way in the file storage: {conflicts[0]}.")
        copied: list[tuple[Storage, str]] = []
        try:
            with transaction.atomic():
                replace_database(data_path(folder, manifest))
                loaded = database_digests()
                differing = sorted(
                    label
                    for label in set(loaded) | set(backed_up)
                    if loaded.get(label) != backed_up.get(label)
                )
                if differing:
                    difference = difference_in(differing[0], folder, manifest)
                    raise BackupError(
                        f"The restored database differs from the backup: {difference}."
                    )
                copied = copy_media(folder, manifest)
        except BackupError:
            remove(copied)
            raise
        except Exception as error:
            remove(copied)
            raise BackupError(f"The restore failed and was undone: {error}") from error
    return summary_of(manifest, photos)


def stored_members(manifest: dict[str, Any]) -> list[str]:
    return [name for name in manifest["files"] if name.startswith(MEDIA_PREFIX)]


def in_the_way(member: str, manifest: dict[str, Any]) -> bool:
    """A different file already stored where this one goes back."""
    storage, name = stored_target(member)
    if not storage.exists(name):
        return False
    digest = hashlib.sha256()
    with storage.open(name, "rb") as stream:
        while chunk := stream.read(COPY_BYTES):
            digest.update(chunk)
    return digest.hexdigest() != manifest["files"][member]["sha256"]


def replace_database(data: Path) -> None:
    """Empty every table (seeded catalogues too), then load the backup with its keys."""
    tables = connection.introspection.django_table_names(only_existing=True)
    statements = connection.ops.sql_flush(
        no_style(), tables, reset_sequences=True, allow_cascade=True
    )
    connection.ops.execute_sql_flush(statements)
    # The content types and permissions the rows refer to by natural key.
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    for config in apps.get_app_configs():
        create_contenttypes(config, verbosity=0)
        create_permissions(config, verbosity=0)
    call_command("loaddata", str(data), verbosity=0)


def no_style() -> Any:
    from django.core.management.color import no_style as plain

    return plain()


def copy_media(folder: Path, manifest: dict[str, Any]) -> list[tuple[Storage, str]]:
    """Put every archived file back into its storage; returns those written, so that a
    failure can remove them again."""
    copied: list[tuple[Storage, str]] = []
    for member in stored_members(manifest):
        storage, name = stored_target(member)
        if storage.exists(name):
            continue
        with (folder / member).open("rb") as source:
            saved = storage.save(name, File(source, name=name))
        copied.append((storage, saved))
        if saved != name:
            raise BackupError(f"{member} could not be stored under its own name ({saved}).")
        if storage.size(saved) != manifest["files"][member]["size"]:
            raise BackupError(f"{member} was not written completely.")
    return copied


def remove(files: list[tuple[Storage, str]]) -> None:
    for storage, name in files:
        storage.delete(name)
