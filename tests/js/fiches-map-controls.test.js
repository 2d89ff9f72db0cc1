// Legend, notice, « Recentrer » and basemaps (static/js/fiches-map-controls.js) in jsdom.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const env = require("./leaflet-env.js");
const fx = require("./map-fixtures.js");

test("the legend names the view's colours, opens and stays open across reruns", () => {
  const W = env.browser();
  const map = env.makeMap(W);
  const legend = new W.L.Control.FicheLegend();
  const toggles = [];
  legend.on("toggle", (e) => toggles.push(e.open));
  legend.update(fx.view(), true, true).addTo(map);
  const box = map.getContainer().querySelector(".leaflet-bottom.leaflet-left .fiche-legend");
  const button = box.querySelector("button");
  assert.equal(button.textContent, "Légende : thème");
  assert.equal(button.getAttribute("aria-expanded"), "false");
  assert.equal(box.querySelector("ul").hidden, true);
  const rows = [...box.querySelectorAll("li")].map((li) => li.textContent);
  assert.deepEqual(rows.slice(0, 2), ["Budget participatif", "Jardins"]);
  assert.ok(rows.includes("Position approximative (cercle : incertitude)"));

  button.click();
  assert.deepEqual(toggles, [true]);
  assert.equal(button.getAttribute("aria-expanded"), "true");
  legend.update({...fx.view(), legendTitle: "Bailleur", legend: [["Vallogis", "#000"]]}, false, false);
  assert.equal(box.querySelector("ul").hidden, false);  // still open after the rerun
  assert.equal(button.textContent, "Légende : bailleur");
  assert.equal(box.querySelector("li").textContent, "Vallogis");
  const swatch = box.querySelector("li .swatch");
  assert.equal(swatch.className, "swatch swatch-dot");
  assert.equal(map.getContainer().querySelectorAll(".fiche-legend").length, 1);
});

test("a title with markup is written as text in the legend", () => {
  const W = env.browser();
  const map = env.makeMap(W);
  const legend = new W.L.Control.FicheLegend();
  legend.update({...fx.view(), legend: [["<img src=x onerror=alert(1)>", "#000"]]}, false, false);
  legend.addTo(map);
  assert.equal(map.getContainer().querySelector(".fiche-legend img"), null);
  assert.equal(map.getContainer().querySelector(".fiche-legend li").textContent,
               "<img src=x onerror=alert(1)>");
});

test("the notice is a status line, hidden when empty", () => {
  const W = env.browser();
  const map = env.makeMap(W);
  const notice = new W.L.Control.FicheNotice().addTo(map);
  const el = map.getContainer().querySelector(".fiche-notice");
  assert.equal(el.getAttribute("role"), "status");
  assert.equal(el.hidden, true);
  notice.say("Bonjour");
  assert.equal(el.hidden, false);
  assert.equal(notice.text(), "Bonjour");
  notice.say("");
  assert.equal(el.hidden, true);
});

test("« Recentrer » is a named button that fires recenter", () => {
  const W = env.browser();
  const map = env.makeMap(W);
  const control = new W.L.Control.FicheRecenter().addTo(map);
  let fired = 0;
  control.on("recenter", () => { fired++; });
  const a = map.getContainer().querySelector(".leaflet-top.leaflet-left a.fiche-recenter");
  assert.equal(a.getAttribute("role"), "button");
  assert.equal(a.getAttribute("aria-label"), "Recentrer sur les actions affichées");
  a.dispatchEvent(new W.MouseEvent("click", {bubbles: true, cancelable: true}));
  assert.equal(fired, 1);
});

test("an online basemap that fails four tiles gives way to the contours, and says so", () => {
  const W = env.browser();
  const map = env.makeMap(W);
  const notice = new W.L.Control.FicheNotice().addTo(map);
  const bases = new W.L.FicheBasemaps(fx.config().basemaps, "osm", notice).addTo(map);
  const osm = bases.layers.OpenStreetMap;
  assert.ok(map.hasLayer(osm));
  assert.equal(bases.isOffline(), false);
  for (let i = 0; i < W.L.FicheBasemaps.FAILED_TILES - 1; i++) { osm.fire("tileerror"); }
  osm.fire("tileload");  // a tile that loads resets the count
  for (let i = 0; i < W.L.FicheBasemaps.FAILED_TILES - 1; i++) { osm.fire("tileerror"); }
  assert.ok(map.hasLayer(osm));
  osm.fire("tileerror");
  assert.ok(!map.hasLayer(osm));
  assert.ok(bases.isOffline());
  assert.equal(notice.text(), W.L.FicheBasemaps.TILES_FAILED);
  osm.addTo(map);  // picked again: the notice goes
  assert.equal(notice.text(), "");
});

test("the contours are shown first by default, and Leaflet's buttons speak French", () => {
  const W = env.browser();
  const map = env.makeMap(W);
  const notice = new W.L.Control.FicheNotice().addTo(map);
  const bases = new W.L.FicheBasemaps(fx.config().basemaps, "inconnu", notice).addTo(map);
  assert.ok(map.hasLayer(bases.offline));
  W.L.ficheControlNames(map.getContainer());
  const container = map.getContainer();
  assert.equal(container.querySelector(".leaflet-control-zoom-in").getAttribute("aria-label"), "Zoomer");
  assert.equal(container.querySelector(".leaflet-control-zoom-out").title, "Dézoomer");
  assert.equal(container.querySelector(".leaflet-control-layers-toggle").getAttribute("aria-label"),
               "Choisir le fond de carte");
});
