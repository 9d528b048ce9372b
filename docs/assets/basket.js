// 条文篮 (起草助手): add articles from any page, keep them in localStorage, list them on drafting/ grouped
// by topic, reorder, note, share (ids in the URL fragment) and export. Article data comes from the
// build's basket/<city>.js scripts (rulebook/drafting.py), loaded lazily; citation strings are made at
// build time (rulebook/citations.py), this file only adds the URL and the access date.
// Every string from data lands via textContent, never innerHTML.
(function () {
  var KEY = "rb-basket-v1";
  var cities = {}, meta = null;
  var el = window.rbCommon.el, loadScript = window.rbCommon.loadScript;  // rb-common.js

  function rootEl() { return document.querySelector("[data-rb-root]"); }
  function root() { var e = rootEl(); return e ? e.getAttribute("data-rb-root") : ""; }
  function suffix() { var e = rootEl(); return (e && e.getAttribute("data-rb-suffix")) || "/"; }

  window.rbBasketCity = function (slug, data) { cities[slug] = data; };
  window.rbBasketMeta = function (data) { meta = data; };

  function loadMeta() { return meta ? Promise.resolve(meta) : loadScript(root() + "basket/meta.js").then(function () { return meta; }); }
  function loadCity(c) {
    if (!/^[a-z0-9_-]+$/.test(c)) return Promise.reject(new Error("城市编号无效"));
    return cities[c] ? Promise.resolve(cities[c]) : loadScript(root() + "basket/" + c + ".js").then(function () { return cities[c]; });
  }

  // --- store --------------------------------------------------------------------------------------
  function read() {
    try {
      var v = JSON.parse(localStorage.getItem(KEY) || "[]");
      return Array.isArray(v) ? v.filter(function (x) { return x && typeof x.id === "string"; }) : [];
    } catch (e) { return []; }
  }
  function write(items) {
    try { localStorage.setItem(KEY, JSON.stringify(items)); } catch (e) { /* private mode: this page only */ }
    changed();
  }
  function idOf(city, n) { return city + "." + n; }
  function parseId(id) { var m = /^([a-z0-9_-]+)\.(\d+)$/.exec(id); return m ? { city: m[1], n: +m[2] } : null; }
  function has(id) { return read().some(function (x) { return x.id === id; }); }
  function add(city, n) {
    var id = idOf(city, n);
    if (!parseId(id)) return false;
    var items = read();
    if (items.some(function (x) { return x.id === id; })) return false;
    items.push({ id: id, note: "" });
    write(items);
    return true;
  }
  function remove(id) { write(read().filter(function (x) { return x.id !== id; })); }
  function addWithCounterparts(city, n) {
    return loadCity(city).then(function (d) {
      var a = d && d.articles[String(n)];
      var added = add(city, n) ? 1 : 0;
      (a ? a.counterparts : []).forEach(function (m) { if (add(m[0], m[1])) added += 1; });
      return added;
    });
  }

  var listeners = [];
  function changed() { listeners.forEach(function (f) { f(); }); }
  window.addEventListener("storage", function (e) { if (e.key === KEY) changed(); });

  window.rbBasket = {
    add: function (city, n) { return add(String(city), +n); },
    addWithCounterparts: addWithCounterparts,
    remove: remove,
    has: function (city, n) { return has(idOf(city, n)); },
    items: function () { return read().map(function (x) { return x.id; }); },
  };

  // --- small DOM helpers ----------------------------------------------------------------------------
  function button(text, cls, onClick) {
    var b = el("button", cls, text);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }
  function pageUrl(path) { return new URL(root() + path, location.href).href; }
  function articleUrl(city, n) { return pageUrl("cities/" + city + suffix()) + "#art_" + n; }
  function today() {
    var d = new Date(), p = function (x) { return (x < 10 ? "0" : "") + x; };
    return d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate());
  }
  function download(name, blob) {
    var a = el("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }
  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    var t = el("textarea");
    t.value = text;
    document.body.appendChild(t);
    t.select();
    try { document.execCommand("copy"); } finally { t.remove(); }
    return Promise.resolve();
  }

  // --- header badge -----------------------------------------------------------------------------------
  function badge() {
    var inner = document.querySelector(".md-header__inner");
    if (!inner) return;
    var a = inner.querySelector(".rb-basket-badge");
    if (!a) {
      a = el("a", "rb-basket-badge md-header__button");
      a.href = root() + (suffix() === "/" ? "drafting/" : "drafting/index.html");
      a.appendChild(el("span", "rb-basket-badge-label", "条文篮"));
      a.appendChild(el("span", "rb-basket-count"));
      a.appendChild(el("span", "rb-visually-hidden", "条"));
      var search = inner.querySelector("label[for='__search']");
      inner.insertBefore(a, search || null);
    }
    var n = read().length;
    a.querySelector(".rb-basket-count").textContent = String(n);
    a.title = "起草助手：条文篮中有 " + n + " 条";
  }

  // --- add controls on articles, similar lists, concordance cells, lookup hits --------------------------
  function addButton(city, n, small) {
    var b = button("", small ? "rb-basket-add rb-basket-add--small" : "rb-basket-add md-button", function () {
      if (has(idOf(city, n))) remove(idOf(city, n)); else add(city, n);
    });
    b.setAttribute("data-rb-id", idOf(city, n));
    syncButton(b);
    return b;
  }
  function syncButton(b) {
    var inBasket = has(b.getAttribute("data-rb-id"));
    var small = b.classList.contains("rb-basket-add--small");
    b.textContent = inBasket ? (small ? "移出条文篮" : "已加入条文篮（点此移出）") : "加入条文篮";
    b.setAttribute("aria-pressed", inBasket ? "true" : "false");
  }
  function syncButtons() { document.querySelectorAll(".rb-basket-add").forEach(syncButton); }

  function linkTarget(href) {
    var m = /cities\/([a-z0-9_-]+)(?:\/|\.html)(?:\?[^#]*)?#art_(\d+)$/.exec(href || "");
    return m ? { city: m[1], n: +m[2] } : null;
  }
  function citySlug() {
    var m = /cities\/([a-z0-9_-]+)(?:\/|\.html)/.exec(location.pathname);
    return m ? m[1] : null;
  }

  function citeMenu(city, n) {
    var d = el("details", "rb-cite-menu");
    d.appendChild(el("summary", "", n ? "引用" : "引用本文件"));
    var body = el("div", "rb-cite-body");
    d.appendChild(body);
    d.addEventListener("toggle", function () {
      if (!d.open || body.childNodes.length) return;
      loadCity(city).then(function (data) {
        var c = n ? data.articles[String(n)].cite : data.cite;
        var url = n ? articleUrl(city, n) : pageUrl("cities/" + city + suffix());
        var accessed = today();
        var shortText = c.short + " " + url;
        var gbt = c.gbt + "[" + accessed + "]. " + url + ".";
        var csl = Object.assign({}, c.csl, { URL: url, accessed: { "date-parts": [accessed.split("-").map(Number)] } });
        var ris = c.ris.concat(["UR  - " + url, "Y2  - " + accessed.replace(/-/g, "/"), "ER  - "]).join("\r\n") + "\r\n";
        [["简短引用", shortText, "rb-cite-short"], ["GB/T 7714—2025 参考文献", gbt, "rb-cite-gbt"]].forEach(function (f) {
          var row = el("p", "rb-cite-row");
          row.appendChild(el("strong", "", f[0] + "："));
          row.appendChild(el("span", f[2], f[1]));
          row.appendChild(document.createTextNode(" "));
          var b = button("复制", "rb-cite-copy", function () {
            copy(f[1]).then(function () { b.textContent = "已复制"; setTimeout(function () { b.textContent = "复制"; }, 1500); });
          });
          row.appendChild(b);
          body.appendChild(row);
        });
        var files = el("p", "rb-cite-row");
        var base = city + (n ? "-art" + n : "");
        files.appendChild(button("下载 CSL-JSON", "rb-cite-csl", function () {
          download(base + ".json", new Blob([JSON.stringify([csl], null, 2)], { type: "application/vnd.citationstyles.csl+json" }));
        }));
        files.appendChild(document.createTextNode(" "));
        files.appendChild(button("下载 RIS", "rb-cite-ris", function () {
          download(base + ".ris", new Blob([ris], { type: "application/x-research-info-systems" }));
        }));
        body.appendChild(files);
      }).catch(function (e) { body.appendChild(el("p", "", e.message)); });
    });
    return d;
  }

  function decorateCityPage() {
    var city = citySlug();
    if (!city) return;
    document.querySelectorAll(".rb-article[data-n]").forEach(function (art) {
      if (art.querySelector(".rb-basket-tools-art")) return;
      var n = +art.getAttribute("data-n");
      var row = el("div", "rb-basket-tools-art");
      row.appendChild(addButton(city, n, false));
      row.appendChild(document.createTextNode(" "));
      var all = button("连同他市对应条文一并加入", "rb-basket-add-all md-button", function () {
        addWithCounterparts(city, n).then(function (k) {
          all.textContent = k ? "已加入 " + k + " 条" : "均已在条文篮中";
          setTimeout(function () { all.textContent = "连同他市对应条文一并加入"; }, 2000);
        });
      });
      row.appendChild(all);
      row.appendChild(document.createTextNode(" "));
      row.appendChild(citeMenu(city, n));
      var cite = art.querySelector(".rb-cite");
      art.insertBefore(row, cite ? cite.nextSibling : null);
    });
    var first = document.querySelector(".rb-chapter");
    if (first && !document.querySelector(".rb-cite-menu--doc")) {
      var doc = citeMenu(city, 0);
      doc.classList.add("rb-cite-menu--doc");
      first.parentNode.insertBefore(doc, first);
    }
  }

  function decorateLinks() {
    document.querySelectorAll(".rb-similar li > a, .rb-concordance td > a").forEach(function (a) {
      var t = linkTarget(a.getAttribute("href"));
      if (!t || a.parentNode.querySelector(".rb-basket-add")) return;
      a.parentNode.insertBefore(addButton(t.city, t.n, true), a.nextSibling);
      a.parentNode.insertBefore(document.createTextNode(" "), a.nextSibling);
    });
    document.querySelectorAll(".rb-lookup-hit[data-ref]").forEach(function (li) {
      if (li.querySelector(".rb-basket-add")) return;
      var ref = li.getAttribute("data-ref").split("/");
      var title = li.querySelector(".rb-lookup-title") || li;
      title.appendChild(document.createTextNode(" "));
      title.appendChild(addButton(ref[0], +ref[1], true));
    });
  }

  // --- a topic's 逐条对照 as a Word file (rows from the table, texts and citations from the basket data) ---
  function concordanceExport() {
    document.querySelectorAll(".rb-concordance[data-topic]").forEach(function (box) {
      if (box.querySelector(".rb-concordance-export")) return;
      var status = el("span", "rb-small");
      status.setAttribute("role", "status");
      var b = button("导出逐条对照（Word）", "md-button rb-concordance-export", function () {
        var rows = Array.prototype.map.call(box.querySelectorAll("tbody tr"), function (tr) {
          return Array.prototype.map.call(tr.querySelectorAll("td > a"), function (a) { return linkTarget(a.getAttribute("href")); })
            .filter(Boolean);
        });
        var need = {};
        rows.forEach(function (r) { r.forEach(function (t) { need[t.city] = true; }); });
        status.textContent = "正在生成 Word 文件…";
        Promise.all([loadMeta()].concat(Object.keys(need).map(loadCity))).then(function () {
          var topic = box.getAttribute("data-topic"), label = topic;
          meta.topics.forEach(function (t) { if (t[0] === topic) label = t[1]; });
          var doc = {
            title: "逐条对照：" + label,
            subtitle: "各行由文本相似度与条文顺序自动对齐（机器建议，待核），条文以各市原文为准",
            date: today(),
            sections: rows.map(function (r, i) {
              return { heading: "第 " + (i + 1) + " 组", paragraphs: r.map(function (t) {
                var d = cities[t.city], a = d.articles[String(t.n)];
                return { text: a.text, cite: d.name + "，" + a.cite.short, url: articleUrl(t.city, t.n), kind: "clause" };
              }) };
            }),
          };
          return window.rbDocx.build(doc).then(function (blob) {
            download("逐条对照-" + label + ".docx", blob);
            status.textContent = "已生成 Word 文件。";
          });
        }).catch(function (e) { status.textContent = "生成失败：" + e.message; });
      });
      var p = el("p", "rb-concordance-tools");
      p.appendChild(b);
      p.appendChild(document.createTextNode(" "));
      p.appendChild(status);
      box.insertBefore(p, box.querySelector(".md-typeset__scrollwrap, table"));
    });
  }

  // --- the basket page ----------------------------------------------------------------------------------
  var MAX_SHARED = 300;  // ids read from one share link (a basket of more is no drafting reference)
  // The share link's ids, never throwing: {ids (well-formed, once each, at most MAX_SHARED), bad (malformed
  // or undecodable), over (beyond the cap)}; null without a link. Nothing is requested here.
  function fromHash() {
    var m = /(?:^#|&)b=([^&]*)/.exec(location.hash);
    if (!m) return null;
    var ids = [], seen = {}, bad = 0;
    m[1].split(/,|%2C/i).forEach(function (raw) {
      if (!raw) return;
      var id = null;
      try { id = decodeURIComponent(raw); } catch (e) { id = null; }  // a malformed escape (%E0%A4%A)
      if (!id || !parseId(id)) { bad += 1; return; }
      if (!seen[id]) { seen[id] = true; ids.push(id); }
    });
    return { ids: ids.slice(0, MAX_SHARED), bad: bad, over: Math.max(0, ids.length - MAX_SHARED) };
  }
  function knownCity(m, city) { return !!(m && m.cities && Object.prototype.hasOwnProperty.call(m.cities, city)); }
  function dropHash() { history.replaceState(null, "", location.href.split("#")[0]); }

  // A share link never changes the basket by itself: it is shown (read-only) with what adding it would
  // change, and added (never replacing, notes kept) only when the reader says so. Ids are checked against
  // the site's cities before any request, then against each city's articles; the rest are dropped, said.
  function sharedOffer(box, shared, status) {
    var panel = el("section", "rb-basket-offer");
    panel.setAttribute("aria-label", "分享链接中的条文");
    box.insertBefore(panel, box.querySelector(".rb-basket-list"));
    panel.appendChild(el("p", "", "正在读取分享链接…"));
    return loadMeta().then(function (m) {
      var known = shared.ids.filter(function (id) { return knownCity(m, parseId(id).city); });
      var need = {};
      known.forEach(function (id) { need[parseId(id).city] = true; });
      return Promise.all(Object.keys(need).map(function (c) { return loadCity(c).catch(function () { return null; }); }))
        .then(function () {
          var valid = known.filter(function (id) {
            var p = parseId(id), d = cities[p.city];
            return !!(d && d.articles[String(p.n)]);
          });
          var dropped = shared.bad + shared.ids.length - valid.length;
          var have = {};
          read().forEach(function (x) { have[x.id] = true; });
          var fresh = valid.filter(function (id) { return !have[id]; });
          panel.textContent = "";
          panel.appendChild(el("h2", "", "分享链接中的条文"));
          panel.appendChild(el("p", "rb-basket-offer-summary", valid.length
            ? "链接中有 " + valid.length + " 条：" + (valid.length - fresh.length) + " 条已在您的条文篮中，" + fresh.length
              + " 条可以加入。加入不会删除或改动您已有的条文和备注。"
            : "链接中没有本站能找到的条文，您的条文篮没有改动。"));
          if (dropped) panel.appendChild(el("p", "rb-basket-offer-dropped", "已忽略 " + dropped
            + " 个无效编号（城市或条文在本站中不存在，或链接编码有误）。"));
          if (shared.over) panel.appendChild(el("p", "rb-basket-offer-over", "链接中的编号超过上限 " + MAX_SHARED
            + " 个，其余 " + shared.over + " 个未读取。"));
          var ul = el("ul", "rb-basket-offer-list");
          valid.forEach(function (id) {
            var p = parseId(id), d = cities[p.city], li = el("li");
            var a = el("a", "", d.name + " " + d.articles[String(p.n)].number);
            a.href = articleUrl(p.city, p.n);
            li.appendChild(a);
            if (have[id]) li.appendChild(el("span", "rb-small", "（已在条文篮中）"));
            ul.appendChild(li);
          });
          if (valid.length) panel.appendChild(ul);
          var tools = el("p", "rb-basket-offer-tools");
          var yes = button("加入我的条文篮（" + fresh.length + " 条）", "md-button md-button--primary rb-basket-offer-add", function () {
            var items = read();
            fresh.forEach(function (id) { if (!items.some(function (x) { return x.id === id; })) items.push({ id: id, note: "" }); });
            panel.remove();
            dropHash();
            write(items);
            status.textContent = "已加入 " + fresh.length + " 条。";
          });
          yes.disabled = !fresh.length;
          var no = button(fresh.length ? "不加入" : "关闭", "md-button rb-basket-offer-dismiss", function () {
            panel.remove();
            dropHash();
            status.textContent = "分享链接中的条文未加入。";
          });
          tools.appendChild(yes);
          tools.appendChild(document.createTextNode(" "));
          tools.appendChild(no);
          panel.appendChild(tools);
          panel.setAttribute("data-state", "ready");
        });
    }).catch(function (e) { panel.textContent = "无法读取分享链接：" + e.message; });
  }
  // In the order the basket shows (by topic), so the link reads like the list it restores.
  function shareLink() {
    var ids = [];
    if (meta) groups().forEach(function (g) { g.clauses.forEach(function (c) { ids.push(c.item.id); }); });
    read().forEach(function (x) { if (ids.indexOf(x.id) < 0) ids.push(x.id); });
    return location.href.split("#")[0] + "#b=" + ids.join(",");
  }

  // The clauses as a document (the rbDocx contract), grouped by topic in taxonomy order.
  function groups() {
    var items = read(), order = meta.topics.map(function (t) { return t[0]; });
    var byTopic = {};
    items.forEach(function (it, i) {
      var p = parseId(it.id), d = p && cities[p.city], a = d && d.articles[String(p.n)];
      if (!a) return;
      var t = a.topics.slice().sort(function (x, y) { return order.indexOf(x) - order.indexOf(y); })[0];
      if (order.indexOf(t) < 0) t = "_none";
      (byTopic[t] = byTopic[t] || []).push({ item: it, index: i, p: p, city: d, art: a });
    });
    return meta.topics.filter(function (t) { return byTopic[t[0]]; }).map(function (t) {
      return { id: t[0], label: t[1], clauses: byTopic[t[0]] };
    });
  }
  function sourceLine(c) { return c.city.name + "，" + c.art.cite.short + (c.art.label !== c.art.number ? "（原文条号“" + c.art.label + "”）" : ""); }
  function asDoc() {
    return {
      title: "工作规则条文汇编（起草参考）",
      subtitle: "据市政府工作规则汇编“条文篮”整理，条文以各市原文为准",
      date: today(),
      sections: groups().map(function (g) {
        return { heading: g.label, paragraphs: g.clauses.map(function (c) {
          return { heading: c.city.name + " " + c.art.number, text: c.art.text, cite: sourceLine(c),
            url: articleUrl(c.p.city, c.p.n), note: c.item.note || "", kind: "clause" };
        }) };
      }),
    };
  }
  function plainText(doc) {
    var out = [doc.title, doc.subtitle, doc.date, ""];
    doc.sections.forEach(function (s) {
      out.push(s.heading, "");
      s.paragraphs.forEach(function (p) {
        if (p.heading) out.push(p.heading);
        out.push(p.text);
        if (p.note) out.push("备注：" + p.note);
        out.push("（出处：" + p.cite + " " + p.url + "）", "");
      });
    });
    return out.join("\n");
  }

  // Move an item before/after its neighbour in the same topic group (the order readers see).
  function move(id, dir) {
    var flat = [];
    groups().forEach(function (g) { g.clauses.forEach(function (c) { flat.push({ g: g.id, index: c.index }); }); });
    var items = read(), at = items.findIndex(function (x) { return x.id === id; });
    var pos = flat.findIndex(function (f) { return f.index === at; });
    var other = flat[pos + dir];
    if (pos < 0 || !other || other.g !== flat[pos].g) return false;
    var tmp = items[at]; items[at] = items[other.index]; items[other.index] = tmp;
    write(items);
    return true;
  }

  function basketPage(box) {
    var list = box.querySelector(".rb-basket-list"), status = box.querySelector(".rb-basket-status");
    var linkBox = box.querySelector(".rb-basket-link");
    box.querySelector(".rb-basket-noscript").hidden = true;
    var shared = fromHash();
    var offered = shared ? sharedOffer(box, shared, status) : Promise.resolve();
    window.addEventListener("hashchange", function () {  // a link pasted into this page's address bar
      var again = fromHash(), old = box.querySelector(".rb-basket-offer");
      if (!again) return;
      if (old) old.remove();
      sharedOffer(box, again, status);
    });
    var focusAfter = null;

    function render() {
      var items = read();
      return loadMeta().then(function (m) {
        var need = {};  // only the site's cities are requested (ids stored by older versions may name others)
        items.forEach(function (x) { var p = parseId(x.id); if (p && knownCity(m, p.city)) need[p.city] = true; });
        return Promise.all(Object.keys(need).map(function (c) { return loadCity(c).catch(function () { return null; }); }));
      })
        .then(function () {
          list.textContent = "";
          var gs = groups();
          var missing = items.length - gs.reduce(function (k, g) { return k + g.clauses.length; }, 0);
          status.textContent = items.length ? "条文篮中有 " + items.length + " 条" + (missing ? "（其中 " + missing + " 条在本站数据中找不到，未显示）" : "") + "。"
            : "条文篮是空的：在各市工作规则页面的条文下点“加入条文篮”。";
          linkBox.value = shareLink();
          box.setAttribute("data-state", "ready");
          gs.forEach(function (g) {
            var sec = el("section", "rb-basket-group");
            sec.setAttribute("data-topic", g.id);
            sec.appendChild(el("h2", "", g.label));
            g.clauses.forEach(function (c, i) {
              var id = c.item.id, art = el("article", "rb-basket-item");
              art.setAttribute("data-id", id);
              var h = el("h3");
              var a = el("a", "", c.city.name + " " + c.art.number);
              a.href = articleUrl(c.p.city, c.p.n);
              h.appendChild(a);
              art.appendChild(h);
              c.art.text.split("\n").forEach(function (line) { art.appendChild(el("p", "rb-basket-text", line)); });
              art.appendChild(el("p", "rb-basket-cite rb-small", "出处：" + sourceLine(c)));
              var noteId = "rb-note-" + id.replace(/\W/g, "_");
              var lab = el("label", "rb-basket-note-label", "备注");
              lab.htmlFor = noteId;
              var note = el("textarea", "rb-basket-note");
              note.id = noteId;
              note.rows = 2;
              note.value = c.item.note || "";
              note.addEventListener("change", function () {
                var all = read();
                all.forEach(function (x) { if (x.id === id) x.note = note.value; });
                try { localStorage.setItem(KEY, JSON.stringify(all)); } catch (e) { /* ignore */ }
              });
              art.appendChild(lab);
              art.appendChild(note);
              var tools = el("p", "rb-basket-item-tools");
              var name = c.city.name + c.art.number;
              [["上移", -1, i === 0], ["下移", 1, i === g.clauses.length - 1]].forEach(function (m) {
                var b = button(m[0], "md-button rb-basket-move", function () {
                  focusAfter = { id: id, label: m[0] };
                  if (move(id, m[1])) status.textContent = "已" + m[0] + "：" + name;
                });
                b.setAttribute("aria-label", m[0] + "：" + name);
                b.disabled = m[2];
                tools.appendChild(b);
                tools.appendChild(document.createTextNode(" "));
              });
              var rm = button("移除", "md-button rb-basket-remove", function () {
                focusAfter = { id: null };
                remove(id);
                status.textContent = "已移除：" + name;
              });
              rm.setAttribute("aria-label", "移除：" + name);
              tools.appendChild(rm);
              art.appendChild(tools);
              sec.appendChild(art);
            });
            list.appendChild(sec);
          });
          if (focusAfter) {
            var target = focusAfter.id && list.querySelector('.rb-basket-item[data-id="' + focusAfter.id + '"]');
            var b = target && Array.prototype.find.call(target.querySelectorAll(".rb-basket-move"), function (x) {
              return x.textContent === focusAfter.label && !x.disabled;
            });
            if (!b && target) b = target.querySelector(".rb-basket-move:not([disabled])") || target.querySelector(".rb-basket-remove");
            if (!b) { list.tabIndex = -1; b = list; }
            b.focus();
            focusAfter = null;
          }
        });
    }

    box.querySelectorAll("[data-rb-export]").forEach(function (b) {
      b.addEventListener("click", function () {
        var kind = b.getAttribute("data-rb-export");
        if (kind === "share") { copy(shareLink()).then(function () { status.textContent = "已复制分享链接。"; }); return; }
        if (kind === "clear") { if (window.confirm("清空条文篮？")) write([]); return; }
        var doc = asDoc();
        if (kind === "md") download("条文篮.md", new Blob([window.rbDocx.markdown(doc)], { type: "text/markdown;charset=utf-8" }));
        else if (kind === "text") copy(plainText(doc)).then(function () { status.textContent = "已复制纯文本。"; });
        else if (kind === "docx") {
          status.textContent = "正在生成 Word 文件…";
          window.rbDocx.build(doc).then(function (blob) { download("条文篮.docx", blob); status.textContent = "已生成 Word 文件。"; })
            .catch(function (e) { status.textContent = "生成失败：" + e.message; });
        }
      });
    });
    listeners.push(render);
    return Promise.all([render(), offered]);
  }

  function init() {
    badge();
    decorateCityPage();
    decorateLinks();
    concordanceExport();
    var results = document.querySelector(".rb-lookup-results");
    if (results && !results.rbBasketObserved) {
      results.rbBasketObserved = true;
      new MutationObserver(decorateLinks).observe(results, { childList: true, subtree: true });
    }
    var box = document.getElementById("rb-basket");
    if (box && !box.rbBasket) { box.rbBasket = true; window.rbBasket.ready = basketPage(box); }
  }
  listeners.push(badge, syncButtons);
  document.addEventListener("rb-similar-loaded", decorateLinks); // lists filled from a script (rulebook.js)
  if (window.document$) window.document$.subscribe(init); else document.addEventListener("DOMContentLoaded", init);
})();
