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
    out.variants = table.variants || {};
    out.terminal = table.terminal || "";
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
    for (var i = 0; i < s.length; i++) if (spaces.indexOf(s[i]) < 0 && !PY_SPACE_RE.test(s[i])) out += s[i];
    return out;
  }

  // rulebook/model/segment.py normalize: NFKC, Traditional structure characters folded, spaces removed
  // (第１条, 第 一 条 and 第一條 all read 第一条/第1条). Only for matching; the text is kept as written.
  function normalize(s, P) {
    var out = "";
    Array.from(s.normalize("NFKC")).forEach(function (ch) {
      var v = P.variants[ch] || ch;
      if (P.spaces.indexOf(v) < 0 && !PY_SPACE_RE.test(v)) out += v;
    });
    return out;
  }

  // What follows, in the line as written, the first `consumed` characters of normalize(line) (segment.raw_rest).
  function rawRest(line, consumed, P) {
    if (consumed <= 0) return line;
    var chars = Array.from(line), head = "";
    for (var j = 0; j < chars.length; j++) {
      head += chars[j];
      if (normalize(head, P).length >= consumed) return strip(chars.slice(j + 1).join(""), P.spaces);
    }
    return "";
  }

  // The label as written with its spaces removed (segment.label_text): 第 一 条 -> 第一条, 第１条 stays.
  function labelText(line, consumed, P) {
    var rest = rawRest(line, consumed, P), head = strip(line, P.spaces);
    if (rest) head = head.slice(0, head.length - rest.length);
    return squeeze(head, P.spaces);
  }

  function headingLike(text, P) {
    return text.length > 0 && pyLen(text) <= P.headingMax && !P.heading_punct.test(text);
  }

  function script(number, P) { return /^\p{Nd}+$/u.test(normalize(number, P)) ? "arabic" : "cn"; }

  // The line indexes of labels numbered 1, 2, 3 … in order (the importer's _run).
  function run(matches) {
    var out = [];
    matches.forEach(function (m) { if (m[1] === out.length + 1) out.push(m[0]); });
    return out;
  }

  // Lines where a later article starts after a sentence end inside the line are cut there (a pasted
  // draft often loses its line breaks); only when the label is the next number, as the importer checks.
  function cutRunTogether(lines, rx, inline, P) {
    var out = [], last = 0;
    lines.forEach(function (line) {
      var m = rx.exec(normalize(line, P));
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

  // The importer's structure decision (detect_structure): counts of labels numbered 1, 2, 3 … in the
  // normalised lines; an X、 label in the other numerals (1、 among 一、 articles) is an item.
  function structure(norm, P) {
    var tiao = [], byScript = { cn: [], arabic: [] }, chapters = 0;
    norm.forEach(function (n, i) {
      var m = P.chapter.exec(n);
      if (m && !P.reference.test(n.slice(m[0].length - m[2].length))) chapters++;
      if ((m = P.article_tiao.exec(n))) tiao.push([i, cnToInt(m[2])]);
      if ((m = P.article_dun.exec(n))) byScript[script(m[2], P)].push([i, cnToInt(m[2])]);
    });
    var dunScript = run(byScript.cn).length >= run(byScript.arabic).length ? "cn" : "arabic";
    var tiaoRun = run(tiao), dunRun = run(byScript[dunScript]);
    var style = tiaoRun.length >= dunRun.length ? "第X条" : "X、";
    var dunHeads = false;
    if (style === "第X条" && !chapters && dunRun.length) {
      var heads = dunRun.filter(function (i) { return headingLike(P.article_dun.exec(norm[i])[3], P); });
      dunHeads = heads.length === dunRun.length && tiaoRun.length > 0 && heads[0] < tiaoRun[0];
    }
    return { style: style, script: style === "X、" ? dunScript : "cn", dunHeads: dunHeads };
  }

  function split(text, table) {
    var P = compiled(table);
    var lines = splitLines(text, P.spaces).filter(Boolean);
    var st = structure(lines.map(function (l) { return normalize(l, P); }), P);
    var style = st.style;
    var art = style === "第X条" ? P.article_tiao : P.article_dun;
    var inline = style === "第X条" ? P.inline_tiao : P.inline_dun;
    lines = cutRunTogether(lines, art, inline, P);
    var norms = lines.map(function (l) { return normalize(l, P); });
    var res = { style: style, chapters: [], articles: [], preamble: [], appendix: [] };
    var chapter = null, current = null, pending = null;
    // The article's last line stops mid-sentence: a 第十条 starting the next line may continue it.
    function open() {
      if (!current) return false;
      var last = current.text.split("\n").pop();
      return last.length > 0 && P.terminal.indexOf(last[last.length - 1]) < 0;
    }
    function continues(number, expected, rest, heading) {
      return open() && (number !== expected || P.reference.test(rest) || (heading && /[。；;！!？?]/.test(rest)));
    }
    function articleAt(i) {
      var a = art.exec(norms[i]);
      return a && !(style === "X、" && script(a[2], P) !== st.script) ? a : null;
    }
    for (var i = 0; i < lines.length; i++) {
      var l = lines[i], n = norms[i];
      var wasPending = pending;
      pending = null;
      var m = P.chapter.exec(n);
      var d = st.dunHeads ? P.article_dun.exec(n) : null;
      if (d && !headingLike(d[3], P)) d = null;
      var a = articleAt(i);
      var plain = !m && !d && !a && !P.section.test(n) && !P.item_paren.test(n) && !P.item_arabic.test(n) &&
        !(style === "X、" && P.article_dun.test(n)) && !P.appendix.test(n);
      if (wasPending && plain && headingLike(n, P)) {
        wasPending.title = squeeze(l, P.spaces);  // 第一章⏎总则: the title on its own line
        continue;
      }
      if (m || d) {
        var number = cnToInt(m ? m[1] : d[2]);
        var rest = m ? n.slice(m[0].length - m[2].length) : d[3];
        if (m && continues(number, res.chapters.length + 1, rest, true)) { current.text += "\n" + l; continue; }
        var end = m ? m[0].length - m[2].length : d[0].length - d[3].length;
        chapter = { n: res.chapters.length + 1, label: labelText(l, end, P), title: squeeze(rawRest(l, end, P), P.spaces) };
        res.chapters.push(chapter);
        pending = chapter.title ? null : chapter;
        continue;
      }
      var sec = P.section.exec(n);
      if (sec && chapter) {
        if (current && continues(cnToInt(sec[1]), 0, n.slice(sec[0].length - sec[2].length), true)) {
          current.text += "\n" + l;
        } else if (!sec[2]) {
          pending = { title: "" };  // 第一节⏎全体会议: its title on the next line
        }
        continue;  // sections group articles; the check needs articles only
      }
      if (a) {
        var num = cnToInt(a[2]), expected = current ? current.number + 1 : 1;
        if (!(current && continues(num, expected, n.slice(a[0].length - a[3].length)))) {
          var at = a[0].length - a[3].length;
          current = { n: res.articles.length + 1, label: labelText(l, at, P), number: num, chapter: chapter ? chapter.title : "", text: rawRest(l, at, P) };
          res.articles.push(current);
          continue;
        }
      }
      if (current && P.appendix.test(n) && !open()) {
        var later = false;
        for (var k = i + 1; k < lines.length; k++) {
          var b = articleAt(k);
          if (b && cnToInt(b[2]) === current.number + 1) later = true;
        }
        if (!later) { res.appendix = lines.slice(i); break; }
      }
      if (current) current.text += (current.text ? "\n" : "") + l;
      else res.preamble.push(l);
    }
    res.articles.forEach(function (x, j) { x.gap = j > 0 && x.number !== res.articles[j - 1].number + 1; });
    return res;
  }

  // -- vectors: TF-IDF over character n-grams (scikit-learn's char analyzer, sublinear tf, l2) ------

  // scikit-learn's char analyzer (TfidfVectorizer(analyzer="char", lowercase=False)): runs of two or more
  // white-space characters (Python's) fold into one space; n-grams over code points.
  var PY_SPACES = new RegExp("[" + PY_SPACE + "]{2,}", "gu");
  function grams(text, lo, hi) {
    var t = Array.from(text.replace(PY_SPACES, " ")), out = new Map();
    for (var n = lo; n <= hi; n++) {
      for (var i = 0; i + n <= t.length; i++) {
        var g = t.slice(i, i + n).join("");
        out.set(g, (out.get(g) || 0) + 1);
      }
    }
    return out;
  }

  // TfidfVectorizer(sublinear_tf=True, smooth idf, l2 norm, max_df): n-grams in more than maxDf × the
  // documents are dropped, as scikit-learn drops them.
  function Space(texts, opts) {
    this.lo = opts.lo; this.hi = opts.hi;
    var df = new Map(), bags = texts.map(function (t) { return grams(t, opts.lo, opts.hi); });
    bags.forEach(function (b) { b.forEach(function (_, g) { df.set(g, (df.get(g) || 0) + 1); }); });
    var n = texts.length, maxDf = opts.maxDf || 1, idf = new Map();
    df.forEach(function (d, g) { if (!(d > maxDf * n)) idf.set(g, Math.log((1 + n) / (1 + d)) + 1); });
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

  // -- the check: rulebook/analysis/draft_match.py, step by step (the specification; parity cases in
  // tests/js/check.test.mjs) -----------------------------------------------------------------------

  var W = {
    neighbours: 5, votePower: 3, tagShare: 0.6, chapter: 0.2, article: 0.5, label: 0.3, largePeers: 60,
    candidates: 2, ranked: 3, nearestCities: 8
  };
  var SAME = "对应", RELATED = "相关", NONE = "无对应";

  function nfkc(s) { return String(s || "").normalize("NFKC"); }

  // rulebook/analysis/clauses.py squeeze(): NFKC, without a leading item label, punctuation and spaces.
  var ITEM_LABEL = pyRegExp("^\\s*(?:[（(][一二三四五六七八九十\\d]+[）)]|[一二三四五六七八九十]+、|\\d+[.．、])\\s*", "u");
  var NOISE = pyRegExp("[\\s\\u3000，,。；;：:、！!？?“”\"'‘’（）()《》〈〉【】\\[\\]—…·]", "gu");
  var squeezed = new Map();  // clauses recur (a peer's quote is compared with many draft sentences)
  function clauseSqueeze(s) {
    var v = squeezed.get(s);
    if (!v) {
      if (squeezed.size > 50000) squeezed.clear();
      squeezed.set(s, v = Array.from(nfkc(s).replace(ITEM_LABEL, "").replace(NOISE, "")));
    }
    return v;
  }

  // draft_match.verbatim(): the longest common run of characters over the shorter clause's length.
  function verbatim(a, b) {
    var x = clauseSqueeze(a), y = clauseSqueeze(b);
    if (!x.length || !y.length) return 0;
    var prev = new Int32Array(y.length + 1), cur = new Int32Array(y.length + 1), best = 0;
    for (var i = 1; i <= x.length; i++) {
      for (var j = 1; j <= y.length; j++) {
        cur[j] = x[i - 1] === y[j - 1] ? prev[j - 1] + 1 : 0;
        if (cur[j] > best) best = cur[j];
      }
      var t = prev; prev = cur; cur = t;
    }
    return best / Math.min(x.length, y.length);
  }

  function probability(model, x) {
    var z = model.intercept;
    for (var k = 0; k < x.length; k++) z += model.weights[k] * (x[k] - model.means[k]) / model.scales[k];
    return 1 / (1 + Math.exp(-Math.max(-30, Math.min(30, z))));
  }
  function levelOf(model, p) { return p >= model.same ? SAME : p >= model.related ? RELATED : NONE; }
  function r6(x) { return Math.round(x * 1e6) / 1e6; }
  function cmpStr(a, b) { return a < b ? -1 : a > b ? 1 : 0; }

  // The peers' side does not depend on the draft (the n-gram weights are the peers' own): built once per
  // choice of peers — the page prepares it while the reader pastes — and kept, with the peers' sentences,
  // their index and each attribute's typical likeness.
  var cache = { corpus: null, key: null, value: null };
  function prepare(corpus, peerIds) {
    var k = peerIds.join(",");
    if (cache.corpus === corpus && cache.key === k) return cache.value;
    var few = peerIds.length <= W.largePeers;
    var peerSet = new Set(peerIds);
    var cities = corpus.cities.filter(function (c) { return peerSet.has(c.id); });
    var byId = {};
    cities.forEach(function (c) { byId[c.id] = c; });
    var peerArts = [], cityCols = {};
    cities.forEach(function (c) {
      cityCols[c.id] = [];
      c.articles.forEach(function (a) {
        cityCols[c.id].push(peerArts.length);
        peerArts.push({ city: c.id, n: a[0], label: a[1], chapter: nfkc(a[2]), text: nfkc(a[3]), raw: a[3], topics: a[4], curated: c.curated });
      });
    });
    var key = {};
    peerArts.forEach(function (p, i) { key[p.city + "." + p.n] = i; });
    var space = new Space(peerArts.map(function (p) { return p.text; }), few ? { lo: 1, hi: 3 } : { lo: 2, hi: 3, maxDf: 0.3 });
    var chapters = new Space(peerArts.map(function (p) { return p.chapter; }), { lo: 1, hi: 2 });
    var n = peerArts.length;
    var value = {
      cities: cities, byId: byId, peerArts: peerArts, cityCols: cityCols, key: key, space: space, chapters: chapters,
      index: new Index(space.rows.slice(0, n)), chapterIndex: new Index(chapters.rows.slice(0, n)), sents: {}, cityIndex: {}, typical: {}, vecs: new Map()
    };
    if (few) {  // the peers' sentences now, so that the first check costs what the later ones do
      peerArts.forEach(function (p, i) {
        var ss = sentences(p.raw);
        value.sents[i] = [ss, ss.map(function (x) { return space.embed(nfkc(x)); })];
      });
    }
    cache = { corpus: corpus, key: k, value: value };
    return value;
  }

  // the k best indices by score, ties by position (a small sorted buffer: the corpus may hold tens of
  // thousands of rows)
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

  function maxOf(a) { var m = -Infinity; for (var k = 0; k < a.length; k++) if (a[k] > m) m = a[k]; return m; }

  // 0.5 × best + 0.5 × mean likeness of each sentence (an Index of their rows) to the quotes
  function sentenceScores(index, quotes) {
    var n = index.size, out = new Float64Array(n);
    if (!n || !quotes.length) return out;
    var mx = new Float64Array(n).fill(-Infinity), sum = new Float64Array(n);
    quotes.forEach(function (q) {
      var s = index.scores(q);
      for (var k = 0; k < n; k++) { if (s[k] > mx[k]) mx[k] = s[k]; sum[k] += s[k]; }
    });
    for (var k = 0; k < n; k++) out[k] = 0.5 * mx[k] + 0.5 * sum[k] / quotes.length;
    return out;
  }

  function states(text, unit, quantityTable) {
    return quantities(text, quantityTable).some(function (q) { return q[1] === unit; });
  }

  // progress(done, total), if given, is told how far the check is (the page's worker reports it)
  function check(draft, corpus, peerIds, quantityTable, calibration, features, progress) {
    var t0 = typeof performance !== "undefined" ? performance.now() : Date.now();
    var cal = calibration || global.rbCheckCalibration;
    // matched on NFKC text; sentences are cut from the text as written (quotes stay verbatim), then normalised
    var arts = draft.articles.map(function (a) { return { n: a.n, label: a.label || "", chapter: nfkc(a.chapter || ""), text: nfkc(a.text), raw: a.text }; });
    var P = prepare(corpus, peerIds);
    var cities = P.cities, byId = P.byId, peerArts = P.peerArts, key = P.key, space = P.space, nPeer = peerArts.length;
    var draftRows = arts.map(function (a) { return space.embed(a.text); });
    var topicOrder = {}, topicLabel = {};
    corpus.topics.forEach(function (t, i) { topicOrder[t[0]] = i; topicLabel[t[0]] = t[1]; });

    // article likeness (cos) and with the chapter titles' (sims), every draft article × every peer article
    var cos = [], chap = [], sims = [];
    arts.forEach(function (a, i) {
      var c = P.index.scores(draftRows[i]), h = P.chapterIndex.scores(P.chapters.embed(a.chapter)), s = new Float64Array(nPeer);
      for (var k = 0; k < nPeer; k++) s[k] = c[k] + W.chapter * h[k] * (a.chapter ? 1 : 0);
      cos.push(c); chap.push(h); sims.push(s);
    });

    var draftSents = [], sentOfArticle = {};
    arts.forEach(function (a, i) {
      sentences(a.raw).forEach(function (x) {
        (sentOfArticle[i] = sentOfArticle[i] || []).push(draftSents.length);
        draftSents.push([i, x]);
      });
    });
    var draftSentRows = draftSents.map(function (s) { return space.embed(nfkc(s[1])); });
    var draftSentIndex = new Index(draftSentRows);
    function embedKept(text) {  // the peers' quotes and the attributes' labels: the same every check
      var v = P.vecs.get(text);
      if (!v) P.vecs.set(text, v = space.embed(text));
      return v;
    }
    function citySentenceIndex(city) {  // a city's sentences, in article order, as one Index (kept)
      var got = P.cityIndex[city];
      if (!got) {
        var rows = [];
        P.cityCols[city].forEach(function (k) { rows = rows.concat(peerSentences(k)[1]); });
        got = P.cityIndex[city] = new Index(rows);
      }
      return got;
    }
    function peerSentences(k) {
      var got = P.sents[k];
      if (!got) {
        var ss = sentences(peerArts[k].raw);
        got = P.sents[k] = [ss, ss.map(function (x) { return space.embed(nfkc(x)); })];
      }
      return got;
    }

    function articleFeatures(i, k, c, margin, chapter) {
      var mine = sentOfArticle[i] || [], their = peerSentences(k);
      if (!mine.length || !their[0].length) return [c, c, verbatim(arts[i].text, peerArts[k].text), margin, chapter];
      var best = -Infinity, bq = 0, bt = 0;
      mine.forEach(function (q, qi) {
        their[1].forEach(function (r, ti) { var d = dot(draftSentRows[q], r); if (d > best) { best = d; bq = qi; bt = ti; } });
      });
      return [c, best, verbatim(draftSents[mine[bq]][1], their[0][bt]), margin, chapter];
    }

    // -- each draft article: topics voted by its curated neighbours, counterparts per peer city, leveled
    var back = new Int32Array(nPeer).fill(-1);
    for (var k = 0; k < nPeer; k++) {
      var bv = -Infinity;
      for (var i = 0; i < arts.length; i++) if (sims[i][k] > bv) { bv = sims[i][k]; back[k] = i; }
    }
    // with many peers, a draft article's counterparts are looked for in the cities holding its most similar
    // articles only (draft_match._nearest_cities)
    var few = peerIds.length <= W.largePeers;
    function nearestCities(s) {
      if (few) return cities;
      var best = cities.map(function (c, i) {
        var m = 0;
        P.cityCols[c.id].forEach(function (k) { if (s[k] > m) m = s[k]; });
        return [m, i];
      });
      best.sort(function (x, y) { return y[0] - x[0] || x[1] - y[1]; });
      return best.slice(0, W.nearestCities).map(function (b) { return cities[b[1]]; });
    }
    var pmap = new Map();  // P(same provision) of every (draft article, peer article) looked at: key i * nPeer + k
    var articles = arts.map(function (a, i) {
      var s = sims[i], votes = {};
      var voters = topK(s, W.neighbours, function (k) { return peerArts[k].curated; });
      voters.forEach(function (k) {
        peerArts[k].topics.forEach(function (t) { votes[t] = (votes[t] || 0) + Math.pow(Math.max(s[k], 0), W.votePower); });
      });
      var top = 0;
      Object.keys(votes).forEach(function (t) { top = Math.max(top, votes[t]); });
      var topics = Object.keys(votes).filter(function (t) { return top > 0 && votes[t] >= W.tagShare * top; })
        .sort(function (x, y) { return votes[y] - votes[x] || topicOrder[x] - topicOrder[y]; });
      var found = [];
      nearestCities(s).forEach(function (c) {
        var ranked = P.cityCols[c.id].slice().sort(function (x, y) { return s[y] - s[x] || x - y; });
        var kept = [];
        ranked.slice(0, W.candidates).forEach(function (k, rank) {
          if (s[k] <= 0) return;
          var other = -Infinity;
          ranked.forEach(function (j) { if (j !== k && s[j] > other) other = s[j]; });
          var x = articleFeatures(i, k, cos[i][k], s[k] - (other === -Infinity ? 0 : other), chap[i][k])
            .concat([rank === 0 ? 1 : 0, back[k] === i ? 1 : 0]);
          var p = probability(cal.article, x);
          pmap.set(i * nPeer + k, p);
          if (features) features.article.push([a.n, c.id, peerArts[k].n, x]);
          var level = levelOf(cal.article, p);
          if (level !== NONE) kept.push({ level: level, p: p, k: k });
        });
        var same = kept.filter(function (m) { return m.level === SAME; });
        var shown = same.length ? same : kept.slice().sort(function (x, y) { return y.p - x.p; }).slice(0, 1);
        shown.forEach(function (m) {
          var pa = peerArts[m.k];
          found.push({ city: pa.city, cityName: byId[pa.city].name, n: pa.n, label: pa.label, text: pa.text, level: m.level, p: r6(m.p) });
        });
      });
      found.sort(function (x, y) {
        return (x.level !== SAME) - (y.level !== SAME) || y.p - x.p || cmpStr(x.city, y.city) || x.n - y.n;
      });
      return { n: a.n, label: a.label, text: draft.articles[i].text, topics: topics, topicLabels: topics.map(function (t) { return topicLabel[t] || t; }), peers: found };
    });

    // -- each comparison attribute: where the draft states it, how sure, and the gaps ------------------
    var attrs = [], total = arts.length + corpus.attrs.length;
    if (progress) progress(arts.length, total);
    corpus.attrs.forEach(function (attr, at) {
      if (progress && at % 5 === 4) progress(arts.length + at + 1, total);
      var answered = peerIds.filter(function (p) { return attr.cells[p]; });
      var regulating = answered.filter(function (p) { return attr.cells[p][0] === "有规定"; });
      var peersOut = cities.map(function (c) {
        var cell = attr.cells[c.id];
        return { city: c.id, cityName: c.name, status: cell ? cell[0] : null, value: cell ? cell[2] : null, article: cell && cell[1].length ? cell[1][0][0] : null, quote: cell && cell[1].length ? cell[1][0][1] : null };
      });
      var row = { id: attr.id, topic: attr.topic, topicLabel: topicLabel[attr.topic], label: attr.label, unit: attr.unit, peers: peersOut, regulating: regulating.length, answered: answered.length, level: NONE, p: 0, draft: null };
      attrs.push(row);
      if (!regulating.length || !arts.length) return;
      var cited = [];
      regulating.forEach(function (p) { attr.cells[p][1].forEach(function (q) { cited.push([p, q[0], nfkc(q[1])]); }); });
      var quoteRows = cited.map(function (c) { return embedKept(c[2]); });
      var sentScore = sentenceScores(draftSentIndex, quoteRows);
      var bestSent = {};
      draftSents.forEach(function (s, idx) { if (!bestSent[s[0]] || sentScore[idx] > bestSent[s[0]][0]) bestSent[s[0]] = [sentScore[idx], idx]; });
      var citedRows = cited.map(function (c) { return key[c[0] + "." + c[1]]; }).filter(function (k) { return k !== undefined; });
      var labelRow = embedKept(nfkc(attr.label + " " + attr.desc));
      var labelScores = draftRows.map(function (r) { return dot(r, labelRow); });
      var ranking = arts.map(function (a, i) {
        var art = 0;
        citedRows.forEach(function (k) { art += sims[i][k]; });
        art = citedRows.length ? art / citedRows.length : 0;
        var bs = bestSent[i] ? bestSent[i][0] : 0;
        return { score: W.article * art + bs + W.label * labelScores[i], i: i, art: art };
      }).sort(function (x, y) { return y.score - x.score || x.i - y.i; });
      var typical = P.typical[attr.id];
      if (typical === undefined) {
        var scores = [];
        regulating.forEach(function (p) {
          var others = [];
          cited.forEach(function (c, k) { if (c[0] !== p) others.push(quoteRows[k]); });
          if (!others.length) return;
          var index = citySentenceIndex(p);
          if (!index.size) return;
          scores.push(maxOf(sentenceScores(index, others)));
        });
        typical = P.typical[attr.id] = scores.length ? scores.reduce(function (x, y) { return x + y; }, 0) / scores.length : 0;
      }
      var share = regulating.length / answered.length, best = null;
      // do the peers' cited articles have a counterpart in the draft (the article model), and here?
      var unique = Array.from(new Set(citedRows)).sort(function (x, y) { return x - y; });
      var citedP = 0;
      unique.forEach(function (k) {
        var m = 0;
        for (var i = 0; i < arts.length; i++) { var v = pmap.get(i * nPeer + k); if (v !== undefined && v > m) m = v; }
        citedP += m;
      });
      citedP = unique.length ? citedP / unique.length : 0;
      function ownP(i) {
        var m = 0;
        unique.forEach(function (k) { var v = pmap.get(i * nPeer + k); if (v !== undefined && v > m) m = v; });
        return m;
      }
      ranking.slice(0, W.ranked).forEach(function (r, rank) {
        var cand = new Set();
        if (bestSent[r.i]) cand.add(bestSent[r.i][1]);
        if (attr.unit) (sentOfArticle[r.i] || []).forEach(function (idx) { if (states(draftSents[idx][1], attr.unit, quantityTable)) cand.add(idx); });
        Array.from(cand).sort(function (x, y) { return x - y; }).forEach(function (idx) {
          var text = draftSents[idx][1], verb = 0;
          cited.forEach(function (c) { verb = Math.max(verb, verbatim(text, c[2])); });
          var x = [sentScore[idx], typical, verb, r.art, labelScores[r.i], rank === 0 ? 1 : 0, share, attr.unit && states(text, attr.unit, quantityTable) ? 1 : 0, citedP, ownP(r.i)];
          var p = probability(cal.attribute, x);
          if (features) features.attribute.push([attr.id, arts[r.i].n, text, x]);
          if (!best || p > best.p) best = { p: p, i: r.i, idx: idx };
        });
      });
      if (!best) return;
      var level = levelOf(cal.attribute, best.p), text = draftSents[best.idx][1], number = null;
      if (level === SAME && attr.unit) {
        var q = quantities(text, quantityTable).filter(function (v) { return v[1] === attr.unit; });
        if (q.length) number = q[0][0];
      }
      row.level = level;
      row.p = r6(best.p);
      row.draft = {
        article: arts[best.i].n, label: arts[best.i].label, quote: text.replace(/[。；;\s]+$/u, ""), number: number,
        ranked: ranking.slice(0, W.ranked).map(function (r) { return arts[r.i].n; })
      };
    });

    var coveredSet = new Set();
    articles.forEach(function (a) { a.topics.forEach(function (t) { coveredSet.add(t); }); });
    attrs.forEach(function (r) { if (r.level === SAME) coveredSet.add(r.topic); });
    var gapRows = attrs.filter(function (r) { return r.answered && r.regulating * 2 > r.answered && r.level === NONE; });
    gapRows.forEach(function (r) { r.inDraft = coveredSet.has(r.topic); });
    gapRows.sort(function (x, y) { return (!x.inDraft) - (!y.inDraft) || y.regulating - x.regulating || (topicOrder[x.topic] || 0) - (topicOrder[y.topic] || 0); });
    var covered = Array.from(coveredSet).sort(function (x, y) { return (topicOrder[x] || 0) - (topicOrder[y] || 0); });
    var topicCounts = corpus.topics.map(function (t) {
      var counts = {};
      cities.forEach(function (c) { counts[c.id] = c.curated ? c.articles.filter(function (a) { return a[4].indexOf(t[0]) >= 0; }).length : null; });
      return { id: t[0], label: t[1], draft: articles.filter(function (a) { return a.topics.indexOf(t[0]) >= 0; }).length, peers: counts };
    });
    var t1 = typeof performance !== "undefined" ? performance.now() : Date.now();
    return {
      articles: articles, attrs: attrs, gaps: gapRows.map(function (r) { return r.id; }), gapRows: gapRows, covered: covered,
      topics: topicCounts, peers: cities.map(function (c) { return { id: c.id, name: c.name }; }), ms: t1 - t0
    };
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
    var m = { city: cityId, articles: city.articles.length, split: draft.articles.length, topicOk: 0, topicN: 0, regulated: 0, matched: 0, same: 0, sameRight: 0, falseGaps: 0, unregulated: 0, unseen: 0, gaps: r.gaps.length, ms: r.ms };
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
        if (row.level === SAME) { m.same++; if (gold.indexOf(city.articles[row.draft.article - 1][0]) >= 0) m.sameRight++; }
        if (r.gaps.indexOf(attr.id) >= 0) m.falseGaps++;
      } else {
        m.unregulated++;
        if (row.level === NONE) m.unseen++;
      }
    });
    return m;
  }

  var api = {
    split: split, check: check, prepare: prepare, quantities: quantities, sentences: sentences, cnToInt: cnToInt,
    draftText: draftText, evaluate: evaluate, weights: W, pyRegExp: pyRegExp, verbatim: verbatim, squeeze: clauseSqueeze,
    nfkc: nfkc, probability: probability, grams: grams, Space: Space
  };
  global.rbCheck = api;
  if (typeof module === "object" && module && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
