// Unit tests of the draft's browser copy (static/js/draft.js). Run: node --test tests/js/
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const FicheDraft = require("../../static/js/draft.js");

test("the text hash is Python's (tests/js/draft-hashes.json, checked by test_contrib_domain)", () => {
  const expected = require("./draft-hashes.json");
  assert.equal(FicheDraft.hash(""), "811c9dc5");  // FNV-1a's offset basis
  for (const [text, hash] of Object.entries(expected)) { assert.equal(FicheDraft.hash(text), hash, text); }
});
