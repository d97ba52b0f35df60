"""Peak memory of ``manage.py backup`` on the demo city ×10 against the demo city ×1,
measured in the same run (``python -m bench backup``).

The demo city is built once (``load_demo``), backed up, then its bulkiest tables (the
reference layer, premises, signals, audit entries: 95 % of its rows) are copied nine
more times and it is backed up again. Each backup runs in a fresh process, so nothing
imported or cached by one counts in the other.

- ``backup_memory_x10``: the Python heap's peak during the ×10 backup (tracemalloc) over
  the ×1 backup's. A backup that streams (rows read in chunks and written straight into
  the archive) stays near 1; one that holds every row grows towards 10.
- ``rss_x1_mb`` / ``rss_x10_mb``: the processes' peak resident memory, Django included.
- ``seconds_x10``: how long the ×10 backup took (under tracemalloc, which slows it).

Measured on the shared 2-core machine (30 Nov 2026), about 7,500 rows ×1 and 71,000
×10. ``python -m bench backup``: 4.5 MB → 6.3 MB (ratio 1.41), peak RSS 248 → 248 MB.
Side by side in one earlier run (with Django's query log on in both): this backup
4.5 → 8.0 MB (1.8), RSS 193 → 215 MB; the earlier backup, which held every row and the
whole JSON text, 31 → 281 MB (9.1), RSS 240 → 592 MB.

``python -m bench.bench_backup --measure ARCHIVE [MODULE]`` is the measuring process;
MODULE (default ``partners.backup``) is the implementation whose ``create_backup`` runs.
"""

from __future__ import annotations

import copy
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path
from typing import Any

from bench.harness import report

TIMES = 10
MULTIPLIED = ("gis.referencefeature", "gis.premises", "gis.signal", "partners.auditentry")


def run() -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("load_demo", verbosity=0)
    folder = Path(tempfile.mkdtemp(prefix="integra-bench-backup-"))
    connection.close()
    one = measure(folder / "x1.tar.gz")
    multiply(TIMES)
    connection.close()
    ten = measure(folder / f"x{TIMES}.tar.gz")
    report(
        f"backup_memory_x{TIMES}",
        ours=ten["peak_mb"],
        floor=one["peak_mb"],
        rows_x1=one["rows"],
        rows_x10=ten["rows"],
        rss_x1_mb=f"{one['rss_mb']:.0f}",
        rss_x10_mb=f"{ten['rss_mb']:.0f}",
        seconds_x10=f"{ten['seconds']:.1f}",
    )


def multiply(times: int) -> None:
    """Copy the rows of the bulkiest tables until there are ``times`` as many: new keys,
    new public codes, external ids kept unique per municipality."""
    from django.apps import apps
    from django.db import models

    for label in MULTIPLIED:
        model = apps.get_model(label)
        originals = list(model._base_manager.order_by("pk"))
        for round_ in range(1, times):
            copies = []
            for original in originals:
                row = copy.copy(original)
                row.pk = None
                for field in model._meta.concrete_fields:
                    if field.unique and isinstance(field, models.UUIDField):
                        setattr(row, field.attname, uuid.uuid4())
                if getattr(row, "external_id", ""):
                    row.external_id = f"{row.external_id}-{round_}"
                copies.append(row)
            model._base_manager.bulk_create(copies, batch_size=1000)


def measure(archive: Path, module: str = "partners.backup") -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.bench_backup", "--measure", str(archive), module]
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=os.environ)
    if done.returncode:
        raise RuntimeError(f"the backup failed: {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def measured_backup(archive: Path, module: str) -> dict[str, Any]:
    import importlib

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings

    # As in production: no query log growing with the number of queries.
    settings.DEBUG = False
    implementation = importlib.import_module(module)
    tracemalloc.start()
    start = time.perf_counter()
    summary = implementation.create_backup(archive)
    seconds = time.perf_counter() - start
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "peak_mb": peak / 1e6,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "seconds": seconds,
        "rows": sum(summary.counts.values()),
    }


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        module = sys.argv[3] if len(sys.argv) > 3 else "partners.backup"
        print(json.dumps(measured_backup(Path(sys.argv[2]), module)))
