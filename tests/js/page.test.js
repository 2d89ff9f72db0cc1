// Pure helpers of static/js/page.js (node --test).
"use strict";
const test = require("node:test");
const assert = require("node:assert");
const page = require("../../static/js/page.js");

test("Streamlit's English names read in French", () => {
  assert.strictEqual(page.french("Skip to main content"), "Aller au contenu principal");
  assert.strictEqual(page.french("Help for Recherche libre"), "Aide : Recherche libre");
  assert.strictEqual(page.french("Open"), "Ouvrir la liste");
});

test("other texts are left alone", () => {
  assert.strictEqual(page.french("Fermer la fiche"), null);
  assert.strictEqual(page.french("Open data"), null);
});

test("the embed code escapes the link", () => {
  const code = page.embedCode("http://localhost:8501/?theme=a&q=%22x%22");
  assert.match(code, /^<iframe src="http:\/\/localhost:8501\/\?theme=a&amp;q=%22x%22&amp;embed=true"/);
});
