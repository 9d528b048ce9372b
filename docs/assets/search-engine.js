// The article search engine shared by the header box (search-box.js) and 条文检索 (lookup.js):
// prebuilt lunr shards (one per city) or, for unfiltered searches over many cities, the
// term-partitioned index (lookup/terms/); both built by rulebook/search/index.py. Index files are plain
// scripts, so everything also works from file:// in the offline bundle. Needs rb-common.js (loaded first).
// Also a CommonJS module in Node (tests/js/): loading it touches no DOM, and the pure parts (query
// analysis, the bucket hash, the term weight, article numbers) are exported for the parity tests.
(function (global) {
  "use strict";
  var common = global.rbCommon || (typeof require === "function" ? require("./rb-common.js") : null);

  // Longest first: each is cut out of the query before the shorter ones.
  var QUESTION_WORDS = ["什么时候", "什么时间", "多长时间", "多少天", "多少", "多久", "多长", "何时", "怎么", "怎样", "如何",
    "什么", "哪些", "哪个", "哪里", "是否", "是谁", "由谁", "向谁", "谁", "吗", "呢", "么", "几次", "几天", "？", "?"];
  var SNIPPET_DOCS = 20;  // the term index fetches the documents (snippets) of this many top hits
  // Above this many cities an unfiltered search uses the term-partitioned index (lookup/terms/)
  // instead of loading every city's lunr shard; ?engine=lunr|terms forces one.
  var TERMS_ABOVE = 20;
  var base = null, suffix = "/", metaReady = null, meta = null;
  var shards = {}, pending = {}, vocab = new Set();
  var tmeta = null, tbuckets = {}, tdocs = {}, ttopics = {}, ttails = {}, docCity = null, docN = null;

  // --- loading ------------------------------------------------------------------------------
  function loadOnce(key, src) {
    if (!pending[key]) {
      pending[key] = common.loadScript(src).catch(function (err) { delete pending[key]; throw err; });  // retry later
    }
    return pending[key];
  }

  global.rbLookupMeta = function (data) {
    // Each city is a direct hit too; meta.js lists them once, under `cities`.
    var cities = data.cities.map(function (c) {
      return { kind: "城市", label: c.name, sub: c.province, path: "cities/" + c.city, hash: "", keys: c.name };
    });
    data.direct = cities.concat(data.direct);
    meta = data;
  };
  global.rbLookupShard = function (city, index, docs) {
    var idx = lunr.Index.load(index);
    var byId = {};
    docs.forEach(function (d) { byId[d.id] = d; });
    index.invertedIndex.forEach(function (entry) {
      if (entry[1].words && Object.keys(entry[1].words).length) vocab.add(entry[0]);
    });
    shards[city] = { idx: idx, docs: byId };
  };
  global.rbTermsMeta = function (data) {
    // Doc numbers run through the cities in order; each city's run is k (articles 1..k) or its ordinals.
    docCity = new Int32Array(data.n_docs);
    docN = new Int32Array(data.n_docs);
    var d = 0;
    data.runs.forEach(function (run, ci) {
      var k = typeof run === "number" ? run : run.length;
      for (var i = 0; i < k; i++, d++) { docCity[d] = ci; docN[d] = typeof run === "number" ? i + 1 : run[i]; }
    });
    tmeta = data;
    refDoc = null;
    data.vocab.forEach(function (w) { vocab.add(w); });
  };
  global.rbTermsBucket = function (k, part) { tbuckets[k] = part; };
  global.rbTermsTail = function (k, flat) { ttails[k] = flat; };
  global.rbTermsTopic = function (k, deltas) {  // the docs of one topic, for the topic filter
    var docs = new Set(), d = 0;
    deltas.forEach(function (x) { d += x; docs.add(d); });
    ttopics[k] = docs;
  };
  global.rbLookupDocs = function (k, docs) {  // one chunk of the document store, by doc number
    docs.forEach(function (d) { tdocs[d.id] = d; });
  };

  // Where the site root is, relative to this page, and how page URLs end ("/" or ".html").
  // The first caller decides; every search UI on a page shares one engine and one set of loaded files.
  function init(root, urlSuffix) {
    if (base === null) { base = root; suffix = urlSuffix || "/"; }
    if (!metaReady) {
      metaReady = common.loadScript(base + "lookup/meta.js").then(function () { return meta; });
      metaReady.catch(function () { metaReady = null; });
    }
    return metaReady;
  }

  // A large corpus has no lunr shards (meta.shards false): the term index serves every search.
  function useTerms(opts) {
    var e = opts.engine || "";
    if (meta.shards === false) return true;
    return e === "terms" || (e !== "lunr" && !opts.city && meta.cities.length > TERMS_ABOVE);
  }

  // Load what a search with these options needs before its first query (on focus, while typing).
  function warm(opts) {
    return init(base).then(function () {
      if (useTerms(opts)) return loadOnce("terms", base + "lookup/terms/meta.js");
      return loadShards(opts.city ? [opts.city] : allCities());
    });
  }

  function allCities() { return meta.cities.map(function (c) { return c.city; }); }

  function loadShards(cities) {
    var lunrReady = global.lunr ? null : loadOnce("lunr", base + "assets/vendor/lunr.min.js");
    return Promise.resolve(lunrReady).then(function () {
      return Promise.all(cities.map(function (c) {
        return shards[c] ? null : loadOnce("shard:" + c, base + "lookup/shards/" + c + ".js");
      }));
    });
  }

  // --- query analysis -------------------------------------------------------------------------
  function stripQuestion(q) {
    var text = q;
    QUESTION_WORDS.forEach(function (w) { text = text.split(w).join(" "); });
    return text;
  }

  function analyse(q) {
    var text = stripQuestion(q);
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
    return { han: han, bigrams: unique(bigrams), words: unique(words), ascii: unique(ascii), singles: singles,
      extra: completions(han, words) };
  }

  // A query run that no indexed word covers whole is often a fragment of one (务会议 of 常务会议):
  // the shortest indexed words containing it score as optional words (never required).
  function completions(han, words) {
    var out = [];
    han.forEach(function (run) {
      if (run.length < 3 || words.indexOf(run) >= 0) return;
      var found = [];
      vocab.forEach(function (w) { if (w.length > run.length && w.indexOf(run) >= 0) found.push(w); });
      found.sort(function (x, y) { return x.length - y.length || (x < y ? -1 : 1); });
      found.slice(0, 2).forEach(function (w) { if (out.indexOf(w) < 0) out.push(w); });
    });
    return out;
  }

  // Every query run (2+ characters) and number appears literally in the text: the phrase, not
  // only its bigrams scattered over the article.
  function hasPhrase(text, a) {
    if (!text) return false;
    var lower = null;
    return a.han.every(function (run) { return run.length < 2 || text.indexOf(run) >= 0; }) &&
      a.ascii.every(function (t) { return (lower = lower || text.toLowerCase()).indexOf(t) >= 0; });
  }

  function unique(a) { return a.filter(function (x, i) { return a.indexOf(x) === i; }); }

  // --- lunr shards ----------------------------------------------------------------------------
  function run(idx, terms, required) {
    if (!terms.filter(function (t) { return !t.optional; }).length) return [];
    return idx.query(function (q) {
      terms.forEach(function (t) {
        q.term(t.term, {
          fields: t.fields, boost: t.boost || 1, usePipeline: false,
          wildcard: t.wildcard || lunr.Query.wildcard.NONE,
          presence: required && !t.optional ? lunr.Query.presence.REQUIRED : lunr.Query.presence.OPTIONAL
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
    var extra = a.extra.map(function (t) { return { term: t, fields: ["words", "title", "topics"], boost: 2, optional: true }; });
    var loose = exact.concat(words, extra);
    // Tiers: every bigram present (the phrase's characters in order-adjacent pairs), then every
    // word present, then anything: earlier tiers always rank first.
    return [run(shard.idx, exact.concat(extra), true), run(shard.idx, words.concat(extra), true),
      run(shard.idx, loose, false)];
  }

  function lunrSearch(a, cities, topic) {
    // Within each tier, articles holding the query's phrases literally come first.
    var tiers = [[], [], [], [], [], []];
    cities.forEach(function (c) {
      var shard = shards[c];
      searchShard(shard, a).forEach(function (res, t) {
        res.forEach(function (r) {
          var doc = shard.docs[r.ref];
          tiers[2 * t + (hasPhrase(doc.text, a) ? 0 : 1)].push({ ref: r.ref, score: r.score, doc: doc });
        });
      });
    });
    var seen = {}, out = [];
    tiers.forEach(function (tier) {
      tier.sort(function (x, y) { return y.score - x.score || (x.ref < y.ref ? -1 : 1); });
      tier.forEach(function (r) {
        if (seen[r.ref]) return;
        if (topic && r.doc.topics.indexOf(topic) < 0) return;
        seen[r.ref] = true;
        out.push(r);
      });
    });
    return out;
  }

  // --- term-partitioned index ---------------------------------------------------------------
  // The bucket of a term: 32-bit FNV-1a over UTF-16 code units, as rulebook/search/index.py fnv1a().
  function fnv1a(s) {
    var h = 0x811c9dc5;
    for (var i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
    return h >>> 0;
  }

  // BM25 (lunr's k1 and b). Each posting carries its term weight, computed by the build
  // (rulebook/search/index.py term_weight = weight(tf, length_norm(dl, avg))) and quantised to 1..22;
  // the ranking reads it as weight / weight_scale. The same formulas here, operation for operation,
  // say what a stored weight is and let tests/js check them against the Python.
  var K1 = 1.2, B = 0.75, WEIGHT_SCALE = 10;
  function lengthNorm(dl, avg) { return avg ? K1 * (1 - B + B * dl / avg) : K1; }
  function weight(tf, norm) { return Math.max(1, roundHalfEven(WEIGHT_SCALE * tf * (K1 + 1) / (tf + norm))); }
  function termWeight(tf, dl, avg) { return weight(tf, lengthNorm(dl, avg)); }
  function idf(df, n) { return Math.log(1 + (n - df + 0.5) / (df + 0.5)); }
  // Python's round(): a tie goes to the even neighbour (2.5 -> 2), where Math.round goes up.
  function roundHalfEven(x) {
    var r = Math.round(x);
    return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
  }

  function termKeys(a) {
    var exact = a.bigrams.concat(a.ascii, a.singles).map(function (t) { return "b" + t; });
    var wordTerms = a.words.concat(a.ascii).map(function (t) { return "w" + t; });
    return { exact: unique(exact), words: unique(wordTerms) };
  }

  function queryTerms(a) {
    var k = termKeys(a);
    return unique(k.exact.concat(k.words, a.extra.map(function (t) { return "w" + t; })));
  }

  function entry(term) { return (tbuckets[fnv1a(term) % tmeta.buckets] || {})[term]; }

  // The query's buckets; with `complete`, also the tail files of its very common terms (whose
  // buckets hold only their heaviest postings), so the list has every matching article.
  function loadBuckets(a, complete) {
    var terms = queryTerms(a);
    var need = unique(terms.map(function (t) { return fnv1a(t) % tmeta.buckets; }));
    return Promise.all(need.map(function (b) { return loadOnce("bucket:" + b, base + "lookup/terms/" + b + ".js"); }))
      .then(function () {
        if (!complete) return null;
        return Promise.all(terms.map(function (t) {
          var flat = entry(t);
          return flat && flat[0] < 0 ? loadOnce("tail:" + flat[1], base + "lookup/terms/tail-" + flat[1] + ".js") : null;
        }));
      });
  }

  function loadTopic(topic) {
    var k = topic ? tmeta.topic_ids.indexOf(topic) : -1;
    return k < 0 ? null : loadOnce("topic:" + k, base + "lookup/terms/topic-" + k + ".js");
  }

  // A term's postings: {docs: doc numbers, weights: their BM25 term weights (times
  // tmeta.weight_scale), df, partial: only the heaviest postings are known (a very common term
  // whose tail is not loaded)}.
  function postings(term) {
    var flat = entry(term), docs = [], weights = [];
    if (!flat) return { docs: docs, weights: weights, df: 0, partial: false };
    var start = 0, df = flat.length / 2, tail = null;
    if (flat[0] < 0) { start = 2; df = -flat[0]; tail = ttails[flat[1]] || null; }
    [[flat, start], [tail || [], 0]].forEach(function (part) {
      var list = part[0];
      for (var i = part[1], doc = 0; i < list.length; i += 2) { doc += list[i]; docs.push(doc); weights.push(list[i + 1]); }
    });
    return { docs: docs, weights: weights, df: df, partial: start > 0 && !tail };
  }

  // A ranked hit of the term index: {ref, score, doc, d}, with ref and doc derived on first read.
  function TermHit(d, score) { this.d = d; this.score = score; this._doc = null; }
  Object.defineProperty(TermHit.prototype, "ref", {
    get: function () { return meta.cities[docCity[this.d]].city + "/" + docN[this.d]; }
  });
  Object.defineProperty(TermHit.prototype, "doc", {
    get: function () { return this._doc || tdocs[this.ref] || null; },
    set: function (v) { this._doc = v; }
  });

  // Scores and tier counts live in arrays over all doc numbers: at 3,000 cities a common term's
  // complete list is ~10^5 postings, which Maps made the bulk of 条文检索's ranking time.
  function rankTerms(a, city, topic) {
    var k = termKeys(a), exact = k.exact, wordTerms = k.words;
    var N = tmeta.n_docs, scale = tmeta.weight_scale;
    var cityIndex = city ? meta.cities.findIndex(function (c) { return c.city === city; }) : -1;
    var topicDocs = topic ? ttopics[tmeta.topic_ids.indexOf(topic)] || new Set() : null;
    var lists = {}, scores = new Float64Array(N), touched = [], partial = false;
    var hitsExact = new Uint8Array(N), hitsWords = new Uint8Array(N);
    queryTerms(a).forEach(function (term) {
      var p = postings(term), field = term[0], df = p.df;
      lists[term] = p;
      partial = partial || p.partial;
      if (!df) return;
      var w = idf(df, N), boost = field === "w" ? 2 : 1;
      for (var i = 0; i < p.docs.length; i++) {
        var d = p.docs[i];
        if (scores[d] === 0) touched.push(d);  // every weight and idf is > 0
        scores[d] += boost * w * p.weights[i] / scale;
      }
    });
    // A tier needs every term of its kind; a term known only by its heaviest postings is taken as
    // present (it is in a large share of all articles), so the rarer terms decide.
    function count(terms, into) {
      var known = terms.filter(function (t) { return !lists[t].partial; });
      known.forEach(function (t) { lists[t].docs.forEach(function (d) { into[d]++; }); });
      return known.length;
    }
    var needExact = count(exact, hitsExact), needWords = count(wordTerms, hitsWords);
    var tiers = new Uint8Array(N), order = [];
    touched.forEach(function (d) {
      if (cityIndex >= 0 && docCity[d] !== cityIndex) return;
      if (topicDocs && !topicDocs.has(d)) return;
      tiers[d] = exact.length && hitsExact[d] === needExact ? 0
        : (wordTerms.length && hitsWords[d] === needWords ? 1 : 2);
      order.push(d);
    });
    // Sorted as doc numbers keyed into the arrays, and each hit's ref and document are worked out
    // only when read: a UI reads the few it shows (a common term has ~10^5 hits at 3,000 cities).
    order = Int32Array.from(order).sort(function (x, y) { return tiers[x] - tiers[y] || scores[y] - scores[x] || x - y; });
    var out = new Array(order.length);
    for (var i = 0; i < order.length; i++) out[i] = new TermHit(order[i], scores[order[i]]);
    out.partial = partial;
    return out;
  }

  // The documents (snippets) of the top hits, fetched after the ranked list is shown, in small
  // chunks of consecutive doc numbers; resolves when every one has arrived.
  function fetchDocs(results, n) {
    var top = results.slice(0, n).filter(function (r) { return !r.doc && r.d !== undefined; });
    if (!top.length) return null;
    var chunks = unique(top.map(function (r) { return Math.floor(r.d / tmeta.doc_chunk); }));
    return Promise.all(chunks.map(function (k) {
      return loadOnce("docs:" + k, base + "lookup/docs/" + k + ".js");
    })).then(function () {
      top.forEach(function (r) { r.doc = tdocs[r.ref] || null; });
    });
  }

  // --- the one search function ----------------------------------------------------------------
  // opts: {city, topic, engine, docs (how many top hits need their documents; default 20),
  // complete (every matching article, not only those the very common terms' heaviest postings find)}.
  // Resolves to {results: [{ref, score, doc}], analysis, engine, docsReady (a promise or null),
  // partial (the list may lack articles: complete was not asked for and a term is very common),
  // loadMs, rankMs}; docsReady, if set, fills in missing r.doc.
  function search(q, opts) {
    opts = opts || {};
    var t0 = performance.now();
    return init(base).then(function () {
      var terms = useTerms(opts);
      if (terms) {
        return loadOnce("terms", base + "lookup/terms/meta.js").then(function () {
          var a = analyse(q);
          return Promise.all([loadBuckets(a, !!opts.complete), loadTopic(opts.topic)]).then(function () {
            var t1 = performance.now(), results = rankTerms(a, opts.city, opts.topic);
            results = promote(results, curated(q, opts.topic), opts.city, termHitOf);
            return { results: results, analysis: a, engine: "terms", loadMs: t1 - t0, rankMs: performance.now() - t1,
              partial: results.partial,
              docsReady: fetchDocs(results, opts.docs === undefined ? SNIPPET_DOCS : opts.docs) };
          });
        });
      }
      var cities = opts.city ? [opts.city] : allCities();
      return loadShards(cities).then(function () {
        var t1 = performance.now(), a = analyse(q), results = lunrSearch(a, cities, opts.topic);
        results = promote(results, curated(q, opts.topic), opts.city, lunrHitOf);
        return { results: results, analysis: a, engine: "lunr", loadMs: t1 - t0, rankMs: performance.now() - t1,
          docsReady: null };
      });
    });
  }

  // --- curated answers: the comparison attributes a query names ------------------------------
  // The query's parts, as the direct hits split it: question words and spaces separate them.
  function partsOf(q) {
    return stripQuestion(q).split(/[\s,，、]+/).filter(function (p) { return p.length >= 2 || /\d/.test(p); });
  }
  // A part is in `text` whole, or (3 characters or more) by at least half of its bigrams: 过半数出席 is
  // in 半数以上……出席 by 半数 and 出席.
  function covers(text, p) {
    if (text.indexOf(p) >= 0) return true;
    if (p.length < 3) return false;
    var n = 0;
    for (var i = 0; i < p.length - 1; i++) if (text.indexOf(p.substr(i, 2)) >= 0) n++;
    return 2 * n >= p.length - 1;
  }
  // The attributes (at most two) a query is about: one of its parts is in the label (a single part
  // must be three quarters of it: 常务会议 alone names no one attribute), and every part is in the label,
  // the description or what the cells say. Only attributes with cited articles (meta.js carries them
  // in a corpus that is not large: rulebook/search/index.py attribute_answers) within the topic filter.
  function curated(q, topic) {
    var parts = partsOf(q), found = [];
    if (!parts.length || !meta) return [];
    meta.direct.forEach(function (e, i) {
      if (!e.cites || !e.cites.length || (topic && e.path !== "compare/" + topic)) return;
      var inLabel = parts.filter(function (p) { return e.label.indexOf(p) >= 0; }).length;
      if (!inLabel || (parts.length === 1 && 4 * parts[0].length < 3 * e.label.length)) return;
      var text = e.keys + "\n" + (e.said || "");
      if (!parts.every(function (p) { return covers(text, p); })) return;
      found.push({ e: e, n: inLabel, i: i });
    });
    found.sort(function (x, y) { return y.n - x.n || x.e.label.length - y.e.label.length || x.i - y.i; });
    return found.slice(0, 2).map(function (f) { return f.e; });
  }
  // The articles the attributes cite go first (those already found in their found order, then the
  // others), each with `quote`, its cited words (the snippet shows their sentence).
  function promote(results, attrs, city, hitOf) {
    var quote = {}, cited = [];
    attrs.forEach(function (e) {
      e.cites.forEach(function (c) {
        if ((city && c[0].split("/")[0] !== city) || c[0] in quote) return;
        quote[c[0]] = c[1];
        cited.push(c[0]);
      });
    });
    if (!cited.length) return results;
    var at = {};
    results.forEach(function (r, i) { if (r.ref in quote && !(r.ref in at)) at[r.ref] = i; });
    var front = cited.filter(function (r) { return r in at; }).sort(function (x, y) { return at[x] - at[y]; })
      .map(function (r) { return results[at[r]]; })
      .concat(cited.filter(function (r) { return !(r in at); }).map(hitOf).filter(Boolean));
    front.forEach(function (r) { r.quote = quote[r.ref]; });
    var out = front.concat(results.filter(function (r) { return !(r.ref in quote && r.quote); }));
    out.partial = results.partial;
    return out;
  }
  var refDoc = null;  // term index: ref -> doc number, made when first needed
  function termHitOf(ref) {
    if (!refDoc) {
      refDoc = {};
      for (var d = 0; d < docCity.length; d++) refDoc[meta.cities[docCity[d]].city + "/" + docN[d]] = d;
    }
    return ref in refDoc ? new TermHit(refDoc[ref], 0) : null;
  }
  function lunrHitOf(ref) {
    var shard = shards[ref.split("/")[0]], doc = shard && shard.docs[ref];
    return doc ? { ref: ref, score: 0, doc: doc } : null;
  }

  // --- snippets and highlighting ------------------------------------------------------------
  // Every place in `text` where a needle occurs, as a 0/1 array over characters.
  function markAll(text, needles) {
    var marks = new Uint8Array(text.length), lower = text.toLowerCase();
    needles.forEach(function (n) {
      if (!n) return;
      var hay = /[A-Za-z]/.test(n) ? lower : text, from = 0, at;
      while ((at = hay.indexOf(n, from)) >= 0) {
        for (var k = at; k < at + n.length; k++) marks[k] = 1;
        from = at + 1;
      }
    });
    return marks;
  }

  function needlesOf(a) { return a.words.concat(a.bigrams, a.ascii, a.singles); }

  // How well a stretch of text answers the query: whole query runs and numbers count most, then
  // indexed words, then bigrams, each counted once.
  function sentenceScore(s, a) {
    var score = 0;
    a.han.forEach(function (run) { if (run.length > 1 && s.indexOf(run) >= 0) score += 2 * run.length; });
    a.ascii.forEach(function (t) { if (s.toLowerCase().indexOf(t) >= 0) score += 4; });
    a.words.forEach(function (t) { if (s.indexOf(t) >= 0) score += 2; });
    a.bigrams.forEach(function (t) { if (s.indexOf(t) >= 0) score += 1; });
    a.singles.forEach(function (t) { if (s.indexOf(t) >= 0) score += 1; });
    return score;
  }

  // The snippet of an article: the sentence(s) holding the most query terms (not the article's
  // start), or the one holding `quote` (a curated answer's cited words) when given, cut to about
  // `width` characters centred on the marked words. Returns a fragment built with text nodes and
  // <mark> elements only.
  function snippet(text, a, width, quote) {
    width = width || 120;
    var flat = text.replace(/\s+/g, " ");
    var sentences = [], re = /[^。；！？;!?]+[。；！？;!?]*/g, m;
    while ((m = re.exec(flat))) sentences.push({ start: m.index, end: m.index + m[0].length });
    if (!sentences.length) sentences.push({ start: 0, end: flat.length });
    var best = 0, bestScore = -1, cited = quote ? flat.indexOf(quote.replace(/\s+/g, " ")) : -1;
    sentences.forEach(function (s, i) {
      var sc = cited >= 0 ? (cited >= s.start && cited < s.end ? 1 : 0) : sentenceScore(flat.slice(s.start, s.end), a);
      if (sc > bestScore) { best = i; bestScore = sc; }
    });
    var start = sentences[best].start, end = sentences[best].end;
    // A short sentence takes its neighbours, the one after first, while they fit.
    for (var i = best + 1, j = best - 1; end - start < width && (i < sentences.length || j >= 0);) {
      if (i < sentences.length && sentences[i].end - start <= width) { end = sentences[i++].end; continue; }
      if (j >= 0 && end - sentences[j].start <= width) { start = sentences[j--].start; continue; }
      break;
    }
    var marks = markAll(flat, needlesOf(a));
    if (end - start > width) {  // a long sentence: centre the window on its marked characters
      var first = -1, last = -1;
      for (var k = start; k < end; k++) if (marks[k]) { if (first < 0) first = k; last = k; }
      var centre = first < 0 ? start + width / 2 : Math.round((first + Math.min(last, first + width - 10)) / 2);
      start = Math.max(start, Math.min(centre - Math.floor(width / 2), end - width));
      end = Math.min(end, start + width);
    }
    var frag = document.createDocumentFragment();
    if (start > 0) frag.appendChild(document.createTextNode("…"));
    appendMarked(frag, flat, marks, start, end);
    if (end < flat.length) frag.appendChild(document.createTextNode("…"));
    return frag;
  }

  function appendMarked(parent, text, marks, start, end) {
    var i = start;
    while (i < end) {
      var j = i;
      while (j < end && marks[j] === marks[i]) j++;
      var piece = document.createTextNode(text.slice(i, j));
      if (marks[i]) {
        var mk = document.createElement("mark");
        mk.appendChild(piece);
        parent.appendChild(mk);
      } else {
        parent.appendChild(piece);
      }
      i = j;
    }
  }

  // Marks the query's words inside `el` (an article arrived at from a search hit). Works without
  // any index: each query run is marked where it occurs whole, else by its bigrams.
  function highlightIn(el, q) {
    var a = analyse(q), text = el.textContent, needles = a.ascii.slice();
    a.han.forEach(function (run) {
      if (text.indexOf(run) >= 0) needles.push(run);
      else for (var i = 0; i < run.length - 1; i++) needles.push(run.substr(i, 2));
    });
    if (!needles.length) return 0;
    var walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT, {
      acceptNode: function (n) {
        return n.parentNode.closest(".headerlink, .rb-visually-hidden, mark") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      }
    });
    var nodes = [], n, count = 0;
    while ((n = walker.nextNode())) nodes.push(n);
    nodes.forEach(function (node) {
      var t = node.nodeValue, marks = markAll(t, needles);
      if (marks.indexOf(1) < 0) return;
      var frag = document.createDocumentFragment();
      appendMarked(frag, t, marks, 0, t.length);
      count += frag.querySelectorAll("mark").length;
      node.parentNode.replaceChild(frag, node);
    });
    return count;
  }

  // A hit's link: the article, with the query so the page marks its words (search-box.js).
  function hitUrl(ref, q) {
    var city = ref.split("/")[0], n = ref.split("/")[1];
    return base + "cities/" + city + suffix + (q ? "?hl=" + encodeURIComponent(q) : "") + "#art_" + n;
  }

  function pageUrl(path, hash) { return base + path + suffix + (hash ? "#" + hash : ""); }

  // Direct hits: cities, topics, comparison attributes and chain pages the query names.
  // Every part of the query (question words and spaces split it) must be in the entry's label,
  // or, for an attribute, in its description; label matches rank first, whole labels before parts.
  function direct(q, limit) {
    var parts = stripQuestion(q).split(/[\s,，、]+/).filter(function (p) { return p.length >= 2 || /\d/.test(p); });
    var whole = q.replace(/\s+/g, "");
    if (!parts.length || !meta) return [];
    var found = [];
    meta.direct.forEach(function (e, i) {
      var label = e.label, rank;
      if (label === whole || label.replace(/市$/, "") === whole) rank = 0;
      else if (parts.every(function (p) { return label.indexOf(p) >= 0; })) rank = 1;
      else if (parts.every(function (p) { return e.keys.indexOf(p) >= 0; })) rank = 2;
      else return;
      found.push({ e: e, rank: rank, i: i });
    });
    found.sort(function (x, y) { return x.rank - y.rank || x.e.label.length - y.e.label.length || x.i - y.i; });
    return found.slice(0, limit || 5).map(function (f) { return f.e; });
  }

  var api = {
    init: init,
    warm: warm,
    search: search,
    fetchDocs: function (results, n) { return tmeta ? fetchDocs(results, n) : null; },
    analyse: analyse,
    snippet: snippet,
    highlightIn: highlightIn,
    articleNumber: common.articleNumber,
    hitUrl: hitUrl,
    pageUrl: pageUrl,
    direct: direct,
    curated: curated,
    covers: covers,
    meta: function () { return meta; },
    // pure parts, for tests/js (Python parity) and the console
    stripQuestion: stripQuestion,
    fnv1a: fnv1a,
    termWeight: termWeight,
    lengthNorm: lengthNorm,
    weight: weight,
    idf: idf
  };
  global.rbSearch = api;
  global.rbArticleNumber = common.articleNumber;  // exposed for the browser test against the Python original
  if (typeof module === "object" && module && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
