/* Place names on the fiches map: which names to write and where, as pure box geometry.
 *
 * Every name is a candidate with a rank (lower is more important), an anchor on the screen
 * and the size of its text; each obstacle (a pin, a cluster, a commune's handle, a map
 * control) is a box. `place` keeps the candidates in rank order and gives each the first of
 * its positions that stays inside the map and touches no obstacle and no name already
 * kept; a name with no such position is not written. No DOM and no Leaflet here: the map
 * (static/js/fiches-map.js) measures and draws, tests/js/ checks the rules with node.
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.FicheLabels = api;
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  // Which name wins a collision, most important first (the order).
  var KIND_ORDER = ["cited", "prefecture", "commune", "departement", "region"];
  var DOT = 6;  // size of the dot that marks a town's position (px)
  var GAP = 3;  // between the dot and the text, and around obstacles (px)
  var PIN = 16;  // from a point to a name written clear of the pin on it (px)

  /** Rank of a name: its kind first, then (communes) the larger population first. */
  function rank(kind, population) {
    var k = KIND_ORDER.indexOf(kind);
    if (k < 0) { k = KIND_ORDER.length; }
    return k * 1e8 + (1e8 - 1 - Math.min(Math.max(population || 0, 0), 1e8 - 1));
  }

  function box(x0, y0, x1, y1) {
    return {x0: x0, y0: y0, x1: x1, y1: y1};
  }

  function overlaps(a, b) {
    return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
  }

  function inside(a, frame) {
    return a.x0 >= frame.x0 && a.y0 >= frame.y0 && a.x1 <= frame.x1 && a.y1 <= frame.y1;
  }

  function grow(a, by) {
    return box(a.x0 - by, a.y0 - by, a.x1 + by, a.y1 + by);
  }

  /** The sides a name may take, in order of preference. A town's name is written beside
   *  its dot; an area's name (département, region, an outlined commune) over its point,
   *  or a line above or below it when something sits there (a préfecture, a handle). */
  var SIDES = {
    dot: ["right", "left", "top", "bottom"],
    // a town whose dot is under a pin (a quartier of the town): the name above or below it
    covered: ["right2", "left2", "above2", "below2"],
    area: ["center", "above", "below", "above2", "below2", "east", "west"]
  };

  /** The text box of a name of size ``w``×``h`` at ``side`` of the anchor ``x``, ``y``,
   *  and (for a town) the dot's box. */
  function layout(x, y, w, h, side) {
    var r = DOT / 2;
    var dot = box(x - r, y - r, x + r, y + r);
    switch (side) {
      case "right": return {text: box(x + r + GAP, y - h / 2, x + r + GAP + w, y + h / 2), dot: dot};
      case "left": return {text: box(x - r - GAP - w, y - h / 2, x - r - GAP, y + h / 2), dot: dot};
      case "top": return {text: box(x - w / 2, y - r - GAP - h, x + w / 2, y - r - GAP), dot: dot};
      case "bottom": return {text: box(x - w / 2, y + r + GAP, x + w / 2, y + r + GAP + h), dot: dot};
      case "above": return {text: box(x - w / 2, y - 1.5 * h, x + w / 2, y - 0.5 * h), dot: null};
      case "below": return {text: box(x - w / 2, y + 0.5 * h, x + w / 2, y + 1.5 * h), dot: null};
      case "right2": return {text: box(x + PIN, y - h / 2, x + PIN + w, y + h / 2), dot: null};
      case "left2": return {text: box(x - PIN - w, y - h / 2, x - PIN, y + h / 2), dot: null};
      case "east": return {text: box(x + 0.1 * w, y - h / 2, x + 1.1 * w, y + h / 2), dot: null};
      case "west": return {text: box(x - 1.1 * w, y - h / 2, x - 0.1 * w, y + h / 2), dot: null};
      case "above2": return {text: box(x - w / 2, y - 2.5 * h, x + w / 2, y - 1.5 * h), dot: null};
      case "below2": return {text: box(x - w / 2, y + 1.5 * h, x + w / 2, y + 2.5 * h), dot: null};
      default: return {text: box(x - w / 2, y - h / 2, x + w / 2, y + h / 2), dot: null};
    }
  }

  /** A uniform grid of kept boxes, so that a test costs the few boxes nearby. */
  function Grid(cell) {
    this.cell = cell;
    this.cells = {};
  }
  Grid.prototype.keys = function (b) {
    var out = [];
    for (var i = Math.floor(b.x0 / this.cell); i <= Math.floor(b.x1 / this.cell); i++) {
      for (var j = Math.floor(b.y0 / this.cell); j <= Math.floor(b.y1 / this.cell); j++) {
        out.push(i + ":" + j);
      }
    }
    return out;
  };
  Grid.prototype.add = function (b) {
    var cells = this.cells;
    this.keys(b).forEach(function (k) { (cells[k] = cells[k] || []).push(b); });
  };
  Grid.prototype.hits = function (b) {
    var keys = this.keys(b);
    for (var k = 0; k < keys.length; k++) {
      var list = this.cells[keys[k]];
      if (!list) { continue; }
      for (var i = 0; i < list.length; i++) {
        if (overlaps(b, list[i])) { return true; }
      }
    }
    return false;
  };

  /** Choose the names to write. ``candidates``: ``{id, rank, x, y, w, h, shape}`` (shape
   *  ``dot`` or ``area``; ``x``, ``y`` in map pixels); ``obstacles``: boxes; ``frame``: the
   *  map's box. Returns ``{id, side, text, dot}`` for the kept names, in rank order. */
  function place(candidates, obstacles, frame) {
    var grid = new Grid(64);
    var icons = new Grid(64);
    obstacles.forEach(function (o) { grid.add(grow(o, GAP)); icons.add(grow(o, GAP)); });
    var order = candidates.slice().sort(function (a, b) { return a.rank - b.rank; });
    var kept = [];
    order.forEach(function (c) {
      var sides = SIDES[c.shape] || SIDES.area;
      if (c.shape === "dot") {
        // a town is named only while its position is in the map
        if (!inside(box(c.x, c.y, c.x, c.y), frame)) { return; }
        if (icons.hits(layout(c.x, c.y, 0, 0, "right").dot)) { sides = SIDES.covered; }
      }
      for (var s = 0; s < sides.length; s++) {
        var l = layout(c.x, c.y, c.w, c.h, sides[s]);
        if (!inside(l.text, frame) || (l.dot && !inside(l.dot, frame))) { continue; }
        if (grid.hits(l.text) || (l.dot && grid.hits(l.dot))) { continue; }
        grid.add(grow(l.text, 1));  // a pixel between names: widths are measured rounded
        if (l.dot) { grid.add(grow(l.dot, 1)); }
        kept.push({id: c.id, side: sides[s], text: l.text, dot: l.dot});
        return;
      }
    });
    return kept;
  }

  return {
    KIND_ORDER: KIND_ORDER, rank: rank, box: box, overlaps: overlaps, inside: inside,
    layout: layout, place: place
  };
});
