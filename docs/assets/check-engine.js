// 对标检查 engine: split a draft with the importer's patterns, and compare it with the peer cities.
// Pure functions over data the page loaded at build time (window.rbCheckCorpus, rbSegmentPatterns,
// rbQuantityRules): nothing here makes a request, so a draft never leaves the browser.
// The scoring follows rulebook/analysis/suggest.py (the curation assist) over character n-grams.
// Needs rb-common.js (the numerals) loaded first. Also a CommonJS module in Node (tests/js/ check the
// splitter, the sentences and the quantities against tables the Python writes); loading it touches no DOM.
(function (global) {
  "use strict";
  var common = global.rbCommon || (typeof require === "function" ? require("./rb-common.js") : null);
  var cnToInt = common.cnToInt;

  // -- the tables' regular expressions, read as Python's re reads them --------------------------------
  // The shared tables (rulebook/model/segment.py, quantity.py) use \d and \s, which Python reads as any
  // Unicode decimal digit (full-width １２ too) and its own white space; a JavaScript RegExp reads \d as
  // 0-9 only and \s as a slightly different set. pyRegExp writes them out as Python means them.
  var PY_SPACE = "\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";  // str.isspace()
  function pyRegExp(source, flags) {
    var out = "", inClass = false;
    for (var i = 0; i < source.length; i++) {
      var ch = source[i];
      if (ch === "\\" && i + 1 < source.length) {
        var next = source[++i];
        if (next === "d") out += "\\p{Nd}";
        else if (next === "s") out += inClass ? PY_SPACE : "[" + PY_SPACE + "]";
        else if (next === "D" && !inClass) out += "\\P{Nd}";
        else if (next === "S" && !inClass) out += "[^" + PY_SPACE + "]";
        else out += ch + next;
        continue;
      }
      if (ch === "[" && !inClass) inClass = true;
      else if (ch === "]" && inClass) inClass = false;
      out += ch;
    }
    return new RegExp(out, flags.indexOf("u") < 0 ? flags + "u" : flags);
  }
  var PY_SPACE_RE = new RegExp("[" + PY_SPACE + "]", "u");

  // Python's str.strip() with no argument, and len() (code points, not UTF-16 units).
  function pyStrip(s) {
    var a = 0, b = s.length;
    while (a < b && PY_SPACE_RE.test(s[a])) a++;
    while (b > a && PY_SPACE_RE.test(s[b - 1])) b--;
    return s.slice(a, b);
  }
  function pyLen(s) { return Array.from(s).length; }

  // -- segmentation (rulebook/model/segment.py's table) ---------------------------------------------

  function compiled(table) {
    var p = table.patterns, out = {};
    Object.keys(p).forEach(function (k) { out[k] = pyRegExp(p[k], k.indexOf("inline") === 0 ? "gu" : "u"); });
    out.spaces = table.spaces;
    out.headingMax = table.headingMax;
    return out;
  }

  // The table's spaces stripped from both ends (the importer's _strip).
  function strip(s, spaces) {
    var a = 0, b = s.length;
    while (a < b && spaces.indexOf(s[a]) >= 0) a++;
    while (b > a && spaces.indexOf(s[b - 1]) >= 0) b--;
    return s.slice(a, b);
  }

  // Lines as the importer reads them: a leading byte order mark dropped (utf-8-sig), cut where
  // str.splitlines() cuts, □ dropped (a web capture's artefact: rulebook/data/importer.py ARTEFACT), stripped.
  var LINE_BREAK = /\r\n|[\n\v\f\r\x1c-\x1e\x85\u2028\u2029]/;
  function splitLines(text, spaces) {
    return text.replace(/^\ufeff/, "").split(LINE_BREAK).map(function (l) { return strip(l.replace(/□/g, ""), spaces); });
  }

  function squeeze(s, spaces) {
    var out = "";
    for (var i = 0; i < s.length; i++) if (spaces.indexOf(s[i]) < 0) out += s[i];
    return out;
  }

  // Lines where a later article starts after a sentence end inside the line are cut there (a pasted
  // draft often loses its line breaks); only when the label is the next number, as the importer checks.
  function cutRunTogether(lines, rx, inline) {
    var out = [], last = 0;
    lines.forEach(function (line) {
      var m = rx.exec(line);
      if (m) last = cnToInt(m[2]);
      var rest = line, cut = true;
      while (cut) {
        cut = false;
        inline.lastIndex = 0;
        var hit;
        while ((hit = inline.exec(rest)) !== null) {
          if (cnToInt(hit[2]) === last + 1) {
            var at = hit.index + hit[0].length - hit[1].length;
            out.push(rest.slice(0, at));
            rest = rest.slice(at);
            last += 1;
            cut = true;
            break;
          }
        }
      }
      out.push(rest);
    });
    return out;
  }

  function split(text, table) {
    var P = compiled(table);
    var lines = splitLines(text, P.spaces).filter(Boolean);
    var tiao = 0, dun = 0, chaptersSeen = 0;
    lines.forEach(function (l) {
      if (P.article_tiao.test(l)) tiao++;
      if (P.article_dun.test(l)) dun++;
      if (P.chapter.test(l)) chaptersSeen++;
    });
    var style = tiao >= dun ? "第X条" : "X、";
    var art = style === "第X条" ? P.article_tiao : P.article_dun;
    var inline = style === "第X条" ? P.inline_tiao : P.inline_dun;
    lines = cutRunTogether(lines, art, inline);
    // 一、总则 headings over 第X条 articles (no 第X章): headings before the articles they head
    var dunHeads = style === "第X条" && !chaptersSeen && dun > 0;
    var res = { style: style, chapters: [], articles: [], preamble: [] };
    var chapter = null, current = null;
    lines.forEach(function (l) {
      var m = P.chapter.exec(l);
      var d = dunHeads ? P.article_dun.exec(l) : null;
      if (d && !(d[3].length > 0 && pyLen(d[3]) <= P.headingMax && !P.heading_punct.test(d[3]))) d = null;
      if (m || d) {
        chapter = { n: res.chapters.length + 1, label: m ? "第" + m[1] + "章" : d[1], title: squeeze(m ? m[2] : d[3], P.spaces) };
        res.chapters.push(chapter);
        current = null;
        return;
      }
      if (P.section.test(l) && chapter) return;  // sections group articles; the check needs articles only
      var a = art.exec(l);
      if (a) {
        current = { n: res.articles.length + 1, label: a[1], number: cnToInt(a[2]), chapter: chapter ? chapter.title : "", text: a[3] };
        res.articles.push(current);
        return;
      }
      if (current) current.text += "\n" + l;
      else res.preamble.push(l);
    });
    res.articles.forEach(function (x, i) { x.gap = i > 0 && x.number !== res.articles[i - 1].number + 1; });
    return res;
  }

  // -- vectors: TF-IDF over character n-grams (scikit-learn's char analyzer, sublinear tf, l2) ------

  function grams(text, lo, hi) {
    var t = text.replace(/\s+/g, " "), out = new Map();
    for (var n = lo; n <= hi; n++) {
      for (var i = 0; i + n <= t.length; i++) {
        var g = t.substr(i, n);
        out.set(g, (out.get(g) || 0) + 1);
      }
    }
    return out;
  }

  function Space(texts, opts) {
    this.lo = opts.lo; this.hi = opts.hi;
    var df = new Map(), bags = texts.map(function (t) { return grams(t, opts.lo, opts.hi); });
    bags.forEach(function (b) { b.forEach(function (_, g) { df.set(g, (df.get(g) || 0) + 1); }); });
    var n = texts.length, maxDf = opts.maxDf || 1, idf = new Map();
    df.forEach(function (d, g) { if (d / n <= maxDf) idf.set(g, Math.log((1 + n) / (1 + d)) + 1); });
    this.idf = idf;
    this.rows = bags.map(this.weigh, this);
  }
  Space.prototype.weigh = function (bag) {
    var v = new Map(), norm = 0, idf = this.idf;
    bag.forEach(function (tf, g) {
      var w = idf.get(g);
      if (w === undefined) return;
      w *= 1 + Math.log(tf);
      v.set(g, w);
      norm += w * w;
    });
    norm = Math.sqrt(norm) || 1;
    v.forEach(function (w, g) { v.set(g, w / norm); });
    return v;
  };
  Space.prototype.embed = function (text) { return this.weigh(grams(text, this.lo, this.hi)); };

  function dot(a, b) {
    if (a.size > b.size) { var t = a; a = b; b = t; }
    var s = 0;
    a.forEach(function (w, g) { var x = b.get(g); if (x !== undefined) s += w * x; });
    return s;
  }

  // Rows of `query` against an inverted index of `rows`: one pass over each query term's postings.
  function Index(rows) {
    var post = new Map();
    rows.forEach(function (v, i) {
      v.forEach(function (w, g) { var p = post.get(g); if (!p) post.set(g, p = []); p.push(i, w); });
    });
    this.post = post; this.size = rows.length;
  }
  Index.prototype.scores = function (v) {
    var out = new Float64Array(this.size), post = this.post;
    v.forEach(function (w, g) {
      var p = post.get(g);
      if (p) for (var k = 0; k < p.length; k += 2) out[p[k]] += w * p[k + 1];
    });
    return out;
  };

  // rulebook/analysis/align.py sentences(): cut after 。；;！？, keep those of 4+ characters (Python's
  // strip and len).
  var SENTENCE = /[^。；;！？]*[。；;！？]?/g;
  function sentences(text) {
    var out = [];
    (text.match(SENTENCE) || []).forEach(function (s) { if (pyLen(pyStrip(s)) >= 4) out.push(s); });
    return out;
  }

  // -- quantities (rulebook/model/quantity.py's table) ----------------------------------------------

  var ruleCache = { table: null, rules: null };  // the table's patterns, compiled once
  function quantities(text, table) {
    if (ruleCache.table !== table) ruleCache = { table: table, rules: table.rules.map(function (r) { return pyRegExp(r[0], "gu"); }) };
    var out = [];
    table.rules.forEach(function (r, k) {
      var rx = ruleCache.rules[k], m;
      rx.lastIndex = 0;
      while ((m = rx.exec(text)) !== null) {
        var how = r[2], v;
        if (how === "period") v = table.periods[m[1]] * cnToInt(m[2]);
        else if (how === "months") v = 12 / cnToInt(m[1]) * cnToInt(m[2]);
        else if (how === "days") v = cnToInt(m[1]) * table.days[m[2]];
        else v = cnToInt(m[1]);
        out.push([v, r[1]]);
        if (m[0] === "") rx.lastIndex++;
      }
    });
    return out;
  }

  // -- the check -----------------------------------------------------------------------------------

  var W = {
    neighbours: 5, votePower: 3, tagShare: 0.6, chapter: 0.2, article: 0.5, label: 0.3,
    candidate: 0.7, candidateQuantity: 0.6, candidatePeers: 0.4, largePeers: 60,
    scoring: "tfidf"  // article likeness: TF-IDF cosine (measured better than "bm25", see bench_check.py)
  };

  // With many peers (> W.largePeers) the peers' side does not depend on the draft (the n-gram weights
  // are the peers' own): built once per choice of peers — the page prepares it while the reader pastes —
  // and kept. With a few peers it is cheap, and the draft's articles count in the weights as the
  // curation assist's do (measured better: leave-one-city-out 草案未见 0.857 against 0.804).
  var cache = { corpus: null, key: null, value: null };
  function prepare(corpus, peerIds, draftTexts) {
    var k = peerIds.join(",");
    if (cache.corpus === corpus && cache.key === k) return cache.value;
    var few = peerIds.length <= W.largePeers;
    var peerSet = new Set(peerIds);
    var cities = corpus.cities.filter(function (c) { return peerSet.has(c.id); });
    var byId = {};
    cities.forEach(function (c) { byId[c.id] = c; });
    var peerArts = [];
    cities.forEach(function (c) {
      c.articles.forEach(function (a) {
        peerArts.push({ city: c.id, n: a[0], label: a[1], chapter: a[2], text: a[3], topics: a[4], curated: c.curated });
      });
    });
    var key = {};
    peerArts.forEach(function (p, i) { key[p.city + "." + p.n] = i; });
    var extra = few && draftTexts ? draftTexts : { texts: [], chapters: [] };
    var space = new Space(peerArts.map(function (p) { return p.text; }).concat(extra.texts), few ? { lo: 1, hi: 3 } : { lo: 2, hi: 3, maxDf: 0.3 });
    var chapters = new Space(peerArts.map(function (p) { return p.chapter; }).concat(extra.chapters), { lo: 1, hi: 2 });
    var n = peerArts.length;
    var value = {
      cities: cities, byId: byId, peerArts: peerArts, key: key, space: space, chapters: chapters,
      index: new Index(space.rows.slice(0, n)), chapterIndex: new Index(chapters.rows.slice(0, n)), sents: {}, sentIndex: {}, typical: {}
    };
    if (!few) cache = { corpus: corpus, key: k, value: value };
    return value;
  }

  // the k best indices by score (a small sorted buffer: the corpus may hold tens of thousands of rows)
  function topK(s, k, keep) {
    var best = [];
    for (var i = 0; i < s.length; i++) {
      if (s[i] <= 0 || (keep && !keep(i))) continue;
      if (best.length === k && s[i] <= s[best[k - 1]]) continue;
      var j = best.length < k ? best.length : k - 1;
      while (j > 0 && s[best[j - 1]] < s[i]) { best[j] = best[j - 1]; j--; }
      best[j] = i;
    }
    return best;
  }

  // The alternative measured against TF-IDF cosine (scripts/bench_check.py --scoring bm25): Okapi BM25
  // over character bigrams, the search index's unit, each query's scores scaled to its best = 1.
  function bm25Of(P) {
    if (P.bm25) return P.bm25;
    var k1 = 1.2, b = 0.75, post = new Map(), lens = [], total = 0;
    P.peerArts.forEach(function (p, i) {
      var g = grams(p.text, 2, 2), len = 0;
      g.forEach(function (tf, t) { var l = post.get(t); if (!l) post.set(t, l = []); l.push(i, tf); len += tf; });
      lens.push(len); total += len;
    });
    var n = lens.length, avg = total / Math.max(1, n);
    P.bm25 = function (text) {
      var out = new Float64Array(n), mx = 0;
      grams(text, 2, 2).forEach(function (_, t) {
        var l = post.get(t);
        if (!l) return;
        var df = l.length / 2, idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        for (var k = 0; k < l.length; k += 2) {
          var tf = l[k + 1], d = l[k];
          out[d] += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * lens[d] / avg));
        }
      });
      for (var k = 0; k < n; k++) mx = Math.max(mx, out[k]);
      if (mx > 0) for (k = 0; k < n; k++) out[k] /= mx;
      return out;
    };
    return P.bm25;
  }

  function check(draft, corpus, peerIds, quantityTable) {
    var t0 = performance.now();
    var P = prepare(corpus, peerIds, {
      texts: draft.articles.map(function (a) { return a.text; }), chapters: draft.articles.map(function (a) { return a.chapter; })
    });
    var cities = P.cities, byId = P.byId, peerArts = P.peerArts, key = P.key, space = P.space;
    var draftRows = draft.articles.map(function (a) { return space.embed(a.text); });
    var draftChapters = draft.articles.map(function (a) { return P.chapters.embed(a.chapter); });
    var topicOrder = {}, topicLabel = {};
    corpus.topics.forEach(function (t, i) { topicOrder[t[0]] = i; topicLabel[t[0]] = t[1]; });

    // similarity of every draft article to every peer article (text + chapter title)
    var bm25 = W.scoring === "bm25" ? bm25Of(P) : null;
    var sims = draftRows.map(function (v, i) {
      var s = bm25 ? bm25(draft.articles[i].text) : P.index.scores(v), c = P.chapterIndex.scores(draftChapters[i]);
      if (draft.articles[i].chapter) for (var k = 0; k < s.length; k++) s[k] += W.chapter * c[k];
      return s;
    });

    var articles = draft.articles.map(function (a, i) {
      var s = sims[i], order = topK(s, 30);
      var votes = {}, best = [], seen = {};
      var voters = topK(s, W.neighbours, function (k) { return peerArts[k].curated; });
      voters.forEach(function (k) {
        peerArts[k].topics.forEach(function (t) { votes[t] = (votes[t] || 0) + Math.pow(Math.max(s[k], 0), W.votePower); });
      });
      for (var j = 0; j < order.length && best.length < 3; j++) {
        var p = peerArts[order[j]];
        if (seen[p.city] || s[order[j]] <= 0) continue;
        seen[p.city] = true;
        best.push({ city: p.city, cityName: byId[p.city].name, n: p.n, label: p.label, text: p.text, score: Math.min(1, s[order[j]]) });
      }
      var top = 0;
      Object.keys(votes).forEach(function (t) { top = Math.max(top, votes[t]); });
      var topics = Object.keys(votes).filter(function (t) { return votes[t] >= W.tagShare * top && top > 0; })
        .sort(function (x, y) { return votes[y] - votes[x] || topicOrder[x] - topicOrder[y]; });
      return { n: a.n, label: a.label, text: a.text, topics: topics, topicLabels: topics.map(function (t) { return topicLabel[t] || t; }), peers: best };
    });

    // sentences of the draft, embedded once; the peers' sentences on demand
    var draftSents = [];
    draft.articles.forEach(function (a, i) { sentences(a.text).forEach(function (x) { draftSents.push([i, x, space.embed(x)]); }); });
    var peerSents = P.sents;
    function sentsOf(city) {
      if (!peerSents[city]) {
        peerSents[city] = [];
        byId[city].articles.forEach(function (a) { sentences(a[3]).forEach(function (x) { peerSents[city].push([a[0], x, space.embed(x)]); }); });
      }
      return peerSents[city];
    }
    // 0.5 × best + 0.5 × mean likeness of each sentence to the quotes, through an inverted index
    function sentenceScores(idx, quoteVecs) {
      var mx = new Float64Array(idx.size).fill(-1), sum = new Float64Array(idx.size);
      quoteVecs.forEach(function (q) {
        var s = idx.scores(q);
        for (var k = 0; k < s.length; k++) { if (s[k] > mx[k]) mx[k] = s[k]; sum[k] += s[k]; }
      });
      var out = new Float64Array(idx.size);
      if (quoteVecs.length) for (var k = 0; k < out.length; k++) out[k] = 0.5 * mx[k] + 0.5 * sum[k] / quoteVecs.length;
      return out;
    }
    var draftSentIndex = new Index(draftSents.map(function (s) { return s[2]; }));
    var peerSentIndex = P.sentIndex;
    function sentIndexOf(city) {
      if (!peerSentIndex[city]) peerSentIndex[city] = new Index(sentsOf(city).map(function (s) { return s[2]; }));
      return peerSentIndex[city];
    }

    var attrs = [];
    corpus.attrs.forEach(function (attr) {
      var answered = peerIds.filter(function (p) { return attr.cells[p]; });
      var regulating = answered.filter(function (p) { return attr.cells[p][0] === "有规定"; });
      var peersOut = cities.map(function (c) {
        var cell = attr.cells[c.id];
        return { city: c.id, cityName: c.name, status: cell ? cell[0] : null, value: cell ? cell[2] : null, article: cell && cell[1].length ? cell[1][0][0] : null };
      });
      var row = { id: attr.id, topic: attr.topic, topicLabel: topicLabel[attr.topic], label: attr.label, unit: attr.unit, peers: peersOut, regulating: regulating.length, answered: answered.length, draft: null };
      attrs.push(row);
      if (!regulating.length || !draft.articles.length) return;
      var cited = [];
      regulating.forEach(function (p) { attr.cells[p][1].forEach(function (q) { cited.push([p, q[0], q[1]]); }); });
      var quoteVecs = cited.map(function (c) { return space.embed(c[2]); });
      var sentScore = sentenceScores(draftSentIndex, quoteVecs);
      var bestSent = {};
      draftSents.forEach(function (s, k) { if (!bestSent[s[0]] || sentScore[k] > bestSent[s[0]][0]) bestSent[s[0]] = [sentScore[k], s[1]]; });
      var citedRows = cited.map(function (c) { return key[c[0] + "." + c[1]]; }).filter(function (k) { return k !== undefined; });
      var labelVec = space.embed(attr.label + " " + attr.desc);
      var ranking = draft.articles.map(function (a, i) {
        var art = 0;
        citedRows.forEach(function (k) { art += sims[i][k]; });
        art = citedRows.length ? art / citedRows.length : 0;
        var bs = bestSent[i] || [0, ""];
        return { i: i, sentence: bs[1], score: W.article * art + bs[0] + W.label * dot(draftRows[i], labelVec) };
      }).sort(function (x, y) { return y.score - x.score; });
      // how alike the peers' own cited sentences are: each peer's best sentence against the others' quotes
      var typ = P.typical[attr.id];
      if (typ === undefined) {
      var typical = [];
      regulating.forEach(function (p) {
        var others = cited.filter(function (c) { return c[0] !== p; }).map(function (c, k) { return quoteVecs[cited.indexOf(c)]; });
        if (!others.length) return;
        var sc = sentenceScores(sentIndexOf(p), others), mx = 0;
        sc.forEach(function (x) { mx = Math.max(mx, x); });
        typical.push(mx);
      });
      typ = P.typical[attr.id] = typical.length ? typical.reduce(function (a, b) { return a + b; }, 0) / typical.length : 0;
      }
      var top = ranking[0], number = null, sentence = top.sentence, at = top.i;
      if (attr.unit) {
        var topSet = new Set(ranking.slice(0, 3).map(function (r) { return r.i; }));
        var stating = [];
        draftSents.forEach(function (s, k) {
          if (topSet.has(s[0]) && quantities(s[1], quantityTable).some(function (q) { return q[1] === attr.unit; })) stating.push([sentScore[k], s[0], s[1]]);
        });
        if (stating.length) {
          stating.sort(function (x, y) { return y[0] - x[0] || x[1] - y[1]; });
          if (stating[0][0] >= W.candidateQuantity * typ) {
            at = stating[0][1]; sentence = stating[0][2];
            number = quantities(sentence, quantityTable).filter(function (q) { return q[1] === attr.unit; })[0][0];
          }
        }
      }
      var maxSent = 0;
      sentScore.forEach(function (x) { maxSent = Math.max(maxSent, x); });
      var seen = regulating.length / answered.length >= W.candidatePeers && (number !== null || maxSent >= W.candidate * typ);
      row.draft = {
        seen: seen, article: draft.articles[at].n, label: draft.articles[at].label,
        quote: sentence.replace(/[。；;\s]+$/, ""), number: number, score: Math.round(top.score * 1000) / 1000,
        ranked: ranking.slice(0, 3).map(function (r) { return draft.articles[r.i].n; })
      };
    });

    var topicCounts = corpus.topics.map(function (t) {
      var counts = {};
      cities.forEach(function (c) { counts[c.id] = c.curated ? c.articles.filter(function (a) { return a[4].indexOf(t[0]) >= 0; }).length : null; });
      return { id: t[0], label: t[1], draft: articles.filter(function (a) { return a.topics.indexOf(t[0]) >= 0; }).length, peers: counts };
    });
    var gaps = attrs.filter(function (r) { return r.answered && r.regulating * 2 > r.answered && !(r.draft && r.draft.seen); })
      .sort(function (x, y) { return y.regulating - x.regulating || topicOrder[x.topic] - topicOrder[y.topic]; });
    return { articles: articles, attrs: attrs, topics: topicCounts, gaps: gaps, peers: cities.map(function (c) { return { id: c.id, name: c.name }; }), ms: performance.now() - t0 };
  }

  // -- leave-one-city-out: a curated city's own text as the draft, that city left out of the peers --

  function draftText(corpus, cityId) {
    var c = corpus.cities.filter(function (x) { return x.id === cityId; })[0], lines = [c.title], chapter = null, k = 0;
    c.articles.forEach(function (a) {
      if (a[2] !== chapter) { chapter = a[2]; k++; lines.push("第" + common.intToCn(k) + "章　" + (chapter || "")); }
      lines.push(a[1] + "　" + a[3]);
    });
    return lines.join("\n");
  }

  function evaluate(corpus, cityId, table, quantityTable) {
    var city = corpus.cities.filter(function (x) { return x.id === cityId; })[0];
    var peers = corpus.cities.filter(function (x) { return x.id !== cityId && x.curated; }).map(function (x) { return x.id; });
    var draft = split(draftText(corpus, cityId), table);
    var r = check(draft, corpus, peers, quantityTable);
    var m = { city: cityId, articles: city.articles.length, split: draft.articles.length, topicOk: 0, topicN: 0, regulated: 0, matched: 0, unregulated: 0, unseen: 0, ms: r.ms };
    if (draft.articles.length === city.articles.length) {
      r.articles.forEach(function (a, i) {
        var gold = city.articles[i][4];
        if (!gold.length) return;
        m.topicN++;
        if (a.topics.length && gold.indexOf(a.topics[0]) >= 0) m.topicOk++;
      });
    }
    corpus.attrs.forEach(function (attr, k) {
      var cell = attr.cells[cityId], row = r.attrs[k];
      if (!cell) return;
      if (cell[0] === "有规定") {
        m.regulated++;
        var gold = cell[1].map(function (q) { return q[0]; });
        if (row.draft && gold.indexOf(city.articles[row.draft.ranked[0] - 1][0]) >= 0) m.matched++;
      } else {
        m.unregulated++;
        if (!(row.draft && row.draft.seen)) m.unseen++;
      }
    });
    return m;
  }

  var api = {
    split: split, check: check, prepare: prepare, quantities: quantities, sentences: sentences, cnToInt: cnToInt,
    draftText: draftText, evaluate: evaluate, weights: W, pyRegExp: pyRegExp
  };
  global.rbCheck = api;
  if (typeof module === "object" && module && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
