"""Reference layers: the city's own parcels, buildings, streets, neighbourhoods or
address points, drawn faintly under the premises on every map and PDF excerpt.

Rules:

* Imported like premises and zones (any CRS to WGS84, logged as an import run, refused
  whole on a row without a usable geometry unless invalid rows are skipped); an invalid
  outline is repaired rather than refused, since it is only drawn. Geometries are
  simplified to about a metre and rounded to six decimals (some 10 cm): what a map shows.
* A re-import of a layer of the same name replaces its features in one transaction.
* A map asks for the features that reach into its view (bounding boxes in SQL); lines and
  outlines larger than the view are cut at its edge, and a view holding more than
  ``MAX_FEATURES`` features of one layer gets an even sample of them, so the answer stays
  small whatever the layer.
* Everything is per municipality: a user sees the layers of their own municipalities.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from django.db import transaction
from django.db.models import QuerySet
from django.utils.html import escape
from django.utils.translation import gettext as _

from gis.layers import Layer, Prepared, to_wgs84
from gis.models import ReferenceFeature, ReferenceLayer
from partners.access import visible_municipalities
from partners.models import Municipality

# About a metre, in degrees: finer than any map or PDF excerpt draws.
SIMPLIFY_TOLERANCE = 0.00001
DECIMALS = 6
# Features of one layer in one answer, beyond which an even sample is sent.
MAX_FEATURES = 20000
BATCH = 2000

# How each kind is drawn, faint and thin: the premises stay what the eye sees first.
STYLES: dict[str, dict[str, Any]] = {
    ReferenceLayer.Kind.ADDRESSES: {"color": "#6b7685", "radius": 1.6, "opacity": 0.55},
    ReferenceLayer.Kind.STREETS: {"color": "#a0a8b3", "weight": 2.5, "opacity": 0.8},
    ReferenceLayer.Kind.PARCELS: {"color": "#aab3bd", "weight": 0.7, "opacity": 0.8},
    ReferenceLayer.Kind.BUILDINGS: {
        "color": "#a39a8c", "weight": 0.6, "opacity": 0.8, "fillColor": "#d8d1c5",
        "fillOpacity": 0.5,
    },
    ReferenceLayer.Kind.NEIGHBOURHOODS: {
        "color": "#5b6472", "weight": 1.4, "opacity": 0.7, "dashArray": "2 4",
    },
    ReferenceLayer.Kind.OTHER: {"color": "#7d8794", "weight": 1.0, "opacity": 0.7},
}  # fmt: skip


def style_of(layer: ReferenceLayer) -> dict[str, Any]:
    return {**STYLES.get(layer.kind, STYLES[ReferenceLayer.Kind.OTHER]), **(layer.style or {})}


def visible_reference_layers(user: Any) -> QuerySet[ReferenceLayer]:
    return ReferenceLayer.objects.filter(municipality__in=visible_municipalities(user))


# --- import ----------------------------------------------------------------------------


@dataclass
class PreparedReference:
    """The features a layer would become, and the rows that cannot."""

    geometries: list[dict[str, Any]] = field(default_factory=list)
    boxes: list[tuple[float, float, float, float]] = field(default_factory=list)
    problems: list[tuple[int, str, str]] = field(default_factory=list)


def to_map_precision(geometry: np.ndarray, crs: str) -> np.ndarray:
    transformer = to_wgs84(crs)

    def project(coords: np.ndarray) -> np.ndarray:
        lon, lat = transformer.transform(coords[:, 0], coords[:, 1])
        return np.round(np.column_stack([lon, lat]), DECIMALS)

    return shapely.transform(geometry, project)


def prepare_reference(layer: Layer) -> PreparedReference:
    """Every row's geometry in WGS84, simplified; a row without one is a problem."""
    problems = Prepared(fields=())
    for index, (reason, detail) in layer.problems.items():
        problems.problem(index, reason, detail)
    geometry = layer.geometry
    missing = shapely.is_missing(geometry) | shapely.is_empty(geometry)
    for row in np.flatnonzero(missing).tolist():
        problems.problem(row, _("no geometry"))
    usable = ~missing
    usable[[index for index in layer.problems if index < len(usable)]] = False
    shapes = geometry[usable]
    shapes = np.where(shapely.is_valid(shapes), shapes, shapely.make_valid(shapes))
    shapes = shapely.simplify(to_map_precision(shapes, layer.crs), SIMPLIFY_TOLERANCE)
    bounds = shapely.bounds(shapes)
    prepared = PreparedReference()
    for i, shape, box in zip(np.flatnonzero(usable).tolist(), shapes, bounds, strict=True):
        west, south, east, north = (float(value) for value in box)
        inside = -180 <= west <= east <= 180 and -90 <= south <= north <= 90  # noqa: SIM300
        if not (np.all(np.isfinite(box)) and inside):
            problems.problem(i, _("position outside the world"), _("is the CRS right?"))
            continue
        prepared.geometries.append(shapely.geometry.mapping(shape))
        prepared.boxes.append((west, south, east, north))
    prepared.problems = sorted(problems.problems)
    return prepared


