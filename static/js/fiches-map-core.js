/* The fiches map's pure helpers: no Leaflet and no DOM, so node can test them as they are.
 *
 * The data Python sends (the visible-fiche bitmap, the legend), the words for counts, the
 * link of a view and the click text (`MapContract`, from fiches/map_contract.json), and a
 * cache of fetched JSON files. Loaded before the map's Leaflet parts (static/js/fiches-map-
 * *.js), which find it as `FicheMapCore`.
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.FicheMapCore = api;
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var CLUSTER_COLOR = "#4a5563";  // neutral: clusters are not a thème or a bailleur
  var AREA_NOTE = "#eef1f4";  // fill of départements without an action at that level

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

  /** The text of a title escaped by Python (``html.escape``: five entities only). */
  function textOf(escaped) {
    return String(escaped).replace(/&(amp|lt|gt|quot|#x27);/g, function (m, name) {
      return {amp: "&", lt: "<", gt: ">", quot: "\"", "#x27": "'"}[name];
    });
  }

  /** A click's nonce: a second click on the same thing is reported again. */
  function nonce() {
    return Date.now().toString(36);
  }

  /** The constants shared with Python (fiches/map_contract.json) and what follows from
   *  them: zoom steps, the view in an address, the text a click reports. */
  function MapContract(shared) {
    this.shared = shared;
  }

  /** Zoom levels travel in the map's steps (its zoomSnap). */
  MapContract.prototype.roundZoom = function (z) {
    return Math.round(z / this.shared.zoom_step) * this.shared.zoom_step;
  };

  /** ``href`` with the map's centre and zoom in it, or without them when ``view`` is null. */
  MapContract.prototype.withView = function (href, view) {
    var url = new URL(href);
    var names = this.shared.position_params;  // lat, lon, z
    var decimals = this.shared.position_decimals;
    if (view) {
      url.searchParams.set(names[0], view.lat.toFixed(decimals));
      url.searchParams.set(names[1], view.lon.toFixed(decimals));
      url.searchParams.set(names[2], String(this.roundZoom(view.z)));
    } else {
      names.forEach(function (k) { url.searchParams.delete(k); });
    }
    return url.toString();
  };

  /** The address of the view as displayed: the page's URL with the map's centre/zoom,
   *  without Streamlit's embedding parameters. */
  MapContract.prototype.linkWithView = function (href, view) {
    var url = new URL(this.withView(href, view));
    this.shared.embed_params.forEach(function (k) { url.searchParams.delete(k); });
    return url.toString();
  };

  /** The text reported for a click: the shown title, then a hidden reference that
   *  Python reads (`#12.<nonce>` for fiche 12, `#d36.<nonce>` for an area). */
  MapContract.prototype.clickText = function (title, ref, stamp) {
    var t = this.shared.click_text;
    return title + t.prefix + ref + t.separator + (stamp || nonce()) + t.suffix;
  };

  /** JSON files fetched once each (the dataset, the names and outlines of closer zooms);
   *  ``peek`` gives a file already here, so that a rerun draws without waiting. */
  function JsonCache(fetchImpl) {
    this._fetch = fetchImpl || function (url) { return fetch(url); };
    this._pending = {};
    this._values = {};
  }

  JsonCache.prototype.get = function (url) {
    var self = this;
    if (!this._pending[url]) {
      this._pending[url] = this._fetch(url).then(function (r) {
        if (!r.ok) { throw new Error(url + ": " + r.status); }
        return r.json();
      }).then(function (value) {
        self._values[url] = value;
        return value;
      });
    }
    return this._pending[url];
  };

  JsonCache.prototype.peek = function (url) {
    return this._values[url];
  };

  JsonCache.prototype.put = function (url, value) {
    this._values[url] = value;
  };

  return {
    CLUSTER_COLOR: CLUSTER_COLOR, AREA_NOTE: AREA_NOTE,
    decodeBitmap: decodeBitmap, isSet: isSet, countActions: countActions,
    actionsLabel: actionsLabel, legendItems: legendItems, textOf: textOf, nonce: nonce,
    MapContract: MapContract, JsonCache: JsonCache
  };
});
