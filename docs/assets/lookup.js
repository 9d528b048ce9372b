// 条文检索: the article search page (form, filters, ranked list with snippets). The engine, shared
// with the header box, is search-engine.js (window.rbSearch).
(function () {
  "use strict";

  var MAX_RESULTS = 20;
  var root, engine = "", generation = 0, S = null;

  var el = window.rbCommon.el;  // rb-common.js, loaded before this file by the page

  function render(q, found, cities) {
    var list = root.querySelector(".rb-lookup-results");
    var status = root.querySelector(".rb-lookup-status");
    var meta = S.meta(), names = {}, topicLabels = {};
    meta.cities.forEach(function (c) { names[c.city] = c.name; });
    meta.topics.forEach(function (t) { topicLabels[t.id] = t.label; });
    list.textContent = "";
    var shown = found.results.slice(0, MAX_RESULTS);
    status.textContent = q ? ("“" + q + "”：找到 " + found.results.length + " 条" +
      (found.results.length > MAX_RESULTS ? "，显示前 " + MAX_RESULTS + " 条" : "") +
      "（检索 " + cities + " 个城市）") : "";
    shown.forEach(function (r) {
      var d = r.doc, li = el("li", "rb-lookup-hit");
      li.setAttribute("data-ref", r.ref);
      // The link comes from the ref alone, so it is shown before the hit's document has arrived.
      var city = r.ref.split("/")[0], n = +r.ref.split("/")[1];
      var title = el("p", "rb-lookup-title"), a = el("a", "", names[city] + " " + S.articleNumber(n));
      a.href = S.hitUrl(r.ref, q);
      title.appendChild(a);
      li.appendChild(title);
      if (!d) {  // its document is loading (or failed): the snippet when it arrives
        var p = el("p", "rb-lookup-snippet rb-small");
        if (found.docsReady) { p.setAttribute("aria-busy", "true"); p.textContent = "摘要加载中…"; }
        else if (found.docsFailed) p.textContent = "摘要未能加载，请刷新页面重试。";
        li.appendChild(p);
      } else {
        if (d.label !== d.number) title.appendChild(el("span", "rb-small", "（原文“" + d.label + "”）"));
        title.appendChild(document.createTextNode(" "));
        title.appendChild(el("span", "rb-small", d.chapter));
        var snip = el("p", "rb-lookup-snippet");
        snip.appendChild(S.snippet(d.text, found.analysis, 140, r.quote));
        li.appendChild(snip);
        li.appendChild(el("p", "rb-small", d.topics.map(function (t) { return topicLabels[t] || t; }).join(" · ")));
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
    if (s.q) p.set("kw", s.q);
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
      render("", { results: [] }, 0);
      return Promise.resolve();
    }
    root.setAttribute("data-state", "loading");
    var nCities = s.city ? 1 : S.meta().cities.length;
    var t0 = performance.now(), mine = ++generation;
    return S.search(s.q, { city: s.city, topic: s.topic, engine: engine, docs: MAX_RESULTS, complete: true }).then(function (found) {
      if (mine !== generation) return;  // a newer search has started: do not show stale results
      root.setAttribute("data-engine", found.engine);
      render(s.q, found, nCities);
      // Timings for the benchmark script (scripts/bench_search.py): index loading, the ranking itself,
      // submit to the ranked list shown, and submit to every snippet shown.
      root.setAttribute("data-load-ms", found.loadMs.toFixed(1));
      root.setAttribute("data-query-ms", found.rankMs.toFixed(1));
      root.setAttribute("data-first-ms", (performance.now() - t0).toFixed(1));
      if (!found.docsReady) {
        root.setAttribute("data-total-ms", root.getAttribute("data-first-ms"));
        return;
      }
      return found.docsReady.then(function () {
        if (mine !== generation) return;
        found.docsReady = null;
        render(s.q, found, nCities);
        root.setAttribute("data-total-ms", (performance.now() - t0).toFixed(1));
      }, function (err) {  // the ranked list stands; only its snippets could not be fetched
        if (mine !== generation) return;
        console.warn(err);
        found.docsReady = null;
        found.docsFailed = true;
        render(s.q, found, nCities);
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
    S = window.rbSearch;
    if (!root || !S || root.getAttribute("data-ready")) return;
    root.setAttribute("data-ready", "1");
    S.init(root.getAttribute("data-rb-root"), root.getAttribute("data-rb-suffix") || "/").then(function (meta) {
      var citySel = root.querySelector("select[name=city]"), topicSel = root.querySelector("select[name=topic]");
      meta.cities.forEach(function (c) {
        var o = el("option", "", c.province + " · " + c.name); o.value = c.city; citySel.appendChild(o);
      });
      meta.topics.forEach(function (t) {
        var o = el("option", "", t.label); o.value = t.id; topicSel.appendChild(o);
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
