/* Page helpers run in the Streamlit page itself (st.html with JavaScript allowed):
 * the page's language, the share buttons and the focus on what a click opened.
 * `FichePage.run({focus: "..."})` is called once per script run.
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else if (!root.FichePage) {
    root.FichePage = api;
    api.install(root.document);
    api.flush();
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var MAP_FRAME = "iframe[title=\"Carte des actions\"]";  // set by fiches-map.js

  /** The `<iframe>` code that embeds a view. */
  function embedCode(link) {
    var url = new URL(link);
    url.searchParams.set("embed", "true");
    var src = url.toString().replace(/&/g, "&amp;").replace(/"/g, "&quot;");
    return "<iframe src=\"" + src + "\" width=\"100%\" height=\"640\" style=\"border:0\" " +
      "title=\"Carte des fiches d'expériences\" loading=\"lazy\"></iframe>";
  }

  /** The link to what is shown: the map knows its displayed centre and zoom. */
  function currentLink(doc) {
    var frame = doc.querySelector(MAP_FRAME);
    try {
      if (frame && frame.contentWindow.FicheMap) { return frame.contentWindow.FicheMap.link(); }
    } catch (e) { /* not same-origin */ }
    var url = new URL(doc.defaultView.location.href);
    url.searchParams.delete("embed");
    url.searchParams.delete("embed_options");
    return url.toString();
  }

  function showFallback(bar, text, message) {
    var status = bar.querySelector(".fiche-share-status");
    var field = bar.querySelector("textarea");
    if (!field) {
      field = bar.ownerDocument.createElement("textarea");
      field.readOnly = true;
      field.rows = 3;
      field.className = "fiche-share-field";
      field.setAttribute("aria-label", "Lien à copier");
      bar.insertBefore(field, status);
    }
    field.value = text;
    field.hidden = false;
    status.textContent = message;
    field.focus();
    field.select();
  }

  function share(button) {
    var doc = button.ownerDocument;
    var bar = button.closest(".fiche-share-bar");
    var link = currentLink(doc);
    var embed = button.getAttribute("data-fiche-share") === "embed";
    var text = embed ? embedCode(link) : link;
    var done = embed ? "Code d'intégration copié dans le presse-papiers."
      : "Lien copié dans le presse-papiers.";
    var status = bar.querySelector(".fiche-share-status");
    var field = bar.querySelector("textarea");
    if (field) { field.value = text; }
    var clipboard = doc.defaultView.navigator.clipboard;
    if (!clipboard) {
      showFallback(bar, text, "Copie automatique impossible : sélectionnez le texte ci-dessus.");
      return;
    }
    clipboard.writeText(text).then(function () {
      status.textContent = done;
      bar.setAttribute("data-copied", text);
      if (embed) { showFallback(bar, text, done); }
    }, function () {
      showFallback(bar, text, "Copie automatique impossible : sélectionnez le texte ci-dessus.");
    });
  }

  // Streamlit's own English names that the page can reach (accessible names, the skip
  // link), in French. The README lists what stays in English.
  var FRENCH = [
    [/^Skip to main content$/, "Aller au contenu principal"],
    [/^Help for (.+)$/, "Aide : $1"],
    [/^Link to heading$/, "Lien vers ce titre"],
    [/^Open$/, "Ouvrir la liste"],
    [/^Close$/, "Fermer la liste"],
    [/^Clear all$/, "Tout effacer"],
    [/^Sidebar$/, "Barre latérale"],
    [/^Collapse sidebar$/, "Replier la barre latérale"],
    [/^Expand sidebar$/, "Déplier la barre latérale"],
    [/^Show\/hide columns$/, "Afficher ou masquer des colonnes"],
    [/^file upload$/, "Déposer un fichier"],
    [/^Copy to clipboard$/, "Copier dans le presse-papiers"],
    [/^Show password$/, "Afficher le mot de passe"],
    [/^Hide password$/, "Masquer le mot de passe"]
  ];

  /** ``text`` in French when it is one of Streamlit's names we translate, else null. */
  function french(text) {
    for (var i = 0; i < FRENCH.length; i++) {
      if (FRENCH[i][0].test(text)) { return text.replace(FRENCH[i][0], FRENCH[i][1]); }
    }
    return null;
  }

  function translateOne(el) {
    ["aria-label", "title"].forEach(function (name) {
      var value = el.getAttribute(name);
      var fr = value && french(value);
      if (fr) { el.setAttribute(name, fr); }
    });
    if (el.tagName === "A" && el.childElementCount === 0) {
      var text = french(el.textContent.trim());
      if (text) { el.textContent = text; }
    }
  }

  /** An element and everything in it. */
  function translate(root) {
    if (!root.querySelectorAll) { return; }
    translateOne(root);
    Array.prototype.forEach.call(
      root.querySelectorAll("[aria-label], [title], a[href^=\"#\"]"), translateOne);
  }

  // Boxes that scroll and, while Streamlit still fetches their widgets' scripts (a second
  // or so after the page's first run), hold nothing focusable: the box itself takes the
  // focus, so that the keyboard can scroll it (axe-core scrollable-region-focusable).
  var SCROLLING = [["[data-testid=stSidebarContent]", "Pages et filtres"]];

  /** Every scrolling box of ``SCROLLING`` reachable with Tab, as a named region. */
  function keyboardScrollable(doc) {
    SCROLLING.forEach(function (entry) {
      var box = doc.querySelector(entry[0]);
      if (box && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", entry[1]);
      }
    });
  }

  /** Escape closes the open fiche, unless it is meant for a field or a list. */
  function closeOnEscape(e) {
    if (e.key !== "Escape" || e.defaultPrevented) { return; }
    var t = e.target;
    if (t && t.closest && t.closest("input, textarea, select, [role=listbox], [role=dialog]," +
        " [data-testid=stSidebar]")) { return; }
    var close = e.target.ownerDocument.querySelector("[class*=\"st-key-fiche-close-\"] button");
    if (close) { e.preventDefault(); close.click(); }
  }

  function install(doc) {
    doc.documentElement.lang = "fr";
    doc.addEventListener("click", function (e) {
      var button = e.target.closest && e.target.closest("[data-fiche-share]");
      if (button) { share(button); }
    });
    doc.addEventListener("keydown", closeOnEscape);
    translate(doc.body);
    keyboardScrollable(doc);
    new doc.defaultView.MutationObserver(function (changes) {
      keyboardScrollable(doc);  // Streamlit draws the sidebar after the first script run
      changes.forEach(function (change) {
        if (change.type === "attributes") {
          translateOne(change.target);
        } else {
          change.addedNodes.forEach(translate);
        }
      });
    }).observe(doc.body, {subtree: true, childList: true, attributes: true,
                          attributeFilter: ["aria-label", "title"]});
  }

  /** The server writes the query it knows, without the view the person chose on the map:
   *  put that view back in the address bar (no history entry). */
  function keepChosenView(doc) {
    var frame = doc.querySelector(MAP_FRAME);
    try {
      var fm = frame && frame.contentWindow.FicheMap;
      var view = fm && fm.chosen && fm.chosen();
      if (view) {
        var w = doc.defaultView;
        w.history.replaceState(w.history.state, "", fm.withView(w.location.href, view));
      }
    } catch (e) { /* not same-origin */ }
  }

  /** Bring an element into view and give it the focus, once it exists. */
  function focusWhenShown(doc, selector) {
    var tries = 0;
    function attempt() {
      var el = doc.querySelector(selector);
      if (el) {
        if (!el.hasAttribute("tabindex") && el.tabIndex < 0) { el.setAttribute("tabindex", "-1"); }
        // scroll only when it is out of sight: a needless scroll would move the map
        var box = el.getBoundingClientRect();
        if (box.top < 0 || box.bottom > doc.defaultView.innerHeight) {
          el.scrollIntoView({block: "start"});
        }
        el.focus({preventScroll: true});
        return;
      }
      if (++tries < 100) { doc.defaultView.requestAnimationFrame(attempt); }
    }
    attempt();
  }

  function run(args) {
    var doc = document;
    var root = doc.documentElement;
    root.lang = "fr";
    // counted for the browser tests, which wait on a finished run instead of sleeping
    root.dataset.ficheRuns = String(Number(root.dataset.ficheRuns || 0) + 1);
    keepChosenView(doc);
    if (args && args.focus) { focusWhenShown(doc, args.focus); }
  }

  /** Run the calls queued by the page (see fiches/ui/panel.py `page_script`). */
  function flush() {
    var calls = window.fichePageCalls || [];
    window.fichePageCalls = [];
    calls.forEach(run);
  }

  return {
    embedCode: embedCode, currentLink: currentLink, french: french, install: install, run: run,
    flush: flush, keyboardScrollable: keyboardScrollable
  };
});
