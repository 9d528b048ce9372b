// A revision made to order: a real city's articles (split by rbCheck.split) and a recipe of known edits
// (tests/fixtures/revise_cases.json) -> the draft text, renumbered throughout, and the rows the
// 修订对照 engine must find. Shared by tests/js/revise.test.mjs (Node) and tests/test_revise_browser.py
// (loaded into the page by Playwright), so both check the same expectations.
(function (global) {
  "use strict";
  var common = global.rbCommon || (typeof require === "function" ? require("../../docs/assets/rb-common.js") : null);

  function label(style, n) { return style === "X、" ? common.intToCn(n) + "、" : "第" + common.intToCn(n) + "条"; }

  // The sentence end nearest the middle of a text (for a split): the index after its 。/；, or -1.
  function middleCut(text) {
    var best = -1, mid = text.length / 2;
    for (var i = 0; i < text.length - 1; i++) {
      if ("。；".indexOf(text[i]) >= 0 && text[i + 1] !== "\n" && (best < 0 || Math.abs(i + 1 - mid) < Math.abs(best - mid))) best = i + 1;
    }
    return best;
  }

  // A generic edit of an article's text: {edit: "append"|"cut"|"replace", text?, frac?}.
  function edited(text, m) {
    if (m.edit === "append") return text + m.text;
    var span = Math.max(2, Math.round(text.length * (m.frac || 0.15))), at = Math.floor((text.length - span) / 2);
    if (m.edit === "cut") return text.slice(0, at) + text.slice(at + span);
    if (m.edit === "replace") return text.slice(0, at) + m.text + text.slice(at + span);
    throw new Error("unknown edit " + m.edit);
  }

  // recipe: {modify: [{n, edit, …}], split: [n], merge: [n (with n+1)], delete: [n], move: [{n, after}],
  // insert: [{after, text}]}; n are the current text's article positions (1-based).
  function build(articles, style, recipe) {
    var items = articles.map(function (a, i) { return { text: a.text, olds: [i + 1], kind: "未改" }; });
    function find(n) {
      for (var k = 0; k < items.length; k++) if (items[k].olds.indexOf(n) >= 0) return k;
      throw new Error("article " + n + " is gone");
    }
    (recipe.modify || []).forEach(function (m) { var it = items[find(m.n)]; it.text = edited(it.text, m); it.kind = "修改"; });
    (recipe.split || []).forEach(function (n) {
      var k = find(n), t = items[k].text, at = middleCut(t);
      if (at < 0) throw new Error("article " + n + " has no sentence end to split at");
      items.splice(k, 1, { text: t.slice(0, at), olds: [n], kind: "拆分" }, { text: t.slice(at), olds: [n], kind: "拆分", second: true });
    });
    (recipe.merge || []).forEach(function (n) {
      var k = find(n), k2 = find(n + 1);
      if (k2 !== k + 1) throw new Error("articles " + n + " and " + (n + 1) + " are not neighbours");
      items.splice(k, 2, { text: items[k].text + items[k2].text, olds: [n, n + 1], kind: "合并" });
    });
    var deleted = [];
    (recipe.delete || []).forEach(function (n) { items.splice(find(n), 1); deleted.push(n); });
    (recipe.move || []).forEach(function (m) {
      var it = items.splice(find(m.n), 1)[0];
      it.kind = "移动";
      items.splice(find(m.after) + 1, 0, it);
    });
    (recipe.insert || []).forEach(function (m) {
      items.splice(find(m.after) + 1, 0, { text: m.text, olds: [], kind: "新增" });
    });
    var lines = [], rows = [];
    items.forEach(function (it, k) {
      lines.push(label(style, k + 1) + "　" + it.text);
      if (it.second) { rows[rows.length - 1].news.push(k + 1); return; }
      rows.push({ kind: it.kind, olds: it.olds.slice(), news: [k + 1] });
    });
    deleted.forEach(function (n) { rows.push({ kind: "删除", olds: [n], news: [] }); });
    return { text: lines.join("\n") + "\n", rows: rows };
  }

  // The engine's rows as the recipe's (kind, olds, news), in one canonical order for comparing.
  function canon(rows) {
    return rows
      .map(function (r) { return { kind: r.kind, olds: r.olds.slice(), news: r.news.slice() }; })
      .sort(function (a, b) {
        var ka = (a.news[0] || 0) * 1000 + (a.olds[0] || 0), kb = (b.news[0] || 0) * 1000 + (b.olds[0] || 0);
        return ka - kb;
      });
  }

  var api = { build: build, canon: canon, label: label, edited: edited };
  global.rbReviseRecipe = api;
  if (typeof module === "object" && module && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
