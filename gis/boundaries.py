"""Whether a layer's premises belong to the municipality they are imported into.

A regional layer uploaded whole, or a layer read in the wrong CRS, puts premises of
other places into the city's register. The import goes through (the coordinator
decides) with a warning naming how many, judged by:

* where the premises lie, against the first of: the municipality's own outline (its
  zones of kind municipality), the outline shipped with Integra (``gis/data``,
  Flanders, Brussels and the Netherlands, see its README), or, without either, the
  area of the premises the municipality already has;
* and, when the layer has a municipality field (a NIS or CBS code, or a name), by
  what that field says.
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from django.db.models import Count, Max, Min
from django.utils.translation import gettext as _

from gis.layers import Prepared
from gis.models import Premises, Zone
from gis.search import fold
from partners.models import Municipality

SHIPPED = Path(__file__).parent / "data" / "municipalities_4326.geojson"
# How far outside its municipality's outline a premises may lie unremarked (degrees,
# some 500 m): address points on the border, a parcel's point across the street.
BOUNDARY_TOLERANCE = 0.005
# The premises a city already has outline it only roughly: a wider margin, and only
# from enough of them to say anything.
EXTENT_TOLERANCE = 0.02
EXTENT_MINIMUM = 20
# How many of the other municipalities a warning names.
SHOWN_VALUES = 5


@functools.cache
def shipped_outlines() -> dict[str, Any]:
    """The shipped outlines by NIS or CBS code."""
    collection = json.loads(SHIPPED.read_text(encoding="utf-8"))
    return {
        feature["properties"]["code"]: shapely.geometry.shape(feature["geometry"])
        for feature in collection["features"]
    }


def outline(municipality: Municipality) -> tuple[Any, str] | None:
    """The area premises of ``municipality`` lie in, and how to name it in a warning."""
    own = [
        shapely.geometry.shape(geometry)
        for geometry in Zone.objects.filter(
            municipality=municipality, kind=Zone.Kind.MUNICIPALITY
        ).values_list("geometry", flat=True)
    ]
    boundary = _("the boundary of %(municipality)s") % {"municipality": municipality.name}
    if own:
        return shapely.union_all(own).buffer(BOUNDARY_TOLERANCE), boundary
    shipped = shipped_outlines().get(municipality.code)
    if shipped is not None:
        return shipped.buffer(BOUNDARY_TOLERANCE), boundary
    return registered_extent(municipality)


def registered_extent(municipality: Municipality) -> tuple[Any, str] | None:
    extent = Premises.objects.filter(municipality=municipality).aggregate(
        count=Count("pk"), west=Min("lon"), east=Max("lon"), south=Min("lat"), north=Max("lat")
    )
    if extent["count"] < EXTENT_MINIMUM:
        return None
    box = shapely.box(extent["west"], extent["south"], extent["east"], extent["north"])
    return box.buffer(EXTENT_TOLERANCE), _(
        "the area of the %(count)d premises %(municipality)s already has"
    ) % {"count": extent["count"], "municipality": municipality.name}


def outside_municipality(municipality: Municipality, prepared: Prepared) -> str:
    """The warning for premises of ``prepared`` that seem to belong elsewhere; empty when
    none do or nothing can tell."""
    if not prepared.ids:
        return ""
    return " ".join(
        warning
        for warning in (
            outside_outline(municipality, prepared),
            outside_by_field(municipality, prepared),
        )
        if warning
    )


def outside_outline(municipality: Municipality, prepared: Prepared) -> str:
    area = outline(municipality)
    if area is None:
        return ""
    shape, described = area
    lon = np.asarray(prepared.columns[prepared.fields.index("lon")], dtype=float)
    lat = np.asarray(prepared.columns[prepared.fields.index("lat")], dtype=float)
    outside = np.flatnonzero(~shapely.contains_xy(shape, lon, lat))
    if not len(outside):
        return ""
    return _(
        "%(count)d of %(total)d premises lie outside %(area)s, the first %(id)s: is this "
        "the layer of %(municipality)s, and is its CRS right?"
    ) % {
        "count": len(outside),
        "total": len(prepared.ids),
        "area": described,
        "municipality": municipality.name,
        "id": prepared.ids[outside[0]],
    }


def own_values(municipality: Municipality) -> set[str]:
    """How a municipality field may name ``municipality``: its code (a CBS code also
    without ``GM``) or its name, in any case and without accents."""
    values = {fold(municipality.code), fold(municipality.name)}
    if municipality.code.upper().startswith("GM"):
        values.add(municipality.code[2:])
    return values


def outside_by_field(municipality: Municipality, prepared: Prepared) -> str:
    if not prepared.municipality_field:
        return ""
    own = own_values(municipality)
    others = Counter(value for value in prepared.municipalities if value and fold(value) not in own)
    if not others:
        return ""
    ours = next(
        (value for value in prepared.municipalities if value and fold(value) in own),
        municipality.code,
    )
    return _(
        "%(count)d of %(total)d premises belong to another municipality by their field "
        "%(field)s (%(values)s): keep %(municipality)s's with the filter %(filter)s."
    ) % {
        "count": sum(others.values()),
        "total": len(prepared.ids),
        "field": prepared.municipality_field,
        "values": ", ".join(
            [f"{value}: {count}" for value, count in sorted(others.items())[:SHOWN_VALUES]]
            + (["…"] if len(others) > SHOWN_VALUES else [])
        ),
        "municipality": municipality.name,
        "filter": f"{prepared.municipality_field} = '{ours}'",
    }
