/* The fiches map's view and the page's address: `L.FicheViewSync`.
 *
 * The map frames the actions shown (on the first view and after each filter) until the
 * person chooses a view: a gesture (drag, wheel, keys, a zoom into a group) followed by a
 * move. From then on the view is theirs: it is never framed again until « Recentrer », and
 * every move is written into the address bar of the page (same-origin parent), without a
 * rerun and without a history entry. A framed view stays out of the address, so the next
 * filter frames again.
 */
(function (L) {
  "use strict";

  var GESTURES = ["mousedown", "touchstart", "wheel", "keydown", "dblclick"];

  L.FicheViewSync = L.Class.extend({
    options: {
      padding: [24, 24],
      maxZoom: 13,
      window: null  // the frame's window (default: the current one)
    },

    /** ``contract``: a ``FicheMapCore.MapContract`` (names and rounding of lat/lon/z). */
    initialize: function (map, contract, options) {
      L.setOptions(this, options);
      this._map = map;
      this._contract = contract;
      this._window = this.options.window || window;
      this.gesture = false;
      this.chosen = false;
      this.fitting = false;
      this.bounds = null;  // the actions shown, framed by fit() and « Recentrer »
      var self = this;
      var container = map.getContainer();
      GESTURES.forEach(function (type) {
        container.addEventListener(type, function () { self.gesture = true; },
                                   {passive: true, capture: true});
      });
      map.on("moveend", this._onMoveEnd, this);
      // streamlit-folium applies the view the server set (a link's, « Voir sur la carte »)
      // with ``map.setView(center, zoom)``, animated; Leaflet drops a zoom asked during a
      // zoom animation, so a « + » pressed while the map moved there was lost. A view
      // set from outside (no options: Leaflet's own calls always pass them) is shown at once;
      // during a zoom animation, once it ends (its end would put back the zoom it animates).
      var setView = map.setView;
      map.setView = function (center, zoom, viewOptions) {
        if (arguments.length >= 3) { return setView.call(this, center, zoom, viewOptions); }
        if (this._animatingZoom) {
          this.once("zoomend", function () { setView.call(map, center, zoom, {animate: false}); });
          return this;
        }
        return setView.call(this, center, zoom, {animate: false});
      };
    },

    /** The displayed centre and zoom (zoom in the map's steps). */
    view: function () {
      var c = this._map.getCenter();
      return {lat: c.lat, lon: c.lng, z: this._contract.roundZoom(this._map.getZoom())};
    },

    /** The person's view, or null while the map frames the actions itself. */
    chosenView: function () {
      return this.chosen ? this.view() : null;
    },

    /** The address of what is shown (the page's « Copier le lien »). */
    link: function () {
      var w = this._parent();
      var href = w ? w.location.href : this._window.location.href;
      return this._contract.linkWithView(href, this.view());
    },

    /** A move that follows is the person's (a zoom into a group, as a drag would be). */
    markGesture: function () {
      this.gesture = true;
    },

    /** After a draw: frame ``bounds`` when asked and the view is not the person's, and
     *  write the person's view back (the server's query does not hold it). */
    drawn: function (bounds, fit) {
      this.bounds = bounds;
      if (fit && bounds && !this.chosen) { this.fit(bounds); }
      if (this.chosen) { this.writeToUrl(false); }
    },

    /** « Recentrer »: the view is no longer the person's; frame the actions shown. */
    recenter: function () {
      this.chosen = false;
      this.writeToUrl(true);
      this.fit(this.bounds);
    },

    fit: function (bounds) {
      if (!bounds || !bounds.isValid()) { return; }
      this.fitting = true;
      this.gesture = false;
      try {
        this._map.fitBounds(bounds, {padding: this.options.padding,
                                     maxZoom: this.options.maxZoom, animate: false});
      } finally {
        this.fitting = false;
      }
    },

    /** Put the displayed view (or, with ``clear``, no view) in the address bar. */
    writeToUrl: function (clear) {
      var w = this._parent();
      if (!w) { return; }
      var v = clear ? null : this.view();
      w.history.replaceState(w.history.state, "", this._contract.withView(w.location.href, v));
    },

    _onMoveEnd: function () {
      // Only a view the person chose goes into the address bar: a fitted view, or a move
      // caused by the page (the frame's resize), leaves the map free to frame the next filter.
      if (this.gesture && !this.fitting) { this.chosen = true; }
      if (this.chosen && !this.fitting) { this.writeToUrl(false); }
      this.gesture = false;
    },

    _parent: function () {
      try {
        var parent = this._window.parent;
        return parent.location.href ? parent : null;
      } catch (e) {
        return null;  // a frame of another site: its address is not ours to read
      }
    }
  });
})(window.L);
