"""Where files live: static files for production, and the named storages of what the
installation keeps (photo evidence, official documents, briefing packs, uploaded GIS
layers).

Rules:

- Every file the apps keep goes through Django's storage API (``storages[name]``), never
  through a path under ``MEDIA_ROOT``: the same code then runs on the local disk (one
  machine) and on S3-compatible object storage (several stateless nodes).
- On disk each named storage is a folder under ``MEDIA_ROOT`` (the layout of earlier
  releases, so existing files stay where they are); on S3 (``S3_BUCKET`` set) each is a
  prefix in one bucket.
- A file is written once and whole (:func:`write_file`): a reader sees the old file or
  the new one, never half of one. A content-addressed file that is there already is not
  written again.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed
from django.utils.functional import LazyObject, cached_property, empty
from whitenoise.storage import CompressedManifestStaticFilesStorage

# The storages the apps keep files in, and their folder under MEDIA_ROOT on disk.
# Uploaded layers keep their ``imports/<run>/<file>`` names from MEDIA_ROOT itself.
FOLDERS: dict[str, str] = {
    "evidence": "evidence",
    "documents": "decisions",
    "briefings": "briefings",
    "uploads": "",
}
S3_BACKEND = "storages.backends.s3.S3Storage"


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Whitenoise's compressed, hashed storage without rewriting JavaScript source-map
    comments: vendored libraries name ``.map`` files that are not shipped, and a missing
    map must not stop ``collectstatic``."""

    patterns = tuple(
        (glob, tuple(p for p in rules if "sourceMappingURL" not in str(p)))
        for glob, rules in CompressedManifestStaticFilesStorage.patterns
    )


class MediaStorage(FileSystemStorage):
    """A folder under ``MEDIA_ROOT``, followed when the setting changes (as tests do).
    A file saved under a name that exists replaces it, through a temporary file renamed
    into place, so a reader never sees half a file."""

    def __init__(self, folder: str = "", **kwargs: Any) -> None:
        self.folder = folder
        kwargs.setdefault("allow_overwrite", True)
        super().__init__(**kwargs)

    @cached_property
    def base_location(self) -> str:
        root = self._value_or_setting(self._location, settings.MEDIA_ROOT)  # type: ignore[attr-defined]
        return str(Path(root) / self.folder) if self.folder else str(root)

    def _save(self, name: str, content: Any) -> str:
        target = Path(self.path(name))
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as stream:
                if hasattr(content, "seek"):
                    content.seek(0)
                for chunk in content.chunks():
                    stream.write(chunk if isinstance(chunk, bytes) else chunk.encode())
                stream.flush()
                os.fsync(stream.fileno())
            if self.file_permissions_mode is not None:
                os.chmod(temporary, self.file_permissions_mode)
            else:
                # mkstemp makes the file private; give it the mode a saved file has.
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(temporary, 0o666 & ~umask)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return str(target.relative_to(self.location)).replace("\\", "/")


def file_storages(environ: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """The ``STORAGES`` entries of the named storages (and "default"): S3 when
    ``S3_BUCKET`` is set, folders under ``MEDIA_ROOT`` otherwise."""
    bucket = environ.get("S3_BUCKET", "")
    if not bucket:
        named = {name: local_storage(folder) for name, folder in FOLDERS.items()}
        return {"default": local_storage(""), **named}
    options = s3_options(
        bucket=bucket,
        endpoint_url=environ.get("S3_ENDPOINT_URL") or None,
        region=environ.get("S3_REGION") or None,
        access_key=environ.get("AWS_ACCESS_KEY_ID") or None,
        secret_key=environ.get("AWS_SECRET_ACCESS_KEY") or None,
    )
    return {name: s3_storage(options, name) for name in ("default", *FOLDERS)}


def local_storage(folder: str) -> dict[str, Any]:
    return {"BACKEND": "config.storage.MediaStorage", "OPTIONS": {"folder": folder}}


def s3_options(
    *,
    bucket: str,
    endpoint_url: str | None = None,
    region: str | None = None,
    access_key: str | None = None,
    secret_key: str | None = None,
) -> dict[str, Any]:
    return {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url,
        "region_name": region,
        "access_key": access_key,
        "secret_key": secret_key,
        # Names are chosen by the code (a hash, a document's code): the same name is the
        # same file, written again in one PUT, never renamed beside it.
        "file_overwrite": True,
        # Private objects: every file is served by a view that checks who asks.
        "default_acl": None,
        "querystring_auth": True,
    }


def s3_storage(options: dict[str, Any], prefix: str) -> dict[str, Any]:
    return {"BACKEND": S3_BACKEND, "OPTIONS": {**options, "location": prefix}}


# -- The storages models and code hold on to ---------------------------------------


class NamedStorage(LazyObject):
    """``storages[name]``, looked up again after ``STORAGES`` changes (a FileField keeps
    the storage object it was given when the model was loaded)."""

    def __init__(self, name: str) -> None:
        self.__dict__["_storage_name"] = name
        super().__init__()

    def _setup(self) -> None:
        self._wrapped = storages[self.__dict__["_storage_name"]]

    def reset(self) -> None:
        self._wrapped = empty  # type: ignore[assignment]


NAMED: dict[str, NamedStorage] = {name: NamedStorage(name) for name in FOLDERS}


def _reset_named(*, setting: str, **kwargs: Any) -> None:
    if setting == "STORAGES":
        for storage in NAMED.values():
            storage.reset()


setting_changed.connect(_reset_named)


def named(name: str) -> Storage:
    return NAMED[name]  # type: ignore[return-value]


# FileField(storage=...) takes these callables, so migrations name them, not a backend.
def evidence_storage() -> Storage:
    return named("evidence")


def documents_storage() -> Storage:
    return named("documents")


def briefings_storage() -> Storage:
    return named("briefings")


def uploads_storage() -> Storage:
    return named("uploads")


# -- Writing and reading ---------------------------------------------------------------


class StorageNameChanged(Exception):
    """The storage kept the file under another name than the one asked for."""


def write_file(
    storage: Storage, name: str, content: bytes, *, content_addressed: bool = False
) -> str:
    """Store ``content`` under exactly ``name``, whole or not at all: the local disk
    renames a finished temporary file into place, S3 takes one PUT. A content-addressed
    file (its name is its hash) already there is left as it is."""
    if content_addressed and storage.exists(name):
        return name
    stored = storage.save(name, ContentFile(content))
    if stored != name:
        # A storage that renames instead of replacing would lose the link to the file.
        storage.delete(stored)
        raise StorageNameChanged(f"{name} was stored as {stored}")
    return stored


def read_file(storage: Storage, name: str) -> bytes:
    with storage.open(name, "rb") as handle:
        data = handle.read()
    return data if isinstance(data, bytes) else data.encode()
