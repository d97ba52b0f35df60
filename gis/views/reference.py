"""The background of every map: the configured tiles (config/map_tiles.py) and the
city's own reference layers, fetched as GeoJSON for the part of the map in view."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from config.map_tiles import wms_layer
from gis.forms.reference import ViewBoxForm
from gis.models import ReferenceLayer
from gis.reference import Box, feature_collection, visible_reference_layers
from partners.models import Municipality


def tile_config() -> dict[str, Any] | None:
    """The tiles as Leaflet takes them, for the page's language; None without tiles."""
    if not settings.MAP_TILE_URL:
        return None
    return {
        "url": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "maxZoom": settings.MAP_TILES.get("max_zoom", 19),
        "wmsLayer": wms_layer(settings.MAP_TILES, get_language() or "nl"),
    }


def map_background(
    user: Any, *, municipality: Municipality | None = None, inline: Box | None = None
) -> dict[str, Any]:
    """What a map page hands to static/integra/background.js: the tiles, and where to
    fetch the reference layers (of ``municipality``, else of all the user's), or, for a
    page that must work offline, the layers inside ``inline`` themselves."""
    query = {"municipality": municipality.code} if municipality is not None else {}
    config: dict[str, Any] = {
        "tiles": tile_config(),
        # Leaflet names its zoom buttons in English; a screen reader reads these instead.
        "zoom": {"zoomInTitle": _("Zoom in"), "zoomOutTitle": _("Zoom out")},
        "layersUrl": reverse("gis-reference-layers") + "?" + urlencode(query),
    }
    if inline is not None:
        layers = visible_reference_layers(user)
        if municipality is not None:
            layers = layers.filter(municipality=municipality)
        config["layers"] = feature_collection(layers, inline)
    return config


@login_required
def reference_layers(request: HttpRequest) -> HttpResponse:
    """The user's reference layers inside ``bbox`` as GeoJSON: one feature per layer and
    geometry type, each with its name, kind and drawing style."""
    form = ViewBoxForm(request.GET, user=request.user)
    if not form.is_valid():
        message = _("No reference layers: %s") % form.errors.as_text()
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    layers = ReferenceLayer.objects.filter(
        pk__in=visible_reference_layers(request.user).filter(
            municipality__in=form.cleaned_data["municipality"]
        )
    )
    collection = feature_collection(layers, form.cleaned_data["bbox"])
    body = json.dumps(collection, separators=(",", ":"))
    return HttpResponse(body, content_type="application/geo+json")
