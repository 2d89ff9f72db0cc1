/* The fiches map, inside streamlit-folium's iframe.
 *
 * Python passes data only: `FicheMap.init(map, config)` once per map (basemaps, view in
 * the URL, controls) and `FicheMap.draw(group, map, view)` on every rerun (which fiches
 * are visible, colours, legend, areas). Titles and names arrive HTML-escaped; everything
 * else is set with textContent or attributes. The pure helpers at the top are exported
 * for the unit tests (tests/js/, run with `node --test`).
 */
(function (root, factory) {
  "use strict";
  var api = factory(root.L);
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.FicheMap = api;
  }
})(typeof self !== "undefined" ? self : this, function (L) {
  "use strict";

  var CLUSTER_COLOR = "#4a5563";  // neutral: clusters are not a thème or a bailleur
  var AREA_NOTE = "#eef1f4";  // fill of départements without an action at that level

  // ---- pure helpers ---------------------------------------------------------------

  /** The visible-fiche bitmap sent by Python (base64, little-endian bits). */
  function decodeBitmap(b64) {
    var raw = atob(b64);
    var bits = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bits[i] = raw.charCodeAt(i); }
    return bits;
  }

  function isSet(bits, i) {
    return ((bits[i >> 3] >> (i & 7)) & 1) === 1;
  }

  /** Distinct actions among markers (several places of one action count once). */
  function countActions(fiches) {
    var seen = {};
    var n = 0;
    for (var i = 0; i < fiches.length; i++) {
      if (!seen[fiches[i]]) { seen[fiches[i]] = true; n++; }
    }
    return n;
  }

  function actionsLabel(n) {
    return n + (n > 1 ? " actions" : " action");
  }

  /** Every entry of the legend: [label, colour, shape]; shapes: dot, area, cluster,
   *  zone, region. Names every colour the map can show for this view. */
  function legendItems(view, hasZones) {
    var items = view.legend.map(function (item) { return [item[0], item[1], "dot"]; });
    var multi = view.areas.some(function (a) { return a[4] > 1; });
    if (view.areas.length) {
      items.push(["Action à l'échelle du département (zone colorée)", "#7f7f7f", "area"]);
    }
    if (multi) {
      items.push(["Gris : plusieurs actions de couleurs différentes", "#7f7f7f", "dot"]);
    }
    if (hasZones) {
      items.push(["Position approximative (cercle : incertitude)", "#555", "zone"]);
    }
    items.push(["Groupe d'actions proches (nombre d'actions)", CLUSTER_COLOR, "cluster"]);
    items.push(["Département sans action à cette échelle", AREA_NOTE, "region"]);
    return items;
  }

  /** Kinds of place names shown at a zoom level. */
  function labelKindsAt(zooms, zoom) {
    return Object.keys(zooms).filter(function (kind) {
      return zoom >= zooms[kind][0] && zoom <= zooms[kind][1];
    });
  }

  /** Zoom levels travel in quarter steps (the map's zoomSnap). */
  function roundZoom(z) {
    return Math.round(z * 4) / 4;
  }

  /** ``href`` with the map's centre and zoom in it, or without them when ``view`` is null. */
  function withView(href, view) {
    var url = new URL(href);
    if (view) {
      url.searchParams.set("lat", view.lat.toFixed(4));
      url.searchParams.set("lon", view.lon.toFixed(4));
      url.searchParams.set("z", String(roundZoom(view.z)));
    } else {
      ["lat", "lon", "z"].forEach(function (k) { url.searchParams.delete(k); });
    }
    return url.toString();
  }

  /** The address of the view as displayed: the page's URL with the map's centre/zoom,
   *  without Streamlit's embedding parameters. */
  function linkWithView(href, view) {
    var url = new URL(withView(href, view));
    url.searchParams.delete("embed");
    url.searchParams.delete("embed_options");
    return url.toString();
  }

  /** The text reported for a click: the shown title, then a hidden reference that
   *  Python reads (`#12.<nonce>` for fiche 12, `#d36.<nonce>` for an area). */
  function clickText(title, ref, nonce) {
    return title + "<span hidden>#" + ref + "." + nonce + "</span>";
  }

  // ---- Leaflet parts --------------------------------------------------------------

  var state = {map: null, fitting: false, cache: {}, fetching: {}, labels: null};

  function parentWindow() {
    try { return window.parent.location.href ? window.parent : null; } catch (e) { return null; }
  }

  function currentView() {
    var map = state.map;
    if (!map) { return null; }
    var c = map.getCenter();
    return {lat: c.lat, lon: c.lng, z: roundZoom(map.getZoom())};
  }

  /** The address of what is shown (used by the page's « Copier le lien »). */
  function link() {
    var w = parentWindow();
    return linkWithView(w ? w.location.href : window.location.href, currentView());
  }

  /** Put the displayed view (or, with ``clear``, no view) in the address bar, without a
   *  rerun and without a history entry. */
  function writeViewToUrl(clear) {
    var w = parentWindow();
    var v = clear ? null : currentView();
    if (!w || (!clear && !v)) { return; }
    w.history.replaceState(w.history.state, "", withView(w.location.href, v));
  }

  function fitTo(bounds) {
    var map = state.map;
    if (!bounds || !bounds.isValid()) { return; }
    state.fitting = true;
    state.gesture = false;
    try {
      map.fitBounds(bounds, {padding: [24, 24], maxZoom: 13, animate: false});
    } finally {
      state.fitting = false;
    }
  }

  function control(position, build) {
    var c = L.control({position: position});
    c.onAdd = function () {
      var div = L.DomUtil.create("div", "leaflet-bar fiche-control");
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      build(div);
      return div;
    };
    return c;
  }

  function init(map, config) {
    state.map = map;
    state.config = config;
    // start fetching the dataset now: the first view is evaluated later
    if (config.dataset && !state.fetching[config.dataset]) {
      state.fetching[config.dataset] = fetch(config.dataset).then(function (r) {
        return r.json();
      });
    }
    window.__ficheMap = map;
    L.Icon.Default.imagePath = config.images;
    map.createPane("background");
    map.getPane("background").style.zIndex = 350;  // above tiles, below the actions' areas
    map.getPane("background").style.pointerEvents = "none";
    map.createPane("labels");
    map.getPane("labels").style.zIndex = 450;  // above areas, below markers and tooltips
    map.getPane("labels").style.pointerEvents = "none";

    var bases = {};
    var first = null;
    config.basemaps.forEach(function (b) {
      var layer = b[2] ? L.tileLayer(b[2], {attribution: b[3], maxZoom: 18}) : L.layerGroup();
      bases[b[1]] = layer;
      if (b[0] === config.basemap) { first = layer; }
    });
    (first || bases[config.basemaps[0][1]]).addTo(map);
    L.control.layers(bases, null, {position: "topright", collapsed: true}).addTo(map);
    var toggle = map.getContainer().querySelector(".leaflet-control-layers-toggle");
    if (toggle) {
      toggle.setAttribute("title", "Fond de carte");
      toggle.setAttribute("aria-label", "Choisir le fond de carte");
      toggle.setAttribute("role", "button");
    }

    control("topleft", function (div) {
      var a = L.DomUtil.create("a", "fiche-recenter", div);
      a.href = "#";
      a.setAttribute("role", "button");
      a.title = "Recentrer sur les actions affichées";
      a.setAttribute("aria-label", a.title);
      var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
      svg.setAttribute("viewBox", "0 0 24 24");
      svg.setAttribute("width", "18");
      svg.setAttribute("height", "18");
      svg.setAttribute("aria-hidden", "true");
      var path = document.createElementNS("http://www.w3.org/2000/svg", "path");
      path.setAttribute("d", "M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8zm8.94 3A9 9 0 0 0 13 3.06V1h-2" +
        "v2.06A9 9 0 0 0 3.06 11H1v2h2.06A9 9 0 0 0 11 20.94V23h2v-2.06A9 9 0 0 0 20.94 13H23v-2" +
        "h-2.06zM12 19a7 7 0 1 1 0-14 7 7 0 0 1 0 14z");
      svg.appendChild(path);
      a.appendChild(svg);
      L.DomEvent.on(a, "click", function (e) {
        L.DomEvent.preventDefault(e);
        state.chosen = false;
        writeViewToUrl(true);
        fitTo(state.visibleBounds);
      });
    }).addTo(map);

    // Only a view the person chose goes into the address bar: a fitted view, or a move
    // caused by the page (the frame's resize), leaves the map free to fit the next filter.
    ["mousedown", "touchstart", "wheel", "keydown", "dblclick"].forEach(function (type) {
      map.getContainer().addEventListener(type, function () { state.gesture = true; },
                                          {passive: true, capture: true});
    });
    // Once chosen, the view is the person's until « Recentrer »: every later move is
    // written too, and the server's next query (which does not know it) is corrected.
    map.on("moveend", function () {
      if (state.gesture && !state.fitting) { state.chosen = true; }
      if (state.chosen && !state.fitting) { writeViewToUrl(false); }
      state.gesture = false;
    });
    // A mouse press on a pin must not move the focus: focusing an element inside the
    // frame makes the browser scroll the page, which moves the pin from under the pointer
    // before the button is released (the click is then lost). Tab still focuses pins.
    map.getContainer().addEventListener("mousedown", function (e) {
      if (e.target.closest && e.target.closest(".leaflet-marker-icon")) { e.preventDefault(); }
    }, true);
    map.on("zoomend", showLabels);
  }

  function showLabels() {
    var map = state.map;
    if (!state.labels) { return; }
    var kinds = labelKindsAt(state.labels.zooms, map.getZoom());
    Object.keys(state.labels.rows).forEach(function (kind) {
      var shown = kinds.indexOf(kind) >= 0;
      var layer = state.labels.layers[kind];
      if (shown && !layer) { layer = state.labels.layers[kind] = labelLayer(kind); }
      if (!layer) { return; }
      if (shown) { layer.addTo(map); } else { map.removeLayer(layer); }
    });
  }

  /** The names of one kind, made when first shown (thousands of communes at scale). */
  function labelLayer(kind) {
    var layer = L.layerGroup();
    state.labels.rows[kind].forEach(function (l) {
      L.marker([l[1], l[2]], {
        pane: "labels", interactive: false, keyboard: false,
        icon: L.divIcon({className: "place-label place-label-" + kind,
                         html: "<span>" + l[0] + "</span>", iconSize: null})
      }).addTo(layer);
    });
    return layer;
  }

  function buildLabels(ds) {
    if (state.labels && state.labels.url === ds.__url) { return; }
    if (state.labels) {
      Object.keys(state.labels.layers).forEach(function (k) {
        state.map.removeLayer(state.labels.layers[k]);
      });
    }
    var rows = {};
    ds.labels.forEach(function (l) { (rows[l[3]] = rows[l[3]] || []).push(l); });
    state.labels = {url: ds.__url, rows: rows, layers: {}, zooms: ds.labelZooms};
    showLabels();
  }

  function pinIcon(color, selected) {
    var size = selected ? 22 : 16;
    return L.divIcon({
      className: "fiche-pin" + (selected ? " fiche-pin-selected" : ""),
      html: "<span style=\"background:" + color + ";width:" + size + "px;height:" + size +
            "px\"></span>",
      iconSize: [size + 4, size + 4], iconAnchor: [(size + 4) / 2, (size + 4) / 2]
    });
  }

  function clusterIcon(cluster) {
    var fiches = cluster.getAllChildMarkers().map(function (m) { return m.fiche; });
    var n = countActions(fiches);
    var size = n < 10 ? 34 : n < 100 ? 40 : 46;
    // the visible number, and a name for screen readers (Enter zooms in)
    return L.divIcon({
      className: "fiche-cluster",
      html: "<span aria-hidden=\"true\">" + n + "</span><span class=\"fiche-sr\">Groupe de " +
            actionsLabel(n) + ", zoomer</span>",
      iconSize: [size, size]
    });
  }

  /** Give an area's path a name, the keyboard focus and Enter. */
  function accessibleArea(layer, name) {
    var el = layer.getElement && layer.getElement();
    if (!el) { return; }
    el.setAttribute("tabindex", "0");
    el.setAttribute("role", "button");
    el.setAttribute("aria-label", name);
    el.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") {
        e.preventDefault();
        layer.fire("click", {latlng: layer.getBounds().getCenter(), originalEvent: e}, true);
      }
    });
  }

  /** The text of a title escaped by Python (``html.escape``: five entities only). */
  function textOf(escaped) {
    return String(escaped).replace(/&(amp|lt|gt|quot|#x27);/g, function (m, name) {
      return {amp: "&", lt: "<", gt: ">", quot: "\"", "#x27": "'"}[name];
    });
  }

  /** A marker whose tooltip is bound on first use (hover or click), not up front: at
   *  10,000 fiches binding every tooltip is most of the drawing time. The tooltip is
   *  (re)written before any click handler runs, streamlit-folium's included, with a new
   *  nonce so that a second click on the same pin is reported again. */
  var FicheMarker = L ? L.Marker.extend({
    fire: function (type, data, propagate) {
      if (type === "click" || type === "mouseover") {
        var text = clickText(this.ficheTitle, String(this.fiche), Date.now().toString(36));
        if (!this.getTooltip()) {
          this.bindTooltip(text, {direction: "auto"});
        } else if (type === "click") {
          this.setTooltipContent(text);
        }
        if (type === "mouseover") { this.openTooltip(); }
      }
      return L.Marker.prototype.fire.call(this, type, data, propagate);
    }
  }) : null;

  function draw(group, map, view) {
    state.map = state.map || map;
    var cache = state.cache;
    if (view.data) { cache[view.url] = view.data; }
    if (cache[view.url]) {
      render(group, map, view, cache[view.url]);
    } else {
      var pending = state.fetching[view.url] || fetch(view.url).then(function (r) {
        return r.json();
      });
      state.fetching[view.url] = pending;
      pending.then(function (ds) {
        cache[view.url] = ds;
        render(group, map, view, ds);
      });
    }
  }

  /** The contours under the actions, once per dataset (styles from the base map). */
  function drawBackground(ds) {
    if (state.background && state.background.url === ds.__url) { return; }
    if (state.background) { state.map.removeLayer(state.background.layer); }
    var layer = L.layerGroup();
    (state.config.background || []).forEach(function (entry) {
      var kind = entry[0];
      var geometries = kind === "departement" ? Object.keys(ds.deps).map(function (code) {
        return ds.deps[code];
      }) : (ds.background[kind] || []);
      L.geoJSON({type: "FeatureCollection", features: geometries.map(function (g) {
        return {type: "Feature", geometry: g, properties: {}};
      })}, {style: entry[1], interactive: false, pane: "background"}).addTo(layer);
    });
    layer.addTo(state.map);
    state.background = {url: ds.__url, layer: layer};
  }

  function render(group, map, view, ds) {
    ds.__url = view.url;
    drawBackground(ds);
    buildLabels(ds);
    var bits = decodeBitmap(view.visible);
    var bounds = L.latLngBounds([]);
    var nonce = Date.now().toString(36);

    var areas = L.geoJSON(null, {
      style: function (f) {
        var c = ds.colors[f.properties.c];
        return {color: c, weight: f.properties.s ? 3 : 1.5, fillColor: c,
                fillOpacity: f.properties.s ? 0.35 : 0.18};
      },
      onEachFeature: function (f, layer) {
        var title = f.properties.t;
        layer.bindTooltip(clickText(title, "d" + f.properties.code, nonce),
                          {sticky: true, direction: "auto"});
        // the text gets a new nonce before any click handler runs (see FicheMarker)
        var fire = layer.fire;
        layer.fire = function (type, data, propagate) {
          if (type === "click") {
            layer.setTooltipContent(clickText(title, "d" + f.properties.code,
                                              Date.now().toString(36)));
          }
          return fire.call(layer, type, data, propagate);
        };
        layer.on("add", function () { accessibleArea(layer, textOf(title)); });
      }
    });
    view.areas.forEach(function (a) {
      var geometry = ds.deps[a[0]];
      if (geometry) {
        areas.addData({type: "Feature", geometry: geometry,
                       properties: {code: a[0], t: a[1], c: a[2], s: a[3]}});
      }
    });
    areas.addTo(group);
    if (view.areas.length) { bounds.extend(areas.getBounds()); }

    var cluster = L.markerClusterGroup({
      showCoverageOnHover: false, maxClusterRadius: 40, spiderfyOnMaxZoom: true,
      chunkedLoading: true, iconCreateFunction: clusterIcon
    });
    var icons = {};
    var markers = [];
    var zones = L.layerGroup();
    var hasZones = false;
    ds.points.forEach(function (p) {
      var i = p[2];
      if (!isSet(bits, i)) { return; }
      var fiche = ds.fiches[i];
      var selected = i === view.selected;
      var color = ds.colors[fiche[view.mode]];
      var key = fiche[view.mode] + (selected ? "s" : "");
      icons[key] = icons[key] || pinIcon(color, selected);
      var title = textOf(fiche[0]);
      var m = new FicheMarker([p[0], p[1]], {
        icon: icons[key], keyboard: true, riseOnHover: true, title: title, alt: title,
        autoPanOnFocus: false  // a pan on mousedown would move the pin from under the pointer
      });
      m.fiche = i;
      m.ficheTitle = fiche[0];
      markers.push(m);
      bounds.extend([p[0], p[1]]);
      if (p[3] > 0) {
        hasZones = true;
        L.circle([p[0], p[1]], {
          radius: p[3], color: color, weight: 1.5, dashArray: "4 4", fillOpacity: 0.12,
          interactive: false
        }).addTo(zones);
        bounds.extend(L.latLng(p[0], p[1]).toBounds(p[3] * 2));
      }
    });
    // Enter on a focused pin opens it as a click does; on a group, zooms into it
    function enter(e) {
      var layer = e.layer || e.sourceTarget;
      if (!e.originalEvent || e.originalEvent.key !== "Enter" || !layer) { return; }
      if (layer.getAllChildMarkers) {
        layer.zoomToBounds({padding: [24, 24]});
      } else if (layer.fiche !== undefined) {
        layer.fire("click", {latlng: layer.getLatLng(), originalEvent: e.originalEvent}, true);
      }
    }
    cluster.on("keypress", enter);
    zones.addTo(group);
    cluster.addLayers(markers);
    cluster.addTo(group);
    state.visibleBounds = bounds.isValid() ? bounds : null;
    state.drawn = {
      draws: (state.drawn ? state.drawn.draws : 0) + 1,
      points: markers.length,
      actions: countActions(markers.map(function (m) { return m.fiche; })),
      areas: view.areas.length,
      zones: zones.getLayers().length,
      bounds: state.visibleBounds ? [
        [state.visibleBounds.getSouth(), state.visibleBounds.getWest()],
        [state.visibleBounds.getNorth(), state.visibleBounds.getEast()]
      ] : null
    };
    if (view.fit && state.visibleBounds && !state.chosen) { fitTo(state.visibleBounds); }
    if (state.chosen) { writeViewToUrl(false); }
    legend(map, view, hasZones);
  }

  function legend(map, view, hasZones) {
    if (state.legend) { state.legend.remove(); state.legend = null; }
    var c = L.control({position: "bottomleft"});
    c.onAdd = function () {
      var div = L.DomUtil.create("div", "fiche-legend");
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      var toggle = document.createElement("button");
      toggle.type = "button";
      var open = !!state.legendOpen;
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      toggle.textContent = "Légende : " + view.legendTitle.toLowerCase();
      var list = document.createElement("ul");
      list.hidden = !open;
      toggle.addEventListener("click", function () {
        state.legendOpen = list.hidden;
        list.hidden = !state.legendOpen;
        toggle.setAttribute("aria-expanded", state.legendOpen ? "true" : "false");
      });
      div.appendChild(toggle);
      legendItems(view, hasZones).forEach(function (item) {
        var row = document.createElement("li");
        var swatch = document.createElement("span");
        swatch.className = "swatch swatch-" + item[2];
        swatch.style.background = item[2] === "zone" ? "transparent" : item[1];
        swatch.style.borderColor = item[1];
        row.appendChild(swatch);
        row.appendChild(document.createTextNode(item[0]));
        list.appendChild(row);
      });
      div.appendChild(list);
      return div;
    };
    c.addTo(map);
    state.legend = c;
  }

  return {
    // pure helpers
    decodeBitmap: decodeBitmap, isSet: isSet,
    countActions: countActions, actionsLabel: actionsLabel, legendItems: legendItems,
    labelKindsAt: labelKindsAt, withView: withView, linkWithView: linkWithView,
    clickText: clickText,
    roundZoom: roundZoom, textOf: textOf,
    // Leaflet
    init: init, draw: draw, link: link, view: currentView,
    chosen: function () { return state.chosen ? currentView() : null; },
    drawn: function () { return state.drawn || null; }
  };
});
