/* Remote, scoped pickers (issue 20, item 6): every <select data-autocomplete-url> becomes a Tom Select that
   fetches its options from that JSON view as the user types ({"results": [{value, text}], "more"}), passing
   the select's data-action, data-kind, data-under and data-full. The server filters (with or without
   diacritics), so Tom Select's own filter is turned off. */
(function () {
  "use strict";
  function params(el, query) {
    var p = new URLSearchParams();
    p.set("q", query || "");
    ["action", "kind", "under", "full", "active"].forEach(function (name) {
      var v = el.dataset[name];
      if (v) { p.set(name, v); }
    });
    return p.toString();
  }
  function setup(el) {
    if (el.tomselect || typeof TomSelect === "undefined") { return; }
    var url = el.dataset.autocompleteUrl;
    var noResults = el.dataset.noResults || "Không tìm thấy";
    var latest = 0;
    var ts = new TomSelect(el, {
      valueField: "value", labelField: "text", searchField: [], maxOptions: 50, preload: "focus",
      allowEmptyOption: true, loadThrottle: 250,
      score: function () { return function () { return 1; }; },
      shouldLoad: function () { return true; },
      load: function (query, callback) {
        // Answers can come back out of order (the preload on focus may be slower than the typed query): an
        // answer to anything but the latest request is dropped, or it would replace the filtered options.
        var mine = ++latest;
        fetch(url + "?" + params(el, query), {credentials: "same-origin", headers: {"Accept": "application/json"}})
          .then(function (r) { return r.json(); })
          .then(function (json) {
            if (mine !== latest) { callback(); return; }
            ts.clearOptions(); callback(json.results);
          })
          .catch(function () { callback(); });
      },
      render: {
        no_results: function () { return '<div class="no-results">' + noResults + "</div>"; },
        loading: function () { return '<div class="spinner-border spinner-border-sm m-2" role="status"></div>'; }
      }
    });
  }
  function scan(root) {
    (root || document).querySelectorAll("select[data-autocomplete-url]").forEach(setup);
  }
  document.addEventListener("DOMContentLoaded", function () { scan(document); });
  document.addEventListener("htmx:afterSettle", function (e) { scan(e.target); });
})();
