// 修订对照 page: reads the current text (a corpus city, pasted, or a local .txt/.docx) and the draft, splits
// both with 对标检查's splitter (rbCheck.split), pairs them with rbRevise and shows the 对照表. Every text
// is set with textContent; no request is made. 修改说明 are kept in localStorage only.
(function () {
  "use strict";
  var box = document.querySelector(".rb-revise");
  if (!box || !window.rbRevise || !window.rbCheck) return;
  var el = window.rbCommon.el;
  var corpus = window.rbCheckCorpus, table = window.rbSegmentPatterns;
  var citySel = box.querySelector(".rb-revise-city"), oldArea = box.querySelector(".rb-revise-old");
  var newArea = box.querySelector(".rb-revise-new"), titleIn = box.querySelector(".rb-revise-title");
  var status = box.querySelector(".rb-revise-status"), out = box.querySelector(".rb-revise-out");
  var olds = null, news = null, result = null;
  var NOTES = "rb-revise-notes";

  function city(id) { return corpus.cities.filter(function (c) { return c.id === id; })[0] || null; }

  // -- the current text from a corpus city: its articles as the site has them ------------------------
  function cityText(c) {
    var lines = [], chapter = null;
    c.articles.forEach(function (a) {
      if (a[2] && a[2] !== chapter) { chapter = a[2]; lines.push("〔" + chapter + "〕"); }
      lines.push(a[1] + "　" + a[3]);
    });
    return lines.join("\n");
  }
  citySel.addEventListener("change", function () {
    var c = city(citySel.value);
    oldArea.readOnly = !!c;
    if (c) { oldArea.value = cityText(c); titleIn.value = c.title; }
  });

  // -- reading a file: FileReader and mammoth work on the bytes in memory (as 对标检查) ----------------
  Array.prototype.forEach.call(box.querySelectorAll(".rb-revise-file"), function (file) {
    var target = box.querySelector("#" + file.getAttribute("data-target"));
    var fileStatus = file.parentNode.parentNode.querySelector(".rb-revise-file-status");
    file.addEventListener("change", function () {
      var f = file.files[0];
      if (!f) return;
      if (target === oldArea) { citySel.value = ""; oldArea.readOnly = false; }
      var reader = new FileReader();
      if (/\.docx$/i.test(f.name)) {
        reader.onload = function () {
          window.mammoth.extractRawText({ arrayBuffer: reader.result }).then(function (r) {
            target.value = r.value;
            fileStatus.textContent = "已读入 " + f.name;
          }, function () { fileStatus.textContent = "无法读取 " + f.name + "（不是有效的 .docx 文件）"; });
        };
        reader.readAsArrayBuffer(f);
      } else {
        reader.onload = function () { target.value = reader.result; fileStatus.textContent = "已读入 " + f.name; };
        reader.readAsText(f, "utf-8");
      }
    });
  });

  // The current side: a corpus city's own articles (labels and texts as the site has them), else the split.
  function currentArticles() {
    var c = city(citySel.value);
    if (c) return c.articles.map(function (a) { return { label: a[1], text: a[3], chapter: a[2] }; });
    return window.rbCheck.split(oldArea.value, table).articles;
  }

  // -- 修改说明, kept by the two texts of a row (so a note survives a re-run and a renumbering) ---------
  function hash(s) {
    var h = 0x811c9dc5;
    for (var i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
    return h.toString(36);
  }
  function noteKey(r) { return r.kind + ":" + hash(r.oldText || "") + ":" + hash(r.newText || ""); }
  function notes() {
    try { var v = JSON.parse(localStorage.getItem(NOTES) || "{}"); return v && typeof v === "object" ? v : {}; } catch (e) { return {}; }
  }
  function setNote(r, text) {
    var all = notes();
    if (text) all[noteKey(r)] = text; else delete all[noteKey(r)];
    try { localStorage.setItem(NOTES, JSON.stringify(all)); } catch (e) { /* private mode: this page only */ }
  }
  // 第三条 / 三、 -> 3 (the two numbering styles name the same place)
  function number(label) { var m = /^第?(.+?)[条、]$/.exec(label || ""); return m ? window.rbCommon.cnToInt(m[1]) : NaN; }
  // The machine's own description of a row, used where no note was written.
  function describe(r) {
    if (r.kind === "移动") return "由" + r.oldLabel + "移至" + r.newLabel + (r.diff ? "，并修改" : "");
    if (r.kind === "拆分") return r.oldLabel + "拆分为" + r.newLabel;
    if (r.kind === "合并") return r.oldLabel + "合并为" + r.newLabel;
    if (r.kind === "新增") return "新增条款";
    if (r.kind === "删除") return "删除条款";
    if (r.kind === "未改") return number(r.oldLabel) === number(r.newLabel) ? "未修改" : "未修改（条次调整）";
    return "修改";
  }
  function noteOf(r) { return notes()[noteKey(r)] || ""; }

  // -- the split, with "merge into the previous article" as the correction ---------------------------
  function splitList(title, list, side) {
    var wrap = el("div", "rb-revise-splitside");
    wrap.appendChild(el("h3", null, title + "：共 " + list.length + " 条"));
    var ol = el("ol", "rb-check-splitlist");
    list.forEach(function (a, i) {
      var li = el("li");
      li.appendChild(el("strong", null, a.label));
      li.appendChild(document.createTextNode(" " + a.text.slice(0, 30) + (a.text.length > 30 ? "…" : "")));
      if (i > 0) {
        var b = el("button", "rb-check-merge", "并入上一条");
        b.type = "button";
        b.setAttribute("aria-label", title + a.label + "并入上一条");
        b.addEventListener("click", function () {
          list[i - 1].text += "\n" + a.label + a.text;
          list.splice(i, 1);
          run(false);
        });
        li.appendChild(document.createTextNode(" "));
        li.appendChild(b);
      }
      ol.appendChild(li);
    });
    wrap.appendChild(ol);
    wrap.setAttribute("data-side", side);
    return wrap;
  }

  // A cell's text: old side shows deletions struck through, new side insertions underlined.
  function cellNodes(td, r, side) {
    var text = side === "old" ? r.oldText : r.newText;
    if (text === null) { td.appendChild(el("span", "rb-revise-none", side === "old" ? "（无）" : "（删除）")); return; }
    var p = el("div", "rb-revise-text");
    if (r.diff) {
      r.diff.forEach(function (part) {
        if (part[0] === 0) p.appendChild(document.createTextNode(part[1]));
        else if (side === "old" && part[0] < 0) p.appendChild(el("del", null, part[1]));
        else if (side === "new" && part[0] > 0) p.appendChild(el("ins", null, part[1]));
      });
    } else p.textContent = text;
    td.appendChild(p);
  }

  function renderTable() {
    var host = box.querySelector(".rb-revise-table");
    host.textContent = "";
    var t = el("table", "rb-revise-grid");
    t.appendChild(el("caption", null, "修订前后对照表"));
    var head = el("tr");
    ["类型", "现行条文", "修订草案", "修改说明"].forEach(function (x) { var th = el("th", null, x); th.scope = "col"; head.appendChild(th); });
    var thead = el("thead"); thead.appendChild(head); t.appendChild(thead);
    var tb = el("tbody");
    result.rows.forEach(function (r, k) {
      var tr = el("tr", "rb-revise-row");
      tr.setAttribute("data-kind", r.kind);
      tr.setAttribute("data-old", r.olds.join(","));
      tr.setAttribute("data-new", r.news.join(","));
      tr.appendChild(el("td", "rb-revise-kind", r.kind));
      var o = el("td", "rb-revise-oldcell"), n = el("td", "rb-revise-newcell");
      if (r.oldLabel) o.appendChild(el("strong", null, r.oldLabel + " "));
      if (r.newLabel) n.appendChild(el("strong", null, r.newLabel + " "));
      cellNodes(o, r, "old"); cellNodes(n, r, "new");
      tr.appendChild(o); tr.appendChild(n);
      var td = el("td", "rb-revise-notecell"), ta = el("textarea", "rb-revise-note");
      ta.rows = 2;
      ta.placeholder = describe(r);
      ta.value = noteOf(r);
      ta.setAttribute("aria-label", "修改说明（第 " + (k + 1) + " 行）");
      ta.addEventListener("input", function () { setNote(r, ta.value); });
      td.appendChild(ta);
      tr.appendChild(td);
      tb.appendChild(tr);
    });
    t.appendChild(tb);
    host.appendChild(t);
  }

  function run(resplit) {
    if (resplit) {
      olds = currentArticles();
      news = window.rbCheck.split(newArea.value, table).articles;
    }
    if (!olds.length || !news.length) {
      status.textContent = !olds.length ? "现行文本中没有找到条文：请确认每条以“第X条”或“X、”开头。" : "修订草案中没有找到条文：请确认每条以“第X条”或“X、”开头。";
      out.hidden = true;
      return;
    }
    result = window.rbRevise.compareArticles(olds, news);
    out.hidden = false;
    var host = box.querySelector(".rb-revise-split");
    host.textContent = "";
    host.appendChild(splitList("现行条文", olds, "old"));
    host.appendChild(splitList("修订草案", news, "new"));
    renderTable();
    box.querySelector(".rb-revise-summary").textContent = result.summary.text + "。";
    status.textContent = "已对照 " + olds.length + " 条与 " + news.length + " 条，用时 " + Math.round(result.ms) + " 毫秒。";
    box.setAttribute("data-revise-ms", String(result.ms));
  }
  box.querySelector(".rb-revise-run").addEventListener("click", function () { run(true); });

  // -- exports (revise-export.js) ----------------------------------------------------------------------
  function ruleTitle() { return (titleIn.value || "").trim() || "工作规则"; }
  function doc() {
    return {
      title: "《" + ruleTitle() + "》修订前后对照表",
      rows: result.rows.map(function (r) { var x = Object.assign({}, r); x.note = noteOf(r) || describe(r); return x; }),
      summary: result.summary.text,
    };
  }
  function save(blob, name) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  }
  var exportStatus = box.querySelector(".rb-revise-export-status");
  function exporter(cls, make, ext) {
    box.querySelector(cls).addEventListener("click", function () {
      if (!result) return;
      var d = doc();
      exportStatus.textContent = "";
      Promise.resolve(make(d)).then(function (blob) { save(blob, ruleTitle() + "修订前后对照表." + ext); },
        function (e) { exportStatus.textContent = "导出失败：" + e.message; });
    });
  }
  var X = window.rbReviseExport;
  exporter(".rb-revise-docx", function (d) { return X.docx(d); }, "docx");
  exporter(".rb-revise-xlsx", function (d) { return X.xlsx(d); }, "xlsx");
  exporter(".rb-revise-md", function (d) { return new Blob([X.markdown(d)], { type: "text/markdown;charset=utf-8" }); }, "md");
  window.rbRevisePage = { doc: doc, run: run, result: function () { return result; } };
})();
