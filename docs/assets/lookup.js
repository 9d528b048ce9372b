// 条文检索: article-level search over prebuilt lunr shards (one per city), loaded on demand.
// Shards are plain scripts (lookup/*.js) so the page also works from file:// in the offline bundle.
(function () {
  "use strict";

  var QUESTION_WORDS = ["多长时间", "多少天", "多少", "多久", "怎么", "怎样", "如何", "什么", "哪些", "哪个", "哪里",
    "是否", "是谁", "由谁", "向谁", "谁", "吗", "呢", "么", "几次", "？", "?"];
  var MAX_RESULTS = 20;
  // Above this many cities an unfiltered search uses the term-partitioned index (lookup/terms/)
  // instead of loading every city's lunr shard; ?engine=lunr|terms forces one.
  var TERMS_ABOVE = 20;
  var tmeta = null, tbuckets = {}, tpending = {}, tdocs = {}, engine = "", rankMs = 0;
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

  // --- term-partitioned index ---------------------------------------------------------------
  window.rbTermsMeta = function (data) {
    tmeta = data;
    data.vocab.forEach(function (w) { vocab.add(w); });
  };
  window.rbTermsBucket = function (k, part) { tbuckets[k] = part; };
  window.rbLookupDocs = function (k, docs) {  // one chunk of the document store, by doc number
    docs.forEach(function (d) { tdocs[d.id] = d; });
  };

  function fnv1a(s) {  // the same hash as rulebook/search.py fnv1a()
    var h = 0x811c9dc5;
    for (var i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
    return h >>> 0;
  }

  function loadOnce(store, key, src) {
    if (!store[key]) {
      store[key] = loadScript(src).catch(function (err) { delete store[key]; throw err; });
    }
    return store[key];
  }

  function postings(term) {
    var flat = (tbuckets[fnv1a(term) % tmeta.buckets] || {})[term];
    var out = new Map(), doc = 0;
    if (!flat) return out;
    for (var i = 0; i < flat.length; i += 2) { doc += flat[i]; out.set(doc, flat[i + 1]); }
    return out;
  }

  function termsSearch(q, city, topic) {
    return (tmeta ? Promise.resolve() : loadScript(base + "lookup/terms/meta.js")).then(function () {
      var a = analyse(q);
      var exact = a.bigrams.concat(a.ascii, a.singles).map(function (t) { return "b" + t; });
      var wordTerms = a.words.concat(a.ascii).map(function (t) { return "w" + t; });
      var all = unique(exact.concat(wordTerms));
      var need = unique(all.map(function (t) { return fnv1a(t) % tmeta.buckets; }));
      return Promise.all(need.map(function (k) {
        return loadOnce(tpending, k, base + "lookup/terms/" + k + ".js");
      })).then(function () {
        var t = performance.now(), found = rankTerms(a, exact, wordTerms, city, topic);
        rankMs = performance.now() - t;  // ranking alone; loading buckets and documents is the rest
        return found;
      });
    });
  }

  function rankTerms(a, exact, wordTerms, city, topic) {
    var N = tmeta.docs.length, K1 = 1.2, B = 0.75;
    var avg = { b: mean(tmeta.dl_b), w: mean(tmeta.dl_w) };
    var cityIndex = city ? tmeta.cities.indexOf(city) : -1;
    var topicBit = topic ? tmeta.topic_ids.indexOf(topic) : -1;
    var lists = {}, scores = new Map(), hitsExact = new Map(), hitsWords = new Map();
    unique(exact.concat(wordTerms)).forEach(function (term) {
      var p = postings(term), field = term[0], df = p.size;
      lists[term] = p;
      if (!df) return;
      var idf = Math.log(1 + (N - df + 0.5) / (df + 0.5)), boost = field === "w" ? 2 : 1;
      p.forEach(function (tf, d) {
        var dl = field === "w" ? tmeta.dl_w[d] : tmeta.dl_b[d];
        var s = boost * idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / avg[field]));
        scores.set(d, (scores.get(d) || 0) + s);
      });
    });
    function count(terms, into) {
      terms.forEach(function (t) { lists[t].forEach(function (_, d) { into.set(d, (into.get(d) || 0) + 1); }); });
    }
    count(unique(exact), hitsExact);
    count(unique(wordTerms), hitsWords);
    var nExact = unique(exact).length, nWords = unique(wordTerms).length;
    var ranked = [];
    scores.forEach(function (score, d) {
      if (cityIndex >= 0 && tmeta.docs[d][0] !== cityIndex) return;
      if (topicBit >= 0 && !((tmeta.topics[d] >> topicBit) & 1)) return;
      var tier = nExact && hitsExact.get(d) === nExact ? 0 : (nWords && hitsWords.get(d) === nWords ? 1 : 2);
      ranked.push({ d: d, tier: tier, score: score });
    });
    ranked.sort(function (x, y) { return x.tier - y.tier || y.score - x.score; });
    var results = ranked.map(function (r) {
      var ref = tmeta.cities[tmeta.docs[r.d][0]] + "/" + tmeta.docs[r.d][1];
      return { ref: ref, score: r.score, doc: tdocs[ref] || null, d: r.d };
    });
    // The ranked list is shown at once; only the shown hits' documents (snippets) are fetched
    // after it, in small chunks of consecutive doc numbers.
    var top = results.slice(0, MAX_RESULTS).filter(function (r) { return !r.doc; });
    var chunks = unique(top.map(function (r) { return Math.floor(r.d / tmeta.doc_chunk); }));
    var docsReady = !chunks.length ? null : Promise.all(chunks.map(function (k) {
      return loadOnce(pending, "docs:" + k, base + "lookup/docs/" + k + ".js");
    })).then(function () {
      top.forEach(function (r) { r.doc = tdocs[r.ref] || null; });
    });
    return { results: results, analysis: a, docsReady: docsReady };
  }

  // 44 -> 第四十四条, as rulebook/render.py article_number() (numerals.int_to_cn) writes it.
  function articleNumber(n) {
    var names = "零一二三四五六七八九", h = Math.floor(n / 100), rest = n % 100;
    var t = Math.floor(rest / 10), o = rest % 10, out = "";
    if (h) { out += names[h] + "百"; if (rest && t === 0) out += "零"; }
    if (t) out += (t === 1 && !h ? "" : names[t]) + "十";
    if (o) out += names[o];
    return "第" + out + "条";
  }
  window.rbArticleNumber = articleNumber;  // exposed for the browser test against the Python original

  function mean(xs) { var t = 0; for (var i = 0; i < xs.length; i++) t += xs[i]; return t / (xs.length || 1); }

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
      li.setAttribute("data-ref", r.ref);
      // The link comes from the ref alone, so it is shown before the hit's document has arrived.
      var city = r.ref.split("/")[0], n = +r.ref.split("/")[1];
      var title = '<p class="rb-lookup-title"><a href="' + escapeHtml(base + "cities/" + city + suffix + "#art_" + n) +
        '">' + escapeHtml(names[city] + " " + articleNumber(n)) + "</a>";
      if (!d) {  // its document is loading (or failed): the snippet when it arrives
        li.innerHTML = title + "</p>" + (found.docsReady
          ? '<p class="rb-lookup-snippet rb-small" aria-busy="true">摘要加载中…</p>'
          : '<p class="rb-lookup-snippet rb-small">' + (found.docsFailed ? "摘要未能加载，请刷新页面重试。" : "") + "</p>");
      } else {
        li.innerHTML = title + (d.label !== d.number ? ' <span class="rb-small">（原文“' + escapeHtml(d.label) + "”）</span>" : "") +
          ' <span class="rb-small">' + escapeHtml(d.chapter) + "</span></p>" +
          '<p class="rb-lookup-snippet">' + snippet(d.text, found.analysis) + "</p>" +
          '<p class="rb-small">' + d.topics.map(function (t) { return escapeHtml(topicLabels[t] || t); }).join(" · ") + "</p>";
      }
      list.appendChild(li);
    });
    root.setAttribute("data-state", found.docsReady ? "partial" : "done");
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
    if (engine) p.set("engine", engine);
    var qs = p.toString();
    history.replaceState(null, "", location.pathname + (qs ? "?" + qs : ""));
  }

  function go(updateUrl) {
    var s = readForm();
    if (updateUrl) writeUrl(s);
    if (!s.q) {
      generation++;  // a search still loading must not fill the cleared list
      render("", { results: [], analysis: analyse("") }, []);
      return Promise.resolve();
    }
    root.setAttribute("data-state", "loading");
    var cities = s.city ? [s.city] : meta.cities.map(function (c) { return c.city; });
    var t0 = performance.now(), mine = ++generation, t1, t2;
    var useTerms = engine === "terms" || (engine !== "lunr" && !s.city && meta.cities.length > TERMS_ABOVE);
    root.setAttribute("data-engine", useTerms ? "terms" : "lunr");
    var run = useTerms
      ? termsSearch(s.q, s.city, s.topic).then(function (found) {
        t2 = performance.now();
        t1 = t2 - rankMs;  // so data-query-ms is the ranking and data-load-ms everything fetched
        return found;
      })
      : ensureShards(cities).then(function () {
        t1 = performance.now();
        var found = search(s.q, cities, s.topic);
        t2 = performance.now();
        return found;
      });
    return run.then(function (found) {
      if (mine !== generation) return;  // a newer search has started: do not show stale results
      render(s.q, found, cities);
      // Timings for the benchmark script (scripts/bench_search.py): index loading, the ranking itself,
      // submit to the ranked list shown, and submit to every snippet shown.
      root.setAttribute("data-load-ms", (t1 - t0).toFixed(1));
      root.setAttribute("data-query-ms", (t2 - t1).toFixed(1));
      root.setAttribute("data-first-ms", (performance.now() - t0).toFixed(1));
      if (!found.docsReady) {
        root.setAttribute("data-total-ms", root.getAttribute("data-first-ms"));
        return;
      }
      return found.docsReady.then(function () {
        if (mine !== generation) return;
        found.docsReady = null;
        render(s.q, found, cities);
        root.setAttribute("data-total-ms", (performance.now() - t0).toFixed(1));
      }, function (err) {  // the ranked list stands; only its snippets could not be fetched
        if (mine !== generation) return;
        console.warn(err);
        found.docsReady = null;
        found.docsFailed = true;
        render(s.q, found, cities);
        root.setAttribute("data-total-ms", (performance.now() - t0).toFixed(1));
      });
    }).catch(function (err) {
      if (mine !== generation) return;
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
      engine = p.get("engine") || "";
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
