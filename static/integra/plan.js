// The planning screen's map: candidate premises coloured by risk, planned ones ringed;
// a click picks a premises, "Draw an area" collects corners and adds what lies inside.
// Data comes from JSON islands (#plan-candidates, #plan-zones, #map-background); no
// inline scripts.
(function () {
  "use strict";
  const COLOURS = { high: "#b3261e", medium: "#c77700", low: "#2f7d46" };
  let map, markerLayer, areaLayer, drawing = false, corners = [];

  function readJson(id) {
    const element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : [];
  }

  function pick(code, marker) {
    const box = document.getElementById("cand-" + code);
    const picks = document.getElementById("map-picks");
    let hidden = picks.querySelector('input[value="' + code + '"]');
    const chosen = box ? !box.checked : !hidden;
    if (box) box.checked = chosen;
    else if (chosen) {
      hidden = document.createElement("input");
      hidden.type = "hidden"; hidden.name = "premises"; hidden.value = code;
      picks.appendChild(hidden);
    } else hidden.remove();
    marker.setStyle({ weight: chosen ? 4 : 1, color: chosen ? "#0b5cad" : "#ffffff" });
  }

  // The candidate list beside the map is the keyboard's way to pick premises: markers
  // and zone outlines (focusable in Chromium because their tooltips listen for focus)
  // stay out of the Tab order, which goes from the filters to the list and the panel.
  function unfocusable(layer) {
    const element = layer.getElement && layer.getElement();
    if (element) element.setAttribute("tabindex", "-1");
  }

  function drawCandidates() {
    if (!map) return;
    markerLayer.clearLayers();
    document.getElementById("map-picks").innerHTML = "";
    const bounds = [];
    for (const [code, lon, lat, band, planned, label] of readJson("plan-candidates")) {
      const marker = L.circleMarker([lat, lon], {
        radius: planned ? 8 : 6, fillColor: COLOURS[band] || COLOURS.low, fillOpacity: 0.85,
        color: planned ? "#12263f" : "#ffffff", weight: planned ? 3 : 1,
      }).bindTooltip(label + (planned ? " ✓" : ""));
      if (!planned) marker.on("click", () => { if (!drawing) pick(code, marker); });
      marker.addTo(markerLayer);
      unfocusable(marker);
      bounds.push([lat, lon]);
    }
    // The grid may have resized the map since it was created.
    map.invalidateSize();
    if (bounds.length) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 17, animate: false });
  }

  function setDrawing(on) {
    drawing = on;
    const button = document.getElementById("draw-area");
    button.setAttribute("aria-pressed", on ? "true" : "false");
    document.getElementById("plan-map").classList.toggle("drawing", on);
  }

  function redrawArea() {
    areaLayer.clearLayers();
    if (corners.length) L.polygon(corners, { color: "#0b5cad", dashArray: "6 4" }).addTo(areaLayer);
    document.getElementById("finish-area").disabled = corners.length < 3;
    document.getElementById("clear-area").disabled = corners.length === 0;
  }

  function init() {
    const element = document.getElementById("plan-map");
    if (!element || typeof L === "undefined") return;
    map = L.map(element, { zoomControl: true, doubleClickZoom: false });
    map.setView([50.73, 4.23], 14);
    // Tiles and the city's reference layers, under the zones and candidates.
    if (window.IntegraBackground) IntegraBackground.attach(map);
    for (const zone of readJson("plan-zones")) {
      L.geoJSON(zone.geometry, { style: { color: "#5a6473", weight: 1, fill: false } })
        .bindTooltip(zone.name).addTo(map).eachLayer(unfocusable);
    }
    markerLayer = L.layerGroup().addTo(map);
    areaLayer = L.layerGroup().addTo(map);
    drawCandidates();
    map.on("click", (event) => {
      if (!drawing) return;
      corners.push([event.latlng.lat, event.latlng.lng]);
      redrawArea();
    });
    document.getElementById("draw-area").addEventListener("click", () => setDrawing(!drawing));
    document.getElementById("clear-area").addEventListener("click", () => { corners = []; redrawArea(); });
    document.getElementById("finish-area").addEventListener("click", () => {
      const form = document.getElementById("add-visits-form");
      document.getElementById("area-polygon").value =
        JSON.stringify(corners.map(([lat, lon]) => [lon, lat]));
      setDrawing(false);
      htmx.trigger(form, "submit");
    });
  }

  document.addEventListener("DOMContentLoaded", init);
  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.target.id === "candidates") drawCandidates();
  });
  // A change answers with the parts it touched, so the other forms on the page still
  // hold the version they were drawn with: every request sends the plan's current one,
  // which each answer updates (#plan-version).
  document.body.addEventListener("htmx:configRequest", (event) => {
    const current = document.getElementById("plan-version");
    if (current && event.detail.parameters.version !== undefined) {
      event.detail.parameters.version = current.value;
    }
  });
  document.body.addEventListener("plan-changed", () => {
    // Refresh the candidates so newly planned premises show as planned; the area is used.
    corners = []; if (areaLayer) redrawArea();
    document.getElementById("area-polygon").value = "";
    htmx.trigger(document.getElementById("plan-filters"), "submit");
  });
})();
