/* The map page (templates/map.html): an offline base map from Natural Earth's country
   boundaries (world-atlas TopoJSON), the sites as circles and the transfer routes as
   lines, from /map/data.json. Every text from the data goes into the page as text
   (textContent), never as markup: Leaflet takes a string tooltip as HTML, so each
   tooltip and popup is given a DOM node. */
(function () {
  "use strict";
  var STATUS_COLOURS = ["#1a7f37", "#c2410c", "#2563eb", "#7c3aed", "#6b7280", "#a3a3a3"];
  var box = document.getElementById("map");
  if (!box || !window.L || !window.topojson) { return; }
  var form = document.getElementById("map-filter");
  var map = L.map(box, { worldCopyJump: true, minZoom: 2, maxZoom: 12, zoomSnap: 0.5 });
  map.setView([30, 20], 2);
  map.createPane("base");  // under the sites and routes, whichever is drawn first (app.css)
  var sitesLayer = L.layerGroup().addTo(map);
  var routesLayer = L.layerGroup().addTo(map);
  var first = true;

  function text(tag, value, cls) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (cls) { el.className = cls; }
    return el;
  }
  function colour(data, status) {
    var i = data.statuses.indexOf(status);
    return i >= 0 ? STATUS_COLOURS[i] : "#444";
  }
  function label(code) { return code.replace(/^act:/, "").replace(/_/g, " "); }

  function sitePopup(site) {
    var node = document.createElement("div");
    node.appendChild(text("strong", site.name));
    node.appendChild(text("div", site.status + " · " + site.independent_sources + " independent source(s) · "
      + site.claims + " claim(s)"));
    node.appendChild(text("div", (site.first_reported || "?") + " – " + (site.last_reported || "?")
      + " · precision " + site.precision));
    node.appendChild(text("div", site.allegations.map(label).join(", ")));
    if (box.dataset.dossier) {
      var a = text("a", "Dossier");
      var q = new URLSearchParams({ site: site.id });
      if (box.dataset.unreviewed) { q.set("unreviewed", "1"); }
      a.href = "/dossier?" + q.toString();
      node.appendChild(a);
    }
    return node;
  }

  function draw(data) {
    sitesLayer.clearLayers();
    routesLayer.clearLayers();
    var bounds = [];
    data.transfers.forEach(function (r) {
      // three points, so that the arrow (an SVG marker on the middle one, app.css) sits
      // two thirds of the way, pointing where they were taken
      var line = L.polyline([[r.from_lat, r.from_lon], [(r.from_lat + r.to_lat * 2) / 3, (r.from_lon + r.to_lon * 2) / 3],
        [r.to_lat, r.to_lon]], {
        color: r.cross_border ? "#b91c1c" : "#374151", weight: Math.min(2 + r.count, 8), opacity: 0.75,
        smoothFactor: 0,  // keep the middle point: it carries the arrow
        dashArray: r.cross_border ? "8 6" : null,
        className: "transfer" + (r.cross_border ? " cross-border" : "")
      });
      line.bindTooltip(text("span", r.from_name + " → " + r.to_name + ": " + r.count
        + (r.cross_border ? " (across a border)" : "")), { sticky: true });
      routesLayer.addLayer(line);
      // the count, a third of the way
      var count = L.circleMarker([(r.from_lat * 2 + r.to_lat) / 3, (r.from_lon * 2 + r.to_lon) / 3], {
        radius: 3, color: r.cross_border ? "#b91c1c" : "#374151", fillOpacity: 1, className: "transfer-head" });
      count.bindTooltip(text("span", String(r.count)), { permanent: true, direction: "center",
        className: "transfer-count" });
      routesLayer.addLayer(count);
    });
    data.sites.forEach(function (s) {
      var c = colour(data, s.status);
      var area = L.circle([s.lat, s.lon], { radius: s.radius_m, color: c, weight: 1, fillColor: c,
        fillOpacity: 0.15, className: "site-area", interactive: false });
      var dot = L.circleMarker([s.lat, s.lon], { radius: 5 + 2 * Math.min(s.independent_sources, 5),
        color: "#fff", weight: 1.5, fillColor: c, fillOpacity: 0.9, className: "site-marker" });
      dot.bindTooltip(text("span", s.name + " — " + s.status));
      dot.bindPopup(sitePopup(s));
      sitesLayer.addLayer(area);
      sitesLayer.addLayer(dot);
      bounds.push([s.lat, s.lon]);
    });
    box.dataset.sites = String(data.sites.length);
    box.dataset.routes = String(data.transfers.length);
    if (first && bounds.length) {
      map.fitBounds(bounds, { padding: [40, 40], maxZoom: 7, animate: false });
    }
    first = false;
    if (form) {
      fill("method", data.allegations.map(function (a) { return [a, label(a)]; }));
      fill("perpetrator", data.perpetrators.map(function (p) { return [p, label(p)]; }));
      fill("conflict", data.conflicts.map(function (c) { return [c.id, c.label]; }));
    }
    arrows();
    box.dataset.ready = "1";
  }

  // A filter's choices, filled once from the first data (and its value from the address)
  function fill(name, choices) {
    var select = form.elements.namedItem(name);
    if (!select || select.options.length > 1) { return; }
    choices.forEach(function (c) { select.appendChild(new Option(c[1], c[0])); });
    var wanted = new URLSearchParams(window.location.search).get(name);
    if (wanted) { select.value = wanted; }
  }

  // The arrowheads: SVG markers in the routes' own SVG (built as DOM, no markup), one
  // per colour of route
  function arrows() {
    var svg = box.querySelector(".leaflet-overlay-pane svg");
    if (!svg || svg.querySelector("#transfer-arrow")) { return; }
    var ns = "http://www.w3.org/2000/svg";
    var defs = document.createElementNS(ns, "defs");
    [["transfer-arrow", "#374151"], ["transfer-arrow-cross", "#b91c1c"]].forEach(function (kind) {
      var marker = document.createElementNS(ns, "marker");
      [["id", kind[0]], ["viewBox", "0 0 10 10"], ["refX", "5"], ["refY", "5"], ["markerWidth", "4"],
        ["markerHeight", "4"], ["orient", "auto"]].forEach(function (a) { marker.setAttribute(a[0], a[1]); });
      var head = document.createElementNS(ns, "path");
      head.setAttribute("d", "M 0 0 L 10 5 L 0 10 z");
      head.setAttribute("fill", kind[1]);
      marker.appendChild(head);
      defs.appendChild(marker);
    });
    svg.insertBefore(defs, svg.firstChild);
  }

  function load() {
    var q = new URLSearchParams();
    if (box.dataset.unreviewed) { q.set("unreviewed", "1"); }
    if (form) {
      ["method", "perpetrator", "conflict", "start", "end"].forEach(function (name) {
        var el = form.elements.namedItem(name);
        if (el && el.value && (!el.checkValidity || el.checkValidity())) { q.set(name, el.value); }
      });
    }
    box.dataset.ready = "";
    fetch("/map/data.json?" + q.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error("map data: " + r.status); } return r.json(); })
      .then(draw)
      .catch(function (e) { box.dataset.error = String(e); });
  }

  if (box.dataset.tiles) {  // only when configured (map_tiles): a tile server sees where one looks
    L.tileLayer(box.dataset.tiles, { pane: "tilePane", maxZoom: 12,
      attribution: "tiles: " + new URL(box.dataset.tiles.replace(/[{}]/g, "")).host }).addTo(map);
  }
  fetch(box.dataset.base, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (topo) {
      L.geoJSON(topojson.feature(topo, topo.objects.countries), {
        style: { color: "#9a9a9a", weight: 0.7, fillColor: "#f7f5ef", fillOpacity: box.dataset.tiles ? 0 : 1 },
        interactive: false, pane: "base", renderer: L.svg({ pane: "base", padding: 0.5 }), attribution: "Natural Earth (public domain), world-atlas"
      }).addTo(map);
      box.dataset.baseReady = "1";
    });
  if (form) {
    var params = new URLSearchParams(window.location.search);
    ["start", "end"].forEach(function (name) {
      var el = form.elements.namedItem(name);
      if (el && params.get(name)) { el.value = params.get(name); }
    });
    form.addEventListener("submit", function (e) { e.preventDefault(); load();
      var q = new URLSearchParams(new FormData(form));
      window.history.replaceState(null, "", "/map?" + q.toString()); });
    form.addEventListener("change", function () { load(); });
  }
  load();
})();
