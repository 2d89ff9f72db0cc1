// A browser for the map's Leaflet classes in node: jsdom (tests/js/package.json, installed
// by `make test-fast`: `npm ci --prefix tests/js`), with the Leaflet and MarkerCluster that
// the app serves (static/vendor/, copied by `make assets`) and the map's scripts in the app's
// order (fiches/assets.py MAP_SCRIPTS). Each call gives a fresh window; nothing is shared.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "../..");
const CONTRACT = require("../../fiches/map_contract.json");

function jsdom() {
  try {
    return require("jsdom");
  } catch (e) {
    if (e.code !== "MODULE_NOT_FOUND" || !e.message.includes("'jsdom'")) { throw e; }
    throw new Error("jsdom is missing: run `npm ci --prefix tests/js` (or `make test-fast`)");
  }
}

/** The map's scripts in load order, read from fiches/assets.py (one list). */
function mapScripts() {
  const source = fs.readFileSync(path.join(ROOT, "fiches", "assets.py"), "utf8");
  const block = source.match(/MAP_SCRIPTS = \(([^)]*)\)/);
  if (!block) { throw new Error("MAP_SCRIPTS not found in fiches/assets.py"); }
  return [...block[1].matchAll(/"([^"]+\.js)"/g)].map((m) => m[1]);
}

function vendor(relative) {
  const file = path.join(ROOT, "static", "vendor", relative);
  if (!fs.existsSync(file)) {
    throw new Error(`${file} is missing: run \`make assets\` (or python -m fiches assets)`);
  }
  return fs.readFileSync(file, "utf8");
}

/** A window with Leaflet, MarkerCluster and the map's scripts up to ``upTo`` (all by
 *  default); ``W.run(code)`` evaluates in it. The map's container is 800 × 600 px. */
function browser({upTo} = {}) {
  const {JSDOM, VirtualConsole} = jsdom();
  // the window's console to ours, without jsdom's notes on what it does not implement
  // (scrolling, layout), which Leaflet calls and which change nothing here
  const console_ = new VirtualConsole();
  console_.sendTo(console, {omitJSDOMErrors: true});
  console_.on("jsdomError", (e) => {
    if (!String(e.message).startsWith("Not implemented")) { console.error(e); }
  });
  const dom = new JSDOM(
    '<!doctype html><html><body><div id="map"></div></body></html>',
    {runScripts: "outside-only", pretendToBeVisual: true, url: "http://localhost/carte?theme=a",
     virtualConsole: console_},
  );
  const W = dom.window;
  // jsdom has SVG elements but not this method, which Leaflet tests for SVG support
  W.SVGSVGElement.prototype.createSVGRect = function () { return {}; };
  // nor a 2D canvas (the commune outlines' renderer): one that draws nothing
  W.HTMLCanvasElement.prototype.getContext = function () {
    const props = {canvas: this};
    return new Proxy(props, {
      get: (target, key) => (key in target ? target[key] : () => {}),
      set: (target, key, value) => { target[key] = value; return true; },
    });
  };
  W.eval(vendor("leaflet/leaflet-src.js"));
  W.eval(vendor("markercluster/leaflet.markercluster-src.js"));
  for (const name of mapScripts()) {
    W.eval(fs.readFileSync(path.join(ROOT, "static", "js", name), "utf8"));
    if (name === upTo) { break; }
  }
  const el = W.document.getElementById("map");
  Object.defineProperty(el, "clientWidth", {value: 800});
  Object.defineProperty(el, "clientHeight", {value: 600});
  return W;
}

/** A map in ``W`` as folium makes ours (zoomSnap 0.25, z 5 to 18) at ``center``, ``zoom``. */
function makeMap(W, center = [46.85, 0.9], zoom = 7) {
  const map = W.L.map("map", {zoomSnap: 0.25, maxZoom: 18, minZoom: 5});
  map.setView(center, zoom, {animate: false});
  return map;
}

/** Resolve once the window has drawn a frame (the names layer waits for one). */
function nextFrame(W) {
  return new Promise((resolve) => W.requestAnimationFrame(() => resolve()));
}

/** Answer the window's ``fetch`` from ``files`` (url -> JSON value); other URLs are 404.
 *  Returns the list of URLs asked, in order. */
function serve(W, files) {
  const asked = [];
  W.fetch = (url) => {
    asked.push(url);
    const found = Object.prototype.hasOwnProperty.call(files, url);
    return Promise.resolve({ok: found, status: found ? 200 : 404,
                            json: () => Promise.resolve(files[url])});
  };
  return asked;
}

/** Let pending promises (a fetch answered by ``serve``) run. */
function settle() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Resolve when ``predicate()`` holds, checked after each frame (at most ``frames``). */
async function until(W, predicate, frames = 30) {
  for (let i = 0; i < frames; i++) {
    if (predicate()) { return; }
    await settle();
    await nextFrame(W);
  }
  throw new Error(`still not true after ${frames} frames: ${predicate}`);
}

module.exports = {CONTRACT, browser, jsdom, makeMap, nextFrame, mapScripts, serve, settle, until};
