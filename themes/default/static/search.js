// Client-side search over search-index.js: no server needed, works from disk too.
(function () {
  "use strict";
  var form = document.querySelector(".search-form");
  var input = document.getElementById("q");
  var status = document.getElementById("search-status");
  var results = document.getElementById("search-results");
  var index = window.agendumSearch || [];
  if (!form || !input || !results) { return; }
  var root = "";

  function words(s) {
    return s.toLowerCase().split(/[^\p{L}\p{N}£.]+/u).filter(function (w) { return w.length > 1; });
  }
  var prepared = index.map(function (e) {
    return { entry: e, title: e.title.toLowerCase(), text: (e.title + " " + e.kind + " " + e.text).toLowerCase() };
  });

  function search(q) {
    var terms = words(q);
    results.textContent = "";
    if (terms.length === 0) { status.textContent = ""; return; }
    var hits = [];
    prepared.forEach(function (p) {
      var score = 0;
      for (var i = 0; i < terms.length; i++) {
        if (p.text.indexOf(terms[i]) < 0) { return; }
        score += p.title.indexOf(terms[i]) >= 0 ? 3 : 1;
      }
      hits.push({ p: p, score: score });
    });
    hits.sort(function (a, b) { return b.score - a.score || a.p.entry.title.localeCompare(b.p.entry.title); });
    hits.slice(0, 50).forEach(function (h) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + h.p.entry.url;
      a.textContent = h.p.entry.title;
      var meta = document.createElement("span");
      meta.className = "meta";
      meta.textContent = " " + h.p.entry.kind;
      li.appendChild(a);
      li.appendChild(meta);
      results.appendChild(li);
    });
    status.textContent = hits.length === 0 ? "No results for \u201c" + q + "\u201d." :
      (hits.length === 1 ? "1 result" : hits.length + " results") + (hits.length > 50 ? " (first 50 shown)" : "") + ".";
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    search(input.value);
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", "?q=" + encodeURIComponent(input.value));
    }
  });
  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) { input.value = initial; search(initial); }
})();
