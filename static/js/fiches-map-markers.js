/* Markers of the fiches map: pins, commune handles, approximate zones, and their groups.
 *
 * `L.FicheMarker`: a marker whose tooltip (escaped title + hidden reference) is bound on
 * first use and renewed before every click. `L.FicheMarkers`: what one view draws with
 * Leaflet.markercluster (groups count actions, not places), the keyboard on groups and
 * pins, the zoom into a group, and the boxes of everything drawn (for the place names).
 */
(function (L, Core) {
  "use strict";

  var OFFLINE_MAX_CLUSTER_ZOOM = 13;  // the contours say nothing closer in

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
    var n = Core.countActions(markersFiches(cluster.getAllChildMarkers()));
    var size = n < 10 ? 34 : n < 100 ? 40 : 46;
    // the visible number, and a name for screen readers (Enter zooms in)
    return L.divIcon({
      className: "fiche-cluster",
      html: "<span aria-hidden=\"true\">" + n + "</span><span class=\"fiche-sr\">Groupe de " +
            Core.actionsLabel(n) + ", zoomer</span>",
      iconSize: [size, size]
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

  /** The zoom at which a group shows more than one thing (MarkerCluster's levels). */
  function separationZoom(c, maxZoom) {
    while (c._markers.length === 0 && c._childClusters.length === 1 && c._zoom < maxZoom) {
      c = c._childClusters[0];
    }
    return c._zoom + 1;
  }

  /** A marker whose tooltip is bound on first use (hover, focus or click), not up front: at
   *  10,000 fiches binding every tooltip is most of the drawing time. The tooltip is
   *  (re)written before any click handler runs, streamlit-folium's included, with a new
   *  nonce so that a second click on the same pin is reported again. Options: ``ref``
   *  (what Python reads back: a fiche's position, ``c<code>`` for a commune's handle),
   *  ``ficheTitle`` (escaped by Python), ``contract`` (a ``FicheMapCore.MapContract``). */
  L.FicheMarker = L.Marker.extend({
    initialize: function (latlng, options) {
      L.Marker.prototype.initialize.call(this, latlng, options);
      this.ref = this.options.ref;
      this.ficheTitle = this.options.ficheTitle;
    },

    fire: function (type, data, propagate) {
      if (type === "click" || type === "mouseover" || type === "focus") {
        var text = this.options.contract.clickText(this.ficheTitle, this.ref);
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
  });

  /** The markers of the current view, redrawn on every rerun. Options: ``contract``;
   *  ``isOffline()`` (groups zoom no closer than z 13 on the offline contours);
   *  ``onGesture()`` (a zoom into a group is the person's, as a drag would be);
   *  ``onSettle()`` (groups ended an animation or spread out: names move). */
  L.FicheMarkers = L.Class.extend({
    options: {
      contract: null,
      isOffline: function () { return true; },
      onGesture: function () {},
      onSettle: function () {}
    },

    initialize: function (map, options) {
      L.setOptions(this, options);
      this._map = map;
      this.cluster = null;
      var container = map.getContainer();
      // A mouse press on a pin must not move the focus: focusing an element inside the
      // frame makes the browser scroll the page, which moves the pin from under the pointer
      // before the button is released (the click is then lost). Tab still focuses pins.
      container.addEventListener("mousedown", function (e) {
        if (e.target.closest && e.target.closest(".leaflet-marker-icon")) { e.preventDefault(); }
      }, true);
      // Enter or Space on a focused group zooms into it; Space on a pin opens it as Enter does
      container.addEventListener("keydown", L.bind(this._onKeydown, this));
    },

    /** Draw a view into ``group``: pins of visible fiches (``bits``), their zones, and the
     *  handles of places known only to their commune. Returns what was drawn. */
    draw: function (group, ds, view, bits) {
      var self = this;
      var contract = this.options.contract;
      var bounds = L.latLngBounds([]);
      var handles = [];
      var outlined = {};
      (view.communes || []).forEach(function (h) {
        var entry = ds.communes[h[0]];
        if (!entry) { return; }
        outlined[h[0]] = entry[1];
        var title = Core.textOf(h[1]);
        var m = new L.FicheMarker(entry[1], {
          icon: handleIcon(ds.colors[h[2]], !!h[3], h[4]), keyboard: true, riseOnHover: true,
          title: title, alt: title, autoPanOnFocus: false,
          ref: "c" + h[0], ficheTitle: h[1], contract: contract
        });
        m.fiches = entry[2].filter(function (i) { return Core.isSet(bits, i); });
        handles.push(m);
      });

      var cluster = L.markerClusterGroup({
        showCoverageOnHover: false, maxClusterRadius: 40, spiderfyOnMaxZoom: false,
        zoomToBoundsOnClick: false, chunkedLoading: true, iconCreateFunction: clusterIcon
      });
      cluster.on("clusterclick", function (e) { self.zoomToCluster(e.layer); });
      var icons = {};
      var markers = [];
      var zones = L.layerGroup();
      var hasZones = false;
      ds.points.forEach(function (p) {
        var i = p[2];
        if (!Core.isSet(bits, i)) { return; }
        var fiche = ds.fiches[i];
        var selected = i === view.selected;
        var color = ds.colors[fiche[view.mode]];
        var key = fiche[view.mode] + (selected ? "s" : "");
        icons[key] = icons[key] || pinIcon(color, selected);
        var title = Core.textOf(fiche[0]);
        var m = new L.FicheMarker([p[0], p[1]], {
          icon: icons[key], keyboard: true, riseOnHover: true, title: title, alt: title,
          autoPanOnFocus: false,  // a pan on mousedown would move the pin from under the pointer
          ref: String(i), ficheTitle: fiche[0], contract: contract
        });
        m.fiche = i;
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
      // Enter on a focused pin opens it as a click does (groups: see _onKeydown)
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
      cluster.on("animationend spiderfied unspiderfied", function () { self.options.onSettle(); });
      this.cluster = cluster;

      var fiches = markersFiches(markers.concat(handles));
      return {
        points: markers.length, communes: handles.length, actions: Core.countActions(fiches),
        zones: zones.getLayers().length, hasZones: hasZones, bounds: bounds, outlined: outlined
      };
    },

    /** Zoom so that a group's members fill the map with a margin, but never past the zoom
     *  where they separate, nor past z 13 on the offline contours; members still together
     *  there (one point) spread out around it. */
    zoomToCluster: function (c) {
      var map = this._map;
      var self = this;
      var bounds = c.getBounds();
      var cap = this.options.isOffline() ? OFFLINE_MAX_CLUSTER_ZOOM : map.getMaxZoom();
      var fit = map.getBoundsZoom(bounds, false, L.point(96, 96));
      var target = Math.min(fit, separationZoom(c, map.getMaxZoom()), cap);
      var members = c.getAllChildMarkers();
      if (target <= map.getZoom() + 1e-6) {
        c.spiderfy();
        return;
      }
      this.options.onGesture();
      map.once("moveend", function () {
        var parent = self.cluster.getVisibleParent(members[0]);
        if (parent && parent.getAllChildMarkers && parent.getChildCount() === members.length) {
          parent.spiderfy();
        }
      });
      map.setView(bounds.getCenter(), target, {animate: true});  // the person's zoom
    },

    /** The marker or group (shown now) whose icon is ``el``. */
    iconLayer: function (el) {
      var found = null;
      if (!this.cluster) { return found; }
      this.cluster._featureGroup.eachLayer(function (l) { if (l._icon === el) { found = l; } });
      return found;
    },

    /** Boxes (map pixels) of markers, groups and handles where they end up (not where an
     *  animation has them now): no place name may cover them. */
    obstacleBoxes: function (map) {
      var out = [];
      var size = map.getSize();
      if (!this.cluster || !this.cluster._featureGroup) { return out; }
      this.cluster._featureGroup.eachLayer(function (l) {
        // a group is its own `options.icon`: its real icon is made by clusterIcon
        var made = l.getAllChildMarkers ? (l._iconObj || clusterIcon(l)) : l.options.icon;
        var icon = made && made.options;
        if (!icon || !l.getLatLng) { return; }
        var p = map.latLngToContainerPoint(l.getLatLng());
        var s = L.point(icon.iconSize || [12, 12]);
        var a = icon.iconAnchor ? L.point(icon.iconAnchor) : s.divideBy(2);
        if (p.x < -50 || p.y < -50 || p.x > size.x + 50 || p.y > size.y + 50) { return; }
        out.push({x0: p.x - a.x, y0: p.y - a.y, x1: p.x - a.x + s.x, y1: p.y - a.y + s.y});
      });
      return out;
    },

    /** Whether groups are moving (names wait for them to end). */
    animating: function () {
      return !!this._map.getContainer().querySelector(".leaflet-cluster-anim");
    },

    /** The groups shown in the map, each with its members' positions (browser tests). */
    clusters: function () {
      var out = [];
      var map = this._map;
      if (!this.cluster) { return out; }
      this.cluster._featureGroup.eachLayer(function (l) {
        if (l.getAllChildMarkers && map.getBounds().contains(l.getLatLng())) {
          out.push({at: [l.getLatLng().lat, l.getLatLng().lng],
                    members: l.getAllChildMarkers().map(function (m) {
                      return [m.getLatLng().lat, m.getLatLng().lng];
                    })});
        }
      });
      return out;
    },

    _onKeydown: function (e) {
      if (e.key !== "Enter" && e.key !== " ") { return; }
      var layer = this.iconLayer(e.target);
      if (!layer) { return; }
      if (layer.getAllChildMarkers) {
        e.preventDefault();
        this.zoomToCluster(layer);
      } else if (e.key === " ") {
        e.preventDefault();
        layer.fire("click", {latlng: layer.getLatLng(), originalEvent: e}, true);
      }
    }
  });

  L.FicheMarkers.clusterIcon = clusterIcon;
  L.FicheMarkers.separationZoom = separationZoom;
  L.FicheMarkers.OFFLINE_MAX_CLUSTER_ZOOM = OFFLINE_MAX_CLUSTER_ZOOM;
})(window.L, window.FicheMapCore);
