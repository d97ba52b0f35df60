"""Zones (neighbourhoods, police zones, shopping areas) as outlines in WGS84, and which
premises lie inside one."""

from __future__ import annotations

from typing import Any, TypeVar

import numpy as np
import shapely
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gis.layers import (
    POLYGON_TYPES,
    Layer,
    Prepared,
    column,
    complete_mapping,
    geojson,
    geometry_problems,
    id_problems,
    transform_geometries,
)
from gis.models import Premises, Zone

# A queryset of premises, of whichever class (the map passes its own).
AnyPremises = TypeVar("AnyPremises", bound=QuerySet[Premises])

ZONE_FIELDS = ("kind", "name", "geometry", "west", "south", "east", "north", "source_crs")


def premises_in_zone(zone: Zone, queryset: AnyPremises) -> AnyPremises:
    """The premises of ``queryset`` whose marker lies inside ``zone`` (its boundary
    included): the bounding box filters in SQL, the outline decides exactly."""
    candidates = queryset.filter(
        lon__gte=zone.west, lon__lte=zone.east, lat__gte=zone.south, lat__lte=zone.north
    )
    rows = list(candidates.values_list("pk", "lon", "lat"))
    if not rows:
        return queryset.none()
    pks, lons, lats = (np.asarray(values) for values in zip(*rows, strict=True))
    outline = shapely.geometry.shape(zone.geometry)
    inside = shapely.contains_xy(outline, lons, lats) | shapely.intersects_xy(
        outline.boundary, lons, lats
    )
    return queryset.filter(pk__in=pks[inside].tolist())


def prepare_zones(layer: Layer, options: dict[str, Any]) -> Prepared:
    """The zones a polygon layer holds, by id; other geometries are invalid rows."""
    mapping = complete_mapping(layer, options.get("mapping") or {}, zones=True)
    kind = options.get("zone_kind") or Zone.Kind.OTHER
    prepared = Prepared(fields=ZONE_FIELDS)
    usable = geometry_problems(layer, POLYGON_TYPES, prepared, kind_label="polygon")
    for index, (reason, detail) in layer.problems.items():
        prepared.problem(index, reason, detail)
        usable[index] = False
    ids = column(layer, mapping["id_field"])
    usable = id_problems(ids, usable, prepared)
    names = column(layer, mapping["name_field"])
    outlines = transform_geometries(layer.geometry[usable], layer.crs)
    bounds = shapely.bounds(outlines)
    rows: dict[str, tuple[Any, ...]] = {}
    for i, outline, box in zip(np.flatnonzero(usable).tolist(), outlines, bounds, strict=True):
        if not np.all(np.isfinite(box)):
            prepared.problem(i, _("position outside the world"), _("is the CRS right?"))
            continue
        west, south, east, north = (float(v) for v in box)
        rows[ids[i]] = (
            kind,
            (names[i] or ids[i])[:200],
            geojson(outline),
            west,
            south,
            east,
            north,
            layer.crs,
        )
    prepared.set_rows(rows)
    prepared.problems.sort()
    return prepared
