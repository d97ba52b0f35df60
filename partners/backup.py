"""Backup and restore of a whole installation: the database as portable JSON (Django's
serializers, every app) and the uploaded files (photo evidence, briefing packs, layer
uploads), in one ``.tar.gz`` with a manifest holding the SHA-256 of every file.

Rules:

* A backup reads the database in one transaction (one snapshot on PostgreSQL), so the
  rows agree with each other.
* Restore checks everything before it touches anything: the archive reads to the end,
  the manifest is sealed (SHA-256 of its body, and an HMAC when ``BACKUP_KEY`` is set),
  every file listed is there with its size and hash, nothing unlisted is there, the
  data file holds the number of rows of each model the manifest says, and every photo's
  content hashes to its name.
* Restore goes only into an empty installation (migrated, with nothing but the seeded
  catalogues): the seeded rows are replaced by the backup's, keys included. The database
  is loaded in one transaction, read back and compared with the backup before it
  commits; files are copied before the commit and removed again when anything fails.
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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.serializers.json import Serializer as JSONSerializer
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

FORMAT = "integra-backup"
FORMAT_VERSION = 1
DATA_NAME = "data.json"
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


class BackupError(Exception):
    """A backup that cannot be trusted or cannot be restored here; nothing was changed."""


@dataclass
class Summary:
    counts: dict[str, int]
    files: int
    bytes: int
    photos_verified: int = 0
    notes: list[str] = field(default_factory=list)


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
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def seal(body: bytes) -> str:
    """``sha256:<hex>``, or ``hmac-sha256:<hex>`` keyed with BACKUP_KEY when it is set."""
    key = os.environ.get("BACKUP_KEY", "")
    if key:
        return "hmac-sha256:" + hmac.new(key.encode(), body, hashlib.sha256).hexdigest()
    return "sha256:" + hashlib.sha256(body).hexdigest()


def serialize_database() -> tuple[bytes, dict[str, int]]:
    """Every backed-up row as JSON, ordered by model and key, with the count per model."""
    objects: list[Model] = []
    counts: dict[str, int] = {}
    for model in backed_up_models():
        rows = list(model._base_manager.order_by("pk"))
        counts[model._meta.label_lower] = len(rows)
        objects.extend(rows)
    text = ExactJSONSerializer().serialize(
        objects, indent=1, use_natural_foreign_keys=True, use_natural_primary_keys=False
    )
    return text.encode(), counts


class ExactJSONSerializer(JSONSerializer):
    """Django's JSON serializer, keeping times to the microsecond (it rounds to ms)."""

    def _value_from_field(self, obj: Model, field: Any) -> Any:
        value = field.value_from_object(obj)
        if isinstance(value, datetime | time):
            return value.isoformat()
        return super()._value_from_field(obj, field)  # type: ignore[misc]


def media_files(root: Path) -> Iterator[tuple[str, Path]]:
    if not root.exists():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path.relative_to(root).as_posix(), path


def create_backup(out: Path) -> Summary:
    """Write the archive to ``out`` (a ``.tar.gz``); returns what it holds."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        data, counts = serialize_database()
    media_root = Path(settings.MEDIA_ROOT)
    files: dict[str, dict[str, Any]] = {
        DATA_NAME: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    }
    media = list(media_files(media_root))
    for name, path in media:
        files[MEDIA_PREFIX + name] = {"sha256": sha256_of(path), "size": path.stat().st_size}
    manifest = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "database": connection.vendor,
        "migrations": applied_migrations(),
        "counts": counts,
        "files": files,
    }
    body = json.dumps(manifest, indent=1, sort_keys=True).encode()
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with tarfile.open(partial, "w:gz") as archive:
        add_bytes(archive, MANIFEST_NAME, body)
        add_bytes(archive, SEAL_NAME, seal(body).encode())
        add_bytes(archive, DATA_NAME, data)
        for name, path in media:
            archive.add(path, arcname=MEDIA_PREFIX + name, recursive=False)
    partial.replace(out)
    return Summary(counts=counts, files=len(files), bytes=sum(f["size"] for f in files.values()))


def add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def applied_migrations() -> dict[str, str]:
    """The last migration applied per app, so a restore can refuse an older schema."""
    from django.db.migrations.recorder import MigrationRecorder

    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, ""), name)
    return latest


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
        while stream.read(1024 * 1024):
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
    if manifest.get("format") != FORMAT or manifest.get("version") != FORMAT_VERSION:
        raise BackupError("The manifest is not of a backup format this version can restore.")
    return manifest


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
        if name.startswith(MEDIA_PREFIX + "evidence/"):
            if path.name != expected["sha256"]:
                raise BackupError(f"Photo {name} does not hash to its name.")
            photos += 1
    return photos


def verify_data(folder: Path, manifest: dict[str, Any]) -> list[dict[str, Any]]:
    try:
        rows = json.loads((folder / DATA_NAME).read_bytes())
    except ValueError as error:
        raise BackupError("The data file is not valid JSON.") from error
    counts = Counter(row["model"] for row in rows)
    expected = {label: n for label, n in manifest["counts"].items() if n}
    if dict(counts) != expected:
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
    return rows


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
    )


def installation_is_empty() -> bool:
    return not any(apps.get_model(label)._base_manager.exists() for label in DATA_MARKERS)


def canonical(rows: list[dict[str, Any]]) -> list[str]:
    """Rows as sorted canonical JSON strings: equal whatever order the database gives
    keys and many-to-many links in (PostgreSQL may list a team's members in another
    order once they are restored; the links are the same)."""
    return sorted(json.dumps(with_sorted_links(row), sort_keys=True) for row in rows)


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


def restore_backup(path: Path) -> Summary:
    """Restore into this (empty) installation, or raise BackupError having changed nothing."""
    with unpacked(path) as folder:
        manifest = read_manifest(folder)
        photos = verify_files(folder, manifest)
        rows = verify_data(folder, manifest)
        if not installation_is_empty():
            raise BackupError(
                "This installation already holds data: restore only into a freshly "
                "migrated, empty database."
            )
        media_root = Path(settings.MEDIA_ROOT)
        conflicts = [
            name
            for name in manifest["files"]
            if name.startswith(MEDIA_PREFIX)
            and (media_root / name.removeprefix(MEDIA_PREFIX)).exists()
            and sha256_of(media_root / name.removeprefix(MEDIA_PREFIX))
            != manifest["files"][name]["sha256"]
        ]
        if conflicts:
            raise BackupError(f"Other files are in the way in MEDIA_ROOT: {conflicts[0]}.")
        copied: list[Path] = []
        try:
            with transaction.atomic():
                replace_database(folder / DATA_NAME)
                loaded, _counts = serialize_database()
                difference = first_difference(canonical(json.loads(loaded)), canonical(rows))
                if difference:
                    raise BackupError(
                        f"The restored database differs from the backup: {difference}."
                    )
                copied = copy_media(folder, manifest, media_root)
        except BackupError:
            remove(copied)
            raise
        except Exception as error:
            remove(copied)
            raise BackupError(f"The restore failed and was undone: {error}") from error
    return summary_of(manifest, photos)


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


def copy_media(folder: Path, manifest: dict[str, Any], media_root: Path) -> list[Path]:
    copied: list[Path] = []
    for name in manifest["files"]:
        if not name.startswith(MEDIA_PREFIX):
            continue
        target = media_root / name.removeprefix(MEDIA_PREFIX)
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(folder / name, target)
        copied.append(target)
        if sha256_of(target) != manifest["files"][name]["sha256"]:
            raise BackupError(f"{target} was not written completely.")
    return copied


def remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
