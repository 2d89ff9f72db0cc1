// Pins, handles, zones and groups (static/js/fiches-map-markers.js) in jsdom.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const env = require("./leaflet-env.js");
const fx = require("./map-fixtures.js");

function setup({offline = true, visible} = {}) {
  const W = env.browser();
  const map = env.makeMap(W);
  const contract = new W.FicheMapCore.MapContract(env.CONTRACT);
  const events = {gestures: 0, settles: 0};
  const markers = new W.L.FicheMarkers(map, {
    contract,
    isOffline: () => offline,
    onGesture: () => { events.gestures++; },
    onSettle: () => { events.settles++; },
  });
  const group = W.L.featureGroup().addTo(map);
  const view = fx.view(visible);
  const shown = markers.draw(group, fx.dataset(), view, W.FicheMapCore.decodeBitmap(view.visible));
  return {W, map, markers, group, shown, events};
}

const pattern = new RegExp(env.CONTRACT.click_text.pattern);
const refOf = (marker) =>
  marker.getTooltip().getContent().replace(/<[^>]+>/g, "").match(pattern)[1];

test("a view draws its visible pins, their zones and the commune handles", () => {
  const {shown} = setup();
  assert.equal(shown.points, 3);
  assert.equal(shown.communes, 1);
  assert.equal(shown.actions, 4);
  assert.equal(shown.zones, 1);
  assert.ok(shown.hasZones);
  assert.deepEqual(JSON.parse(JSON.stringify(shown.outlined)), {"41018": [47.58, 1.33]});
  assert.ok(shown.bounds.contains([47.39, 0.69]));
  const hidden = setup({visible: [2]}).shown;  // one fiche left by the filters
  assert.deepEqual([hidden.points, hidden.communes, hidden.zones], [1, 0, 0]);
});

test("a group counts actions and is named for screen readers", () => {
  const {W, markers} = setup();
  const groups = [];
  markers.cluster._featureGroup.eachLayer((l) => { if (l.getAllChildMarkers) { groups.push(l); } });
  assert.equal(groups.length, 1);  // the two Châteauroux pins
  const icon = W.L.FicheMarkers.clusterIcon(groups[0]);
  assert.match(icon.options.html, /^<span aria-hidden="true">2<\/span>/);
  assert.match(icon.options.html, /Groupe de 2 actions, zoomer/);
  assert.equal(icon.options.className, "fiche-cluster");
  const clusters = markers.clusters();
  assert.equal(clusters.length, 1);
  assert.equal(clusters[0].members.length, 2);
});

test("a pin's tooltip is bound on first use and renewed before each click", () => {
  const {W, markers} = setup();
  let tours = null;
  markers.cluster._featureGroup.eachLayer((l) => { if (l.ref === "2") { tours = l; } });
  assert.ok(tours);
  assert.equal(tours.getTooltip(), undefined);  // nothing bound up front
  assert.equal(tours._icon.title, "Tours <nord>");  // the title as text
  tours.fire("mouseover");
  assert.equal(refOf(tours), "2");
  assert.ok(tours.getTooltip().getContent().startsWith("Tours &lt;nord&gt;"));
  const first = tours.getTooltip().getContent();
  return new Promise((resolve) => setTimeout(resolve, 5)).then(() => {
    let seen = null;
    tours.on("click", () => { seen = tours.getTooltip().getContent(); });
    tours.fire("click", {latlng: tours.getLatLng()});
    assert.notEqual(seen, first);  // a new nonce: a second click is reported again
    assert.equal(refOf(tours), "2");
    // Space on a focused pin opens it, as Enter does
    let clicks = 0;
    tours.on("click", () => { clicks++; });
    tours._icon.dispatchEvent(new W.KeyboardEvent("keydown", {key: " ", bubbles: true}));
    assert.equal(clicks, 1);
  });
});

test("a commune's handle is a square with its count and holds only visible fiches", () => {
  const {markers} = setup();
  let blois = null;
  markers.cluster._featureGroup.eachLayer((l) => { if (l.ref === "c41018") { blois = l; } });
  assert.ok(blois);
  assert.equal(blois._icon.className.includes("fiche-handle"), true);
  assert.equal(blois._icon.textContent, "1");
  assert.deepEqual([...blois.fiches], [3]);
});

test("a group zooms in no closer than where it splits, nor past z 13 offline", () => {
  const {W, map, markers, events} = setup();
  let group = null;
  markers.cluster._featureGroup.eachLayer((l) => { if (l.getAllChildMarkers) { group = l; } });
  const split = W.L.FicheMarkers.separationZoom(group, map.getMaxZoom());
  group.getElement().dispatchEvent(new W.KeyboardEvent("keydown", {key: "Enter", bubbles: true}));
  assert.equal(events.gestures, 1);  // the move is the person's
  assert.equal(map.getZoom(), Math.min(split, W.L.FicheMarkers.OFFLINE_MAX_CLUSTER_ZOOM));
  assert.ok(map.getZoom() > 7);
});

test("names keep clear of every marker and group where it ends up", () => {
  const {map, markers} = setup();
  const boxes = markers.obstacleBoxes(map);
  assert.equal(boxes.length, 3);  // the group, Tours, the Blois handle
  const tours = map.latLngToContainerPoint([47.39, 0.69]);
  assert.ok(boxes.some((b) => b.x0 < tours.x && tours.x < b.x1 && b.y0 < tours.y && tours.y < b.y1));
  assert.equal(markers.animating(), false);
});
