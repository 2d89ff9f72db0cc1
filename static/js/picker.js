/* The proposal form's small map (fiches/contrib/picker.py): Leaflet's own buttons named in
 * French, as on the dashboard's map (`L.ficheControlNames`, fiches-map-controls.js).
 * streamlit-folium builds the map after the page has loaded, and again when the chosen
 * communes change: every map container is named as it appears.
 */
(function (root) {
  "use strict";

  function nameAll() {
    Array.prototype.forEach.call(root.document.querySelectorAll(".leaflet-container"),
                                 root.L.ficheControlNames);
  }

  new root.MutationObserver(nameAll).observe(root.document.documentElement,
                                              {childList: true, subtree: true});
  nameAll();
})(window);
