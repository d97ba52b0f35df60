"""Exporting premises as a GIS layer in WGS84: GeoJSON or GeoPackage.

:func:`export_premises` only builds the file; whoever hands it to a user records the
export in the audit log (:func:`record_export`), as every export of premises must be.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely
from django.db.models import QuerySet

from gis.models import Premises
from partners import audit
from partners.models import AuditEntry, Municipality

FORMATS = ("geojson", "gpkg")
PROPERTIES = (
    "external_id",
    "name",
    "address",
    "sector",
    "risk_score",
    "parcel_key",
    "address_register_id",
    "address_register_version",
    "bag_id",
    "enterprise_number",
    "operator_name",
)
COLUMNS = (*(p for p in PROPERTIES if p != "sector"), "sector__code", "lon", "lat")
CONTENT_TYPES = {"geojson": "application/geo+json", "gpkg": "application/geopackage+sqlite3"}


def export_rows(premises: QuerySet[Premises]) -> list[dict[str, Any]]:
    rows = []
    for values in premises.order_by("external_id").values(*COLUMNS):
        values["sector"] = values.pop("sector__code") or ""
        rows.append(values)
    return rows


def export_premises(premises_queryset: QuerySet[Premises], fmt: str) -> bytes:
    """The premises as points in WGS84 (EPSG:4326) with their register properties, as
    ``geojson`` or ``gpkg`` bytes (layer ``premises``)."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}: use one of {', '.join(FORMATS)}.")
    rows = export_rows(premises_queryset)
    if fmt == "geojson":
        features = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
                "properties": {name: row[name] for name in PROPERTIES},
            }
            for row in rows
        ]
        collection = {"type": "FeatureCollection", "features": features}
        return json.dumps(collection, ensure_ascii=False).encode("utf-8")
    frame = gpd.GeoDataFrame(
        {name: [row[name] for row in rows] for name in PROPERTIES},
        geometry=shapely.points([row["lon"] for row in rows], [row["lat"] for row in rows])
        if rows
        else [],
        crs="EPSG:4326",
    )
    with tempfile.TemporaryDirectory(prefix="integra-export-") as folder:
        path = Path(folder) / "premises.gpkg"
        frame.to_file(path, layer="premises", driver="GPKG", engine="pyogrio")
        return path.read_bytes()


def record_export(
    user: Any, *, municipality: Municipality | None, count: int, fmt: str
) -> AuditEntry | None:
    """Writes the export of ``count`` premises to the audit log when a user is known."""
    if user is None or not user.is_authenticated:
        return None
    return audit.record(
        user,
        AuditEntry.Action.EXPORT,
        object_type="gis.Premises",
        municipality=municipality,
        count=count,
        format=fmt,
    )
