// The background of every Leaflet map: the configured tiles (none by default) and the
// city's reference layers (address points, streets, parcels, neighbourhoods…) drawn
// faintly in their own pane under zones, routes and premises, never clickable.
// The configuration comes from the page's #map-background JSON island, or is handed in
// (the field app keeps it in its offline data). Layers come inline, or are fetched for
// the part of the map in view, again only when the map leaves what was fetched.
window.IntegraBackground = (function () {
  "use strict";

  function readConfig() {
    const element = document.getElementById("map-background");
    return element ? JSON.parse(element.textContent) : null;
  }

  function addTiles(map, tiles) {
    if (!tiles || !tiles.url) return;
    const options = { attribution: tiles.attribution || "", maxZoom: tiles.maxZoom || 19 };
    if (tiles.wmsLayer) {
      L.tileLayer.wms(tiles.url, { ...options, layers: tiles.wmsLayer, format: "image/png" }).addTo(map);
    } else {
      L.tileLayer(tiles.url, options).addTo(map);
    }
  }

  function attach(map, given) {
    const config = given || readConfig();
    if (!config || !window.L) return;
    if (config.zoom && map.zoomControl) {
      map.removeControl(map.zoomControl);
      map.zoomControl = L.control.zoom(config.zoom).addTo(map);
    }
    addTiles(map, config.tiles);
    // Above the tiles (200), below zones and routes (400) and the markers (600).
    const pane = map.createPane("reference");
    pane.style.zIndex = "250";
    pane.style.pointerEvents = "none";
    const renderer = L.canvas({ pane: "reference", padding: 0.5 });
    const group = L.layerGroup().addTo(map);
    const container = map.getContainer();

    // A point is a small dot of the layer's colour; an outline stays unfilled unless its
    // kind has a fill (buildings).
    function pathStyle(style, type) {
      if (type === "MultiPoint") {
        return {
          renderer, interactive: false, stroke: false, fill: true, radius: style.radius || 1.5,
          fillColor: style.color, fillOpacity: style.opacity,
        };
      }
      return { ...style, fill: Boolean(style.fillColor), renderer, interactive: false };
    }

    function draw(collection) {
      group.clearLayers();
      let count = 0;
      L.geoJSON(collection, {
        pane: "reference",
        interactive: false,
        style: (feature) => pathStyle(feature.properties.style, feature.geometry.type),
        pointToLayer(feature, latlng) {
          count += 1;
          return L.circleMarker(latlng, { ...pathStyle(feature.properties.style, "MultiPoint"), pane: "reference" });
        },
        onEachFeature(feature) {
          if (feature.geometry.type !== "MultiPoint") count += feature.geometry.coordinates.length;
        },
      }).addTo(group);
      container.dataset.referenceFeatures = String(count);
      container.dataset.referenceLayers = String(
        new Set(collection.features.map((feature) => feature.properties.name)).size,
      );
    }

    if (config.layers) {
      draw(config.layers);
      return;
    }
    if (!config.layersUrl) return;
    let asked = null;
    function refresh() {
      const view = map.getBounds();
      if (asked && asked.contains(view)) return;
      const box = view.pad(0.5);
      asked = box;
      const bbox = [box.getWest(), box.getSouth(), box.getEast(), box.getNorth()]
        .map((value) => value.toFixed(5)).join(",");
      const separator = config.layersUrl.includes("?") ? "&" : "?";
      fetch(config.layersUrl + separator + "bbox=" + bbox, { credentials: "same-origin" })
        .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
        .then((collection) => { if (asked === box) draw(collection); })
        // A view the server refuses (zoomed out too far) keeps what is drawn.
        .catch(() => { if (asked === box) asked = null; });
    }
    map.on("moveend", refresh);
    map.whenReady(refresh);
  }

  return { attach };
})();
