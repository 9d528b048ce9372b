// 条文检索: article-level search over prebuilt lunr shards (one per city), loaded on demand.
// Shards are plain scripts (lookup/*.js) so the page also works from file:// in the offline bundle.
(function () {
  "use strict";

  var QUESTION_WORDS = ["多长时间", "多少天", "多少", "多久", "怎么", "怎样", "如何", "什么", "哪些", "哪个", "哪里",
    "是否", "是谁", "由谁", "向谁", "谁", "吗", "呢", "么", "几次", "？", "?"];
  var MAX_RESULTS = 20;
  var root, base, suffix, meta = null, shards = {}, pending = {}, vocab = new Set(), generation = 0;

  // --- loading ------------------------------------------------------------------------------
  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src;
      s.onload = resolve;
      s.onerror = function () { reject(new Error("cannot load " + src)); };
      document.head.appendChild(s);
    });
  }

  window.rbLookupMeta = function (data) { meta = data; };
  window.rbLookupShard = function (city, index, docs) {
    var idx = lunr.Index.load(index);
    var byId = {};
    docs.forEach(function (d) { byId[d.id] = d; });
    index.invertedIndex.forEach(function (entry) {
      if (entry[1].words && Object.keys(entry[1].words).length) vocab.add(entry[0]);
    });
    shards[city] = { idx: idx, docs: byId };
  };

  function ensureShards(cities) {
    return Promise.all(cities.map(function (c) {
      if (shards[c]) return null;
      if (!pending[c]) {
        pending[c] = loadScript(base + "lookup/shards/" + c + ".js").catch(function (err) {
          delete pending[c];  // let a later search try again
          throw err;
        });
      }
      return pending[c];
    }));
  }

  // --- query analysis -------------------------------------------------------------------------
  function analyse(q) {
    var text = q;
    QUESTION_WORDS.forEach(function (w) { text = text.split(w).join(" "); });
    var han = text.match(/[\u3400-\u9fff]+/g) || [];
    var ascii = (text.match(/[0-9A-Za-z]+/g) || []).map(function (s) { return s.toLowerCase(); });
    var bigrams = [], words = [], singles = [];
    han.forEach(function (run) {
      if (run.length === 1) { singles.push(run); return; }
      for (var i = 0; i < run.length - 1; i++) bigrams.push(run.substr(i, 2));
      // forward maximum matching against the indexed jieba words
      var i2 = 0;
      while (i2 < run.length) {
        var hit = null;
        for (var len = Math.min(8, run.length - i2); len >= 2; len--) {
          if (vocab.has(run.substr(i2, len))) { hit = run.substr(i2, len); break; }
        }
        if (hit) { words.push(hit); i2 += hit.length; } else { i2 += 1; }
      }
    });
    return { han: han, bigrams: unique(bigrams), words: unique(words), ascii: unique(ascii), singles: singles };
  }

  function unique(a) { return a.filter(function (x, i) { return a.indexOf(x) === i; }); }

  function run(idx, terms, required) {
    if (!terms.length) return [];
    return idx.query(function (q) {
      terms.forEach(function (t) {
        q.term(t.term, {
          fields: t.fields, boost: t.boost || 1, usePipeline: false,
          wildcard: t.wildcard || lunr.Query.wildcard.NONE,
          presence: required ? lunr.Query.presence.REQUIRED : lunr.Query.presence.OPTIONAL
        });
      });
    });
  }

  function searchShard(shard, a) {
    var exact = a.bigrams.map(function (t) { return { term: t, fields: ["bigrams"] }; })
      .concat(a.ascii.map(function (t) { return { term: t, fields: ["bigrams", "words"] }; }))
      .concat(a.singles.map(function (t) {
        return { term: t, fields: ["bigrams"], wildcard: lunr.Query.wildcard.TRAILING };
      }));
    var words = a.words.map(function (t) { return { term: t, fields: ["words", "title", "topics"], boost: 2 }; })
      .concat(a.ascii.map(function (t) { return { term: t, fields: ["bigrams", "words"] }; }));
    var loose = exact.concat(words);
    // Tiers: every bigram present (the phrase's characters in order-adjacent pairs), then every
    // word present, then anything: earlier tiers always rank first.
    return [run(shard.idx, exact, true), run(shard.idx, words, true), run(shard.idx, loose, false)];
  }

  function search(q, cities, topic) {
    var a = analyse(q);
    var tiers = [[], [], []];
    cities.forEach(function (c) {
      var shard = shards[c];
      searchShard(shard, a).forEach(function (res, t) {
        res.forEach(function (r) { tiers[t].push({ ref: r.ref, score: r.score, doc: shard.docs[r.ref] }); });
      });
    });
    var seen = {}, out = [];
    tiers.forEach(function (tier) {
      tier.sort(function (x, y) { return y.score - x.score; });
      tier.forEach(function (r) {
        if (seen[r.ref]) return;
        if (topic && r.doc.topics.indexOf(topic) < 0) return;
        seen[r.ref] = true;
        out.push(r);
      });
    });
    return { results: out, analysis: a };
  }

  // --- rendering ------------------------------------------------------------------------------
  function escapeHtml(s) {
    return s.replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; });
  }

  function snippet(text, a) {
    var marks = new Uint8Array(text.length);
    var needles = a.words.concat(a.bigrams, a.ascii, a.singles);
    needles.forEach(function (n) {
      var from = 0, at;
      var hay = /[A-Za-z]/.test(n) ? text.toLowerCase() : text;
      while (n && (at = hay.indexOf(n, from)) >= 0) {
        for (var k = at; k < at + n.length; k++) marks[k] = 1;
        from = at + 1;
      }
    });
    var first = marks.indexOf(1);
    var start = Math.max(0, (first < 0 ? 0 : first) - 30), end = Math.min(text.length, start + 140);
    var html = start > 0 ? "…" : "", on = false;
    for (var i = start; i < end; i++) {
      if (marks[i] && !on) { html += "<mark>"; on = true; }
      if (!marks[i] && on) { html += "</mark>"; on = false; }
      html += escapeHtml(text[i] === "\n" ? " " : text[i]);
    }
    if (on) html += "</mark>";
    return html + (end < text.length ? "…" : "");
  }

  function render(q, found, cities) {
    var list = root.querySelector(".rb-lookup-results");
    var status = root.querySelector(".rb-lookup-status");
    var names = {}, topicLabels = {};
    meta.cities.forEach(function (c) { names[c.city] = c.name; });
    meta.topics.forEach(function (t) { topicLabels[t.id] = t.label; });
    list.innerHTML = "";
    var shown = found.results.slice(0, MAX_RESULTS);
    status.textContent = q ? ("“" + q + "”：找到 " + found.results.length + " 条" +
      (found.results.length > MAX_RESULTS ? "，显示前 " + MAX_RESULTS + " 条" : "") +
      "（检索 " + cities.length + " 个城市）") : "";
    shown.forEach(function (r) {
      var d = r.doc;
      var li = document.createElement("li");
      li.className = "rb-lookup-hit";
      li.setAttribute("data-ref", d.id);
      var href = base + "cities/" + d.city + suffix + "#art_" + d.n;
      li.innerHTML = '<p class="rb-lookup-title"><a href="' + escapeHtml(href) + '">' + escapeHtml(names[d.city] + " " +
        d.number) + "</a>" + (d.label !== d.number ? ' <span class="rb-small">（原文“' + escapeHtml(d.label) + "”）</span>" : "") +
        ' <span class="rb-small">' + escapeHtml(d.chapter) + "</span></p>" +
        '<p class="rb-lookup-snippet">' + snippet(d.text, found.analysis) + "</p>" +
        '<p class="rb-small">' + d.topics.map(function (t) { return escapeHtml(topicLabels[t] || t); }).join(" · ") + "</p>";
      list.appendChild(li);
    });
    root.setAttribute("data-state", "done");
  }

  // --- form and URL ---------------------------------------------------------------------------
  function readForm() {
    return {
      q: root.querySelector("input[name=q]").value.trim(),
      city: root.querySelector("select[name=city]").value,
      topic: root.querySelector("select[name=topic]").value
    };
  }

  function writeUrl(s) {
    var p = new URLSearchParams();
    if (s.q) p.set("kw", s.q);  // not "q": Material opens its own search overlay for ?q=
    if (s.city) p.set("city", s.city);
    if (s.topic) p.set("topic", s.topic);
    var qs = p.toString();
    history.replaceState(null, "", location.pathname + (qs ? "?" + qs : ""));
  }

  function go(updateUrl) {
    var s = readForm();
    if (updateUrl) writeUrl(s);
    if (!s.q) { render("", { results: [], analysis: analyse("") }, []); return Promise.resolve(); }
    root.setAttribute("data-state", "loading");
    var cities = s.city ? [s.city] : meta.cities.map(function (c) { return c.city; });
    var t0 = performance.now(), mine = ++generation;
    return ensureShards(cities).then(function () {
      if (mine !== generation) return;  // a newer search has started: do not show stale results
      var t1 = performance.now();
      var found = search(s.q, cities, s.topic);
      var t2 = performance.now();
      render(s.q, found, cities);
      // Timings for the benchmark script (scripts/bench_search.py): shard loading and the query itself.
      root.setAttribute("data-load-ms", (t1 - t0).toFixed(1));
      root.setAttribute("data-query-ms", (t2 - t1).toFixed(1));
    }).catch(function (err) {
      console.error(err);
      root.querySelector(".rb-lookup-status").textContent = "检索索引加载失败，请刷新页面重试。";
      root.setAttribute("data-state", "error");
    });
  }

  function init() {
    root = document.querySelector(".rb-lookup");
    if (!root || root.getAttribute("data-ready")) return;
    base = root.getAttribute("data-rb-root");
    suffix = root.getAttribute("data-rb-suffix") || "/";
    root.setAttribute("data-ready", "1");
    loadScript(base + "lookup/meta.js").then(function () {
      var citySel = root.querySelector("select[name=city]"), topicSel = root.querySelector("select[name=topic]");
      meta.cities.forEach(function (c) {
        var o = document.createElement("option"); o.value = c.city; o.textContent = c.province + " · " + c.name; citySel.appendChild(o);
      });
      meta.topics.forEach(function (t) {
        var o = document.createElement("option"); o.value = t.id; o.textContent = t.label; topicSel.appendChild(o);
      });
      var p = new URLSearchParams(location.search);
      root.querySelector("input[name=q]").value = p.get("kw") || "";
      citySel.value = p.get("city") || "";
      topicSel.value = p.get("topic") || "";
      root.querySelector("form").addEventListener("submit", function (e) { e.preventDefault(); go(true); });
      citySel.addEventListener("change", function () { go(true); });
      topicSel.addEventListener("change", function () { go(true); });
      root.hidden = false;
      root.setAttribute("data-state", "ready");
      if (p.get("kw")) go(false);
    }).catch(function (err) { console.error(err); });
  }

  if (window.document$) window.document$.subscribe(init); else document.addEventListener("DOMContentLoaded", init);
})();
