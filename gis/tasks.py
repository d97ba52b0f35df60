"""Worker tasks of the premises register (django-q2)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.utils import translation
from django_q.tasks import async_task

from gis.importing import execute
from gis.models import ImportRun


def enqueue_import(run: ImportRun) -> None:
    """Queue ``run`` for a worker; runs inline when the cluster is configured ``sync``."""
    run.status = ImportRun.Status.PENDING
    run.progress = 0
    run.save(update_fields=["status", "progress"])
    async_task(
        "gis.tasks.run_import",
        run.pk,
        task_name=f"import {run.code}",
        sync=bool(settings.Q_CLUSTER.get("sync", False)),
    )


def run_import(run_pk: int) -> str:
    """The import in the language of the person who started it (the worker's own is the
    installation's default): its refusal, warning and reasons are read by them."""
    run = ImportRun.objects.select_related("municipality").get(pk=run_pk)
    with translation.override(run.options.get("language") or run.municipality.language):
        with local_copy(run.stored_file) as path:
            execute(run, path)
        return run.summary()


@contextmanager
def local_copy(stored: FieldFile) -> Iterator[Path]:
    """A path on this machine for a stored upload, whatever the storage: the file itself
    on disk, a temporary copy (removed afterwards) on S3."""
    try:
        local = stored.path
    except NotImplementedError:
        local = ""
    if local:
        yield Path(local)
        return
    name = stored.name or ""
    with tempfile.TemporaryDirectory(prefix="integra-upload-") as folder:
        path = Path(folder) / PurePosixPath(name).name
        with stored.storage.open(name, "rb") as source, path.open("wb") as sink:
            shutil.copyfileobj(source, sink)
        yield path
