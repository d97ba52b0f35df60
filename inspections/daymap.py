"""The plan of an action day as one HTML file that opens without a network: a folium
(Leaflet) map whose Leaflet and markercluster scripts and styles are the vendored ones
(static/vendor/), inlined, with one marker per visit (premises, team, slot, order) in the
reader's language.

folium links its assets from CDNs (jsDelivr, cdnjs, code.jquery.com); on a closed
municipal network or in the field those never load. The map and its cluster layer are
given no links at all and the header carries the vendored files' text instead. No
background tiles either: whichever source the city uses needs a network; the visits and
the briefing point are drawn on their own. Markers are vector circles, so no marker
image is fetched.
"""

from __future__ import annotations

from typing import Any

import folium
from branca.element import Figure, MacroElement
from django.contrib.staticfiles import finders
from django.utils import formats, translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from folium.plugins import MarkerCluster
from jinja2 import Template

from inspections.models import ActionDay, Visit

SCRIPTS = ("vendor/leaflet/leaflet.js", "vendor/leaflet.markercluster/leaflet.markercluster.js")
STYLES = (
    "vendor/leaflet/leaflet.css",
    "vendor/leaflet.markercluster/MarkerCluster.css",
    "vendor/leaflet.markercluster/MarkerCluster.Default.css",
)
# One colour per team, in the order of the team names; readable on white.
TEAM_COLOURS = ("#1f5fa8", "#b3361e", "#2e7d32", "#7b3fa0", "#a86b00", "#00707a", "#5d4037")
NO_TEAM_COLOUR = "#666666"


def vendored(path: str) -> str:
    found = finders.find(path)
    if not found:
        raise FileNotFoundError(path)
    with open(found if isinstance(found, str) else found[0], encoding="utf-8") as handle:
        text = handle.read()
    # Inlined in a <script> or <style> element, the text must not close it early.
    return text.replace("</script", "<\\/script").replace("</style", "<\\/style")


def inline_assets() -> str:
    styles = "".join(f"<style>{vendored(path)}</style>" for path in STYLES)
    scripts = "".join(f"<script>{vendored(path)}</script>" for path in SCRIPTS)
    return styles + scripts


def day_map_html(action_day: ActionDay) -> str:
    """The whole HTML document."""
    visits = list(
        action_day.visits.select_related("premises__sector", "team").order_by(
            "team__name", "route_order", "slot_start", "premises__name"
        )
    )
    points = [(visit.premises.lat, visit.premises.lon) for visit in visits]
    if action_day.briefing_lat is not None and action_day.briefing_lon is not None:
        points.append((action_day.briefing_lat, action_day.briefing_lon))
    fmap = folium.Map(
        tiles=None,
        location=centre(points),
        zoom_start=14,
        control_scale=True,
        attribution_control=False,
    )
    # A tile layer would give the map its zoom range; markercluster needs one without.
    fmap.options["maxZoom"] = 19
    fmap.default_js = []
    fmap.default_css = []
    root = fmap.get_root()
    assert isinstance(root, Figure)
    root.header.add_child(folium.Element(inline_assets()), name="vendored_assets")
    root.header.add_child(folium.Element(f"<title>{escape(title(action_day))}</title>"))
    root.html.add_child(folium.Element(heading(action_day, visits)))
    cluster = MarkerCluster(name=_("Visits"), options={"maxClusterRadius": 30})
    cluster.default_js = []
    cluster.default_css = []
    cluster.add_to(fmap)
    colours = team_colours(visits)
    for visit in visits:
        visit_marker(visit, colours.get(visit.team_id, NO_TEAM_COLOUR)).add_to(cluster)
    if action_day.briefing_lat is not None and action_day.briefing_lon is not None:
        briefing_marker(action_day, action_day.briefing_lat, action_day.briefing_lon).add_to(fmap)
    if len(points) > 1:
        fmap.fit_bounds(bounds(points), padding=(30, 30))
    language = translation.get_language() or "nl"
    return root.render().replace("<html>", f'<html lang="{escape(language)}">', 1)


def title(action_day: ActionDay) -> str:
    return f"{action_day.title} – {formats.date_format(action_day.date)}"


def centre(points: list[tuple[float, float]]) -> list[float]:
    if not points:
        return [50.85, 4.35]
    return [sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)]


