/* The fiches map's controls: legend, notice, « Recentrer », basemaps and their switcher.
 *
 * Leaflet classes, each holding its own state: `L.Control.FicheLegend`,
 * `L.Control.FicheNotice`, `L.Control.FicheRecenter`, `L.FicheBasemaps`, and
 * `L.ficheControlNames` (the French names of Leaflet's own buttons). Text is set with
 * textContent; nothing here reads fiche text as HTML.
 */
(function (L, Core) {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var FAILED_TILES = 4;  // failed tiles before an online basemap is given up
  var TILES_FAILED = "Fond de carte en ligne injoignable : retour aux contours.";

  function controlBox(className) {
    var div = L.DomUtil.create("div", className);
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
  }

  /** The legend: a button that opens the list of what each colour and shape means. It
   *  stays open or closed across reruns; fires ``toggle`` (names move around its box). */
  L.Control.FicheLegend = L.Control.extend({
    includes: L.Evented.prototype,
    options: {position: "bottomleft"},

    initialize: function (options) {
      L.setOptions(this, options);
      this._open = false;
    },

    onAdd: function () {
      var div = controlBox("fiche-legend");
      this._toggle = document.createElement("button");
      this._toggle.type = "button";
      this._list = document.createElement("ul");
      L.DomEvent.on(this._toggle, "click", this._flip, this);
      div.appendChild(this._toggle);
      div.appendChild(this._list);
      this._show();
      return div;
    },

    /** Say what this view shows (Python's view: legend title and entries, areas). */
    update: function (view, hasZones, hasCommunes) {
      this._title = "Légende : " + view.legendTitle.toLowerCase();
      this._items = Core.legendItems(view, hasZones, hasCommunes);
      if (this._list) { this._show(); }
      return this;
    },

    isOpen: function () {
      return this._open;
    },

    _flip: function () {
      this._open = !this._open;
      this._show();
      this.fire("toggle", {open: this._open});
    },

    _show: function () {
      this._toggle.setAttribute("aria-expanded", this._open ? "true" : "false");
      this._toggle.textContent = this._title || "Légende";
      this._list.hidden = !this._open;
      var list = this._list;
      list.textContent = "";
      (this._items || []).forEach(function (item) {
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
    }
  });

  /** A line of text in the map (role=status: read out when it changes). */
  L.Control.FicheNotice = L.Control.extend({
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
    },

    text: function () {
      return this._div ? this._div.textContent : "";
    }
  });

  /** « Recentrer » (⌖): fires ``recenter``; the map's view sync frames the actions. */
  L.Control.FicheRecenter = L.Control.extend({
    includes: L.Evented.prototype,
    options: {position: "topleft", title: "Recentrer sur les actions affichées"},

    onAdd: function () {
      var div = controlBox("leaflet-bar fiche-control");
      var a = L.DomUtil.create("a", "fiche-recenter", div);
      a.href = "#";
      a.setAttribute("role", "button");
      a.title = this.options.title;
      a.setAttribute("aria-label", a.title);
      var svg = document.createElementNS(SVG, "svg");
      svg.setAttribute("viewBox", "0 0 24 24");
      svg.setAttribute("width", "18");
      svg.setAttribute("height", "18");
      svg.setAttribute("aria-hidden", "true");
      var path = document.createElementNS(SVG, "path");
      path.setAttribute("d", "M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8zm8.94 3A9 9 0 0 0 13 3.06V1h-2" +
        "v2.06A9 9 0 0 0 3.06 11H1v2h2.06A9 9 0 0 0 11 20.94V23h2v-2.06A9 9 0 0 0 20.94 13H23v-2" +
        "h-2.06zM12 19a7 7 0 1 1 0-14 7 7 0 0 1 0 14z");
      svg.appendChild(path);
      a.appendChild(svg);
      L.DomEvent.on(a, "click", function (e) {
        L.DomEvent.preventDefault(e);
        this.fire("recenter");
      }, this);
      return div;
    }
  });

  /** The names of the zoom and layer controls, in French. */
  L.ficheControlNames = function (container) {
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
  };

  /** The basemaps (``[key, label, tile URL or null, attribution]``; the first without a
   *  URL is the offline contours) and their switcher. An online basemap that fails
   *  ``FAILED_TILES`` tiles in a row gives up: the offline contours come back and
   *  ``notice`` says so. Nothing is requested until a person picks an online one. */
  L.FicheBasemaps = L.Class.extend({
    options: {position: "topright"},

    initialize: function (basemaps, chosen, notice, options) {
      L.setOptions(this, options);
      var self = this;
      this.layers = {};
      this.offline = null;
      this._notice = notice;
      this._first = null;
      basemaps.forEach(function (b) {
        var layer = b[2] ? L.tileLayer(b[2], {attribution: b[3], maxZoom: 18}) : L.layerGroup();
        self.layers[b[1]] = layer;
        if (!b[2] && !self.offline) { self.offline = layer; }
        if (b[0] === chosen) { self._first = layer; }
      });
      this._first = this._first || this.layers[basemaps[0][1]];
    },

    addTo: function (map) {
      var self = this;
      this._map = map;
      Object.keys(this.layers).forEach(function (name) {
        if (self.layers[name] !== self.offline) { self._watch(self.layers[name]); }
      });
      this._first.addTo(map);
      this.control = L.control.layers(this.layers, null,
                                      {position: this.options.position, collapsed: true});
      this.control.addTo(map);
      return this;
    },

    /** Whether the offline contours are shown (groups then zoom no closer than z 13). */
    isOffline: function () {
      return !this.offline || this._map.hasLayer(this.offline);
    },

    _watch: function (layer) {
      var map = this._map;
      var offline = this.offline;
      var notice = this._notice;
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
  });
  L.FicheBasemaps.FAILED_TILES = FAILED_TILES;
  L.FicheBasemaps.TILES_FAILED = TILES_FAILED;
})(window.L, window.FicheMapCore);
