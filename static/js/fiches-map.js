/* The fiches map, inside streamlit-folium's iframe.
 *
 * Python passes data only: `FicheMap.init(map, config)` once per map (basemaps, view in
 * the URL, controls) and `FicheMap.draw(group, map, view)` on every rerun (which fiches
 * are visible, colours, legend, areas, commune outlines). Place names are chosen and
 * placed by static/js/fiches-labels.js (loaded first). Titles and names arrive HTML-escaped; everything
 * else is set with textContent or attributes. The pure helpers at the top are exported
 * for the unit tests (tests/js/, run with `node --test`).
 */
(function (root, factory) {
  "use strict";
  var api = factory(root.L, root.FicheLabels);
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.FicheMap = api;
  }
})(typeof self !== "undefined" ? self : this, function (L, FicheLabels) {
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

  /** Every entry of the legend: [label, colour, shape]; shapes: dot, area, commune,
   *  cluster, zone, region. Names every colour the map can show for this view. */
  function legendItems(view, hasZones, hasCommunes) {
    var items = view.legend.map(function (item) { return [item[0], item[1], "dot"]; });
    var communes = view.communes || [];
    var multi = view.areas.concat(communes).some(function (a) { return a[4] > 1; });
    if (view.areas.length) {
      items.push(["Action à l'échelle du département (zone colorée)", "#7f7f7f", "area"]);
    }
    if (hasCommunes && communes.length) {
      items.push(["Lieu connu à la commune (contour, carré : nombre d'actions)", "#7f7f7f",
                  "commune"]);
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

  // The constants shared with Python (fiches/map_contract.json): given once by `init`
  // (the map's config), or by `configure` in the unit tests.
  var contract = null;

  function configure(shared) {
    contract = shared;
  }

  /** Zoom levels travel in the map's steps (its zoomSnap). */
  function roundZoom(z) {
    return Math.round(z / contract.zoom_step) * contract.zoom_step;
  }

  /** ``href`` with the map's centre and zoom in it, or without them when ``view`` is null. */
  function withView(href, view) {
    var url = new URL(href);
    var names = contract.position_params;  // lat, lon, z
    if (view) {
      url.searchParams.set(names[0], view.lat.toFixed(contract.position_decimals));
      url.searchParams.set(names[1], view.lon.toFixed(contract.position_decimals));
      url.searchParams.set(names[2], String(roundZoom(view.z)));
    } else {
      names.forEach(function (k) { url.searchParams.delete(k); });
    }
    return url.toString();
  }

  /** The address of the view as displayed: the page's URL with the map's centre/zoom,
   *  without Streamlit's embedding parameters. */
  function linkWithView(href, view) {
    var url = new URL(withView(href, view));
    contract.embed_params.forEach(function (k) { url.searchParams.delete(k); });
    return url.toString();
  }

  /** The text reported for a click: the shown title, then a hidden reference that
   *  Python reads (`#12.<nonce>` for fiche 12, `#d36.<nonce>` for an area). */
  function clickText(title, ref, nonce) {
    var t = contract.click_text;
    return title + t.prefix + ref + t.separator + nonce + t.suffix;
  }

  // ---- Leaflet parts --------------------------------------------------------------

  var state = {map: null, fitting: false, cache: {}, fetching: {}};
  var OFFLINE_MAX_CLUSTER_ZOOM = 13;  // the contours say nothing closer in
  var FAILED_TILES = 4;  // failed tiles before an online basemap is given up
  var TILES_FAILED = "Fond de carte en ligne injoignable : retour aux contours.";

  function fetchJson(url) {
    if (!state.fetching[url]) {
      state.fetching[url] = fetch(url).then(function (r) {
        if (!r.ok) { throw new Error(url + ": " + r.status); }
        return r.json();
      });
    }
    return state.fetching[url];
  }

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

  /** A line of text in the map (role=status: read out when it changes). */
  var MapNotice = L ? L.Control.extend({
    options: {position: "bottomright"},
    onAdd: function () {
      this._div = L.DomUtil.create("div", "fiche-notice");
      this._div.setAttribute("role", "status");
      this._div.hidden = true;
      L.DomEvent.disableClickPropagation(this._div);
      return this._div;
    },
    say: function (text) {
      this._div.textContent = text;
      this._div.hidden = !text;
    }
  }) : null;

  /** An online basemap that gives up after a few failed tiles: the offline contours come
   *  back and the map says so. Nothing is requested until a person picks it. */
  function watchTiles(map, layer, offline, notice) {
    var failed = 0;
    layer.on("tileload", function () { failed = 0; });
    layer.on("tileerror", function () {
      failed++;
      if (failed === FAILED_TILES && map.hasLayer(layer)) {
        map.removeLayer(layer);
        offline.addTo(map);
        notice.say(TILES_FAILED);
      }
    });
    layer.on("add", function () { failed = 0; notice.say(""); });
  }

  /** The names of the zoom, layer and recentre controls, in French. */
  function frenchControls(container) {
    [[".leaflet-control-zoom-in", "Zoomer"], [".leaflet-control-zoom-out", "Dézoomer"]]
      .forEach(function (pair) {
        var a = container.querySelector(pair[0]);
        if (a) { a.title = pair[1]; a.setAttribute("aria-label", pair[1]); }
      });
    var toggle = container.querySelector(".leaflet-control-layers-toggle");
    if (toggle) {
      toggle.setAttribute("title", "Fond de carte");
      toggle.setAttribute("aria-label", "Choisir le fond de carte");
      toggle.setAttribute("role", "button");
    }
  }

  function init(map, config) {
    configure(config.contract);
    state.map = map;
    state.config = config;
    // start fetching the dataset now: the first view is evaluated later
    if (config.dataset) { fetchJson(config.dataset); }
    window.__ficheMap = map;
    document.documentElement.lang = "fr";
    try {
      if (window.frameElement) { window.frameElement.title = contract.frame_title; }
    } catch (e) { /* a frame of another site: its title is not ours to set */ }
    L.Icon.Default.imagePath = config.images;
    map.createPane("background");
    map.getPane("background").style.zIndex = 350;  // above tiles, below the actions' areas
    map.getPane("background").style.pointerEvents = "none";
    map.createPane("labels");
    map.getPane("labels").style.zIndex = 450;  // above areas, below markers and tooltips
    map.getPane("labels").style.pointerEvents = "none";

    var notice = new MapNotice().addTo(map);
    var bases = {};
    var first = null;
    var offline = null;
    config.basemaps.forEach(function (b) {
      var layer = b[2] ? L.tileLayer(b[2], {attribution: b[3], maxZoom: 18}) : L.layerGroup();
      bases[b[1]] = layer;
      if (!b[2] && !offline) { offline = layer; }
      if (b[0] === config.basemap) { first = layer; }
    });
    Object.keys(bases).forEach(function (name) {
      if (bases[name] !== offline) { watchTiles(map, bases[name], offline, notice); }
    });
    state.offline = offline;
    (first || bases[config.basemaps[0][1]]).addTo(map);
    L.control.layers(bases, null, {position: "topright", collapsed: true}).addTo(map);

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
    frenchControls(map.getContainer());

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
    // Enter or Space on a focused group zooms into it; Space on a pin opens it as Enter does
    map.getContainer().addEventListener("keydown", function (e) {
      if (e.key !== "Enter" && e.key !== " ") { return; }
      var layer = state.cluster && iconLayer(state.cluster, e.target);
      if (!layer) { return; }
      if (layer.getAllChildMarkers) {
        e.preventDefault();
        zoomToCluster(layer);
      } else if (e.key === " ") {
        e.preventDefault();
        layer.fire("click", {latlng: layer.getLatLng(), originalEvent: e}, true);
      }
    });
    state.labels = new PlaceLabels(map).addTo(map);
    state.outlines = new CommuneOutlines().addTo(map);
  }

  /** The marker or group (shown now) whose icon is ``el``. */
  function iconLayer(cluster, el) {
    var found = null;
    cluster._featureGroup.eachLayer(function (l) { if (l._icon === el) { found = l; } });
    return found;
  }

  /** The zoom at which a group shows more than one thing (MarkerCluster's levels). */
  function separationZoom(c, maxZoom) {
    while (c._markers.length === 0 && c._childClusters.length === 1 && c._zoom < maxZoom) {
      c = c._childClusters[0];
    }
    return c._zoom + 1;
  }

  /** Zoom so that a group's members fill the map with a margin, but never past the zoom
   *  where they separate, nor past z 13 on the offline contours; members still together
   *  there (one point) spread out around it. */
  function zoomToCluster(c) {
    var map = state.map;
    var bounds = c.getBounds();
    var offline = !state.offline || map.hasLayer(state.offline);
    var cap = offline ? OFFLINE_MAX_CLUSTER_ZOOM : map.getMaxZoom();
    var fit = map.getBoundsZoom(bounds, false, L.point(96, 96));
    var target = Math.min(fit, separationZoom(c, map.getMaxZoom()), cap);
    var members = c.getAllChildMarkers();
    if (target <= map.getZoom() + 1e-6) {
      c.spiderfy();
      return;
    }
    state.gesture = true;
    map.once("moveend", function () {
      var parent = state.cluster.getVisibleParent(members[0]);
      if (parent && parent.getAllChildMarkers && parent.getChildCount() === members.length) {
        parent.spiderfy();
      }
    });
    map.setView(bounds.getCenter(), target);
  }

  /** Boxes (map pixels) that no name may cover: markers, groups and handles where they end
   *  up (not where an animation has them now), and the map's controls. */
  function obstacleBoxes(map) {
    var out = [];
    var size = map.getSize();
    if (state.cluster && state.cluster._featureGroup) {
      state.cluster._featureGroup.eachLayer(function (l) {
        // a group is its own `options.icon`: its real icon is made by clusterIcon
        var made = l.getAllChildMarkers ? (l._iconObj || clusterIcon(l)) : l.options.icon;
        var icon = made && made.options;
        if (!icon || !l.getLatLng) { return; }
        var p = map.latLngToContainerPoint(l.getLatLng());
        var s = L.point(icon.iconSize || [12, 12]);
        var a = icon.iconAnchor ? L.point(icon.iconAnchor) : s.divideBy(2);
        if (p.x < -50 || p.y < -50 || p.x > size.x + 50 || p.y > size.y + 50) { return; }
        out.push(FicheLabels.box(p.x - a.x, p.y - a.y, p.x - a.x + s.x, p.y - a.y + s.y));
      });
    }
    var origin = map.getContainer().getBoundingClientRect();
    map.getContainer().querySelectorAll(".leaflet-control").forEach(function (el) {
      var r = el.getBoundingClientRect();
      if (r.width && r.height) {
        out.push(FicheLabels.box(r.left - origin.left, r.top - origin.top,
                                 r.right - origin.left, r.bottom - origin.top));
      }
    });
    return out;
  }

  /** Place names, chosen and placed again after every zoom and move (FicheLabels): the
   *  names of the first views come with the dataset, the others when first zoomed to. */
  var PlaceLabels = L ? L.Layer.extend({
    initialize: function () {
      this._rows = [];
      this._sizes = {};
      this._cited = {};
      this._outlined = {};
      this._pending = 0;
      this.placed = 0;  // placements done (the browser tests wait on it)
      this.settled = false;
    },
    onAdd: function (map) {
      this._el = L.DomUtil.create("div", "fiche-labels", map.getPane("labels"));
      this._ruler = L.DomUtil.create("div", "fiche-labels fiche-labels-ruler", map.getContainer());
      map.on("zoomstart", this._hide, this);
      map.on("moveend resize", this.schedule, this);
      return this;
    },
    onRemove: function (map) {
      map.off("zoomstart", this._hide, this);
      map.off("moveend resize", this.schedule, this);
      L.DomUtil.remove(this._el);
      L.DomUtil.remove(this._ruler);
    },
    setDataset: function (ds) {
      if (this._url === ds.__url) { return; }
      this._url = ds.__url;
      this._ds = ds;
      this._rows = ds.labels.slice();
      this._more = false;
      this.schedule();
    },
    /** Which communes win as cited (``{code: true}``) and which are drawn as an outline
     *  with a handle (``{code: [lat, lon]}``: their name is written by the handle). */
    setEmphasis: function (cited, outlined) {
      this._cited = cited;
      this._outlined = outlined;
      this.schedule();
    },
    _hide: function () {
      this.settled = false;
      if (this._el) { this._el.style.visibility = "hidden"; }
    },
    schedule: function () {
      var self = this;
      this.settled = false;
      if (this._frame) { return; }
      this._frame = L.Util.requestAnimFrame(function () {
        self._frame = null;
        self._update();
      });
    },
    _loadMore: function () {
      var self = this;
      var ds = this._ds;
      if (this._more || !ds.labelsMore) { return; }
      this._more = true;
      this._pending++;
      fetchJson(ds.labelsMore).then(function (rows) {
        if (self._ds === ds) { self._rows = self._rows.concat(rows); }
      }).catch(function () { /* names of small communes only: the map stays usable */ })
        .then(function () { self._pending--; self.schedule(); });
    },
    _measure: function (items) {
      var sizes = this._sizes;
      var todo = items.filter(function (it) { return !sizes[it.key]; });
      if (!todo.length) { return; }
      var ruler = this._ruler;
      var els = todo.map(function (it) {
        var el = labelElement(it.css, it.name);
        ruler.appendChild(el);
        return el;
      });
      els.forEach(function (el, i) {
        var r = el.getBoundingClientRect();
        sizes[todo[i].key] = [Math.ceil(r.width), Math.ceil(r.height)];
      });
      ruler.textContent = "";
    },
    _update: function () {
      var map = this._map;
      var ds = this._ds;
      if (!map || !ds) { return; }
      var z = map.getZoom();
      if (z > ds.labelsMoreZoom - 0.5) { this._loadMore(); }
      var size = map.getSize();
      var bounds = map.getBounds().pad(0.05);
      var cited = this._cited;
      var outlined = this._outlined;
      var items = [];
      this._rows.forEach(function (row, i) {
        var kind = row[3];
        var code = row[6];
        var shape = "dot";
        var lat = row[1];
        var lon = row[2];
        var from = row[5];
        if (kind === "region" || kind === "departement") {
          var range = ds.labelZooms[kind];
          if (z < range[0] || z > range[1]) { return; }
          shape = "area";
        } else {
          if (cited[code]) { kind = "cited"; }
          if (outlined[code]) {
            shape = "area";
            lat = outlined[code][0];
            lon = outlined[code][1];
          }
          if (z < from) { return; }
        }
        if (!bounds.contains([lat, lon])) { return; }
        var css = shape === "area" && kind === "cited" ? "outlined" : kind;
        items.push({i: i, kind: kind, css: css, shape: shape, lat: lat, lon: lon,
                    name: textOf(row[0]), key: css + "|" + row[0], population: row[4]});
      });
      this._measure(items);
      var sizes = this._sizes;
      var candidates = items.map(function (it) {
        var p = map.latLngToContainerPoint([it.lat, it.lon]);
        var wh = sizes[it.key];
        return {id: it, rank: FicheLabels.rank(it.kind, it.population), x: p.x, y: p.y,
                w: wh[0], h: wh[1], shape: it.shape};
      });
      var kept = FicheLabels.place(candidates, obstacleBoxes(map),
                                   FicheLabels.box(0, 0, size.x, size.y));
      var el = this._el;
      el.textContent = "";
      kept.forEach(function (k) {
        var label = labelElement(k.id.css, k.id.name);
        L.DomUtil.setPosition(label, map.containerPointToLayerPoint([k.text.x0, k.text.y0]));
        el.appendChild(label);
        if (k.dot) {
          var dot = L.DomUtil.create("div", "place-dot place-dot-" + k.id.css, el);
          L.DomUtil.setPosition(dot, map.containerPointToLayerPoint([k.dot.x0, k.dot.y0]));
        }
      });
      el.style.visibility = "";
      this.placed++;
      this.settled = this._pending === 0;
    }
  }) : null;

  function labelElement(css, name) {
    var el = document.createElement("div");
    el.className = "place-label place-label-" + css;
    var span = document.createElement("span");
    span.textContent = name;
    el.appendChild(span);
    return el;
  }

  /** Every commune's outline under the actions, from about z 10.5 (fetched then, once). */
  var CommuneOutlines = L ? L.Layer.extend({
    onAdd: function (map) {
      map.on("zoomend", this._check, this);
      this._check();
      return this;
    },
    onRemove: function (map) {
      map.off("zoomend", this._check, this);
      if (this._layer) { map.removeLayer(this._layer); }
    },
    setDataset: function (ds) {
      this._ds = ds;
      this._check();
    },
    _check: function () {
      var map = this._map;
      var ds = this._ds;
      if (!map || !ds || !ds.outlines) { return; }
      var shown = map.getZoom() >= ds.outlinesZoom;
      if (shown && !this._layer && !this._loading) {
        var self = this;
        this._loading = true;
        fetchJson(ds.outlines).then(function (fc) {
          self._layer = L.geoJSON(fc, {
            style: state.config.outlineStyle, interactive: false, pane: "background",
            renderer: L.canvas({pane: "background"})
          });
          self._check();
        }).catch(function () { /* the départements' contours remain */ });
        return;
      }
      if (!this._layer) { return; }
      if (shown && !map.hasLayer(this._layer)) { this._layer.addTo(map); }
      if (!shown && map.hasLayer(this._layer)) { map.removeLayer(this._layer); }
    }
  }) : null;

  function pinIcon(color, selected) {
    var size = selected ? 22 : 16;
    return L.divIcon({
      className: "fiche-pin" + (selected ? " fiche-pin-selected" : ""),
      html: "<span style=\"background:" + color + ";width:" + size + "px;height:" + size +
            "px\"></span>",
      iconSize: [size + 4, size + 4], iconAnchor: [(size + 4) / 2, (size + 4) / 2]
    });
  }

  /** The handle of a commune's outline: a square (not a pin: no position is claimed). */
  function handleIcon(color, selected, n) {
    var size = selected ? 26 : 22;
    return L.divIcon({
      className: "fiche-handle" + (selected ? " fiche-handle-selected" : ""),
      html: "<span aria-hidden=\"true\" style=\"border-color:" + color + "\">" + n + "</span>",
      iconSize: [size, size], iconAnchor: [size / 2, size / 2]
    });
  }

  /** Actions behind a marker: a pin holds one, a commune's handle several. */
  function markerFiches(m) {
    return m.fiches || [m.fiche];
  }

  /** Actions behind a list of markers, in one array (appended in place: concatenating
   *  one array per marker copied the growing list each time, 13 s at 10,000 fiches). */
  function markersFiches(list) {
    var out = [];
    list.forEach(function (m) { Array.prototype.push.apply(out, markerFiches(m)); });
    return out;
  }

  function clusterIcon(cluster) {
    var n = countActions(markersFiches(cluster.getAllChildMarkers()));
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

  /** A tooltip that stays inside the map: near an edge it opens on the other side. */
  function keepInside(tooltip, map) {
    var el = tooltip.getElement && tooltip.getElement();
    if (!el) { return; }
    var r = el.getBoundingClientRect();
    var m = map.getContainer().getBoundingClientRect();
    var side = r.left < m.left ? "right" : r.right > m.right ? "left" :
      r.top < m.top ? "bottom" : r.bottom > m.bottom ? "top" : null;
    if (side && tooltip.options.direction !== side) {
      tooltip.options.direction = side;
      tooltip.update();
    }
  }

  /** A marker whose tooltip is bound on first use (hover, focus or click), not up front: at
   *  10,000 fiches binding every tooltip is most of the drawing time. The tooltip is
   *  (re)written before any click handler runs, streamlit-folium's included, with a new
   *  nonce so that a second click on the same pin is reported again. ``ref``: what Python
   *  reads back (a fiche's position, ``c<code>`` for a commune's handle). */
  var FicheMarker = L ? L.Marker.extend({
    fire: function (type, data, propagate) {
      if (type === "click" || type === "mouseover" || type === "focus") {
        var text = clickText(this.ficheTitle, this.ref, Date.now().toString(36));
        if (!this.getTooltip()) {
          this.bindTooltip(text, {direction: "auto"});
          this.on("tooltipopen", function (e) { keepInside(e.tooltip, this._map); }, this);
        } else if (type === "click") {
          this.setTooltipContent(text);
        }
        if (type !== "click") { this.openTooltip(); }
      }
      return L.Marker.prototype.fire.call(this, type, data, propagate);
    },
    onAdd: function (map) {
      L.Marker.prototype.onAdd.call(this, map);
      var self = this;
      if (this._icon && !this._focusHooked) {
        this._focusHooked = true;
        this._icon.addEventListener("focus", function () { self.fire("focus"); });
        this._icon.addEventListener("blur", function () { self.closeTooltip(); });
      }
      return this;
    },
    onRemove: function (map) {
      this._focusHooked = false;
      return L.Marker.prototype.onRemove.call(this, map);
    }
  }) : null;

  function draw(group, map, view) {
    state.map = state.map || map;
    var cache = state.cache;
    if (view.data) { cache[view.url] = view.data; }
    if (cache[view.url]) {
      render(group, map, view, cache[view.url]);
    } else {
      fetchJson(view.url).then(function (ds) {
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

  /** A clickable area (département or commune outline) whose click reports ``ref``. */
  function clickableAreas(ds, style) {
    return L.geoJSON(null, {
      style: function (f) {
        var c = ds.colors[f.properties.c];
        return style(c, f.properties.s);
      },
      onEachFeature: function (f, layer) {
        var title = f.properties.t;
        var ref = f.properties.ref;
        layer.bindTooltip(clickText(title, ref, Date.now().toString(36)),
                          {sticky: true, direction: "auto"});
        // the text gets a new nonce before any click handler runs (see FicheMarker)
        var fire = layer.fire;
        layer.fire = function (type, data, propagate) {
          if (type === "click") {
            layer.setTooltipContent(clickText(title, ref, Date.now().toString(36)));
          }
          return fire.call(layer, type, data, propagate);
        };
        layer.on("add", function () { accessibleArea(layer, textOf(title)); });
      }
    });
  }

  function render(group, map, view, ds) {
    ds.__url = view.url;
    drawBackground(ds);
    var bits = decodeBitmap(view.visible);
    var bounds = L.latLngBounds([]);

    var areas = clickableAreas(ds, function (c, selected) {
      return {color: c, weight: selected ? 3 : 1.5, fillColor: c,
              fillOpacity: selected ? 0.35 : 0.18};
    });
    view.areas.forEach(function (a) {
      var geometry = ds.deps[a[0]];
      if (geometry) {
        areas.addData({type: "Feature", geometry: geometry,
                       properties: {ref: "d" + a[0], t: a[1], c: a[2], s: a[3]}});
      }
    });
    areas.addTo(group);
    if (view.areas.length) { bounds.extend(areas.getBounds()); }

    // places known only to their commune: the commune's outline and one handle
    var outlines = clickableAreas(ds, function (c, selected) {
      return {color: c, weight: selected ? 3.5 : 2.5, fillColor: c,
              fillOpacity: selected ? 0.3 : 0.14};
    });
    var handles = [];
    var outlined = {};
    (view.communes || []).forEach(function (h) {
      var entry = ds.communes[h[0]];
      if (!entry) { return; }
      outlines.addData({type: "Feature", geometry: entry[0],
                        properties: {ref: "c" + h[0], t: h[1], c: h[2], s: h[3]}});
      var at = entry[1];
      outlined[h[0]] = at;
      var title = textOf(h[1]);
      var m = new FicheMarker(at, {
        icon: handleIcon(ds.colors[h[2]], !!h[3], h[4]), keyboard: true, riseOnHover: true,
        title: title, alt: title, autoPanOnFocus: false
      });
      m.ref = "c" + h[0];
      m.ficheTitle = h[1];
      m.fiches = entry[2].filter(function (i) { return isSet(bits, i); });
      handles.push(m);
    });
    outlines.addTo(group);
    if (handles.length) { bounds.extend(outlines.getBounds()); }

    var cluster = L.markerClusterGroup({
      showCoverageOnHover: false, maxClusterRadius: 40, spiderfyOnMaxZoom: false,
      zoomToBoundsOnClick: false, chunkedLoading: true, iconCreateFunction: clusterIcon
    });
    cluster.on("clusterclick", function (e) { zoomToCluster(e.layer); });
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
      m.ref = String(i);
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
    // Enter on a focused pin opens it as a click does (groups: see init's keydown)
    cluster.on("keypress", function (e) {
      var layer = e.layer || e.sourceTarget;
      if (!e.originalEvent || e.originalEvent.key !== "Enter" || !layer) { return; }
      if (layer.ref !== undefined && !layer.getAllChildMarkers) {
        layer.fire("click", {latlng: layer.getLatLng(), originalEvent: e.originalEvent}, true);
      }
    });
    zones.addTo(group);
    cluster.addLayers(markers.concat(handles));
    cluster.addTo(group);
    cluster.on("animationend spiderfied unspiderfied", function () { state.labels.schedule(); });
    state.cluster = cluster;

    // names: a commune cited by a visible fiche wins over the others
    var cited = {};
    Object.keys(ds.cited || {}).forEach(function (code) {
      if (ds.cited[code].some(function (i) { return isSet(bits, i); })) { cited[code] = true; }
    });
    state.labels.setDataset(ds);
    state.labels.setEmphasis(cited, outlined);
    state.outlines.setDataset(ds);

    state.visibleBounds = bounds.isValid() ? bounds : null;
    var fiches = markersFiches(markers.concat(handles));
    state.drawn = {
      draws: (state.drawn ? state.drawn.draws : 0) + 1,
      points: markers.length,
      communes: handles.length,
      actions: countActions(fiches),
      areas: view.areas.length,
      zones: zones.getLayers().length,
      bounds: state.visibleBounds ? [
        [state.visibleBounds.getSouth(), state.visibleBounds.getWest()],
        [state.visibleBounds.getNorth(), state.visibleBounds.getEast()]
      ] : null
    };
    if (view.fit && state.visibleBounds && !state.chosen) { fitTo(state.visibleBounds); }
    if (state.chosen) { writeViewToUrl(false); }
    legend(map, view, hasZones, handles.length > 0);
    state.labels.schedule();
  }

  function legend(map, view, hasZones, hasCommunes) {
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
        state.labels.schedule();  // the legend's box changed: names move around it
      });
      div.appendChild(toggle);
      legendItems(view, hasZones, hasCommunes).forEach(function (item) {
        var row = document.createElement("li");
        var swatch = document.createElement("span");
        swatch.className = "swatch swatch-" + item[2];
        swatch.style.background = item[2] === "zone" || item[2] === "commune" ?
          "transparent" : item[1];
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

  /** For the browser tests: whether names were placed for the current view, and each
   *  group shown with its members' positions. */
  function labelsSettled() {
    var l = state.labels;
    return !!(l && l.settled && l._el && l._el.style.visibility !== "hidden" &&
              !state.map.getContainer().querySelector(".leaflet-cluster-anim"));
  }

  function clusters() {
    var out = [];
    if (!state.cluster) { return out; }
    state.cluster._featureGroup.eachLayer(function (l) {
      if (l.getAllChildMarkers && state.map.getBounds().contains(l.getLatLng())) {
        out.push({at: [l.getLatLng().lat, l.getLatLng().lng],
                  members: l.getAllChildMarkers().map(function (m) {
                    return [m.getLatLng().lat, m.getLatLng().lng];
                  })});
      }
    });
    return out;
  }

  return {
    // pure helpers
    decodeBitmap: decodeBitmap, isSet: isSet,
    countActions: countActions, actionsLabel: actionsLabel, legendItems: legendItems,
    withView: withView, linkWithView: linkWithView,
    clickText: clickText, configure: configure,
    roundZoom: roundZoom, textOf: textOf,
    // Leaflet
    init: init, draw: draw, link: link, view: currentView,
    chosen: function () { return state.chosen ? currentView() : null; },
    drawn: function () { return state.drawn || null; },
    labelsSettled: labelsSettled, clusters: clusters,
    labelsPlaced: function () { return state.labels ? state.labels.placed : 0; }
  };
});
