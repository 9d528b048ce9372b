// Comparison pages: city picker (state in the URL), sortable numeric columns, two-city character diff.
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
      p.appendChild(piece[0] ? el(piece[0], null, piece[1]) : document.createTextNode(piece[1]));
    });
    td.appendChild(p);
    return td;
  }

  // Full-width ASCII forms (，：；（）０-９) to their half-width twins, one character for one.
  function foldWidth(text) {
    return text.replace(/[\uff01-\uff5e]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xfee0); });
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
        // Compared with full-/half-width forms folded (，/, （/( differ only in typesetting), shown verbatim:
        // the folding keeps every character's position, so the pieces are cut from the original texts.
        var diffs = dmp.diff_main(foldWidth(r.left.text), foldWidth(r.right.text));
        dmp.diff_cleanupSemantic(diffs);  // whole words and phrases, not scattered shared characters
        left = []; right = [];
        var i = 0, j = 0;
        diffs.forEach(function (d) {
          var len = d[1].length;
          if (d[0] === 0) {
            left.push([null, r.left.text.substr(i, len)]); right.push([null, r.right.text.substr(j, len)]);
            i += len; j += len;
          } else if (d[0] < 0) { left.push(["del", r.left.text.substr(i, len)]); i += len; }
          else { right.push(["ins", r.right.text.substr(j, len)]); j += len; }
        });
      }
      tr.className = r.left && r.right ? "rb-two-pair" : "rb-two-single";
      tr.appendChild(sideCell(a, r.left, left, prefix, suffix, "左"));
      var rc = sideCell(b, r.right, same ? [] : right, prefix, suffix, "右");
      if (same) {
        rc.querySelector(".rb-two-text").appendChild(el("span", "rb-two-same", "同左"));
        rc.classList.add("rb-two-identical");
      }
      if (r.score !== null) rc.appendChild(el("span", "rb-small rb-two-score", "相似度 " + r.score.toFixed(2)));
      tr.appendChild(rc);
    });
    return table;
  }
  window.RulebookTwo = { pairRows: pairRows, renderTable: renderTable, loadDiff: loadDiff };

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
