// Pure helpers of static/js/page.js (node --test).
"use strict";
const test = require("node:test");
const assert = require("node:assert");
const page = require("../../static/js/page.js");
const {jsdom} = require("./leaflet-env.js");

test("Streamlit's English names read in French", () => {
  assert.strictEqual(page.french("Skip to main content"), "Aller au contenu principal");
  assert.strictEqual(page.french("Help for Recherche libre"), "Aide : Recherche libre");
  assert.strictEqual(page.french("Open"), "Ouvrir la liste");
  assert.strictEqual(page.french("Copy to clipboard"), "Copier dans le presse-papiers");
});

test("other texts are left alone", () => {
  assert.strictEqual(page.french("Fermer la fiche"), null);
  assert.strictEqual(page.french("Open data"), null);
});

test("the embed code escapes the link", () => {
  const code = page.embedCode("http://localhost:8501/?theme=a&q=%22x%22");
  assert.match(code, /^<iframe src="http:\/\/localhost:8501\/\?theme=a&amp;q=%22x%22&amp;embed=true"/);
});

test("the sidebar's scrolling box takes the focus and is named in French", () => {
  const {JSDOM} = jsdom();
  const {document} = new JSDOM(
    '<section data-testid="stSidebar"><div data-testid="stSidebarContent"></div></section>',
  ).window;
  page.keyboardScrollable(document);
  const box = document.querySelector("[data-testid=stSidebarContent]");
  assert.strictEqual(box.tabIndex, 0);
  assert.strictEqual(box.getAttribute("role"), "region");
  assert.strictEqual(box.getAttribute("aria-label"), "Pages et filtres");
  box.setAttribute("tabindex", "-1");  // one the page set itself is left alone
  page.keyboardScrollable(document);
  assert.strictEqual(box.tabIndex, -1);
});
