// 修订对照 engine: two versions of one rule (the current text and a draft), paired article by article as a
// 新旧条文对照表 prints them. Pure functions: nothing here makes a request or touches the DOM, so the page
// (revise.js) and the tests (tests/js/revise.test.mjs, Node) call the same code.
//
//   rbRevise.compare(currentText, draftText[, opts]) -> {rows, summary, ms}
//   rbRevise.compareArticles(oldArticles, newArticles[, opts]) -> the same, for articles already split
//     (the page's corrected split; a corpus city's articles) — each article {label, text}.
//
// A row: {kind, old, new, olds, news, oldLabel, newLabel, oldText, newText, score, diff}. kind is one of
// 未改 / 修改 / 新增 / 删除 / 移动 / 拆分 / 合并; old and new are 1-based article positions (n) or null,
// olds/news every position in the row (拆分: one old, several new; 合并: several old, one new).
// diff: [[op, text], …] (op -1 deleted, 0 kept, 1 inserted; word-level) or null when the text is unchanged.
//
// How: two versions of one rule reuse most of their wording, so the evidence is verbatim reuse — character
// bigrams shared between the article texts (labels removed: renumbering is never a change). Pairs above
// PAIR are aligned one-to-one in order (a weighted LCS by dynamic programming); an old article whose text
// is covered by consecutive new ones is a 拆分 (and the converse a 合并); the pairs left out of order are
// 移动. Thresholds calibrated on edits of the five real texts (tests/fixtures/revise_calibration.json).
(function (global) {
  "use strict";
  var DMP = global.diff_match_patch || (typeof require === "function" ? require("diff-match-patch") : null);

  // Calibrated (tests/js/revise.test.mjs "calibration"): a genuine edit of an article keeps its Dice
  // similarity above PAIR; the closest unrelated article of another city stays below it.
  var T = {
    PAIR: 0.55,      // Dice over character bigrams for a one-to-one pair (修改 / 移动)
    MOVE: 0.65,      // stricter for a pair out of order (移动): nothing in between supports it
    PART: 0.7,       // each piece of a 拆分/合并: this share of its bigrams comes from the other side
    COVER: 0.75,     // the pieces together cover this share of the whole article's bigrams
    GAIN: 0.15,      // … and a piece adds at least this much cover beyond the others
  };

  function norm(text) { return String(text || "").replace(/\s+/g, ""); }

  // Bigram multiset of a text (a one-character text is its one character).
  function bag(text) {
    var t = norm(text), m = new Map(), n = 0;
    if (t.length === 1) { m.set(t, 1); return { m: m, n: 1 }; }
    for (var i = 0; i + 2 <= t.length; i++) {
      var g = t.substr(i, 2);
      m.set(g, (m.get(g) || 0) + 1);
      n++;
    }
    return { m: m, n: n };
  }

  function inter(a, b) {
    if (a.m.size > b.m.size) { var t = a; a = b; b = t; }
    var s = 0;
    a.m.forEach(function (c, g) { var d = b.m.get(g); if (d) s += c < d ? c : d; });
    return s;
  }

  function union(bags) {
    var m = new Map(), n = 0;
    bags.forEach(function (b) { b.m.forEach(function (c, g) { m.set(g, (m.get(g) || 0) + c); }); n += b.n; });
    return { m: m, n: n };
  }

  function dice(a, b) { return a.n + b.n ? (2 * inter(a, b)) / (a.n + b.n) : 1; }

  // -- the word diff: Intl.Segmenter's words as diff-match-patch's "lines", so a mark never cuts a word --
  var segmenter = null;
  try { segmenter = new Intl.Segmenter("zh", { granularity: "word" }); } catch (e) { segmenter = null; }

  function words(text) {
    if (!segmenter) return Array.from(text);
    var out = [];
    for (var s of segmenter.segment(text)) out.push(s.segment);
    return out;
  }

  function wordDiff(a, b) {
    var dmp = new DMP();
    dmp.Diff_Timeout = 0;
    var list = [""], index = new Map();
    function encode(text) {
      var out = "";
      words(text).forEach(function (w) {
        var k = index.get(w);
        if (k === undefined) { k = list.length; list.push(w); index.set(w, k); }
        out += String.fromCharCode(k);
      });
      return out;
    }
    var ea = encode(a), eb = encode(b);
    var d = dmp.diff_main(ea, eb, false);
    dmp.diff_cleanupSemantic(d);
    dmp.diff_charsToLines_(d, list);
    // adjacent runs of one kind merged (the cleanup may leave them apart)
    var out = [];
    d.forEach(function (p) {
      if (!p[1]) return;
      var last = out[out.length - 1];
      if (last && last[0] === p[0]) last[1] += p[1];
      else out.push([p[0], p[1]]);
    });
    return out;
  }

  // -- the alignment -----------------------------------------------------------------------------------

  // One-to-one pairs in order maximising the summed similarity (pairs below PAIR are not allowed).
  function monotone(S, nOld, nNew) {
    var W = [], i, j;
    for (i = 0; i <= nOld; i++) W.push(new Float64Array(nNew + 1));
    for (i = 1; i <= nOld; i++) {
      for (j = 1; j <= nNew; j++) {
        var best = W[i - 1][j] > W[i][j - 1] ? W[i - 1][j] : W[i][j - 1];
        var s = S[i - 1][j - 1];
        if (s >= T.PAIR && W[i - 1][j - 1] + s > best) best = W[i - 1][j - 1] + s;
        W[i][j] = best;
      }
    }
    var pairs = [];
    i = nOld; j = nNew;
    while (i > 0 && j > 0) {
      var s2 = S[i - 1][j - 1];
      if (s2 >= T.PAIR && Math.abs(W[i][j] - (W[i - 1][j - 1] + s2)) < 1e-9) { pairs.push([i - 1, j - 1]); i--; j--; }
      else if (W[i][j] === W[i - 1][j]) i--;
      else j--;
    }
    return pairs.reverse();
  }

  // A run of consecutive `pieces` around `start` that together make up `whole`: each piece mostly from
  // the whole (PART), together covering it (COVER), each adding cover (GAIN). `free(k)` says whether
  // piece k may join. Returns the run's indexes or null.
  function pieces(whole, bags, start, free) {
    function part(k) { return bags[k].n ? inter(whole, bags[k]) / bags[k].n : 0; }
    if (!free(start) || part(start) < T.PART) return null;
    var run = [start], cover = whole.n ? inter(whole, bags[start]) / whole.n : 0;
    function tryAdd(k, front) {
      if (k < 0 || k >= bags.length || !free(k) || part(k) < T.PART) return false;
      var next = front ? [k].concat(run) : run.concat([k]);
      var c = inter(whole, union(next.map(function (x) { return bags[x]; }))) / whole.n;
      if (c - cover < T.GAIN) return false;
      run = next; cover = c;
      return true;
    }
    var grew = true;
    while (grew) grew = tryAdd(run[run.length - 1] + 1, false) || tryAdd(run[0] - 1, true);
    return run.length >= 2 && cover >= T.COVER ? run : null;
  }

  function compareArticles(olds, news, opts) {
    var t0 = typeof performance !== "undefined" ? performance.now() : Date.now();
    olds = olds || []; news = news || [];
    var ob = olds.map(function (a) { return bag(a.text); }), nb = news.map(function (a) { return bag(a.text); });
    // similarity matrix through an inverted index of the new side's bigrams (only pairs sharing one)
    var post = new Map();
    nb.forEach(function (b, j) { b.m.forEach(function (c, g) { var p = post.get(g); if (!p) post.set(g, p = []); p.push(j, c); }); });
    var S = ob.map(function (a) {
      var shared = new Float64Array(news.length), row = new Float64Array(news.length);
      a.m.forEach(function (c, g) {
        var p = post.get(g);
        if (!p) return;
        for (var k = 0; k < p.length; k += 2) shared[p[k]] += c < p[k + 1] ? c : p[k + 1];
      });
      for (var j = 0; j < news.length; j++) row[j] = a.n + nb[j].n ? (2 * shared[j]) / (a.n + nb[j].n) : 1;
      return row;
    });

    var oldTo = new Array(olds.length).fill(-1), newTo = new Array(news.length).fill(-1);
    monotone(S, olds.length, news.length).forEach(function (p) { oldTo[p[0]] = p[1]; newTo[p[1]] = p[0]; });

    // 拆分: one old article covered by consecutive new ones (free: unpaired, or paired with this old one)
    var groups = [];  // {olds: [...], news: [...], kind}
    var inGroupOld = new Array(olds.length).fill(false), inGroupNew = new Array(news.length).fill(false);
    olds.forEach(function (_, i) {
      if (!ob[i].n) return;
      var best = null;
      for (var j = 0; j < news.length; j++) {
        if (S[i][j] <= 0) continue;
        var run = pieces(ob[i], nb, j, function (k) { return !inGroupNew[k] && (newTo[k] === -1 || newTo[k] === i); });
        if (run && (!best || run.length > best.length)) best = run;
      }
      if (!best) return;
      if (oldTo[i] !== -1 && best.indexOf(oldTo[i]) < 0) return;  // paired elsewhere: keep the pair
      best.forEach(function (k) { inGroupNew[k] = true; newTo[k] = i; });
      inGroupOld[i] = true; oldTo[i] = best[0];
      groups.push({ kind: "拆分", olds: [i], news: best });
    });
    // 合并: one new article covering consecutive old ones
    news.forEach(function (_, j) {
      if (!nb[j].n || inGroupNew[j]) return;
      var best = null;
      for (var i = 0; i < olds.length; i++) {
        if (S[i][j] <= 0) continue;
        var run = pieces(nb[j], ob, i, function (k) { return !inGroupOld[k] && (oldTo[k] === -1 || oldTo[k] === j); });
        if (run && (!best || run.length > best.length)) best = run;
      }
      if (!best) return;
      if (newTo[j] !== -1 && best.indexOf(newTo[j]) < 0) return;
      best.forEach(function (k) { inGroupOld[k] = true; oldTo[k] = j; });
      inGroupNew[j] = true; newTo[j] = best[0];
      groups.push({ kind: "合并", olds: best, news: [j] });
    });

    // 移动: the best remaining pairs out of order, one to one
    var cand = [];
    olds.forEach(function (_, i) {
      if (oldTo[i] !== -1) return;
      for (var j = 0; j < news.length; j++) if (newTo[j] === -1 && S[i][j] >= T.MOVE) cand.push([S[i][j], i, j]);
    });
    cand.sort(function (a, b) { return b[0] - a[0] || a[1] - b[1] || a[2] - b[2]; });
    var moved = new Set();
    cand.forEach(function (c) {
      if (oldTo[c[1]] !== -1 || newTo[c[2]] !== -1) return;
      oldTo[c[1]] = c[2]; newTo[c[2]] = c[1]; moved.add(c[1]);
    });

    // -- rows, in the draft's order; a deleted article where it stood among the anchored rows ---------
    function joined(list, idx) { return idx.map(function (k) { return list[k].text; }).join("\n"); }
    // 第八条、第九条; 八、九、 (a label that ends in 、 needs no separator)
    function labels(list, idx) {
      return idx.map(function (k) { return list[k].label; }).reduce(function (s, l) { return !s ? l : s + (/、$/.test(s) ? "" : "、") + l; }, "");
    }
    function row(kind, oi, ni) {
      var oldText = oi.length ? joined(olds, oi) : null, newText = ni.length ? joined(news, ni) : null;
      var same = oldText !== null && newText !== null && norm(oldText) === norm(newText);
      var r = {
        kind: kind,
        old: oi.length ? oi[0] + 1 : null,
        new: ni.length ? ni[0] + 1 : null,
        olds: oi.map(function (k) { return k + 1; }),
        news: ni.map(function (k) { return k + 1; }),
        oldLabel: oi.length ? labels(olds, oi) : "",
        newLabel: ni.length ? labels(news, ni) : "",
        oldText: oldText,
        newText: newText,
        score: oi.length === 1 && ni.length === 1 ? Math.round(S[oi[0]][ni[0]] * 1000) / 1000 : null,
        diff: oldText !== null && newText !== null && !same ? wordDiff(oldText, newText) : null,
      };
      return r;
    }
    var groupOfNew = new Map(), groupOfOld = new Map();
    groups.forEach(function (g) { g.news.forEach(function (k) { groupOfNew.set(k, g); }); g.olds.forEach(function (k) { groupOfOld.set(k, g); }); });
    var rows = [];
    news.forEach(function (_, j) {
      var g = groupOfNew.get(j);
      if (g) { if (g.news[0] === j) rows.push(row(g.kind, g.olds, g.news)); return; }
      var i = newTo[j];
      if (i === -1) { rows.push(row("新增", [], [j])); return; }
      if (moved.has(i)) { rows.push(row("移动", [i], [j])); return; }
      var r = row("修改", [i], [j]);
      if (!r.diff) r.kind = "未改";
      rows.push(r);
    });
    // deleted articles: before the first anchored row whose old articles come after them
    var out = [], deleted = [];
    olds.forEach(function (_, i) { if (oldTo[i] === -1 && !groupOfOld.has(i)) deleted.push(i); });
    var d = 0;
    rows.forEach(function (r) {
      if (r.kind !== "新增" && r.kind !== "移动") {
        var first = Math.min.apply(null, r.olds) - 1;
        while (d < deleted.length && deleted[d] < first) out.push(row("删除", [deleted[d++]], []));
      }
      out.push(r);
    });
    while (d < deleted.length) out.push(row("删除", [deleted[d++]], []));

    var t1 = typeof performance !== "undefined" ? performance.now() : Date.now();
    return { rows: out, summary: summarize(out), ms: t1 - t0 };
  }

  var KINDS = ["新增", "删除", "修改", "未改", "移动", "拆分", "合并"];

  function summarize(rows) {
    var counts = {};
    KINDS.forEach(function (k) { counts[k] = 0; });
    rows.forEach(function (r) { counts[r.kind]++; });
    var parts = ["新增 " + counts["新增"] + " 条", "删除 " + counts["删除"] + " 条", "修改 " + counts["修改"] + " 条", "未改 " + counts["未改"] + " 条"];
    ["移动", "拆分", "合并"].forEach(function (k) { if (counts[k]) parts.push(k + " " + counts[k] + " 处"); });
    return { counts: counts, text: parts.join("、") };
  }

  // The splitter of 对标检查 (check-engine.js) with the importer's patterns (window.rbSegmentPatterns).
  function splitText(text, opts) {
    var check = (opts && opts.check) || global.rbCheck;
    var table = (opts && opts.table) || global.rbSegmentPatterns;
    if (!check || !table) throw new Error("rbRevise needs check-engine.js and the segment patterns loaded first");
    return check.split(String(text || ""), table).articles;
  }

  function compare(currentText, draftText, opts) {
    return compareArticles(splitText(currentText, opts), splitText(draftText, opts), opts);
  }

  // 第3条 -> 第五条 as a reader says it: "移动（第三条 → 第五条）" is made by the page from the labels.
  var api = {
    compare: compare,
    compareArticles: compareArticles,
    wordDiff: wordDiff,
    words: words,
    similarity: function (a, b) { return dice(bag(a), bag(b)); },
    summarize: summarize,
    thresholds: T,
    kinds: KINDS,
  };
  global.rbRevise = api;
  if (typeof module === "object" && module && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
