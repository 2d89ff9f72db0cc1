// Unit tests of the map's pure helpers (static/js/fiches-map.js). Run: node --test tests/js/
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const FicheMap = require("../../static/js/fiches-map.js");
const FichePage = require("../../static/js/page.js");
const CONTRACT = require("../../fiches/map_contract.json");

FicheMap.configure(CONTRACT);  // what the map's config carries (fiches/map_contract.json)

test("the visible-fiche bitmap decodes as Python encodes it (little-endian bits)", () => {
  // fiches 0, 3 and 9 of 12: bytes 0b00001001, 0b00000010 (what map_data.bitmap writes)
  const bits = FicheMap.decodeBitmap(Buffer.from([0b00001001, 0b00000010]).toString("base64"));
  const set = [...Array(12).keys()].filter((i) => FicheMap.isSet(bits, i));
  assert.deepEqual(set, [0, 3, 9]);
});

test("a cluster counts actions, not places", () => {
  assert.equal(FicheMap.countActions([4, 4, 4, 4]), 1);  // Châteauroux: one action, 4 places
  assert.equal(FicheMap.countActions([1, 2, 2, 7]), 3);
  assert.equal(FicheMap.countActions([]), 0);
  assert.equal(FicheMap.actionsLabel(1), "1 action");
  assert.equal(FicheMap.actionsLabel(3), "3 actions");
});

test("the legend names every colour the view can show", () => {
  const view = {
    legend: [["Budget participatif", "#1f77b4"], ["Sans thème", "#7f7f7f"]],
    areas: [["37", "Indre-et-Loire (2 actions…)", 10, 0, 2]],
  };
  const items = FicheMap.legendItems(view, true);
  const shapes = items.map((i) => i[2]);
  assert.deepEqual(items.slice(0, 2).map((i) => i[0]), ["Budget participatif", "Sans thème"]);
  for (const shape of ["area", "zone", "cluster", "region"]) {
    assert.ok(shapes.includes(shape), shape);
  }
  assert.ok(items.some((i) => i[0].startsWith("Gris : plusieurs actions")));
  const plain = FicheMap.legendItems({legend: [["A", "#000"]], areas: []}, false);
  assert.deepEqual(plain.map((i) => i[2]), ["dot", "cluster", "region"]);
  // a commune's outline is named; two actions in one commune (Blois) explain the grey
  const blois = FicheMap.legendItems(
    {legend: [["A", "#000"]], areas: [], communes: [["41018", "Blois (2 actions…)", 10, 0, 2]]},
    false, true);
  assert.deepEqual(blois.map((i) => i[2]), ["dot", "commune", "dot", "cluster", "region"]);
});

test("the shared link holds the displayed view and drops embedding", () => {
  const link = FicheMap.linkWithView(
    "http://h/carte?theme=a&theme=b&embed=true&lat=1&z=3",
    {lat: 47.123456, lon: 0.98765, z: 8.3},
  );
  const url = new URL(link);
  assert.deepEqual(url.searchParams.getAll("theme"), ["a", "b"]);
  assert.equal(url.searchParams.get("lat"), "47.1235");
  assert.equal(url.searchParams.get("lon"), "0.9877");
  assert.equal(url.searchParams.get("z"), "8.25");  // quarter steps, as the map
  assert.equal(url.searchParams.get("embed"), null);
});

test("the view goes into and out of an address, other parameters kept", () => {
  const withView = FicheMap.withView("http://h/?theme=a&lat=1&lon=2&z=3", {lat: 46.5, lon: 0.3, z: 9});
  assert.equal(withView, "http://h/?theme=a&lat=46.5000&lon=0.3000&z=9");
  assert.equal(FicheMap.withView(withView, null), "http://h/?theme=a");
});

test("a click reports a hidden reference with a fresh nonce", () => {
  const text = FicheMap.clickText("Titre &amp; co", "12", "abc");
  assert.equal(text, "Titre &amp; co<span hidden>#12.abc</span>");
  // what streamlit-folium sends back is the text content: title, then #ref.nonce, which
  // the pattern Python uses (the same file) reads for a pin, an area and a commune
  const pattern = new RegExp(CONTRACT.click_text.pattern);
  const textContent = (html) => html.replace(/<[^>]+>/g, "");
  for (const ref of ["12", "d36", "d2A", "c41018"]) {
    const match = textContent(FicheMap.clickText("Titre", ref, "lq2k3j")).match(pattern);
    assert.ok(match, ref);
    assert.deepEqual([match[1], match[2]], [ref, "lq2k3j"]);
  }
  assert.equal("Titre#12".match(pattern), null);  // no nonce: not a click of ours
});

test("a title escaped by Python reads back as its text", () => {
  // html.escape('<b> & "x" \'y\'') in Python
  assert.equal(FicheMap.textOf("&lt;b&gt; &amp; &quot;x&quot; &#x27;y&#x27;"), "<b> & \"x\" 'y'");
  assert.equal(FicheMap.textOf("&amp;lt;"), "&lt;");  // decoded once, never twice
});

test("the embed code is an iframe of the view with embed=true, attribute-safe", () => {
  const code = FichePage.embedCode("http://h/carte?theme=a&q=%22x%22");
  assert.match(code, /^<iframe src="http:\/\/h\/carte\?theme=a&amp;q=%22x%22&amp;embed=true"/);
  assert.ok(code.includes('title="Carte des fiches d\'expériences"'));
  assert.ok(!code.includes('"x"'));
});
