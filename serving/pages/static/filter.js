(function () {
  "use strict";
  var form = document.getElementById("filters");
  var table = document.getElementById("accounts");
  if (!form || !table) { return; }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var status = document.getElementById("filter-status");
  var empty = document.getElementById("filter-empty");
  var keys = ["band", "owner", "segment", "quadrant"].filter(function (key) {
    return form.elements[key];
  });
  var money = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
  var currency = table.getAttribute("data-currency") || "$";

  function apply() {
    var wanted = {};
    keys.forEach(function (key) { wanted[key] = form.elements[key].value; });
    var shown = 0, risk = 0;
    rows.forEach(function (row) {
      var match = keys.every(function (key) {
        return !wanted[key] || row.getAttribute("data-" + key) === wanted[key];
      });
      row.hidden = !match;
      if (match) { shown += 1; risk += parseFloat(row.getAttribute("data-risk")) || 0; }
    });
    var all = shown === rows.length;
    status.textContent = (all ? "Showing all " : "Showing " + shown + " of ") + rows.length +
      " accounts \u00b7 " + currency + money.format(risk) + " ARR at risk";
    empty.hidden = shown !== 0;
    var params = keys.filter(function (key) { return wanted[key]; })
      .map(function (key) { return key + "=" + encodeURIComponent(wanted[key]); }).join("&");
    if (window.history && window.history.replaceState) {
      try { window.history.replaceState(null, "", params ? "#" + params : window.location.pathname); } catch (e) { /* file:// may refuse */ }
    }
  }

  function fromHash() {
    var hash = window.location.hash.replace(/^#/, "");
    hash.split("&").forEach(function (pair) {
      var parts = pair.split("=");
      var select = form.elements[parts[0]];
      if (parts.length === 2 && select && keys.indexOf(parts[0]) >= 0) {
        select.value = decodeURIComponent(parts[1]);
      }
    });
  }

  form.addEventListener("change", apply);
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  fromHash();
  apply();
}());
