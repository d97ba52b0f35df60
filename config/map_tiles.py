"""The public background maps Belgian and Dutch cities use, as presets of the
``INTEGRA_MAP_TILES`` setting (see the README), and the one image origin each needs in
the Content-Security-Policy.

Plain data, read by the settings module before Django is set up. Every preset is in
Web Mercator (EPSG:3857), the projection of the Leaflet maps:

* ``osm``: OpenStreetMap's standard tiles (fair-use policy: light use only);
* ``be-ngi-cartoweb``: the National Geographic Institute's CartoWeb topographic map,
  whole Belgium;
* ``be-brussels-urbis``: the Brussels region's UrbIS base map (WMS), with the street
  names in French or Dutch after the page's language;
* ``be-flanders-grb``: Digitaal Vlaanderen's GRB base map (WMTS, tile matrix set
  GoogleMapsVL), Flanders only;
* ``nl-pdok-brt``: Kadaster's BRT achtergrondkaart from PDOK, the Netherlands;
* ``custom``: ``MAP_TILE_URL`` and ``MAP_TILE_ATTRIBUTION`` as given;
* ``none`` (the default): no tiles; the city's own reference layers draw the background,
  which is what a closed network needs.
"""

from __future__ import annotations

from typing import TypedDict
from urllib.parse import urlsplit


class TilePreset(TypedDict, total=False):
    url: str
    attribution: str
    max_zoom: int
    # WMS only: the layer by page language ("" for every language).
    wms_layers: dict[str, str]


PRESETS: dict[str, TilePreset] = {
    "osm": {
        "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "attribution": '&copy; <a href="https://www.openstreetmap.org/copyright">'
        "OpenStreetMap</a> contributors",
        "max_zoom": 19,
    },
    "be-ngi-cartoweb": {
        "url": "https://cartoweb.wmts.ngi.be/1.0.0/topo/default/3857/{z}/{y}/{x}.png",
        "attribution": '&copy; <a href="https://www.ngi.be/">NGI/IGN</a> CartoWeb.be',
        "max_zoom": 17,
    },
    "be-brussels-urbis": {
        "url": "https://geoservices-urbis.irisnet.be/geoserver/ows",
        "attribution": "Brussels UrbIS&reg;&copy; &ndash; Distribution &amp; Copyright Paradigm",
        "max_zoom": 20,
        "wms_layers": {"fr": "urbisFR", "nl": "urbisNL", "": "urbisFR"},
    },
    "be-flanders-grb": {
        "url": "https://geo.api.vlaanderen.be/GRB/wmts?SERVICE=WMTS&REQUEST=GetTile"
        "&VERSION=1.0.0&LAYER=grb_bsk&STYLE=&FORMAT=image/png&TILEMATRIXSET=GoogleMapsVL"
        "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}",
        "attribution": 'GRB Basiskaart &copy; <a href="https://www.vlaanderen.be/digitaal-'
        'vlaanderen">Digitaal Vlaanderen</a>',
        "max_zoom": 20,
    },
    "nl-pdok-brt": {
        "url": "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857"
        "/{z}/{x}/{y}.png",
        "attribution": 'Kaartgegevens &copy; <a href="https://www.kadaster.nl/">Kadaster</a>',
        "max_zoom": 19,
    },
}
CHOICES = ("none", *PRESETS, "custom")


def resolve(preset: str, *, custom_url: str = "", custom_attribution: str = "") -> TilePreset:
    """The tiles of ``preset``; unknown names are refused, so that a typo never leaves a
    city silently without its background. Without a preset, a ``custom_url`` given alone
    (the older setting) still counts as ``custom``."""
    preset = (preset or ("custom" if custom_url else "none")).strip().lower()
    if preset not in CHOICES:
        raise ValueError(f"INTEGRA_MAP_TILES={preset!r} is not one of: {', '.join(CHOICES)}.")
    if preset == "none":
        return {}
    if preset == "custom":
        if not custom_url.startswith("https://"):
            raise ValueError("INTEGRA_MAP_TILES=custom needs MAP_TILE_URL, an https:// URL.")
        return {"url": custom_url, "attribution": custom_attribution, "max_zoom": 20}
    return PRESETS[preset]


def origin(url: str) -> str:
    """The scheme and host the browser fetches ``url`` from, as a CSP source."""
    if not url:
        return ""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def wms_layer(tiles: TilePreset, language: str) -> str:
    layers = tiles.get("wms_layers") or {}
    return layers.get(language[:2], layers.get("", ""))
