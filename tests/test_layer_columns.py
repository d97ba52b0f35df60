"""A layer is read through GDAL's Arrow stream (gis.layers.read_columns) and must give
what pyogrio's feature-by-feature read gives: the same values, types and missing values,
for the real layers a city imports and for fields of every kind with gaps in them."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from gis.layers import read_columns

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared/data"
OWN_DATA = Path(__file__).resolve().parents[1] / "gis"


def layers_in(folder: Path) -> list[tuple[Path, str]]:
    found: list[tuple[Path, str]] = []
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() in (".gpkg", ".shp", ".geojson"):
            found.extend((path, name) for name, _kind in pyogrio.list_layers(path))
    return found


def same(left: Any, right: Any) -> bool:
    """Equal, missing numbers (NaN) included."""
    if isinstance(left, float) and isinstance(right, float) and math.isnan(left):
        return math.isnan(right)
    return bool(left == right) and type(left) is type(right)


def assert_read_alike(path: Path, layer: str | None = None) -> None:
    meta, _fids, wkb, fields = pyogrio.raw.read(path, layer=layer, datetime_as_string=True)
    arrow_meta, arrow_wkb, arrow_fields = read_columns(path, layer=layer)
    assert list(arrow_meta["fields"]) == list(meta["fields"])
    assert list(arrow_meta["dtypes"]) == list(meta["dtypes"])
    assert arrow_meta["crs"] == meta["crs"]
    for name, values, arrow_values in zip(meta["fields"], fields, arrow_fields, strict=True):
        assert arrow_values.dtype == values.dtype, name
        pairs = zip(values.tolist(), arrow_values.tolist(), strict=True)
        assert all(same(a, b) for a, b in pairs), name
    if wkb is None:
        assert arrow_wkb is None
    else:
        assert arrow_wkb is not None
        assert [bytes(g) if g is not None else None for g in arrow_wkb] == list(wkb)


@pytest.mark.skipif(not SHARED_DATA.exists(), reason="../shared/data is not beside the checkout")
def test_the_real_layers_read_alike() -> None:
    found = layers_in(SHARED_DATA) + layers_in(OWN_DATA)
    assert len(found) > 10
    for path, layer in found:
        assert_read_alike(path, layer)


# A shapefile has no date-and-time fields: the time is written as text.
@pytest.mark.filterwarnings("ignore:Field seen created as String field")
@pytest.mark.parametrize("suffix", [".gpkg", ".shp", ".geojson"])
def test_fields_with_gaps_read_alike(tmp_path: Path, suffix: str) -> None:
    frame = gpd.GeoDataFrame(
        {
            "count": pd.array([1, None, 3], dtype="Int64"),
            "whole": pd.array([1, 2, 3], dtype="Int64"),
            "share": [1.5, None, 2.0],
            "name": ["Café Noord", None, "Nachtwinkel"],
            "open": pd.array([True, None, False], dtype="boolean"),
            "closed": [False, True, False],
            "seen": pd.to_datetime(["2024-01-01 00:00", None, "2024-02-03 10:00"]),
        },
        geometry=[shapely.Point(150_000, 170_000), None, shapely.Point(150_010, 170_010)],
        crs="EPSG:31370",
    )
    path = tmp_path / f"gaps{suffix}"
    frame.to_file(path, engine="pyogrio")
    assert_read_alike(path)
    _meta, wkb, fields = read_columns(path)
    assert wkb is not None and wkb[1] is None
    assert np.isnan(fields[0][1])
