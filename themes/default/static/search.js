// Full-text search over the archive's static index (search/): no server needed, works
// from disk too. The index files are scripts: docs.js (each document's committee, year
// and key-decision flag, and the list of word files), the word files a search needs
// (terms/), the titles of the shown results (meta/, a hundred documents a file) and
// each shown result's text to cut a snippet from (text/).
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

  var facets = [];
  var committees = [];
  var prefixes = [];
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
    docs: function (f, c, p) { arrived("docs", { facets: f, committees: c, prefixes: p }); },
    meta: function (k, list) { arrived("meta:" + k, list); },
    terms: function (shard, terms) { arrived("terms:" + shard, terms); },
    text: function (n, text) { arrived("text:" + n, text); }
  };

  // The words of a query, split as the index splits text.
  function words(s) {
    return s.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(function (w) { return Array.from(w).length > 1; });
  }
  // A word file's name, as the index names it: plain letters and digits as they are,
  // else "~" and the code points in hex.
  function fileName(prefix) {
    var cs = Array.from(prefix);
    if (cs.every(function (c) { return /[a-z0-9]/.test(c); })) { return prefix; }
    return "~" + cs.map(function (c) { return c.codePointAt(0).toString(16); }).join("-");
  }
  // The word files that can hold words beginning with t: the one under the longest
  // prefix of t, and every one under a longer prefix that begins with t.
  function filesFor(t) {
    var best = null, out = [];
    prefixes.forEach(function (p) {
      if (t.indexOf(p) === 0) { if (best === null || p.length > best.length) { best = p; } }
      else if (p.indexOf(t) === 0) { out.push(p); }
    });
    if (best !== null) { out.push(best); }
    return out;
  }
  function termsFor(t) {
    return Promise.all(filesFor(t).map(function (p) { var n = fileName(p); return load("search/terms/" + n + ".js", "terms:" + n); }))
      .then(function (tables) { var all = {}; tables.forEach(function (x) { Object.keys(x).forEach(function (w) { all[w] = x[w]; }); }); return all; });
  }

  function option(select, value, label) {
    var o = document.createElement("option");
    o.value = value;
    o.textContent = label;
    select.appendChild(o);
  }
  var ready = load("search/docs.js", "docs").then(function (d) {
    facets = d.facets || [];
    committees = d.committees || [];
    prefixes = d.prefixes || [];
    if (committee) {
      committees.forEach(function (c) { option(committee, c[0], c[1]); });
    }
    if (year) {
      var years = {};
      facets.forEach(function (x) { years[x[1]] = true; });
      Object.keys(years).sort().reverse().forEach(function (y) { option(year, y, y); });
    }
  });

  // Documents matching every word (as a word or the start of one), best first: a
  // word's weight is its count in the document times how rare it is in the archive.
  function find(terms) {
    return Promise.all(terms.map(termsFor)).then(function (shards) {
      var scores = null;
      terms.forEach(function (t, i) {
        var found = {};
        var table = shards[i];
        Object.keys(table).forEach(function (w) {
          if (w.indexOf(t) !== 0) { return; }
          var list = table[w];
          var rarity = Math.log(1 + facets.length / (list.length / 2));
          // Documents are listed as gaps from the one before.
          var n = 0;
          for (var k = 0; k < list.length; k += 2) {
            n += list[k];
            found[n] = (found[n] || 0) + list[k + 1] * rarity * (w === t ? 1 : 0.5);
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
        var f = facets[h.n];
        var c = f[0] === null ? null : committees[f[0]];
        return (!committee || !committee.value || (c && c[0] === committee.value)) &&
          (!year || !year.value || String(f[1]) === year.value) &&
          (!keyOnly || !keyOnly.checked || f[2] === 1);
      });
      hits.sort(function (a, b) { return b.score - a.score || a.n - b.n; });
      var shown = hits.slice(0, 20);
      var chunks = {};
      shown.forEach(function (h) { chunks[Math.floor(h.n / 100)] = true; });
      return Promise.all(Object.keys(chunks).map(function (k) { return load("search/meta/" + k + ".js", "meta:" + k); })).then(function () {
        return { hits: hits, shown: shown };
      });
    }).then(function (r) {
      var hits = r.hits;
      r.shown.forEach(function (h) {
        var d = (loaded["meta:" + Math.floor(h.n / 100)] || [])[h.n % 100] || ["", "", ""];
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
