// The map's pure parts (static/js/fiches-map-core.js): the contract and the JSON cache.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const Core = require("../../static/js/fiches-map-core.js");
const CONTRACT = require("../../fiches/map_contract.json");

test("two contracts are independent (no module-level state)", () => {
  const a = new Core.MapContract(CONTRACT);
  const b = new Core.MapContract({...CONTRACT, zoom_step: 1});
  assert.equal(a.roundZoom(8.3), 8.25);
  assert.equal(b.roundZoom(8.3), 8);
});

test("a click text gets a fresh nonce when none is given", () => {
  const c = new Core.MapContract(CONTRACT);
  const pattern = new RegExp(CONTRACT.click_text.pattern);
  const match = c.clickText("Titre", "12").replace(/<[^>]+>/g, "").match(pattern);
  assert.ok(match);
  assert.equal(match[1], "12");
  assert.ok(Math.abs(parseInt(match[2], 36) - Date.now()) < 60_000);
});

test("a JSON file is fetched once, kept, and a failure is not a value", async () => {
  const asked = [];
  const cache = new Core.JsonCache((url) => {
    asked.push(url);
    return Promise.resolve({ok: url !== "/missing", status: url === "/missing" ? 404 : 200,
                            json: () => Promise.resolve({url})});
  });
  assert.equal(cache.peek("/a"), undefined);
  const [first, second] = await Promise.all([cache.get("/a"), cache.get("/a")]);
  assert.deepEqual(first, {url: "/a"});
  assert.equal(first, second);
  assert.deepEqual(cache.peek("/a"), {url: "/a"});
  await assert.rejects(cache.get("/missing"), /404/);
  assert.equal(cache.peek("/missing"), undefined);
  cache.put("/inline", {x: 1});  // the view carried the data (static/ not writable)
  assert.deepEqual(cache.peek("/inline"), {x: 1});
  assert.deepEqual(asked, ["/a", "/missing"]);
});
