// The map of premises (templates/gis/map.html). Reads its data from JSON islands:
// #map-config (popup URL), #map-background (see background.js), #map-zones (GeoJSON
// outlines) and #map-data (one
// compact row per premises: [code hex, lat, lon, band index, name]). The filter form swaps
// #map-results through htmx; the new #map-data redraws the markers.
(function () {
  "use strict";

  const BANDS = ["low", "medium", "high"];
  const GLYPHS = ["", "?", "!"];

  function readJson(id) {
    const element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function dashed(hex) {
    return hex.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5");
  }

  function init() {
    const container = document.getElementById("map");
    if (!container || !window.L) {
      return;
    }
    const config = readJson("map-config");
    const map = L.map(container, { zoomControl: true, preferCanvas: true, maxZoom: 19 });
    // Tiles and the city's reference layers, under the zones and markers.
    if (window.IntegraBackground) IntegraBackground.attach(map);
    const zones = L.geoJSON(readJson("map-zones"), {
      style: { color: "#12263f", weight: 2, dashArray: "6 4", fillColor: "#0b5cad", fillOpacity: 0.06 },
      onEachFeature: (feature, layer) => layer.bindTooltip(feature.properties.name, { sticky: true }),
    }).addTo(map);

    // What a screen reader says for a marker or a cluster (translated in the template).
    const bandLabels = BANDS.map((band) => container.dataset["band" + band[0].toUpperCase() + band.slice(1)]);
    function name(element, label) {
      if (element) element.setAttribute("aria-label", label);
    }
    function escapeHtml(text) {
      const holder = document.createElement("span");
      holder.textContent = text;
      return holder.innerHTML;
    }

    // One icon per band, shared by every marker: the glyph repeats the colour's meaning.
    const icons = BANDS.map((band, index) =>
      L.divIcon({
        className: "risk-marker risk-" + band,
        html: GLYPHS[index],
        iconSize: [22, 22],
        iconAnchor: [11, 11],
        popupAnchor: [0, -10],
      }),
    );

    // A cluster takes the colour of the highest band inside it.
    const clusters = L.markerClusterGroup({
      chunkedLoading: true,
      showCoverageOnHover: false,
      maxClusterRadius: 50,
      iconCreateFunction(cluster) {
        let worst = 0;
        for (const marker of cluster.getAllChildMarkers()) {
          worst = Math.max(worst, marker.options.band);
          if (worst === 2) break;
        }
        const count = cluster.getChildCount();
        const label = (container.dataset.clusterLabel || "%(count)s")
          .replace("%(count)s", count)
          .replace("%(band)s", bandLabels[worst]);
        // The icon is re-made when the cluster changes, so its name lives inside it.
        return L.divIcon({
          className: "risk-cluster risk-" + BANDS[worst],
          html: '<span aria-hidden="true">' + count + '</span><span class="visually-hidden">' +
            escapeHtml(label) + "</span>",
          iconSize: [40, 40],
        });
      },
    });
    map.addLayer(clusters);

    function openPopup(marker) {
      const url = config.popupUrl.replace(config.placeholder, dashed(marker.options.code));
      marker
        .bindPopup("…", { maxWidth: 380, minWidth: 300, maxHeight: 320, autoPanPadding: [16, 16] })
        .openPopup();
      fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
        .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
        .then((html) => marker.setPopupContent(html))
        .catch(() => marker.setPopupContent(container.dataset.popupError || "Error"));
    }

    let positioned = false;
    function draw() {
      const rows = readJson("map-data");
      if (rows === null) {
        return; // The filters were not valid: the markers stay as they were.
      }
      clusters.clearLayers();
      const markers = rows.map((row) => {
        const marker = L.marker([row[1], row[2]], {
          icon: icons[row[3]],
          band: row[3],
          code: row[0],
          title: row[4],
        });
        // A marker is a button: its name is the premises and its risk, not the glyph.
        marker.on("add", () => name(marker.getElement(), row[4] + ", " + bandLabels[row[3]]));
        return marker;
      });
      // The view moves first, at once, and only then do the markers arrive: markers added
      // before an animated zoom are split out of their clusters after it, and a popup
      // opened on one meanwhile closed again as its marker was replaced.
      if (markers.length) {
        const bounds = L.latLngBounds(markers.map((marker) => marker.getLatLng()));
        map.fitBounds(bounds, { padding: [24, 24], maxZoom: 17, animate: false });
      } else if (zones.getLayers().length) {
        map.fitBounds(zones.getBounds(), { animate: false });
      } else if (!positioned) {
        map.setView(config.center, 13);
      }
      positioned = true;
      clusters.addLayers(markers);
      container.dataset.markers = String(markers.length);
    }

    clusters.on("click", (event) => openPopup(event.layer));
    document.body.addEventListener("htmx:afterSwap", (event) => {
      if (event.detail.target && event.detail.target.id === "map-results") {
        draw();
      }
    });
    draw();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