def reference_options(options: dict[str, Any], layer: Layer) -> tuple[str, str]:
    """The layer's kind and name from the import's options (the file's layer name, or
    its file name, when none was given)."""
    kind = options.get("reference_kind") or ReferenceLayer.Kind.OTHER
    if kind not in ReferenceLayer.Kind.values:
        kind = ReferenceLayer.Kind.OTHER
    name = (options.get("reference_name") or "").strip() or layer.name
    return kind, name[:200]


@transaction.atomic
def replace_features(
    municipality: Municipality,
    *,
    kind: str,
    name: str,
    crs: str,
    prepared: PreparedReference,
) -> tuple[ReferenceLayer, int]:
    """The layer ``name`` of ``municipality`` with exactly the prepared features; returns
    it and how many features it had before."""
    layer, _created = ReferenceLayer.objects.select_for_update().get_or_create(
        municipality=municipality, name=name, defaults={"kind": kind}
    )
    before = layer.feature_count
    layer.features.all().delete()
    ReferenceFeature.objects.bulk_create(
        (
            ReferenceFeature(
                layer=layer,
                geometry=geometry,
                west=box[0],
                south=box[1],
                east=box[2],
                north=box[3],
            )  # fmt: skip
            for geometry, box in zip(prepared.geometries, prepared.boxes, strict=True)
        ),
        batch_size=BATCH,
    )
    layer.kind = kind
    layer.source_crs = crs[:40]
    layer.feature_count = len(prepared.geometries)
    layer.save()
    return layer, before


# --- what a map draws ------------------------------------------------------------------

Box = tuple[float, float, float, float]


class Parts:
    """A layer's geometries gathered by type: one multi-geometry each, which a map
    draws as one layer and a PDF as one path."""

    def __init__(self) -> None:
        self.points: list[Any] = []
        self.lines: list[Any] = []
        self.polygons: list[Any] = []

    def add(self, geometry: dict[str, Any]) -> None:
        kind, coordinates = geometry.get("type"), geometry.get("coordinates")
        if kind == "Point":
            self.points.append(coordinates)
        elif kind == "MultiPoint":
            self.points.extend(coordinates or [])
        elif kind == "LineString":
            self.lines.append(coordinates)
        elif kind == "MultiLineString":
            self.lines.extend(coordinates or [])
        elif kind == "Polygon":
            self.polygons.append(coordinates)
        elif kind == "MultiPolygon":
            self.polygons.extend(coordinates or [])
        elif kind == "GeometryCollection":
            for member in geometry.get("geometries") or []:
                self.add(member)

    def geometries(self) -> list[dict[str, Any]]:
        found = [
            ("MultiPoint", self.points),
            ("MultiLineString", self.lines),
            ("MultiPolygon", self.polygons),
        ]
        return [{"type": kind, "coordinates": parts} for kind, parts in found if parts]


def parse_box(box: Sequence[float]) -> Box:
    west, south, east, north = (float(value) for value in box)
    return west, south, east, north


AREAS = ("Polygon", "MultiPolygon", "GeometryCollection")


def features_in_box(layer: ReferenceLayer, box: Box) -> tuple[Parts, bool]:
    """The layer's features reaching into ``box``, those larger than it cut at its edge;
    an even sample when there are more than MAX_FEATURES. True when sampled.

    An unfilled outline is cut as the line it is drawn as: cutting the area would draw
    the box's own edges where a neighbourhood or the municipality goes beyond it."""
    west, south, east, north = box
    outline_only = not style_of(layer).get("fillColor")
    rows = list(
        layer.features.filter(west__lte=east, east__gte=west, south__lte=north, north__gte=south)
        .order_by("pk")
        .values_list("geometry", "west", "south", "east", "north")
    )
    sampled = len(rows) > MAX_FEATURES
    if sampled:
        rows = rows[:: math.ceil(len(rows) / MAX_FEATURES)]
    parts = Parts()
    for geometry, g_west, g_south, g_east, g_north in rows:
        larger = g_west < west or g_east > east or g_south < south or g_north > north
        if larger and geometry.get("type") not in ("Point", "MultiPoint"):
            shape = shapely.geometry.shape(geometry)
            if outline_only and geometry.get("type") in AREAS:
                shape = shape.boundary
            clipped = shapely.clip_by_rect(shape, *box)
            geometry = shapely.geometry.mapping(clipped) if not clipped.is_empty else {}
        parts.add(geometry)
    return parts, sampled


