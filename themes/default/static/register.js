// The decisions register's filters: without this script every decision is listed and the
// (hidden) form stays out of the way; with it, each choice hides the rows it excludes and
// the count is announced.
(function () {
  var form = document.getElementById("filters");
  if (!form) return;
  var rows = Array.prototype.slice.call(document.querySelectorAll("table.register tbody tr"));
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
  var shown = document.getElementById("shown");
  function apply() {
    var n = 0;
    rows.forEach(function (row) {
      var keep = selects.every(function (s) { return !s.value || row.getAttribute("data-" + s.getAttribute("data-filter")) === s.value; });
      row.hidden = !keep;
      if (keep) n += 1;
    });
    shown.textContent = n + " of " + rows.length + " decisions shown";
  }
  selects.forEach(function (s) { s.addEventListener("change", apply); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.hidden = false;
  apply();
})();
