// Framing and the view in the page's address (static/js/fiches-map-view.js) in jsdom.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const env = require("./leaflet-env.js");

// objects made in the window have its prototypes: compare their JSON
const plain = (value) => JSON.parse(JSON.stringify(value));

function setup() {
  const W = env.browser();
  const map = env.makeMap(W);
  const contract = new W.FicheMapCore.MapContract(env.CONTRACT);
  const sync = new W.L.FicheViewSync(map, contract, {window: W});
  const actions = W.L.latLngBounds([[46.8, 1.6], [47.4, 1.7]]);
  return {W, map, sync, actions, query: () => new URL(W.location.href).searchParams};
}

test("a framed view stays out of the address: the next filter frames again", () => {
  const {map, sync, actions, query} = setup();
  sync.drawn(actions, true);
  assert.ok(map.getBounds().pad(0.01).contains(actions));
  assert.equal(sync.chosenView(), null);
  assert.equal(query().get("lat"), null);
  const other = actions.pad(2);
  sync.drawn(other, true);
  assert.ok(map.getBounds().pad(0.01).contains(other));
});

test("a move after a gesture is the person's: written, never framed again", () => {
  const {W, map, sync, actions, query} = setup();
  map.getContainer().dispatchEvent(new W.MouseEvent("mousedown", {bubbles: true}));
  map.setView([47, 1], 9, {animate: false});
  assert.deepEqual(plain(sync.chosenView()), {lat: 47, lon: 1, z: 9});
  assert.equal(query().get("lat"), "47.0000");
  assert.equal(query().get("z"), "9");
  assert.equal(query().get("theme"), "a");  // the page's other parameters stay
  sync.drawn(actions, true);  // a filter changed: the person's view holds
  assert.equal(map.getZoom(), 9);
  assert.equal(query().get("lon"), "1.0000");
});

test("a move without a gesture (the frame resized) is not a choice", () => {
  const {map, sync, query} = setup();
  map.setView([47, 1], 9, {animate: false});
  assert.equal(sync.chosenView(), null);
  assert.equal(query().get("lat"), null);
});

test("« Recentrer » gives the view back to the map and clears the address", () => {
  const {W, map, sync, actions, query} = setup();
  sync.drawn(actions, false);
  map.getContainer().dispatchEvent(new W.Event("wheel", {bubbles: true}));
  map.setView([45.5, -1], 11, {animate: false});
  assert.ok(sync.chosenView());
  sync.recenter();
  assert.equal(sync.chosenView(), null);
  assert.equal(query().get("lat"), null);
  assert.ok(map.getBounds().pad(0.01).contains(actions));
});

test("a zoom into a group counts as a gesture; the link holds the view, not embed", () => {
  const {W, map, sync} = setup();
  sync.markGesture();
  map.setView([46.5, 0.3], 8, {animate: false});  // jsdom has no 3D: whole zooms only
  assert.ok(sync.chosenView());
  W.history.replaceState(null, "", "/carte?theme=a&embed=true");
  const link = new URL(sync.link());
  assert.equal(link.searchParams.get("embed"), null);
  assert.equal(link.searchParams.get("lat"), "46.5000");
  assert.equal(link.searchParams.get("z"), "8");
});

test("a view set from outside (streamlit-folium's setView) is shown at once, not animated", () => {
  const W = env.browser();
  const map = env.makeMap(W);
  const asked = [];  // the options Leaflet's setView receives
  const leaflet = map.setView;
  map.setView = function (center, zoom, options) {
    asked.push(options);
    return leaflet.call(this, center, zoom, options);
  };
  new W.L.FicheViewSync(map, new W.FicheMapCore.MapContract(env.CONTRACT), {window: W});
  map.setView([47, 1], 9);  // as streamlit-folium calls it
  map.setZoom(10);  // Leaflet's own calls (« + », the wheel) keep their options
  assert.equal(asked.length, 2);
  assert.equal(asked[0].animate, false);
  assert.equal(asked[1].animate, undefined);
  assert.equal(map.getZoom(), 10);
});

test("a view set from outside during a zoom animation is shown when it ends, not undone", () => {
  const W = env.browser();
  const map = env.makeMap(W);
  new W.L.FicheViewSync(map, new W.FicheMapCore.MapContract(env.CONTRACT), {window: W});
  map._animatingZoom = true;  // as Leaflet marks an animated fit still running
  map.setView([47.9, 2.3], 8);  // streamlit-folium's framed view arrives meanwhile
  assert.notEqual(map.getZoom(), 8);  // applied now, the animation's end would undo it
  map._animatingZoom = false;
  map.fire("zoomend");
  assert.equal(map.getZoom(), 8);
  assert.deepEqual(plain(map.getCenter()), {lat: 47.9, lng: 2.3});
});
