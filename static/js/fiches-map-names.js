/* Place names on the fiches map: `L.FichePlaceNames`, a layer that measures and writes the
 * names FicheLabels (static/js/fiches-labels.js, pure geometry) chooses, again after every
 * zoom and move. The names of the first views come with the dataset; the others are
 * fetched the first time the map is zoomed that far.
 *
 * Options: ``fetchJson(url)`` (a promise of the file) and ``obstacles(map)`` (boxes, in map
 * pixels, that no name may cover: the markers' layer gives them).
 */
(function (L, Core, FicheLabels) {
  "use strict";

  function labelElement(css, name) {
    var el = document.createElement("div");
    el.className = "place-label place-label-" + css;
    var span = document.createElement("span");
    span.textContent = name;
    el.appendChild(span);
    return el;
  }

  /** The boxes of the map's controls (map pixels): names keep clear of them too. */
  function controlBoxes(map) {
    var out = [];
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

  L.FichePlaceNames = L.Layer.extend({
    options: {
      fetchJson: null,
      obstacles: function () { return []; }
    },

    initialize: function (options) {
      L.setOptions(this, options);
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

    /** The dataset's names (``ds.labels``, ``ds.labelsMore`` from ``ds.labelsMoreZoom``). */
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

    /** Names placed for the current view and shown (not hidden by a zoom under way). */
    isSettled: function () {
      return !!(this.settled && this._el && this._el.style.visibility !== "hidden");
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

    _hide: function () {
      this.settled = false;
      if (this._el) { this._el.style.visibility = "hidden"; }
    },

    _loadMore: function () {
      var self = this;
      var ds = this._ds;
      if (this._more || !ds.labelsMore) { return; }
      this._more = true;
      this._pending++;
      this.options.fetchJson(ds.labelsMore).then(function (rows) {
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

    /** The names this zoom offers inside the view, with their kind and anchor. */
    _offered: function () {
      var map = this._map;
      var ds = this._ds;
      var z = map.getZoom();
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
                    name: Core.textOf(row[0]), key: css + "|" + row[0], population: row[4]});
      });
      return items;
    },

    _update: function () {
      var map = this._map;
      var ds = this._ds;
      if (!map || !ds) { return; }
      if (map.getZoom() > ds.labelsMoreZoom - 0.5) { this._loadMore(); }
      var size = map.getSize();
      var items = this._offered();
      this._measure(items);
      var sizes = this._sizes;
      var candidates = items.map(function (it) {
        var p = map.latLngToContainerPoint([it.lat, it.lon]);
        var wh = sizes[it.key];
        return {id: it, rank: FicheLabels.rank(it.kind, it.population), x: p.x, y: p.y,
                w: wh[0], h: wh[1], shape: it.shape};
      });
      var obstacles = this.options.obstacles(map).concat(controlBoxes(map));
      var kept = FicheLabels.place(candidates, obstacles, FicheLabels.box(0, 0, size.x, size.y));
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
  });
})(window.L, window.FicheMapCore, window.FicheLabels);