def bounds(points: list[tuple[float, float]]) -> list[list[float]]:
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def team_colours(visits: list[Visit]) -> dict[int | None, str]:
    teams = sorted({(visit.team.name, visit.team_id) for visit in visits if visit.team})
    return {
        team_id: TEAM_COLOURS[index % len(TEAM_COLOURS)] for index, (_, team_id) in enumerate(teams)
    }


def slot(visit: Visit) -> str:
    if visit.slot_start is None:
        return _("no slot yet")
    end = formats.time_format(visit.slot_end, "H:i") if visit.slot_end else ""
    return f"{formats.time_format(visit.slot_start, 'H:i')}–{end}"


def visit_label(visit: Visit) -> str:
    premises = visit.premises
    team = visit.team.name if visit.team else _("no team yet")
    order = f"{visit.route_order}. " if visit.route_order else ""
    return f"{order}{premises.name or premises.address} · {team} · {slot(visit)}"


class Label(MacroElement):
    """A tooltip and, when given, a popup for its parent marker. Texts are passed as
    JSON strings: folium's own popup needs jQuery, and its tooltip puts the text into a
    JavaScript template literal, where a premises name with a backtick would run."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.bindTooltip({{ this.tooltip|tojson }}, {sticky: true});
            {% if this.popup %}
            {{ this._parent.get_name() }}.bindPopup({{ this.popup|tojson }}, {maxWidth: 320});
            {% endif %}
        {% endmacro %}
        """
    )

    def __init__(self, tooltip: str, popup: str = "") -> None:
        super().__init__()
        self._name = "Label"
        self.tooltip = tooltip
        self.popup = popup


def visit_marker(visit: Visit, colour: str) -> folium.CircleMarker:
    premises = visit.premises
    rows = [
        (_("Premises"), premises.name),
        (_("Address"), premises.address),
        (_("Sector"), premises.sector.title if premises.sector else ""),
        (_("Team"), visit.team.name if visit.team else _("no team yet")),
        (_("Slot"), slot(visit)),
        (_("Order in the route"), str(visit.route_order or "")),
    ]
    table = "".join(
        f"<tr><th scope='row'>{escape(name)}</th><td>{escape(value)}</td></tr>"
        for name, value in rows
        if value
    )
    marker = folium.CircleMarker(
        location=[premises.lat, premises.lon],
        radius=9,
        color=colour,
        weight=2,
        fill=True,
        fill_color=colour,
        fill_opacity=0.8,
    )
    marker.add_child(Label(str(escape(visit_label(visit))), f"<table>{table}</table>"))
    return marker


def briefing_marker(action_day: ActionDay, lat: float, lon: float) -> folium.CircleMarker:
    label = _("Briefing: %(place)s") % {"place": action_day.briefing_place or "—"}
    marker = folium.CircleMarker(
        location=[lat, lon],
        radius=7,
        color="#000000",
        weight=3,
        fill=True,
        fill_color="#ffffff",
        fill_opacity=1,
    )
    marker.add_child(Label(str(escape(label))))
    return marker


def heading(action_day: ActionDay, visits: list[Visit]) -> str:
    """A title and legend above the map, also in the printed page."""
    colours = team_colours(visits)
    teams = sorted({(visit.team.name, visit.team_id) for visit in visits if visit.team})
    legend = "".join(
        f"<li><span style='color:{colours[team_id]}'>&#9679;</span> {escape(name)}</li>"
        for name, team_id in teams
    )
    count = _("%(count)d visit(s)") % {"count": len(visits)}
    text: dict[str, Any] = {
        "title": escape(title(action_day)),
        "count": escape(count),
        "municipality": escape(action_day.municipality.name),
    }
    return (
        "<div style='position:absolute;z-index:1000;top:10px;right:10px;background:#fff;"
        "padding:8px 12px;border:1px solid #999;font:14px sans-serif;max-width:40%'>"
        f"<h1 style='font-size:16px;margin:0 0 4px'>{text['title']}</h1>"
        f"<p style='margin:0 0 4px'>{text['municipality']} · {text['count']}</p>"
        f"<ul style='list-style:none;margin:0;padding:0'>{legend}</ul></div>"
    )
