// Comparison pages: city picker (state in the URL), sortable numeric columns, two-city character diff.
// Everything here is an enhancement: without JavaScript every city and every text is shown.
(function () {
  "use strict";

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

  // Longest common subsequence over characters; returns per-character "common" flags for a and b.
  function lcsMarks(a, b) {
    var n = a.length, m = b.length, i, j;
    var ma = new Uint8Array(n), mb = new Uint8Array(m);
    if (!n || !m || n * m > 25e6) return [ma, mb];
    var dp = new Uint16Array((n + 1) * (m + 1));
    for (i = n - 1; i >= 0; i--) {
      for (j = m - 1; j >= 0; j--) {
        dp[i * (m + 1) + j] = a[i] === b[j] ? dp[(i + 1) * (m + 1) + j + 1] + 1
          : Math.max(dp[(i + 1) * (m + 1) + j], dp[i * (m + 1) + j + 1]);
      }
    }
    i = 0; j = 0;
    while (i < n && j < m) {
      if (a[i] === b[j]) { ma[i] = 1; mb[j] = 1; i++; j++; }
      else if (dp[(i + 1) * (m + 1) + j] >= dp[i * (m + 1) + j + 1]) i++;
      else j++;
    }
    return [dropShortRuns(ma, MIN_RUN), dropShortRuns(mb, MIN_RUN)];
  }

  // Shared runs shorter than this ("委、", "政府") are coincidence, not shared wording.
  var MIN_RUN = 4;

  // Hook for clause alignment: a script may set window.RulebookAlign = function (a, b) returning
  // [marksA, marksB] (one 0/1 per character of the joined texts, as lcsMarks does), e.g. from
  // clause pairs computed at build time; without it the character LCS below is used.
  function sharedMarks(a, b) {
    return typeof window.RulebookAlign === "function" ? window.RulebookAlign(a, b) : lcsMarks(a, b);
  }

  // Single shared characters (的, 市, 。) are noise, not shared wording: keep runs of >= min chars.
  function dropShortRuns(marks, min) {
    var start = -1;
    for (var k = 0; k <= marks.length; k++) {
      if (k < marks.length && marks[k]) { if (start < 0) start = k; continue; }
      if (start >= 0 && k - start < min) for (var t = start; t < k; t++) marks[t] = 0;
      start = -1;
    }
    return marks;
  }

  function renderSide(el, city, marks, prefix, suffix) {
    el.textContent = "";
    var h = document.createElement("h4");
    h.textContent = city.name + "（" + city.articles.length + " 条）";
    el.appendChild(h);
    if (!city.articles.length) {
      var p0 = document.createElement("p");
      p0.textContent = city.complete ? "没有本主题的条文。" : "现存文本中没有本主题的条文（原文缺失）。";
      el.appendChild(p0);
    }
    var offset = 0;
    city.articles.forEach(function (a) {
      var box = document.createElement("div");
      box.className = "rb-two-article";
      var link = document.createElement("a");
      link.href = prefix + "cities/" + city.id + suffix + "#" + a.anchor;
      link.textContent = a.label;
      box.appendChild(link);
      var p = document.createElement("p");
      var run = "", runMark = -1;
      function flush() {
        if (!run) return;
        if (runMark === 1) { var mk = document.createElement("mark"); mk.className = "rb-same"; mk.textContent = run; p.appendChild(mk); }
        else p.appendChild(document.createTextNode(run));
        run = "";
      }
      for (var k = 0; k < a.text.length; k++) {
        var mark = marks[offset + k] ? 1 : 0;
        if (mark !== runMark) { flush(); runMark = mark; }
        run += a.text[k];
      }
      flush();
      offset += a.text.length + 1;
      box.appendChild(p);
      el.appendChild(box);
    });
  }

  function initTwo(root) {
    var box = root.querySelector(".rb-two");
    if (!box) return;
    var prefix = box.getAttribute("data-rb-root"), suffix = box.getAttribute("data-rb-suffix") || "/";
    var data = JSON.parse(box.querySelector(".rb-two-data").textContent);
    Object.keys(data).forEach(function (k) { data[k].id = k; });
    var selA = box.querySelector(".rb-two-a"), selB = box.querySelector(".rb-two-b");
    var p = params();
    if (p.get("a") && data[p.get("a")]) selA.value = p.get("a");
    if (p.get("b") && data[p.get("b")]) selB.value = p.get("b");
    box.hidden = false;
    function joined(c) { return c.articles.map(function (a) { return a.text; }).join("\n"); }
    function update(updateUrl) {
      var a = data[selA.value], b = data[selB.value];
      var marks = sharedMarks(joined(a), joined(b));
      renderSide(box.querySelector(".rb-two-left"), a, marks[0], prefix, suffix);
      renderSide(box.querySelector(".rb-two-right"), b, marks[1], prefix, suffix);
      if (updateUrl) { setParam("a", selA.value); setParam("b", selB.value); }
    }
    selA.addEventListener("change", function () { update(true); });
    selB.addEventListener("change", function () { update(true); });
    update(false);
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
