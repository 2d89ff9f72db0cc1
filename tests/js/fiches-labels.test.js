// Unit tests of the label placement rules (static/js/fiches-labels.js). Run: node --test tests/js/
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const L = require("../../static/js/fiches-labels.js");

const FRAME = L.box(0, 0, 800, 600);
const town = (id, kind, x, y, population, w = 60) =>
  ({id, rank: L.rank(kind, population), x, y, w, h: 14, shape: "dot"});
const area = (id, kind, x, y, w = 80) => ({id, rank: L.rank(kind, 0), x, y, w, h: 16, shape: "area"});

function assertNoOverlap(kept, obstacles) {
  const boxes = kept.flatMap((k) => (k.dot ? [k.text, k.dot] : [k.text]));
  for (const b of boxes) {
    for (const o of obstacles) { assert.ok(!L.overlaps(b, o), `label on obstacle ${JSON.stringify(b)}`); }
  }
  kept.forEach((a, i) => kept.slice(i + 1).forEach((b) => {
    assert.ok(!L.overlaps(a.text, b.text), `${a.id} on ${b.id}`);
    if (a.dot) { assert.ok(!L.overlaps(a.dot, b.text), `${a.id}'s dot under ${b.id}`); }
    if (b.dot) { assert.ok(!L.overlaps(b.dot, a.text), `${b.id}'s dot under ${a.id}`); }
  }));
}

test("ranks follow the issue's order, then population", () => {
  const order = ["cited", "prefecture", "commune", "departement", "region"].map((k) => L.rank(k, 0));
  assert.deepEqual([...order].sort((a, b) => a - b), order);
  assert.ok(L.rank("commune", 130000) < L.rank("commune", 2000));
  assert.ok(L.rank("commune", 5) < L.rank("departement", 0));  // any commune before a département
  assert.ok(L.rank("cited", 0) < L.rank("prefecture", 1e6));
});

test("a name never sits on a pin: it moves to a free side", () => {
  const pin = L.box(420, 290, 440, 310);  // right of the town's dot
  const kept = L.place([town("Blois", "prefecture", 400, 300, 45000)], [pin], FRAME);
  assert.equal(kept.length, 1);
  assert.equal(kept[0].side, "left");
  assertNoOverlap(kept, [pin]);
});

test("a name is hidden when every side is taken", () => {
  const cluster = L.box(330, 260, 470, 340);  // a big cluster over the town
  assert.deepEqual(L.place([town("Blois", "prefecture", 400, 300, 45000)], [cluster], FRAME), []);
});

test("of two colliding names the lower rank goes (or moves), whatever the input order", () => {
  const pref = town("Châteauroux", "prefecture", 400, 300, 43000, 90);
  const dep = area("Indre", "departement", 430, 300, 60);
  for (const input of [[dep, pref], [pref, dep]]) {
    const kept = L.place(input, [], FRAME);
    assert.equal(kept[0].id, "Châteauroux");
    assert.equal(kept[0].side, "right");
    // the département's name goes where it does not sit on its préfecture
    const indre = kept.find((k) => k.id === "Indre");
    assert.ok(indre && indre.side !== "center", JSON.stringify(kept));
    assertNoOverlap(kept, []);
  }
});

test("a smaller town yields to a larger one; a cited commune beats both", () => {
  const big = town("Tours", "commune", 400, 300, 136000);
  const small = town("Saint-Avertin", "commune", 404, 300, 15000);
  const kept = L.place([small, big], [], FRAME);
  assert.equal(kept[0].id, "Tours");
  assertNoOverlap(kept, []);
  const cited = town("Joué-lès-Tours", "cited", 402, 300, 38000);
  assert.equal(L.place([big, small, cited], [], FRAME)[0].id, "Joué-lès-Tours");
});

test("names stay inside the map: at the edge a name changes side or is dropped", () => {
  const edge = town("Royan", "commune", 795, 300, 18000);
  const kept = L.place([edge], [], FRAME);
  assert.equal(kept[0].side, "left");
  assert.ok(L.inside(kept[0].text, FRAME));
  const corner = town("X", "commune", 1, 1, 10, 400);  // wider than either side allows
  assert.deepEqual(L.place([corner], [], L.box(0, 0, 300, 300)), []);
});

test("a dense random field ends with no overlap at all", () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const candidates = [];
  for (let i = 0; i < 400; i++) {
    const kinds = ["cited", "prefecture", "commune", "departement", "region"];
    const kind = kinds[Math.floor(rnd() * kinds.length)];
    candidates.push(kind === "departement" || kind === "region"
      ? area("a" + i, kind, rnd() * 800, rnd() * 600, 40 + rnd() * 80)
      : town("t" + i, kind, rnd() * 800, rnd() * 600, Math.floor(rnd() * 1e5), 20 + rnd() * 80));
  }
  const obstacles = [];
  for (let i = 0; i < 30; i++) {
    const x = rnd() * 800, y = rnd() * 600;
    obstacles.push(L.box(x - 10, y - 10, x + 10, y + 10));
  }
  const kept = L.place(candidates, obstacles, FRAME);
  assert.ok(kept.length > 40, `only ${kept.length} kept`);
  assertNoOverlap(kept, obstacles);
  kept.forEach((k) => assert.ok(L.inside(k.text, FRAME)));
});

test("a town whose dot is under a pin is still named, just above or below the pin", () => {
  const pin = L.box(390, 290, 410, 310);  // a quartier's pin on the town hall (Joué-lès-Tours)
  const kept = L.place([town("Joué-lès-Tours", "cited", 402, 301, 38000, 90)], [pin], FRAME);
  assert.equal(kept.length, 1);
  assert.ok(["right2", "left2", "above2", "below2"].includes(kept[0].side));
  assert.equal(kept[0].dot, null);
  assertNoOverlap(kept, [pin]);
});

test("a town out of the map is not named, even where its name would fit", () => {
  assert.deepEqual(L.place([town("Tours", "prefecture", 400, -4, 136000)], [], FRAME), []);
});

test("a town's name never floats without its dot when only names are in the way", () => {
  const tours = town("Tours", "prefecture", 400, 300, 136000, 60);
  // names on every side of the small town's dot, but no icon on it: it is not written
  const blockers = [
    area("A", "cited", 440, 300, 60), area("B", "cited", 360, 300, 60),
    area("C", "cited", 404, 282, 60), area("D", "cited", 404, 318, 60),
  ];
  const kept = L.place([tours].concat(blockers).concat(
    [town("Monts", "commune", 404, 300, 7000, 40)]), [], FRAME);
  const monts = kept.find((k) => k.id === "Monts");
  assert.ok(!monts || monts.dot, JSON.stringify(monts));
});
