/* The fiches map, inside streamlit-folium's iframe: `FicheMap`, the tiny public API.
 *
 * Python passes data only: `FicheMap.init(map, config)` once per map (basemaps, view in
 * the URL, controls) and `FicheMap.draw(group, map, view)` on every rerun (which fiches
 * are visible, colours, legend, areas, commune outlines). The drawing is done by small
 * Leaflet classes, each with its own state, loaded before this file (fiches/map_folium.py):
 *
 *   fiches-map-core.js      pure helpers, MapContract (fiches/map_contract.json), JsonCache
 *   fiches-labels.js        which place names to write and where (pure geometry)
 *   fiches-map-controls.js  legend, notice, « Recentrer », basemaps
 *   fiches-map-names.js     the place names layer
 *   fiches-map-areas.js     contours under the actions, commune outlines, clickable areas
 *   fiches-map-markers.js   pins, handles, zones, groups
 *   fiches-map-view.js      framing and the view in the page's address
 *
 * `FicheMapFrame` here ties them together for one map. Titles and names arrive
 * HTML-escaped; everything else is set with textContent or attributes. The pure helpers
 * are exported for the unit tests (tests/js/, run with `node --test`).
 */
(function (root, factory) {
  "use strict";
  var core = root.FicheMapCore ||
    (typeof require === "function" ? require("./fiches-map-core.js") : null);
  var api = factory(root.L, core);
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.FicheMap = api;
  }
})(typeof self !== "undefined" ? self : this, function (L, Core) {
  "use strict";

  /** One map and its parts; ``config``: see ``map_folium.base_map``. */
  function FicheMapFrame(map, config, options) {
    var self = this;
    options = options || {};
    this.map = map;
    this.config = config;
    this.contract = new Core.MapContract(config.contract);
    this.json = options.json || new Core.JsonCache(options.fetch);
    this.drawn = null;
    var fetchJson = function (url) { return self.json.get(url); };
    // start fetching the dataset now: the first view is evaluated later
    if (config.dataset) { this.json.get(config.dataset).catch(function () {}); }

    document.documentElement.lang = "fr";
    try {
      if (window.frameElement) { window.frameElement.title = config.contract.frame_title; }
    } catch (e) { /* a frame of another site: its title is not ours to set */ }
    if (config.images) { L.Icon.Default.imagePath = config.images; }
    this._pane("background", 350);  // above tiles, below the actions' areas
    this._pane("labels", 450);  // above areas, below markers and tooltips

    this.notice = new L.Control.FicheNotice().addTo(map);
    this.basemaps = new L.FicheBasemaps(config.basemaps, config.basemap, this.notice).addTo(map);
    this.recenterControl = new L.Control.FicheRecenter().addTo(map);
    L.ficheControlNames(map.getContainer());
    this.viewSync = new L.FicheViewSync(map, this.contract, {window: options.window});
    this.recenterControl.on("recenter", function () { self.viewSync.recenter(); });
    this.markers = new L.FicheMarkers(map, {
      contract: this.contract,
      isOffline: function () { return self.basemaps.isOffline(); },
      onGesture: function () { self.viewSync.markGesture(); },
      onSettle: function () { self.names.schedule(); }
    });
    this.names = new L.FichePlaceNames({
      fetchJson: fetchJson,
      obstacles: function (m) { return self.markers.obstacleBoxes(m); }
    }).addTo(map);
    this.outlines = new L.FicheCommuneOutlines({
      fetchJson: fetchJson, style: config.outlineStyle
    }).addTo(map);
    this.background = new L.FicheBackground(config.background).addTo(map);
    this.legend = new L.Control.FicheLegend();
    this.legend.on("toggle", function () { self.names.schedule(); });  // its box changed
  }

  FicheMapFrame.prototype._pane = function (name, zIndex) {
    this.map.createPane(name);
    this.map.getPane(name).style.zIndex = zIndex;
    this.map.getPane(name).style.pointerEvents = "none";
  };

  /** Draw a rerun's view into ``group`` (a new layer group each rerun), now if the
   *  dataset is here, else once it is fetched. */
  FicheMapFrame.prototype.draw = function (group, view) {
    var self = this;
    if (view.data) { this.json.put(view.url, view.data); }
    var ds = this.json.peek(view.url);
    if (ds) {
      this.render(group, view, ds);
    } else {
      this.json.get(view.url).then(function (loaded) { self.render(group, view, loaded); });
    }
  };

  FicheMapFrame.prototype.render = function (group, view, ds) {
    ds.__url = view.url;
    this.background.setDataset(ds);
    var bits = Core.decodeBitmap(view.visible);
    var bounds = L.latLngBounds([]);

    var areas = new L.FicheAreas({colors: ds.colors, contract: this.contract});
    view.areas.forEach(function (a) {
      var geometry = ds.deps[a[0]];
      if (geometry) { areas.addArea(geometry, "d" + a[0], a[1], a[2], a[3]); }
    });
    areas.addTo(group);
    if (view.areas.length) { bounds.extend(areas.getBounds()); }

    // places known only to their commune: the commune's outline (and a handle, a marker)
    var communes = new L.FicheAreas({colors: ds.colors, contract: this.contract,
                                     look: "commune"});
    (view.communes || []).forEach(function (h) {
      var entry = ds.communes[h[0]];
      if (entry) { communes.addArea(entry[0], "c" + h[0], h[1], h[2], h[3]); }
    });
    communes.addTo(group);

    var shown = this.markers.draw(group, ds, view, bits);
    if (shown.communes) { bounds.extend(communes.getBounds()); }
    bounds.extend(shown.bounds);

    // names: a commune cited by a visible fiche wins over the others
    var cited = {};
    Object.keys(ds.cited || {}).forEach(function (code) {
      if (ds.cited[code].some(function (i) { return Core.isSet(bits, i); })) { cited[code] = true; }
    });
    this.names.setDataset(ds);
    this.names.setEmphasis(cited, shown.outlined);
    this.outlines.setDataset(ds);

    var visible = bounds.isValid() ? bounds : null;
    this.drawn = {
      draws: (this.drawn ? this.drawn.draws : 0) + 1,
      points: shown.points,
      communes: shown.communes,
      actions: shown.actions,
      areas: view.areas.length,
      zones: shown.zones,
      bounds: visible ? [[visible.getSouth(), visible.getWest()],
                         [visible.getNorth(), visible.getEast()]] : null
    };
    this.viewSync.drawn(visible, view.fit);
    this.legend.update(view, shown.hasZones, shown.communes > 0);
    if (!this.legend._map) { this.legend.addTo(this.map); }
    this.names.schedule();
  };

  /** For the browser tests: whether names were placed for the current view, and each
   *  group shown with its members' positions. */
  FicheMapFrame.prototype.labelsSettled = function () {
    return this.names.isSettled() && !this.markers.animating();
  };

  // ---- the frame's API (one map per streamlit-folium iframe) --------------------------

  var frame = null;  // the FicheMapFrame of this iframe's map
  var contract = null;  // for the pure helpers below (configure: the unit tests)

  function configure(shared) {
    contract = new Core.MapContract(shared);
  }

  function init(map, config) {
    configure(config.contract);
    frame = new FicheMapFrame(map, config);
    return frame;
  }

  function draw(group, map, view) {
    frame.draw(group, view);
  }

  return {
    // pure helpers
    decodeBitmap: Core.decodeBitmap, isSet: Core.isSet,
    countActions: Core.countActions, actionsLabel: Core.actionsLabel,
    legendItems: Core.legendItems, textOf: Core.textOf, configure: configure,
    roundZoom: function (z) { return contract.roundZoom(z); },
    withView: function (href, view) { return contract.withView(href, view); },
    linkWithView: function (href, view) { return contract.linkWithView(href, view); },
    clickText: function (title, ref, stamp) { return contract.clickText(title, ref, stamp); },
    // Leaflet
    Frame: FicheMapFrame,
    init: init, draw: draw,
    link: function () { return frame.viewSync.link(); },
    view: function () { return frame ? frame.viewSync.view() : null; },
    chosen: function () { return frame ? frame.viewSync.chosenView() : null; },
    drawn: function () { return frame ? frame.drawn : null; },
    labelsSettled: function () { return !!(frame && frame.labelsSettled()); },
    clusters: function () { return frame ? frame.markers.clusters() : []; },
    labelsPlaced: function () { return frame ? frame.names.placed : 0; }
  };
});
