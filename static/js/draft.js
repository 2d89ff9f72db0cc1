/* The proposal form's copy of its text in the browser (localStorage), under the draft's
 * token: Streamlit sends a text field to the server only when it loses the focus, so a
 * reload in the middle of typing would lose what the server has not received. Each run
 * calls `FicheDraft.run({token, fields, saved})`: `fields` are the keys of the text
 * widgets, `saved` the hash of what the server holds for each. On the first run after a
 * page load, a field whose kept text differs from the server's gets it back (and is sent).
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else if (!root.FicheDraft) {
    root.FicheDraft = api;
    api.install(root.document);
    api.flush();
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var PREFIX = "fiches-brouillon:";
  var NEW = "nouveau";  // the draft before the server gave it a token
  var state = { token: "", fields: [], saved: {}, restored: false, doc: null };

  /** FNV-1a (32 bits) over UTF-16 code units, as `fiches.ui.proposer.text_hash`. */
  function hash(text) {
    var h = 0x811c9dc5;
    for (var i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return ("0000000" + h.toString(16)).slice(-8);
  }

  function storage() {
    try { return state.doc.defaultView.localStorage; } catch (e) { return null; }
  }

  function storeKey(token) { return PREFIX + (token || NEW); }

  function read(token) {
    var ls = storage();
    try { return JSON.parse((ls && ls.getItem(storeKey(token))) || "{}") || {}; } catch (e) { return {}; }
  }

  function write(token, data) {
    var ls = storage();
    if (!ls) { return; }
    try {
      if (Object.keys(data).length) { ls.setItem(storeKey(token), JSON.stringify(data)); }
      else { ls.removeItem(storeKey(token)); }
    } catch (e) { /* full or refused: the server's draft remains */ }
  }

  /** The input or textarea of the widget whose key is `name`. */
  function field(name) {
    var box = state.doc.querySelector(".st-key-" + name);
    return box && box.querySelector("textarea, input");
  }

  /** The widget key of an element, if it is one of the text fields. */
  function nameOf(el) {
    var box = el && el.closest && el.closest("[class*='st-key-']");
    if (!box) { return ""; }
    for (var i = 0; i < box.classList.length; i++) {
      var c = box.classList[i];
      if (c.indexOf("st-key-") === 0 && state.fields.indexOf(c.slice(7)) >= 0) { return c.slice(7); }
    }
    return "";
  }

  /** Put `text` in a React-controlled field, then let Streamlit send it (focus out). */
  function restore(el, text) {
    var proto = el.tagName === "TEXTAREA" ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
    Object.getOwnPropertyDescriptor(proto, "value").set.call(el, text);
    el.dispatchEvent(new Event("input", { bubbles: true }));
    el.focus();
    el.blur();
  }

  function onInput(event) {
    var name = nameOf(event.target);
    if (!name) { return; }
    var data = read(state.token);
    data[name] = event.target.value;
    write(state.token, data);
  }

  function install(doc) {
    state.doc = doc;
    doc.addEventListener("input", onInput, true);
  }

  function run(call) {
    var previous = state.token;
    state.fields = call.fields || [];
    state.saved = call.saved || {};
    state.token = call.token || "";
    if (state.token && !previous) {  // the server named the draft: move what was kept
      var kept = read("");
      if (Object.keys(kept).length) {
        var data = read(state.token);
        Object.keys(kept).forEach(function (k) { data[k] = kept[k]; });
        write(state.token, data);
        write("", {});
      }
    }
    var data = read(state.token);
    // what the server holds needs no copy
    Object.keys(data).forEach(function (name) {
      if (hash(data[name]) === state.saved[name]) { delete data[name]; }
    });
    write(state.token, data);
    if (!state.restored) {
      state.restored = true;
      restorePending(Object.keys(data), data, 40);
    }
  }

  /** Give the kept texts back to their fields, as the fields appear (the script may run
   * before Streamlit has drawn them): tried again every 100 ms, `tries` times at most. */
  function restorePending(names, data, tries) {
    var waiting = names.filter(function (name) {
      var el = field(name);
      if (!el) { return true; }
      if (el.value !== data[name]) { restore(el, data[name]); }
      return false;
    });
    if (waiting.length && tries > 0) {
      state.doc.defaultView.setTimeout(function () { restorePending(waiting, data, tries - 1); }, 100);
    }
  }

  function flush() {
    var calls = (typeof window !== "undefined" && window.ficheDraftCalls) || [];
    while (calls.length) { run(calls.shift()); }
  }

  return { hash: hash, install: install, run: run, flush: flush };
});
