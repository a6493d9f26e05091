/* The rating grid's summary line: counts per level and the cap headroom, recomputed as selects change.
   The server renders the same figures for the first view (members/ratings/views.py: summary). */
(function () {
  "use strict";
  var summary = document.getElementById("rating-summary");
  var grid = document.getElementById("rating-grid");
  var codesNode = document.getElementById("rating-codes");
  if (!summary || !grid || !codesNode) { return; }
  var codes = JSON.parse(codesNode.textContent);
  var otherNode = document.getElementById("rating-other");
  var other = otherNode ? JSON.parse(otherNode.textContent) : {};

  function valueOf(el) {
    return el.tagName === "SELECT" ? el.value : (el.getAttribute("data-value") || "");
  }

  function update() {
    var counts = { proposed_level: {}, decided_level: {} };
    codes.forEach(function (code) { counts.proposed_level[code] = 0; counts.decided_level[code] = 0; });
    grid.querySelectorAll('tr[data-rated="1"] [data-field]').forEach(function (el) {
      var field = counts[el.getAttribute("data-field")];
      var value = valueOf(el);
      if (field && Object.prototype.hasOwnProperty.call(field, value)) { field[value] += 1; }
    });
    summary.querySelectorAll("[data-count]").forEach(function (el) {
      var key = el.getAttribute("data-count").split(":");
      el.textContent = counts[key[0]][key[1]];
    });
    var cap = document.getElementById("rating-cap");
    if (!cap) { return; }
    var topCode = cap.getAttribute("data-top");
    var baseCode = cap.getAttribute("data-base");
    var percent = parseFloat(cap.getAttribute("data-percent"));
    var top = (counts.decided_level[topCode] || 0) + (other[topCode] || 0);
    var base = (counts.decided_level[baseCode] || 0) + (other[baseCode] || 0);
    var limit = Math.floor(base * percent / 100 + 1e-9);
    cap.textContent = cap.getAttribute("data-cap-template")
      .replace("{top}", top).replace("{limit}", limit).replace("{base}", base);
    var over = top * 100 > percent * base;
    cap.classList.toggle("text-danger", over);
    cap.classList.toggle("fw-bold", over);
    var warning = summary.querySelector("[data-cap-over]");
    if (warning) { warning.hidden = !over; }
  }

  grid.addEventListener("change", update);
  update();
}());
