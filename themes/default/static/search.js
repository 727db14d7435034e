// Full-text search over the archive's static index (search/): no server needed, works
// from disk too. The index files are scripts; each word's file is fetched when a search
// needs it, and each shown result's text to cut a snippet from.
(function () {
  "use strict";
  var form = document.querySelector(".search-form");
  var input = document.getElementById("q");
  var status = document.getElementById("search-status");
  var results = document.getElementById("search-results");
  var committee = document.getElementById("search-committee");
  var year = document.getElementById("search-year");
  var keyOnly = document.getElementById("search-key");
  if (!form || !input || !results) { return; }

  var docs = [];
  var waiting = {};
  var loaded = {};
  function load(src, name) {
    if (loaded[name]) { return Promise.resolve(loaded[name]); }
    return new Promise(function (resolve) {
      waiting[name] = resolve;
      var s = document.createElement("script");
      s.src = src;
      // A word with no file has no documents: an empty answer, not an error.
      s.onerror = function () { loaded[name] = {}; resolve({}); };
      document.head.appendChild(s);
    });
  }
  function arrived(name, value) {
    loaded[name] = value;
    if (waiting[name]) { waiting[name](value); delete waiting[name]; }
  }
  window.agendumSearch = {
    docs: function (list, committees) { arrived("docs", { list: list, committees: committees }); },
    terms: function (shard, terms) { arrived("terms:" + shard, terms); },
    text: function (n, text) { arrived("text:" + n, text); }
  };

  // The words of a query, split as the index splits text.
  function words(s) {
    return s.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(function (w) { return Array.from(w).length > 1; });
  }
  function shard(w) {
    var head = Array.from(w).slice(0, 2);
    if (head.every(function (c) { return /[a-z0-9]/.test(c); })) { return head.join(""); }
    return head.map(function (c) { return "u" + c.codePointAt(0).toString(16); }).join("");
  }

  function option(select, value, label) {
    var o = document.createElement("option");
    o.value = value;
    o.textContent = label;
    select.appendChild(o);
  }
  var ready = load("search/docs.js", "docs").then(function (d) {
    docs = d.list;
    if (committee) {
      Object.keys(d.committees).forEach(function (slug) { option(committee, slug, d.committees[slug]); });
    }
    if (year) {
      var years = {};
      docs.forEach(function (x) { years[x[4]] = true; });
      Object.keys(years).sort().reverse().forEach(function (y) { option(year, y, y); });
    }
  });

  // Documents matching every word (as a word or the start of one), best first: a
  // word's weight is its count in the document times how rare it is in the archive.
  function find(terms) {
    return Promise.all(terms.map(function (t) { return load("search/terms/" + shard(t) + ".js", "terms:" + shard(t)); })).then(function (shards) {
      var scores = null;
      terms.forEach(function (t, i) {
        var found = {};
        var table = shards[i];
        Object.keys(table).forEach(function (w) {
          if (w.indexOf(t) !== 0) { return; }
          var list = table[w];
          var rarity = Math.log(1 + docs.length / (list.length / 2));
          for (var k = 0; k < list.length; k += 2) {
            found[list[k]] = (found[list[k]] || 0) + list[k + 1] * rarity * (w === t ? 1 : 0.5);
          }
        });
        if (scores === null) { scores = found; return; }
        var both = {};
        Object.keys(scores).forEach(function (n) { if (found[n]) { both[n] = scores[n] + found[n]; } });
        scores = both;
      });
      return Object.keys(scores || {}).map(function (n) { return { n: +n, score: scores[n] }; });
    });
  }

  function snippet(text, terms) {
    var lower = text.toLowerCase();
    var at = -1;
    terms.forEach(function (t) { var i = lower.indexOf(t); if (i >= 0 && (at < 0 || i < at)) { at = i; } });
    var start = Math.max(0, at - 80);
    // Begin at a word, not inside one.
    if (start > 0) { var space = text.indexOf(" ", start); if (space >= 0 && space < Math.max(at, start + 1)) { start = space + 1; } }
    var part = text.slice(start, start + 220);
    var p = document.createElement("p");
    p.className = "snippet";
    var low = part.toLowerCase();
    var pos = 0;
    if (start > 0) { p.appendChild(document.createTextNode("… ")); }
    while (pos < part.length) {
      var next = -1, len = 0;
      terms.forEach(function (t) { var i = low.indexOf(t, pos); if (i >= 0 && (next < 0 || i < next)) { next = i; len = t.length; } });
      if (next < 0) { p.appendChild(document.createTextNode(part.slice(pos))); break; }
      p.appendChild(document.createTextNode(part.slice(pos, next)));
      var mark = document.createElement("mark");
      mark.textContent = part.slice(next, next + len);
      p.appendChild(mark);
      pos = next + len;
    }
    if (start + 220 < text.length) { p.appendChild(document.createTextNode(" …")); }
    return p;
  }

  function search(q) {
    var terms = words(q);
    results.textContent = "";
    if (terms.length === 0) { status.textContent = ""; return; }
    status.textContent = "Searching…";
    ready.then(function () { return find(terms); }).then(function (hits) {
      hits = hits.filter(function (h) {
        var d = docs[h.n];
        return (!committee || !committee.value || d[3] === committee.value) &&
          (!year || !year.value || d[4] === year.value) &&
          (!keyOnly || !keyOnly.checked || d[5]);
      });
      hits.sort(function (a, b) { return b.score - a.score || a.n - b.n; });
      var shown = hits.slice(0, 20);
      shown.forEach(function (h) {
        var d = docs[h.n];
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = d[1];
        a.textContent = d[0];
        var meta = document.createElement("span");
        meta.className = "meta";
        meta.textContent = " " + d[2];
        li.appendChild(a);
        li.appendChild(meta);
        results.appendChild(li);
        load("search/text/" + h.n + ".js", "text:" + h.n).then(function (text) { if (typeof text === "string") { li.appendChild(snippet(text, terms)); } });
      });
      status.textContent = hits.length === 0 ? "No results for \u201c" + q + "\u201d." :
        (hits.length === 1 ? "1 result" : hits.length + " results") + (hits.length > 20 ? " (the best 20 shown)" : "") + ".";
    });
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
