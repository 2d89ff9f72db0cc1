// Contours, commune outlines and clickable areas (static/js/fiches-map-areas.js) in jsdom.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const env = require("./leaflet-env.js");
const fx = require("./map-fixtures.js");

function withPanes(W) {
  const map = env.makeMap(W);
  map.createPane("background");
  return map;
}

test("the contours under the actions are drawn once per dataset, bottom first", () => {
  const W = env.browser();
  const map = withPanes(W);
  const background = new W.L.FicheBackground(fx.config().background).addTo(map);
  const ds = {...fx.dataset(), __url: "/a.json"};
  background.setDataset(ds);
  const kinds = background.getLayers();
  assert.equal(kinds.length, 3);  // départements, communes, regions
  assert.equal(kinds[0].getLayers().length, 2);  // every département of ds.deps
  assert.equal(kinds[2].getLayers()[0].options.color, "#34495e");
  assert.equal(kinds[0].getLayers()[0].options.interactive, false);
  const pane = map.getPane("background");
  const paths = pane.querySelectorAll("path").length;
  background.setDataset(ds);  // a rerun: nothing redrawn
  assert.equal(background.getLayers()[0], kinds[0]);
  background.setDataset({...fx.dataset(), deps: {}, __url: "/b.json"});  // a new corpus
  assert.equal(background.getLayers()[0].getLayers().length, 0);
  assert.ok(pane.querySelectorAll("path").length < paths);
});

test("every commune's outline comes from about z 10.5, fetched once", async () => {
  const W = env.browser();
  const asked = env.serve(W, {"/app/static/data/communes.json": {
    type: "FeatureCollection",
    features: [{type: "Feature", geometry: fx.square(1.6, 46.7, 0.1), properties: {}}],
  }});
  const map = withPanes(W);
  const cache = new W.FicheMapCore.JsonCache();
  const outlines = new W.L.FicheCommuneOutlines({
    fetchJson: (url) => cache.get(url), style: {color: "#8a96a3"},
  }).addTo(map);
  outlines.setDataset(fx.dataset());
  await env.settle();
  assert.deepEqual(asked, []);  // z 7: not needed
  map.setZoom(11, {animate: false});
  await env.settle();
  assert.ok(outlines.isShown());
  map.setZoom(9, {animate: false});
  assert.ok(!outlines.isShown());
  map.setZoom(12, {animate: false});
  assert.ok(outlines.isShown());
  assert.deepEqual(asked, ["/app/static/data/communes.json"]);
});

test("an area is named, takes the focus, and its click reports a fresh reference", () => {
  const W = env.browser();
  const map = env.makeMap(W);
  const contract = new W.FicheMapCore.MapContract(env.CONTRACT);
  const ds = fx.dataset();
  const areas = new W.L.FicheAreas({colors: ds.colors, contract});
  areas.addArea(ds.deps["36"], "d36", "Indre &amp; Cher (2 actions)", 0, false);
  areas.addArea(ds.deps["37"], "d37", "Indre-et-Loire (1 action)", 1, true);
  areas.addTo(map);
  const [indre, touraine] = areas.getLayers();
  assert.equal(indre.options.color, "#1f77b4");
  assert.equal(indre.options.weight, 1.5);
  assert.equal(touraine.options.weight, 3);  // its fiche is open
  const el = indre.getElement();
  assert.equal(el.getAttribute("role"), "button");
  assert.equal(el.getAttribute("tabindex"), "0");
  assert.equal(el.getAttribute("aria-label"), "Indre & Cher (2 actions)");

  const pattern = new RegExp(env.CONTRACT.click_text.pattern);
  const reported = () => indre.getTooltip().getContent().replace(/<[^>]+>/g, "").match(pattern);
  const before = reported();
  assert.equal(before[1], "d36");
  let clicks = 0;
  indre.on("click", () => {
    clicks++;
    assert.equal(reported()[1], "d36");  // written before any click handler runs
  });
  el.dispatchEvent(new W.KeyboardEvent("keydown", {key: "Enter", bubbles: true}));
  assert.equal(clicks, 1);
});

test("a commune's outline is drawn heavier than a département's area", () => {
  const W = env.browser();
  const map = env.makeMap(W);
  const contract = new W.FicheMapCore.MapContract(env.CONTRACT);
  const ds = fx.dataset();
  const communes = new W.L.FicheAreas({colors: ds.colors, contract, look: "commune"});
  communes.addArea(ds.communes["41018"][0], "c41018", "Blois (1 action)", 1, false).addTo(map);
  const [blois] = communes.getLayers();
  assert.equal(blois.options.weight, 2.5);
  assert.equal(blois.options.fillOpacity, 0.14);
  assert.equal(blois.options.color, "#ff7f0e");
});
