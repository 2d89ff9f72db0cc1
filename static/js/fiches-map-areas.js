/* Areas of the fiches map: what is drawn as an outline rather than a point.
 *
 * `L.FicheBackground`: the regions', départements' and communes' contours under the
 * actions, once per dataset. `L.FicheCommuneOutlines`: every commune's outline from about
 * z 10.5, fetched then, once. `L.FicheAreas`: clickable outlines of actions (a département,
 * or a commune for a place known only to its commune), named and reachable by keyboard;
 * their click reports a reference through the map's contract (see fiches-map-core.js).
 */
(function (L, Core) {
  "use strict";

  /** The contours under the actions; ``layers``: ``[kind, style]`` bottom first (Python's
   *  ``map_folium.BACKGROUND_LAYERS``), drawn from ``ds.deps`` and ``ds.background``. */
  L.FicheBackground = L.LayerGroup.extend({
    initialize: function (layers, options) {
      L.LayerGroup.prototype.initialize.call(this, [], options);
      this._kinds = layers || [];
      this._url = null;
    },

    setDataset: function (ds) {
      if (this._url === ds.__url) { return this; }
      this._url = ds.__url;
      this.clearLayers();
      var self = this;
      this._kinds.forEach(function (entry) {
        var kind = entry[0];
        var geometries = kind === "departement" ? Object.keys(ds.deps).map(function (code) {
          return ds.deps[code];
        }) : (ds.background[kind] || []);
        L.geoJSON({type: "FeatureCollection", features: geometries.map(function (g) {
          return {type: "Feature", geometry: g, properties: {}};
        })}, {style: entry[1], interactive: false, pane: "background"}).addTo(self);
      });
      return this;
    }
  });

  /** Every commune's outline (``ds.outlines``, a GeoJSON file) from ``ds.outlinesZoom``. */
  L.FicheCommuneOutlines = L.Layer.extend({
    options: {fetchJson: null, style: null},

    initialize: function (options) {
      L.setOptions(this, options);
    },

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

    isShown: function () {
      return !!(this._layer && this._map && this._map.hasLayer(this._layer));
    },

    _check: function () {
      var map = this._map;
      var ds = this._ds;
      if (!map || !ds || !ds.outlines) { return; }
      var shown = map.getZoom() >= ds.outlinesZoom;
      if (shown && !this._layer && !this._loading) {
        var self = this;
        this._loading = true;
        this.options.fetchJson(ds.outlines).then(function (fc) {
          self._layer = L.geoJSON(fc, {
            style: self.options.style, interactive: false, pane: "background",
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
  });

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

  var LOOKS = {
    departement: function (c, selected) {
      return {color: c, weight: selected ? 3 : 1.5, fillColor: c,
              fillOpacity: selected ? 0.35 : 0.18};
    },
    commune: function (c, selected) {
      return {color: c, weight: selected ? 3.5 : 2.5, fillColor: c,
              fillOpacity: selected ? 0.3 : 0.14};
    }
  };

  /** Clickable outlines of actions. Options: ``colors`` (the dataset's palette),
   *  ``contract`` (a ``FicheMapCore.MapContract``), ``look`` (``departement`` or
   *  ``commune``). Each area's tooltip is its escaped title and hidden reference; the
   *  reference gets a new nonce before any click handler runs (see `L.FicheMarker`). */
  L.FicheAreas = L.GeoJSON.extend({
    options: {colors: [], contract: null, look: "departement"},

    initialize: function (options) {
      var self = this;
      L.setOptions(this, options);
      var look = LOOKS[this.options.look];
      L.GeoJSON.prototype.initialize.call(this, null, {
        style: function (f) { return look(self.options.colors[f.properties.c], f.properties.s); },
        onEachFeature: function (f, layer) { self._hook(f, layer); }
      });
    },

    /** One area: ``ref`` is what a click reports, ``title`` escaped by Python, ``color``
     *  an index in ``colors``, ``selected`` whether its fiche is open. */
    addArea: function (geometry, ref, title, color, selected) {
      return this.addData({type: "Feature", geometry: geometry,
                           properties: {ref: ref, t: title, c: color, s: selected}});
    },

    _hook: function (f, layer) {
      var contract = this.options.contract;
      var title = f.properties.t;
      var ref = f.properties.ref;
      layer.bindTooltip(contract.clickText(title, ref), {sticky: true, direction: "auto"});
      var fire = layer.fire;
      layer.fire = function (type, data, propagate) {
        if (type === "click") { layer.setTooltipContent(contract.clickText(title, ref)); }
        return fire.call(layer, type, data, propagate);
      };
      layer.on("add", function () { accessibleArea(layer, Core.textOf(title)); });
    }
  });
})(window.L, window.FicheMapCore);
