// The place names layer (static/js/fiches-map-names.js) in jsdom: which names a zoom
// offers, their emphasis, the names fetched for closer zooms. Where they go is
// fiches-labels.test.js's (pure geometry).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const env = require("./leaflet-env.js");
const fx = require("./map-fixtures.js");

function setup(files = {}) {
  const W = env.browser();
  const asked = env.serve(W, files);
  const map = env.makeMap(W);
  map.createPane("labels");
  const cache = new W.FicheMapCore.JsonCache();
  const names = new W.L.FichePlaceNames({fetchJson: (url) => cache.get(url)}).addTo(map);
  return {W, map, names, asked};
}

const written = (map) =>
  [...map.getPane("labels").querySelectorAll(".place-label")].map((el) =>
    [el.textContent, el.className.replace("place-label place-label-", "")]);

test("the names of the zoom are written once a frame is drawn, then settled", async () => {
  const {W, map, names} = setup();
  names.setDataset({...fx.dataset(), __url: "/a.json"});
  assert.equal(names.isSettled(), false);
  await env.nextFrame(W);
  assert.equal(names.placed, 1);
  assert.ok(names.isSettled());
  assert.deepEqual(written(map).sort(), [["Blois", "prefecture"], ["Centre", "region"],
                                         ["Indre", "departement"]]);
  map.fire("zoomstart");  // hidden while the zoom runs: never a name at the wrong place
  assert.equal(names.isSettled(), false);
  assert.equal(map.getPane("labels").querySelector(".fiche-labels").style.visibility, "hidden");
});

test("a cited commune outlined with a handle is named as an area", async () => {
  const {W, map, names} = setup();
  names.setDataset({...fx.dataset(), __url: "/a.json"});
  names.setEmphasis({"41018": true}, {"41018": [47.58, 1.33]});
  await env.nextFrame(W);
  assert.ok(written(map).some(([name, css]) => name === "Blois" && css === "outlined"));
  names.setEmphasis({"41018": true}, {});
  await env.nextFrame(W);
  assert.ok(written(map).some(([name, css]) => name === "Blois" && css === "cited"));
});

test("closer in, the names of small communes are fetched once and added", async () => {
  const more = [["Déols", 46.83, 1.7, "commune", 7500, 9, "36063"]];
  const {W, map, names, asked} = setup({"/app/static/data/noms.json": more});
  names.setDataset({...fx.dataset(), __url: "/a.json"});
  map.setView([46.83, 1.7], 10, {animate: false});
  await env.nextFrame(W);
  assert.equal(names.isSettled(), false);  // waiting for the file
  await env.settle();
  await env.nextFrame(W);
  assert.ok(names.isSettled());
  assert.ok(written(map).some(([name]) => name === "Déols"));
  map.setView([46.84, 1.71], 10, {animate: false});
  await env.nextFrame(W);
  assert.deepEqual(asked, ["/app/static/data/noms.json"]);
});

test("names keep clear of the obstacles they are given", async () => {
  const W = env.browser();
  env.serve(W, {});
  const map = env.makeMap(W);
  map.createPane("labels");
  const everywhere = [W.FicheLabels.box(-1000, -1000, 2000, 2000)];
  const names = new W.L.FichePlaceNames({
    fetchJson: () => Promise.resolve([]), obstacles: () => everywhere,
  }).addTo(map);
  names.setDataset({...fx.dataset(), __url: "/a.json"});
  await env.nextFrame(W);
  assert.deepEqual(written(map), []);
  assert.equal(names.placed, 1);
});
