// The header search box on every page: the 条文检索 engine (search-engine.js) as you type, with a
// results panel (ARIA combobox + listbox), and the marking of query words on the page a hit opens.
(function () {
  "use strict";

  // A keystroke after a pause searches at once; keys coming faster than this (fast typing, an IME
  // committing several characters, paste) are debounced into one search after the last of them.
  var DEBOUNCE_MS = 30;
  // Article rows in the panel (the same ranking as 条文检索, cut here): at most 6 document chunks
  // to fetch for the snippets, one round of the browser's 6 connections per host.
  var ARTICLES = 6;
  var DIRECT = 4;    // direct-hit rows (cities, topics, comparison attributes, chain pages)
  var S, box, input, list, status, toggle;
  var timer = 0, composing = false, generation = 0, active = -1, lastInputAt = 0;

  var el = window.rbCommon.el;  // rb-common.js

  function option(href, cls) {
    var a = el("a", "rb-search__opt " + cls);
    a.href = href;
    a.setAttribute("role", "option");
    a.setAttribute("aria-selected", "false");
    a.tabIndex = -1;
    return a;
  }

  function options() { return list.querySelectorAll("[role=option]"); }

  function setActive(i) {
    var opts = options();
    if (active >= 0 && opts[active]) opts[active].setAttribute("aria-selected", "false");
    active = opts.length ? (i + opts.length) % opts.length : -1;
    if (active < 0) { input.removeAttribute("aria-activedescendant"); return; }
    var o = opts[active];
    o.setAttribute("aria-selected", "true");
    input.setAttribute("aria-activedescendant", o.id);
    o.scrollIntoView({ block: "nearest" });
  }

  function lookupUrl(q) {
    var p = new URLSearchParams();
    p.set("kw", q);
    // On 条文检索 itself, its filters are kept.
    var here = new URLSearchParams(location.search);
    if (document.querySelector(".rb-lookup")) {
      ["city", "topic"].forEach(function (k) { if (here.get(k)) p.set(k, here.get(k)); });
    }
    return input.form.getAttribute("action") + "?" + p.toString();
  }

  function render(q, found) {
    var meta = S.meta(), names = {};
    meta.cities.forEach(function (c) { names[c.city] = c.name; });
    list.textContent = "";
    active = -1;
    input.removeAttribute("aria-activedescendant");
    var n = 0;
    var direct = S.direct(q, DIRECT);
    if (direct.length) {
      var g = el("div", "rb-search__group");
      g.setAttribute("role", "group");
      g.setAttribute("aria-label", "页面");
      direct.forEach(function (e) {
        var o = option(S.pageUrl(e.path, e.hash), "rb-search__direct");
        o.id = "rb-opt-" + n++;
        o.appendChild(el("span", "rb-search__kind", e.kind));
        o.appendChild(document.createTextNode(" "));
        o.appendChild(el("span", "rb-search__label", e.label));
        if (e.sub) { o.appendChild(document.createTextNode(" ")); o.appendChild(el("span", "rb-search__sub", e.sub)); }
        g.appendChild(o);
      });
      list.appendChild(g);
    }
    var shown = found.results.slice(0, ARTICLES);
    if (shown.length) {
      var ga = el("div", "rb-search__group");
      ga.setAttribute("role", "group");
      ga.setAttribute("aria-label", "条文");
      shown.forEach(function (r) {
        var d = r.doc, city = r.ref.split("/")[0];
        var o = option(S.hitUrl(r.ref, q), "rb-search__article");
        o.id = "rb-opt-" + n++;
        o.setAttribute("data-ref", r.ref);
        var head = el("span", "rb-search__head");
        head.appendChild(el("strong", "", names[city] + " " + S.articleNumber(+r.ref.split("/")[1])));
        if (d) { head.appendChild(document.createTextNode(" ")); head.appendChild(el("span", "rb-search__sub", d.chapter)); }
        o.appendChild(head);
        var snip = el("span", "rb-search__snip");
        if (d) snip.appendChild(S.snippet(d.text, found.analysis, 90, r.quote));
        else snip.textContent = found.docsFailed ? "摘要未能加载" : "摘要加载中…";
        o.appendChild(snip);
        ga.appendChild(o);
      });
      list.appendChild(ga);
    }
    var all = option(lookupUrl(q), "rb-search__all");
    all.id = "rb-opt-" + n++;
    // partial: a very common term was ranked by its heaviest postings only, so the count is a floor
    var count = found.results.length + (found.partial ? " 条以上" : " 条");
    all.textContent = found.results.length
      ? (found.partial ? "在条文检索中查看全部（" + count + "）" : "在条文检索中查看全部 " + count) : "在条文检索中检索";
    list.appendChild(all);
    status.textContent = found.results.length
      ? "“" + q + "”：" + (direct.length ? direct.length + " 个页面，" : "") + count + "条文"
      : "“" + q + "”：" + (direct.length ? direct.length + " 个页面，" : "") + "没有找到条文";
    input.setAttribute("aria-expanded", "true");
    // The panel scrolls when results overflow it: only then a Tab stop (the empty hint panel is none).
    var wrap = box.querySelector(".md-search__scrollwrap");
    if (wrap) wrap.tabIndex = 0;
  }

  function clear(text) {
    generation++;
    list.textContent = "";
    active = -1;
    input.removeAttribute("aria-activedescendant");
    input.setAttribute("aria-expanded", "false");
    var wrap = box.querySelector(".md-search__scrollwrap");
    if (wrap) wrap.removeAttribute("tabindex");
    status.textContent = text;
    box.setAttribute("data-state", "ready");
  }

  function run() {
    timer = 0;
    var q = input.value.trim(), mine = ++generation, t0 = lastInputAt;
    if (!q) { clear("输入检索词，如：常务会议 每月、会签、株洲"); return; }
    box.setAttribute("data-state", "loading");
    S.search(q, { docs: ARTICLES }).then(function (found) {
      if (mine !== generation) return;  // a newer keystroke has started its own search
      render(q, found);
      box.setAttribute("data-query", q);
      box.setAttribute("data-engine", found.engine);
      box.setAttribute("data-first-ms", (performance.now() - t0).toFixed(1));
      function done() {
        box.setAttribute("data-total-ms", (performance.now() - t0).toFixed(1));
        box.setAttribute("data-state", "done");
      }
      if (!found.docsReady) { done(); return; }
      box.setAttribute("data-state", "partial");
      found.docsReady.then(function () {
        if (mine !== generation) return;
        found.docsReady = null;
        render(q, found);
        done();
      }, function (err) {
        if (mine !== generation) return;
        console.warn(err);
        found.docsReady = null;
        found.docsFailed = true;
        render(q, found);
        done();
      });
    }).catch(function (err) {
      if (mine !== generation) return;
      console.error(err);
      clear("检索索引加载失败，请刷新页面重试。");
      box.setAttribute("data-state", "error");
    });
  }

  function schedule(ev) {
    var now = ev && ev.timeStamp ? ev.timeStamp : performance.now(), quick = now - lastInputAt < DEBOUNCE_MS;
    lastInputAt = now;
    if (timer) clearTimeout(timer);
    timer = 0;
    if (quick) timer = setTimeout(run, DEBOUNCE_MS);
    else run();
  }

  function open() {
    if (!toggle.checked) toggle.checked = true;
    S.init(box.getAttribute("data-rb-root"), box.getAttribute("data-rb-suffix")).then(function () {
      return S.warm({});  // the index files a first query needs, loaded while the reader types
    }).then(function () { box.setAttribute("data-warm", "1"); }, function (err) { console.warn(err); });
    if (list.firstChild) input.setAttribute("aria-expanded", "true");
  }

  function close() {
    toggle.checked = false;
    input.setAttribute("aria-expanded", "false");
    setActive(-1);
  }

  function editable(t) {
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  }

  function onKey(e) {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (!options().length) return;
      e.preventDefault();
      setActive(active < 0 && e.key === "ArrowUp" ? -1 : active + (e.key === "ArrowDown" ? 1 : -1));
    } else if (e.key === "Enter" && !composing && !e.isComposing) {
      if (active >= 0) { e.preventDefault(); location.href = options()[active].href; }
      // else: the form submits and 条文检索 opens with the query
    } else if (e.key === "Escape") {
      e.preventDefault();
      close();
      input.blur();
    }
  }

  function initBox() {
    box = document.querySelector(".rb-search");
    S = window.rbSearch;
    toggle = document.getElementById("__search");
    if (!box || !S || !toggle || box.getAttribute("data-ready")) return;
    box.setAttribute("data-ready", "1");
    input = box.querySelector(".md-search__input");
    list = box.querySelector("[role=listbox]");
    status = box.querySelector("[role=status]");
    input.addEventListener("focus", open);
    input.addEventListener("compositionstart", function () { composing = true; });
    input.addEventListener("compositionend", function (e) { composing = false; schedule(e); });
    input.addEventListener("input", function (e) { if (!composing && !e.isComposing) schedule(e); });
    input.addEventListener("keydown", onKey);
    input.form.addEventListener("reset", function () {
      setTimeout(function () { clear("输入检索词，如：常务会议 每月、会签、株洲"); input.focus(); }, 0);
    });
    var opener = document.querySelector(".rb-search-toggle");
    if (opener) opener.addEventListener("keydown", function (e) {
      if (e.key !== "Enter" && e.key !== " ") return;
      e.preventDefault();
      toggle.checked = true;
      open();
      input.focus();
    });
    toggle.addEventListener("change", function () {
      if (toggle.checked) input.focus();  // the phone's search button opens the box
      else { input.setAttribute("aria-expanded", "false"); setActive(-1); }
    });
    document.addEventListener("keydown", function (e) {
      if ((e.key === "/" || e.key === "s") && !e.ctrlKey && !e.metaKey && !e.altKey && !editable(e.target)) {
        e.preventDefault();
        open();
        input.focus();
        input.select();
      }
    });
    box.setAttribute("data-state", "ready");
  }

  // Arriving from a hit (?hl=<query>#art_<n> or #rb-attr-<id>): mark the query's words in the
  // target and bring it into view.
  function arrive() {
    var q = new URLSearchParams(location.search).get("hl"), id = "";
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { return; }  // a malformed escape: no target
    if (!id || !S) return;
    var target = null;
    if (/^rb-attr-/.test(id)) {
      target = document.querySelector('th[data-attr="' + id.slice(8).replace(/[^a-z0-9_]/g, "") + '"]');
      if (target) target.classList.add("rb-hit");
    } else {
      var head = document.getElementById(id);
      target = head && (head.closest(".rb-article") || head);
      if (target && q) target.setAttribute("data-rb-marked", String(S.highlightIn(target, q)));
    }
    if (target) target.scrollIntoView({ block: /^rb-attr-/.test(id) ? "center" : "start", inline: "nearest" });
  }

  function init() { initBox(); arrive(); }
  if (window.document$) window.document$.subscribe(init); else document.addEventListener("DOMContentLoaded", init);
})();
