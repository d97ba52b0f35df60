"""Importing address points from a GeoPackage in EPSG:31370, against the floor of reading
the same file with pyogrio and transforming it with pyproj, in the same run.

The importer reads through GDAL's Arrow stream (gis.layers.read_columns); the floor is
pyogrio's default read, as when the goal was set. The same floor read through Arrow is
reported beside it (``arrow_floor``), so the share of the ratio that the faster read
accounts for is in plain view."""

from __future__ import annotations

import functools
import tempfile
import time
import tracemalloc
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pyproj
import shapely

from bench.harness import best_of, report

# Halle's extent in Lambert 72.
HALLE_BBOX = (141_000.0, 161_000.0, 150_000.0, 170_000.0)
STREETS = [
    "Basiliekstraat", "Grote Markt", "Vondelstraat", "Ninoofsesteenweg", "Bergensesteenweg",
    "Edingensesteenweg", "Brusselsesteenweg", "Kapittelstraat", "Leide", "Sint-Rochusstraat",
    "Suikerkaai", "Volpestraat", "Parklaan", "Beestenmarkt", "Nijvelsesteenweg",
]  # fmt: skip


def make_layer(folder: Path, n: int) -> Path:
    rng = np.random.default_rng(n)
    west, south, east, north = HALLE_BBOX
    numbers = rng.integers(1, 250, n)
    boxes = rng.choice(["", "", "", "A", "B", "1"], n)
    frame = gpd.GeoDataFrame(
        {
            "address_id": [f"VA/{3_000_000 + i}/2024-01-01T00:00:00" for i in range(n)],
            "street": rng.choice(STREETS, n),
            "housenumber": [f"{number}{box}" for number, box in zip(numbers, boxes, strict=True)],
            "postcode": "1500",
            "city": "Halle",
        },
        geometry=shapely.points(rng.uniform(west, east, n), rng.uniform(south, north, n)),
        crs="EPSG:31370",
    )
    path = folder / f"addresses_{n}.gpkg"
    frame.to_file(path, layer="addresses", engine="pyogrio")
    return path


def floor(path: Path, *, use_arrow: bool = False) -> None:
    frame = pyogrio.read_dataframe(path, use_arrow=use_arrow)
    transformer = pyproj.Transformer.from_crs("EPSG:31370", "EPSG:4326", always_xy=True)
    transformer.transform(
        shapely.get_x(frame.geometry.values), shapely.get_y(frame.geometry.values)
    )


def fresh_municipality(counter: list[int]) -> str:
    """A new, empty municipality per measured import: every row is a create, and no
    deletion of the previous run's rows is timed."""
    from partners.models import Municipality

    counter[0] += 1
    code = f"{90000 + counter[0]}"
    Municipality.objects.create(code=code, name=f"Bench {code}", language="nl", country="BE")
    return code


def run() -> None:
    from gis.importing import import_file
    from gis.models import ImportRun

    counter = [0]
    with tempfile.TemporaryDirectory(prefix="integra-bench-import-") as folder:
        # Ours and its floors each the fastest of the same number of runs.
        for label, n, repeat in (("import_10k", 10_000, 5), ("import_100k", 100_000, 5)):
            path = make_layer(Path(folder), n)

            def ours(path: Path = path, n: int = n, code: str = "") -> ImportRun:
                run = import_file(path, kind=ImportRun.Kind.PREMISES, municipality=code, options={})
                assert run.created == n or run.unchanged == n, run.summary()
                return run

            floor_seconds = best_of(functools.partial(floor, path), repeat=repeat)
            arrow_floor = best_of(functools.partial(floor, path, use_arrow=True), repeat=repeat)
            timings = []
            for _ in range(repeat):
                code = fresh_municipality(counter)
                start = time.perf_counter()
                ours(code=code)
                timings.append(time.perf_counter() - start)
            tracemalloc.start()
            ours(code=fresh_municipality(counter))
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            start = time.perf_counter()
            assert ours(code=code).unchanged == n
            reimport = time.perf_counter() - start
            report(
                label,
                ours=min(timings),
                floor=floor_seconds,
                arrow_floor=round(arrow_floor, 6),
                ratio_to_arrow_floor=round(min(timings) / arrow_floor, 2),
                peak_mb=round(peak / 2**20, 1),
                reimport_s=round(reimport, 3),
            )
