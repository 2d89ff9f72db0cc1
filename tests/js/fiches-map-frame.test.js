// The map as the iframe runs it (static/js/fiches-map.js): FicheMap.init, then a draw per
// rerun, with every part of the map (jsdom, the app's Leaflet and scripts).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const env = require("./leaflet-env.js");
const fx = require("./map-fixtures.js");

function start(files = {}, dataset = "/app/static/data/carte-1.json") {
  const W = env.browser();
  const asked = env.serve(W, files);
  const map = env.makeMap(W);
  const FicheMap = W.FicheMap;
  FicheMap.init(map, fx.config({dataset}));
  const rerun = (view) => {
    const group = W.L.featureGroup().addTo(map);  // streamlit-folium: a new group each rerun
    FicheMap.draw(group, map, view);
    return group;
  };
  return {W, map, FicheMap, asked, rerun};
}

test("the dataset is asked for at once, and the first view is drawn when it is here", async () => {
  const {W, FicheMap, asked, rerun} = start({"/app/static/data/carte-1.json": fx.dataset()});
  assert.deepEqual(asked, ["/app/static/data/carte-1.json"]);  // before any view
  rerun(fx.view());
  assert.equal(FicheMap.drawn(), null);
  await env.settle();
  const drawn = FicheMap.drawn();
  assert.deepEqual(
    [drawn.draws, drawn.points, drawn.communes, drawn.actions, drawn.areas, drawn.zones],
    [1, 3, 1, 4, 1, 1],
  );
  assert.deepEqual(asked, ["/app/static/data/carte-1.json"]);  // fetched once
  await env.until(W, () => FicheMap.labelsSettled());
  assert.ok(FicheMap.labelsPlaced() >= 1);
  assert.equal(W.__ficheMap, undefined);  // no global but FicheMap
});

test("each rerun redraws from the cached dataset, one legend, the view framed", () => {
  const {W, map, FicheMap, rerun} = start({}, "");
  const first = rerun(fx.view([0, 1, 2, 3], {data: fx.dataset()}));  // inline data
  assert.equal(FicheMap.drawn().draws, 1);
  map.removeLayer(first);
  rerun(fx.view([2], {fit: true}));
  const drawn = FicheMap.drawn();
  assert.deepEqual([drawn.draws, drawn.points, drawn.communes], [2, 1, 0]);
  assert.equal(W.document.querySelectorAll(".fiche-legend").length, 1);
  // framed on Tours and the Indre area; not the person's view
  assert.ok(map.getBounds().contains([47.39, 0.69]));
  assert.equal(FicheMap.chosen(), null);
  assert.equal(FicheMap.clusters().length, 0);
});

test("the frame is titled, the page French, and the link is the view shown", () => {
  const {W, FicheMap, rerun} = start({}, "");
  rerun(fx.view([0, 1, 2, 3], {data: fx.dataset()}));
  assert.equal(W.document.documentElement.lang, "fr");
  const link = new URL(FicheMap.link());
  assert.equal(link.searchParams.get("theme"), "a");
  assert.equal(link.searchParams.get("z"), String(FicheMap.view().z));
  // the legend's box changes when it opens: names are placed again
  const placed = FicheMap.labelsPlaced();
  W.document.querySelector(".fiche-legend button").click();
  return env.nextFrame(W).then(() => assert.ok(FicheMap.labelsPlaced() > placed));
});

test("« Recentrer » after a gesture frames the actions again", () => {
  const {W, map, FicheMap, rerun} = start({}, "");
  rerun(fx.view([2], {data: fx.dataset()}));
  map.getContainer().dispatchEvent(new W.MouseEvent("mousedown", {bubbles: true}));
  map.setView([45.3, -1.2], 12, {animate: false});
  assert.ok(FicheMap.chosen());
  W.document.querySelector(".fiche-recenter").dispatchEvent(
    new W.MouseEvent("click", {bubbles: true, cancelable: true}));
  assert.equal(FicheMap.chosen(), null);
  assert.ok(map.getBounds().contains([47.39, 0.69]));
});
