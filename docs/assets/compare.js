// Comparison pages: city picker (state in the URL), sortable numeric columns, two-city word diff.
// Everything here is an enhancement: without JavaScript every city and every text is shown.
(function () {
  "use strict";
  var el = window.rbCommon.el, loadScript = window.rbCommon.loadScript;  // rb-common.js

  function params() { return new URLSearchParams(location.search); }

  function setParam(name, value) {
    var p = params();
    if (value) p.set(name, value); else p.delete(name);
    var q = p.toString();
    history.replaceState(null, "", location.pathname + (q ? "?" + q : "") + location.hash);
  }

  function initPicker(root) {
    var form = root.querySelector("form.rb-picker");
    if (!form) return;
    form.hidden = false;
    var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=city]"));
    var wanted = (params().get("cities") || "").split(",").filter(Boolean);
    if (wanted.length) boxes.forEach(function (b) { b.checked = wanted.indexOf(b.value) >= 0; });
    function apply(updateUrl) {
      var on = boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
      root.querySelectorAll("[data-city]").forEach(function (el) {
        el.hidden = on.indexOf(el.getAttribute("data-city")) < 0;
      });
      if (updateUrl) setParam("cities", on.length === boxes.length ? "" : on.join(","));
    }
    form.addEventListener("change", function () { apply(true); });
    form.querySelector(".rb-picker-all").addEventListener("click", function () {
      boxes.forEach(function (b) { b.checked = true; }); apply(true);
    });
    form.querySelector(".rb-picker-none").addEventListener("click", function () {
      boxes.forEach(function (b) { b.checked = false; }); apply(true);
    });
    apply(false);
  }

  function initSort(table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, col) {
      if (!th.hasAttribute("data-numeric")) return;
      var btn = document.createElement("button");
      btn.type = "button";
      btn.className = "rb-sort";
      btn.textContent = "排序";
      btn.setAttribute("aria-label", "按" + th.textContent.trim() + "排序");
      th.appendChild(btn);
      btn.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[col].getAttribute("data-sort"), y = b.cells[col].getAttribute("data-sort");
          if (x === null && y === null) return 0;
          if (x === null) return 1;   // cells without a number (未规定, 原文缺失 …) always last
          if (y === null) return -1;
          return asc ? x - y : y - x;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }

  // diff-match-patch (npm, vendored into assets/vendor/ wrapped to set window.diff_match_patch: see
  // site.VENDOR_COMMONJS) is loaded on the first 两市对照 only.
  function loadDiff(prefix) {
    if (window.diff_match_patch) return Promise.resolve(window.diff_match_patch);
    return loadScript(prefix + "assets/vendor/diff_match_patch.js").then(function () { return window.diff_match_patch; });
  }

  // Rows of corresponding articles for cities a and b: the build-time alignment gives each article
  // its counterpart per other city; both directions are pooled and taken strongest first, one to one.
  // Rows follow a's order; an article of b without a partner sits after b's preceding paired article.
  function pairRows(a, b) {
    var inA = {}, inB = {};
    a.articles.forEach(function (x) { inA[x.n] = x; });
    b.articles.forEach(function (x) { inB[x.n] = x; });
    var cand = [];
    a.articles.forEach(function (x) { var m = x.m && x.m[b.id]; if (m && inB[m[0]]) cand.push([m[1], x.n, m[0]]); });
    b.articles.forEach(function (y) { var m = y.m && y.m[a.id]; if (m && inA[m[0]]) cand.push([m[1], m[0], y.n]); });
    cand.sort(function (p, q) { return q[0] - p[0] || p[1] - q[1] || p[2] - q[2]; });
    var partnerOfA = {}, usedB = {}, scoreOfA = {};
    cand.forEach(function (c) {
      if (partnerOfA[c[1]] !== undefined || usedB[c[2]]) return;
      partnerOfA[c[1]] = c[2]; usedB[c[2]] = true; scoreOfA[c[1]] = c[0];
    });
    var rows = a.articles.map(function (x) {
      var n = partnerOfA[x.n];
      return { left: x, right: n === undefined ? null : inB[n], score: n === undefined ? null : scoreOfA[x.n] };
    });
    b.articles.forEach(function (y, idx) {
      if (usedB[y.n]) return;
      // after the row holding b's nearest earlier paired article (or after earlier unpaired ones)
      var at = 0;
      for (var k = 0; k < rows.length; k++) {
        var r = rows[k].right;
        if (r && b.articles.indexOf(r) < idx) at = k + 1;
      }
      while (at < rows.length && !rows[at].left) at++;
      rows.splice(at, 0, { left: null, right: y, score: null });
    });
    return rows;
  }

  // One side of a row: city name (shown when the columns stack), article link, text pieces.
  function sideCell(city, art, pieces, prefix, suffix, side) {
    var td = el("td");
    td.appendChild(el("span", "rb-two-city", city.name));
    if (!art) {
      // only the topic's articles are paired: "none" means none among this city's articles on the topic
      td.className = "rb-two-none";
      td.appendChild(el("p", "rb-small", side + "市无对应条文（本主题条文中）" + (city.complete ? "" : "；该市现存文本不完整")));
      return td;
    }
    var link = el("a", "rb-two-link", art.label);
    link.href = prefix + "cities/" + city.id + suffix + "#" + art.anchor;
    td.appendChild(link);
    var p = el("p", "rb-two-text");
    pieces.forEach(function (piece) {
      p.appendChild(piece[0] ? el(piece[0], piece[2], piece[1]) : document.createTextNode(piece[1]));
    });
    td.appendChild(p);
    return td;
  }

  // Full-width ASCII forms (，：；（）０-９) to their half-width twins, one character for one.
  function foldWidth(text) {
    return text.replace(/[\uff01-\uff5e]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xfee0); });
  }

  // --- The word diff --------------------------------------------------------------------------------------
  // Two articles are compared word by word: each carries "w", its jieba tokens as lengths in code points,
  // one base-36 digit per token (made at build time: rulebook/views/wordiff.py), so a mark never splits a
  // word (a character diff marked 同意/同志 as 意/志). Without "w", or if it does not cover the text, every
  // character is a token.
  function tokensOf(art) {
    var chars = Array.from(art.text), w = art.w || "", out = [], at = 0;
    for (var k = 0; k < w.length && at < chars.length; k++) {
      var n = parseInt(w.charAt(k), 36);
      if (!(n > 0)) break;
      out.push(chars.slice(at, at + n).join(""));
      at += n;
    }
    return at === chars.length && k === w.length ? out : chars;
  }

  // diff-match-patch's line mode (diff_linesToChars_) with tokens for lines: one character per distinct
  // token (width-folded, so ，/, are the same token), private-use ones first, then the rest of the BMP.
  function tokenEncoder() {
    var codes = new Map(), next = 0xe000;
    return function (tokens) {
      return tokens.map(function (t) {
        var key = foldWidth(t);
        if (!codes.has(key)) {
          codes.set(key, String.fromCharCode(next));
          next = next === 0xf8ff ? 0x100 : next + 1;
        }
        return codes.get(key);
      }).join("");
    };
  }

  // Each change (the tokens deleted from the left and inserted on the right between two shared stretches)
  // is one of three kinds:
  // - quiet (class rb-diff-quiet): wording only. Every token is a VARIANT word or punctuation, or the two
  //   sides are the same once those, 人民 and 同志 are dropped, 或者 read as 或 and numbers read by value
  //   (市人民政府/市政府, 和/及, 两次/二次).
  // - key (class rb-diff-key): substance. A token is a number (15, 两周, 三分之二) or an actor or a time
  //   word (KEY: 市长, 常务, 工作日, 不超过, 应当 …). Renumbered list items ((四)/(五)) are not.
  // - plain: any other change.
  var VARIANT = new Set(["人民", "同志", "的", "等", "和", "及", "与", "以及", "、"]);
  var KEY = new Set(("市长 副市长 常务副市长 常务副 市长助理 副 秘书长 副秘书长 常务 全体 " +
    "日 天 月 年 周 季度 半年 半天 工作日 工作日内 日内 日前 小时 期限 届满 当日 当天 次日 " +
    "以上 以下 以内 超过 不超过 不少于 少于 不低于 低于 不多于 前 后 内 之前 之后 以前 以后 " +
    "每 每月 每周 每年 每季度 每半年 应当 必须 可以 不得").split(" "));
  var NUMERALS = "〇零一二两三四五六七八九十百千万";
  var NUMBER = new RegExp("[0-9]|^[第每近满]?[" + NUMERALS + "半]+[" + NUMERALS +
    "半数之分个次天日月年周名位项人条款届级倍期季度小时钟工作内以上下前后]*$");
  var NUMERAL_RUN = new RegExp("[0-9" + NUMERALS + "]+", "g"), ONLY_NUMERALS = new RegExp("^[0-9" + NUMERALS + "]+$");
  var PUNCT_OR_SPACE = /^[\s\p{P}\p{S}]+$/u;

  function isVariant(t) { return VARIANT.has(t) || PUNCT_OR_SPACE.test(t); }

  function wording(tokens) {
    return tokens.filter(function (t) { return !isVariant(t); }).join("")
      .replace(/人民|同志/g, "").replace(/或者/g, "或")
      .replace(NUMERAL_RUN, function (m) { var v = window.rbCommon.cnToInt(m); return isNaN(v) ? m : "#" + v + "#"; });
  }

  // before, after: the shared token before and after the change ("" at either end of the text); all four
  // width-folded (１５ reads as 15).
  function changeKind(deleted, inserted, before, after) {
    var all = deleted.concat(inserted);
    if (all.every(isVariant) || wording(deleted) === wording(inserted)) return "quiet";
    if (/[(]$/.test(before) && /^[)]/.test(after) && all.every(function (t) { return ONLY_NUMERALS.test(t); })) return "";
    return all.some(function (t) { return KEY.has(t) || NUMBER.test(t); }) ? "key" : "";
  }

  // The two texts as pieces [tag, text, class]: tag null (shared), "del" (left only) or "ins" (right only).
  function wordDiff(dmp, left, right) {
    var a = tokensOf(left), b = tokensOf(right), encode = tokenEncoder();
    // No diff_cleanupSemantic: the tokens are words already, and on them it merged whole clauses into one mark.
    var diffs = dmp.diff_main(encode(a), encode(b), false);
    var out = { left: [], right: [] }, i = 0, j = 0, k = 0;
    while (k < diffs.length) {
      var n = diffs[k][1].length;
      if (diffs[k][0] === 0) {
        out.left.push([null, a.slice(i, i + n).join("")]); out.right.push([null, b.slice(j, j + n).join("")]);
        i += n; j += n; k++;
        continue;
      }
      var i0 = i, j0 = j;
      for (; k < diffs.length && diffs[k][0] !== 0; k++) {
        if (diffs[k][0] < 0) i += diffs[k][1].length; else j += diffs[k][1].length;
      }
      var deleted = a.slice(i0, i), inserted = b.slice(j0, j);
      var kind = changeKind(deleted.map(foldWidth), inserted.map(foldWidth), foldWidth(a[i0 - 1] || ""),
        foldWidth(a[i] || ""));
      var cls = kind ? "rb-diff-" + kind : null;
      if (deleted.length) out.left.push(["del", deleted.join(""), cls]);
      if (inserted.length) out.right.push(["ins", inserted.join(""), cls]);
    }
    return out;
  }

  // The table for a pair of cities; Dmp is the diff_match_patch constructor.
  function renderTable(Dmp, a, b, prefix, suffix) {
    var dmp = new Dmp();
    var table = el("table", "rb-two-table");
    table.createCaption().textContent = a.name + "与" + b.name + "相对应的条文";
    var head = table.createTHead().insertRow();
    [a, b].forEach(function (c) { var th = el("th", null, c.name); th.scope = "col"; head.appendChild(th); });
    var body = table.createTBody();
    var rows = pairRows(a, b);
    if (!rows.length) {
      var tr0 = body.insertRow(), td0 = el("td", null, "两市都没有本主题的条文。");
      td0.colSpan = 2; tr0.appendChild(td0);
    }
    rows.forEach(function (r) {
      var tr = body.insertRow();
      var left = r.left ? [[null, r.left.text]] : [], right = r.right ? [[null, r.right.text]] : [];
      var same = r.left && r.right && r.left.text === r.right.text;
      if (r.left && r.right && !same) {
        // Compared with full-/half-width forms folded (，/, （/( differ only in typesetting), shown verbatim.
        var pieces = wordDiff(dmp, r.left, r.right);
        left = pieces.left; right = pieces.right;
      }
      tr.className = r.left && r.right ? "rb-two-pair" : "rb-two-single";
      tr.appendChild(sideCell(a, r.left, left, prefix, suffix, "左"));
      var rc = sideCell(b, r.right, same ? [] : right, prefix, suffix, "右");
      if (same) {
        rc.querySelector(".rb-two-text").appendChild(el("span", "rb-two-same", "同左"));
        rc.classList.add("rb-two-identical");
      }
      if (r.score !== null) rc.appendChild(el("span", "rb-small rb-two-score", "机器判定：对应"));
      tr.appendChild(rc);
    });
    return table;
  }
  window.RulebookTwo = { pairRows: pairRows, renderTable: renderTable, loadDiff: loadDiff, wordDiff: wordDiff };

  // One <script src> per file, once (rbCommon.loadScript): the split-by-province pages' 两市对照 data
  // (assets/two/, written by rulebook/views/topics.py two_city_files) calls back rbTwoIndex / rbTwoCity.
  // Scripts, not fetch(): fetch() of a file fails when the site is opened from disk.
  var twoIndex = null, twoCities = {};
  window.rbTwoIndex = function (list) { twoIndex = list; };
  window.rbTwoCity = function (id, data) { twoCities[id] = data; };

  // The embedded form (every city in one JSON blob: small sites) and the loaded form (one script per
  // city) give the same thing: a function from a city id to a promise of {id, name, complete, articles}.
  function embeddedSource(box) {
    var data = JSON.parse(box.querySelector(".rb-two-data").textContent);
    Object.keys(data).forEach(function (k) { data[k].id = k; });
    return {
      has: function (id) { return !!data[id]; },
      get: function (id) { return Promise.resolve(data[id]); },
    };
  }

  function loadedSource(box, base, topic) {
    return {
      has: function (id) { return twoIndex.some(function (c) { return c[0] === id; }); },
      get: function (id) {
        return loadScript(base + encodeURIComponent(id) + ".js").then(function () {
          var c = twoCities[id], byN = {};
          c.articles.forEach(function (a) { byN[a.n] = a; });
          var arts = (c.topics[topic] || []).map(function (n) { return byN[n]; });
          return { id: id, name: c.name, complete: c.complete, articles: arts };
        });
      },
    };
  }

  // Loaded form: a province select and a city select per side, the cities from assets/two/index.js.
  function fillCities(selP, sel, wanted) {
    sel.textContent = "";
    twoIndex.forEach(function (c) {
      if (c[2] !== selP.value) return;
      var o = document.createElement("option");
      o.value = c[0]; o.textContent = c[1];
      sel.appendChild(o);
    });
    if (wanted) sel.value = wanted;
  }
  function placeCity(selP, sel, id) {
    var c = twoIndex.filter(function (x) { return x[0] === id; })[0];
    if (c) selP.value = c[2];
    fillCities(selP, sel, c ? id : null);
  }

  function initTwo(root) {
    var box = root.querySelector(".rb-two");
    if (!box) return;
    var prefix = box.getAttribute("data-rb-root"), suffix = box.getAttribute("data-rb-suffix") || "/";
    var src = box.getAttribute("data-two-src");
    if (!src) return startTwo(box, prefix, suffix, embeddedSource(box));
    var base = prefix + src;
    loadScript(base + "index.js").then(function () {
      var first = twoIndex[0] ? twoIndex[0][0] : null, second = twoIndex[1] ? twoIndex[1][0] : first;
      var pa = box.querySelector(".rb-two-pa"), pb = box.querySelector(".rb-two-pb");
      var selA = box.querySelector(".rb-two-a"), selB = box.querySelector(".rb-two-b");
      placeCity(pa, selA, first); placeCity(pb, selB, second);
      var start = startTwo(box, prefix, suffix, loadedSource(box, base, box.getAttribute("data-topic")));
      [[pa, selA], [pb, selB]].forEach(function (s) {
        s[0].addEventListener("change", function () { fillCities(s[0], s[1]); start.update(true); });
      });
      var p = params();
      if (p.get("a")) placeCity(pa, selA, p.get("a"));
      if (p.get("b")) placeCity(pb, selB, p.get("b"));
      start.update(false);
    }, function () {
      box.hidden = false;
      box.querySelector(".rb-two-rows").textContent = "两市对照的数据未能载入（assets/two/index.js）。";
    });
  }

  function startTwo(box, prefix, suffix, source) {
    var selA = box.querySelector(".rb-two-a"), selB = box.querySelector(".rb-two-b");
    var out = box.querySelector(".rb-two-rows");
    var p = params(), loaded = !!box.getAttribute("data-two-src");
    if (!loaded) {
      if (p.get("a") && source.has(p.get("a"))) selA.value = p.get("a");
      if (p.get("b") && source.has(p.get("b"))) selB.value = p.get("b");
    }
    box.hidden = false;
    var shown = 0;  // a slow load must not overwrite a newer choice
    function update(updateUrl) {
      if (updateUrl) { setParam("a", selA.value); setParam("b", selB.value); }
      out.removeAttribute("data-rendered");
      var a = selA.value, b = selB.value, turn = ++shown;
      Promise.all([loadDiff(prefix), source.get(a), source.get(b)]).then(function (got) {
        if (turn !== shown) return;
        out.textContent = "";
        out.appendChild(renderTable(got[0], got[1], got[2], prefix, suffix));
        out.setAttribute("data-rendered", a + "/" + b);
      }, function (err) {
        out.textContent = /diff_match_patch/.test(String(err && err.message))
          ? "差异比对脚本未能载入（assets/vendor/diff_match_patch.js）。"
          : "两市对照的数据未能载入（" + String(err && err.message) + "）。";
      });
    }
    selA.addEventListener("change", function () { update(true); });
    selB.addEventListener("change", function () { update(true); });
    if (!loaded) update(false);
    return { update: update };
  }

  function init() {
    var root = document.querySelector(".md-content");
    if (!root || !root.querySelector(".rb-picker, .rb-two")) return;
    initPicker(root);
    root.querySelectorAll("table.rb-sortable").forEach(initSort);
    initTwo(root);
  }

  if (window.document$) window.document$.subscribe(init); else document.addEventListener("DOMContentLoaded", init);
})();