def as_lists(value: Any) -> Any:
    """Shapely's mappings hold tuples; GeoJSON wants lists (and JSON has no tuples)."""
    if isinstance(value, tuple | list):
        return [as_lists(item) for item in value]
    return value


def feature_collection(layers: Iterable[ReferenceLayer], box: Box) -> dict[str, Any]:
    """GeoJSON of ``layers`` inside ``box``: per layer, one feature per geometry type
    with the layer's name, kind and style; bottom layer first."""
    features = []
    for layer in sorted(layers, key=draw_order):
        parts, sampled = features_in_box(layer, box)
        properties = {
            "name": layer.name,
            "kind": layer.kind,
            "style": style_of(layer),
            "sampled": sampled,
        }
        features += [
            {"type": "Feature", "properties": properties, "geometry": as_lists(geometry)}
            for geometry in parts.geometries()
        ]
    return {"type": "FeatureCollection", "features": features}


# Fills first, then outlines and lines, address points on top.
DRAW_ORDER: list[str] = [
    ReferenceLayer.Kind.BUILDINGS,
    ReferenceLayer.Kind.PARCELS,
    ReferenceLayer.Kind.NEIGHBOURHOODS,
    ReferenceLayer.Kind.OTHER,
    ReferenceLayer.Kind.STREETS,
    ReferenceLayer.Kind.ADDRESSES,
]


def draw_order(layer: ReferenceLayer) -> tuple[int, str]:
    kind = layer.kind if layer.kind in DRAW_ORDER else ReferenceLayer.Kind.OTHER
    return DRAW_ORDER.index(kind), layer.name


def padded(box: Box, share: float) -> Box:
    west, south, east, north = box
    dx, dy = (east - west) * share, (north - south) * share
    return west - dx, south - dy, east + dx, north + dy


def around(points: Sequence[tuple[float, float]], share: float = 0.3) -> Box | None:
    """The box of ``points`` (lon, lat), widened by ``share`` on each side and to at
    least some 400 m: a single premises still shows its street."""
    lons, lats = zip(*points, strict=True) if points else ((), ())
    if not lons:
        return None
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    middle_x, middle_y = (west + east) / 2, (south + north) / 2
    half_x, half_y = max((east - west) / 2, 0.003), max((north - south) / 2, 0.002)
    return padded(
        (middle_x - half_x, middle_y - half_y, middle_x + half_x, middle_y + half_y), share
    )


# --- what a PDF excerpt draws ----------------------------------------------------------


def svg_background(
    municipality: Municipality | None,
    box: Box,
    project: Callable[[float, float], tuple[float, float]],
) -> str:
    """The municipality's reference layers inside ``box`` as SVG paths, one per layer
    and type, for a map excerpt drawn with ``project``; empty without layers."""
    if municipality is None:
        return ""
    layers = ReferenceLayer.objects.filter(municipality=municipality)
    collection = feature_collection(layers, box)
    return "".join(svg_path(feature, project) for feature in collection["features"])


Project = Callable[[float, float], tuple[float, float]]


def svg_path(feature: dict[str, Any], project: Project) -> str:
    geometry, properties = feature["geometry"], feature["properties"]
    style = properties["style"]
    colour = escape(style.get("color", "#7d8794"))
    opacity = float(style.get("opacity", 0.7))
    head = (
        f'<path class="reference-layer" data-kind="{escape(properties["kind"])}" '
        f'data-name="{escape(properties["name"])}"'
    )

    def point(lon: float, lat: float) -> str:
        x, y = project(lon, lat)
        return f"{x} {y}"

    if geometry["type"] == "MultiPoint":
        # A zero-length line with round caps is a dot: one path for any number of points.
        path = "".join(f"M{point(*position[:2])}h0" for position in geometry["coordinates"])
        width = 2 * float(style.get("radius", 1.5)) * 0.8
        return (
            f'{head} d="{path}" fill="none" stroke="{colour}" stroke-width="{width:.1f}" '
            f'stroke-linecap="round" opacity="{opacity}"/>'
        )
    rings = (
        geometry["coordinates"]
        if geometry["type"] == "MultiLineString"
        else [ring for polygon in geometry["coordinates"] for ring in polygon]
    )
    closing = "Z" if geometry["type"] == "MultiPolygon" else ""
    path = "".join(
        "M" + "L".join(point(*position[:2]) for position in ring) + closing
        for ring in rings
        if ring
    )
    fill = "none"
    if geometry["type"] == "MultiPolygon" and style.get("fillColor"):
        fill = escape(style["fillColor"])
    weight = float(style.get("weight", 1.0))
    fill_opacity = float(style.get("fillOpacity", 0))
    return (
        f'{head} d="{path}" fill="{fill}" fill-opacity="{fill_opacity}" fill-rule="evenodd" '
        f'stroke="{colour}" stroke-width="{weight}" stroke-opacity="{opacity}"/>'
    )
