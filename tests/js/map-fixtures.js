// A small dataset and view in the shapes fiches/map_data.py writes (build_dataset,
// build_view), and the map's config (map_folium.base_map), for the map's unit tests.
"use strict";
const {CONTRACT} = require("./leaflet-env.js");

const square = (x, y, d = 0.5) =>
  ({type: "Polygon", coordinates: [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]]});

/** Fiche positions 0..3: 0 and 1 pins in Châteauroux (1 has a 300 m zone), 2 a pin in
 *  Tours, 3 known only to Blois (its outline and handle); département 36 has an area. */
function dataset() {
  return {
    colors: ["#1f77b4", "#ff7f0e", "#7f7f7f"],
    fiches: [["Jardins &amp; co", 0, 1], ["Budget", 1, 0], ["Tours &lt;nord&gt;", 0, 0],
             ["Blois", 1, 1]],
    points: [[46.81, 1.69, 0, 0], [46.8105, 1.6905, 1, 300], [47.39, 0.69, 2, 0]],
    deps: {"36": square(1, 46.3), "37": square(0.3, 47)},
    communes: {"41018": [square(1.2, 47.5, 0.1), [47.58, 1.33], [3]]},
    background: {commune: [square(1.6, 46.7, 0.1)], region_2015: [square(-1, 45, 4)]},
    labels: [["Blois", 47.58, 1.33, "prefecture", 45000, 7, "41018"],
             ["Indre", 46.8, 1.6, "departement", 0, 0, "36"],
             ["Centre", 47.5, 1.7, "region", 0, 0, "24"]],
    labelsMore: "/app/static/data/noms.json", labelsMoreZoom: 9,
    labelZooms: {region: [5, 7.5], departement: [7, 10]}, lastZoom: 18,
    outlines: "/app/static/data/communes.json", outlinesZoom: 10.5,
    cited: {"41018": [3], "37261": [2]},
  };
}

/** The view of fiches ``visible`` (positions), as build_view sends it. */
function view(visible = [0, 1, 2, 3], extra = {}) {
  const bits = new Uint8Array(1);
  visible.forEach((i) => { bits[i >> 3] |= 1 << (i & 7); });
  return {
    url: "/app/static/data/carte-1.json", visible: Buffer.from(bits).toString("base64"),
    count: visible.length, mode: 1, selected: -1, legendTitle: "Thème",
    legend: [["Budget participatif", "#1f77b4"], ["Jardins", "#ff7f0e"]],
    areas: [["36", "Indre (2 actions)", 0, 0, 2]],
    communes: visible.includes(3) ? [["41018", "Blois (1 action)", 1, 0, 1]] : [],
    fit: true, ...extra,
  };
}

function config(extra = {}) {
  return {
    images: "/app/static/vendor/leaflet/images/",
    basemaps: [["contours", "Contours (hors ligne)", null, null],
               ["osm", "OpenStreetMap", "https://tile.example/{z}/{x}/{y}.png", "© OSM"]],
    basemap: "contours",
    bounds: [[45.08, -1.57], [48.95, 3.13]],
    background: [["departement", {color: "#6b7785"}], ["commune", {color: "#6b7785"}],
                 ["region_2015", {color: "#34495e"}]],
    outlineStyle: {color: "#8a96a3"},
    contract: CONTRACT,
    dataset: "",
    ...extra,
  };
}

module.exports = {dataset, view, config, square};
