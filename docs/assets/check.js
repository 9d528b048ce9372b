// 对标检查 page: reads the draft (typed, pasted, or a local .txt/.docx), runs rbCheck on the data the
// page loaded, and shows the result. Every text is set with textContent; no request is made.
(function () {
  "use strict";
  var box = document.querySelector(".rb-check");
  if (!box || !window.rbCheck) return;
  var prefix = box.getAttribute("data-rb-root") || "", suffix = box.getAttribute("data-rb-suffix") || "/";
  var corpus = window.rbCheckCorpus, table = window.rbSegmentPatterns, qty = window.rbQuantityRules;
  var textArea = box.querySelector(".rb-check-text"), status = box.querySelector(".rb-check-status");
  var out = box.querySelector(".rb-check-out");
  var draft = null, result = null, checkedAt = null;
  // Limits that keep the tab usable: a longer text is refused with a message, not checked for minutes.
  var MAX_CHARS = 300000, MAX_FILE = 10 * 1024 * 1024;

  var el = window.rbCommon.el;  // rb-common.js: el(tag, cls, text)
  function articleUrl(city, n) { return prefix + "cities/" + city + suffix + "#art_" + n; }
  function link(text, href) { var a = el("a", null, text); a.href = href; return a; }
  function cityName(id) { return corpus.cities.filter(function (c) { return c.id === id; })[0].name; }
  function peers() {
    return Array.prototype.map.call(box.querySelectorAll('input[name="peer"]:checked'), function (i) { return i.value; });
  }

  // -- reading a file: FileReader and mammoth work on the bytes in memory ----------------------------
  var file = box.querySelector("#rb-check-file"), fileStatus = box.querySelector(".rb-check-file-status");
  file.addEventListener("change", function () {
    var f = file.files[0];
    if (!f) return;
    if (f.size > MAX_FILE) { fileStatus.textContent = f.name + " 超过 10 MB，未读取：请另存为纯文本或分章检查。"; return; }
    var reader = new FileReader();
    if (/\.docx$/i.test(f.name)) {
      reader.onload = function () {
        window.mammoth.extractRawText({ arrayBuffer: reader.result }).then(function (r) {
          textArea.value = r.value;
          fileStatus.textContent = "已读入 " + f.name;
        }, function () { fileStatus.textContent = "无法读取 " + f.name + "（不是有效的 .docx 文件）"; });
      };
      reader.readAsArrayBuffer(f);
    } else {
      reader.onload = function () { textArea.value = reader.result; fileStatus.textContent = "已读入 " + f.name; };
      reader.readAsText(f, "utf-8");
    }
  });

  // -- the split, with "merge into the previous article" as the correction -------------------------
  function renderSplit() {
    var host = box.querySelector(".rb-check-split");
    host.textContent = "";
    var p = el("p", null, "共 " + draft.chapters.length + " 章、" + draft.articles.length + " 条（编号样式：" + draft.style + "）。");
    host.appendChild(p);
    var gaps = draft.articles.filter(function (a) { return a.gap; });
    if (gaps.length) host.appendChild(el("p", "rb-check-warn", "注意：" + gaps.map(function (a) { return a.label; }).join("、") + " 的编号与上一条不连续。"));
    var ol = el("ol", "rb-check-splitlist");
    draft.articles.forEach(function (a, i) {
      var li = el("li");
      li.appendChild(el("strong", null, a.label));
      li.appendChild(document.createTextNode(" " + (a.chapter ? "〔" + a.chapter + "〕" : "") + a.text.slice(0, 40) + (a.text.length > 40 ? "…" : "")));
      if (i > 0) {
        var b = el("button", "rb-check-merge", "并入上一条");
        b.type = "button";
        b.setAttribute("aria-label", a.label + "并入上一条");
        b.addEventListener("click", function () {
          var prev = draft.articles[i - 1];
          prev.text += "\n" + a.label + a.text;
          draft.articles.splice(i, 1);
          draft.articles.forEach(function (x, k) { x.n = k + 1; });
          renderSplit();  // at once; the check's result follows from the worker
          run(false);
        });
        li.appendChild(document.createTextNode(" "));
        li.appendChild(b);
      }
      ol.appendChild(li);
    });
    host.appendChild(ol);
  }

  function diffNodes(draftText, peerText) {
    var p = el("p", "rb-check-diff");
    if (!window.diff_match_patch) { p.textContent = peerText; return p; }
    var dmp = new window.diff_match_patch();
    dmp.Diff_Timeout = 0.2;
    var d = dmp.diff_main(draftText, peerText);
    dmp.diff_cleanupSemantic(d);
    d.forEach(function (part) {
      if (part[0] === 0) p.appendChild(document.createTextNode(part[1]));
      else p.appendChild(el(part[0] > 0 ? "ins" : "del", null, part[1]));
    });
    return p;
  }

  // one counterpart: its city and article, its level in words (no bare score), and the two texts' diff
  function peerDetails(a, m) {
    var d = el("details", "rb-check-peer");
    var s = el("summary");
    s.appendChild(document.createTextNode(m.cityName + " " + m.label + " "));
    s.appendChild(el("span", m.level === "对应" ? "rb-level rb-level-same" : "rb-level rb-level-related", m.level));
    d.appendChild(s);
    var line = el("p");
    line.appendChild(link("打开" + m.cityName + m.label, articleUrl(m.city, m.n)));
    if (window.rbBasket && window.rbBasket.add) {
      var b = el("button", "rb-check-basket", "加入条文篮");
      b.type = "button";
      b.addEventListener("click", function () { window.rbBasket.add(m.city, m.n); b.textContent = "已加入"; });
      line.appendChild(document.createTextNode(" "));
      line.appendChild(b);
    }
    d.appendChild(line);
    d.appendChild(diffNodes(a.text, m.text));
    return d;
  }

  function renderArticles() {
    var host = box.querySelector(".rb-check-articles");
    host.textContent = "";
    result.articles.forEach(function (a) {
      var sec = el("section", "rb-check-article");
      var h = el("h3", null, a.label);
      sec.appendChild(h);
      sec.appendChild(el("p", "rb-check-draft", a.text));
      sec.appendChild(el("p", "rb-small", "预测主题（机器建议）：" + (a.topicLabels.join("、") || "无")));
      var same = a.peers.filter(function (m) { return m.level === "对应"; });
      var related = a.peers.filter(function (m) { return m.level !== "对应"; });
      if (!same.length) sec.appendChild(el("p", null, "同行城市中没有机器判定为对应的条文。"));
      same.forEach(function (m) { sec.appendChild(peerDetails(a, m)); });
      if (related.length) {
        var rel = el("details", "rb-check-related");
        rel.appendChild(el("summary", null, "相关条文 " + related.length + " 条（同一主题、另一事项，仅供参考）"));
        related.forEach(function (m) { rel.appendChild(peerDetails(a, m)); });
        sec.appendChild(rel);
      }
      var named = {};
      a.peers.forEach(function (m) { named[m.city] = true; });
      var none = result.peers.filter(function (p) { return !named[p.id]; }).map(function (p) { return p.name; });
      if (result.peers.length > window.rbCheck.weights.largePeers) {  // only the nearest cities were compared
        sec.appendChild(el("p", "rb-small rb-check-none", "同行城市多于 " + window.rbCheck.weights.largePeers + " 个：只比较了条文最相似的 " + window.rbCheck.weights.nearestCities + " 个城市。"));
      } else if (none.length) sec.appendChild(el("p", "rb-small rb-check-none", "无对应：" + none.join("、") + "（机器未找到同一事项的条文）。"));
      host.appendChild(sec);
    });
  }

  function renderTopics() {
    var host = box.querySelector(".rb-check-topics");
    host.textContent = "";
    var t = el("table", "rb-check-topictable"), head = el("tr");
    t.appendChild(el("caption", null, "各主题的条文数（草案按预测主题计，同行按本站标注计）"));
    head.appendChild(el("th", null, "主题"));
    head.appendChild(el("th", null, "草案"));
    result.peers.forEach(function (p) { head.appendChild(el("th", null, p.name)); });
    var thead = el("thead"); thead.appendChild(head); t.appendChild(thead);
    var tb = el("tbody");
    result.topics.forEach(function (row) {
      var tr = el("tr");
      tr.appendChild(el("th", null, row.label));
      tr.appendChild(el("td", row.draft ? "" : "rb-check-zero", String(row.draft)));
      result.peers.forEach(function (p) { var v = row.peers[p.id]; tr.appendChild(el("td", null, v === null ? "未标注" : String(v))); });
      tb.appendChild(tr);
    });
    t.appendChild(tb);
    host.appendChild(t);
  }

  function draftCell(r) {
    var td = el("td");
    if (!r.draft || r.level === "无对应") { td.appendChild(el("strong", null, "草案未见")); td.className = "rb-check-unseen"; return td; }
    td.appendChild(el("span", "rb-check-machine", r.level === "对应" ? "机器建议 · 对应" : "机器建议 · 相关，请核对"));
    td.appendChild(document.createTextNode(" " + r.draft.label + (r.draft.number !== null ? "（" + r.draft.number + " " + r.unit + "）" : "") + "："));
    td.appendChild(el("q", null, r.draft.quote));
    return td;
  }

  function renderAttrs() {
    var host = box.querySelector(".rb-check-attrs");
    host.textContent = "";
    var t = el("table", "rb-check-attrtable");
    t.appendChild(el("caption", null, "比较项：同行取值与草案的对应条文"));
    var head = el("tr");
    ["主题", "比较项", "同行规定", "同行取值（出处）", "草案"].forEach(function (x) { head.appendChild(el("th", null, x)); });
    var thead = el("thead"); thead.appendChild(head); t.appendChild(thead);
    var tb = el("tbody");
    result.attrs.forEach(function (r) {
      if (!r.answered) return;
      var tr = el("tr");
      tr.appendChild(el("td", null, r.topicLabel));
      tr.appendChild(el("th", null, r.label));
      tr.appendChild(el("td", null, r.regulating + " / " + r.answered + " 市"));
      var vals = el("td"), ul = el("ul");
      r.peers.forEach(function (p) {
        if (!p.status) return;
        var li = el("li", null, p.cityName + "：");
        if (p.status === "有规定") { li.appendChild(document.createTextNode(p.value + " ")); li.appendChild(link("第" + p.article + "条", articleUrl(p.city, p.article))); }
        else li.appendChild(document.createTextNode("未规定"));
        ul.appendChild(li);
      });
      vals.appendChild(ul);
      tr.appendChild(vals);
      tr.appendChild(draftCell(r));
      tb.appendChild(tr);
    });
    t.appendChild(tb);
    host.appendChild(t);
  }

  // the peers that regulate an attribute: each city's article linked in the line, the cited words folded
  function peerList(li, r) {
    var regulating = r.peers.filter(function (p) { return p.status === "有规定"; });
    regulating.forEach(function (p, k) {
      li.appendChild(document.createTextNode((k ? "、" : " ") + p.cityName));
      li.appendChild(link("第" + p.article + "条", articleUrl(p.city, p.article)));
    });
    var d = el("details", "rb-check-gapquotes");
    d.appendChild(el("summary", null, "同行原文"));
    var ul = el("ul", "rb-check-gappeers");
    regulating.forEach(function (p) {
      var item = el("li", null, p.cityName + "（" + p.value + "）：");
      if (p.quote) item.appendChild(el("q", null, p.quote));
      ul.appendChild(item);
    });
    d.appendChild(ul);
    li.appendChild(d);
  }

  function gapGroup(host, heading, rows, extra) {
    host.appendChild(el("h3", null, heading + "（" + rows.length + " 项）"));
    if (!rows.length) { host.appendChild(el("p", null, "无。")); return; }
    var ol = el("ol", "rb-check-gaplist");
    rows.forEach(function (r) {
      var li = el("li");
      li.dataset.attr = r.id;
      li.appendChild(el("strong", null, r.label));
      li.appendChild(document.createTextNode("（" + r.topicLabel + "）：" + r.regulating + " / " + r.answered + " 个同行城市规定："));
      peerList(li, r);
      if (extra) extra(li, r);
      ol.appendChild(li);
    });
    host.appendChild(ol);
  }

  function renderGaps() {
    var host = box.querySelector(".rb-check-gaps");
    host.textContent = "";
    var rows = result.gapRows;
    host.appendChild(el("p", "rb-small", "“草案未见”只在草案没有任何一句被机器判为对应或相关时列出；判为相关的另列一组，请逐项核对。"));
    gapGroup(host, "本草案已有章节中，同行普遍规定而草案未见", rows.filter(function (r) { return r.inDraft; }));
    gapGroup(host, "草案未涉及的主题中，同行普遍规定的事项", rows.filter(function (r) { return !r.inDraft; }));
    var maybe = result.attrs.filter(function (r) { return r.answered && r.regulating * 2 > r.answered && r.level === "相关"; });
    gapGroup(host, "草案或已规定、机器把握不足（相关，请核对）", maybe, function (li, r) {
      var p = el("p", "rb-check-closest", "草案最接近的是" + r.draft.label + "：");
      p.appendChild(el("q", null, r.draft.quote));
      li.appendChild(p);
    });
  }

  // The check runs in a worker (check-worker.js) so the page answers while it works, with progress and a
  // cancel button; where a worker cannot start (a page opened from file://), it runs here as before.
  var worker = null, workerBroken = false, pending = null, seq = 0;
  var cancelBtn = box.querySelector(".rb-check-cancel");
  function scriptUrls() {
    return ["rb-common.js", "check/patterns.js", "check/corpus.js", "check-engine.js"].map(function (name) {
      var s = document.querySelector('script[src*="' + name + '"]');
      return s ? s.src : null;
    });
  }
  function startWorker() {
    if (worker || workerBroken || !window.Worker) return worker;
    var urls = scriptUrls(), engine = document.querySelector('script[src*="check-engine.js"]');
    if (!engine || urls.indexOf(null) >= 0 || location.protocol === "file:") { workerBroken = true; return null; }
    try {
      worker = new Worker(engine.src.replace(/check-engine\.js(\?.*)?$/, "check-worker.js"));
    } catch (err) { workerBroken = true; return null; }
    worker.onmessage = function (e) {
      var m = e.data;
      if (m.type === "ready") box.setAttribute("data-rb-worker", "ready");
      if (!pending || m.id !== pending.id) return;
      if (m.type === "progress") status.textContent = "正在检查（" + Math.round(100 * m.done / Math.max(1, m.total)) + "%）…";
      if (m.type === "result") { var p = pending; pending = null; finish(p, m.result); }
    };
    worker.onerror = function (e) {
      e.preventDefault();
      var p = pending;
      worker.terminate(); worker = null; workerBroken = true; pending = null;
      box.setAttribute("data-rb-worker", "none");
      if (p) finish(p, window.rbCheck.check(p.draft, corpus, p.ids, qty));  // the same engine, on this thread
    };
    worker.postMessage({ type: "load", scripts: scriptUrls() });
    return worker;
  }
  function cancel() {
    if (!pending) return;
    pending = null;
    if (worker) { worker.terminate(); worker = null; }
    cancelBtn.hidden = true;
    status.textContent = "已取消检查。";
  }
  cancelBtn.addEventListener("click", cancel);

  function finish(p, r) {
    cancelBtn.hidden = true;
    result = r;
    checkedAt = new Date();
    out.hidden = false;
    renderSplit(); renderGaps(); renderTopics(); renderAttrs(); renderArticles();
    status.textContent = "已检查 " + p.draft.articles.length + " 条，对标 " + p.ids.length + " 市，用时 " + Math.round(r.ms) + " 毫秒。";
    box.setAttribute("data-check-ms", String(r.ms));
  }

  function run(resplit) {
    if (textArea.value.length > MAX_CHARS) {
      status.textContent = "草案超过 " + MAX_CHARS / 10000 + " 万字（现为 " + textArea.value.length + " 字），未检查：请分章检查。";
      return;
    }
    if (resplit) draft = window.rbCheck.split(textArea.value, table);
    if (!draft.articles.length) { status.textContent = "没有找到条文：请确认每条以“第X条”或“X、”开头。"; out.hidden = true; return; }
    var ids = peers();
    if (!ids.length) { status.textContent = "请至少选择一个对标城市。"; return; }
    if (pending) cancel();
    var p = { id: ++seq, draft: draft, ids: ids };
    var w = startWorker();
    if (!w) { finish(p, window.rbCheck.check(draft, corpus, ids, qty)); return; }
    pending = p;
    cancelBtn.hidden = false;
    status.textContent = "正在检查…";
    w.postMessage({ type: "check", id: p.id, draft: { articles: draft.articles }, peers: ids });
  }

  box.querySelector(".rb-check-run").addEventListener("click", function () { run(true); });
  // with many peers their side of the check is built while the reader pastes (see check-engine.js)
  // the worker loads its scripts and prepares the peers' side now, not when the reader asks for a check
  setTimeout(function () {
    var w = startWorker();
    if (w) w.postMessage({ type: "prepare", peers: peers() });
    else { window.rbCheck.prepare(corpus, peers()); box.setAttribute("data-rb-worker", "none"); }
  }, 0);

  // -- the report: the basket's exporter (rbDocx) when present --------------------------------------
  function report() {
    var date = checkedAt.toISOString().slice(0, 10);
    var names = result.peers.map(function (p) { return p.name; }).join("、");
    function abs(city, n) { return new URL(articleUrl(city, n), location.href).href; }
    var sections = [{ heading: "说明", paragraphs: [
      { text: "对标城市：" + names + "。检查日期：" + date + "。", kind: "body" },
      { text: "草案一栏的条文对应和数字为机器建议，须核对；同行取值引自市政府工作规则汇编的比较表。", kind: "body" }
    ] }];
    function gapText(r) {
      var cites = r.peers.filter(function (p) { return p.status === "有规定"; }).map(function (p) { return p.cityName + "第" + p.article + "条"; }).join("、");
      return { text: r.label + "（" + r.topicLabel + "）：" + r.regulating + " / " + r.answered + " 个同行城市规定（" + cites + "），草案未见。", kind: "body" };
    }
    [["本草案已有章节中，同行普遍规定而草案未见", true], ["草案未涉及的主题中，同行普遍规定的事项", false]].forEach(function (g) {
      var rows = result.gapRows.filter(function (r) { return r.inDraft === g[1]; });
      sections.push({ heading: g[0], paragraphs: rows.length ? rows.map(gapText) : [{ text: "无。", kind: "body" }] });
    });
    sections.push({ heading: "比较项对照", paragraphs: result.attrs.filter(function (r) { return r.answered; }).map(function (r) {
      var vals = r.peers.filter(function (p) { return p.status; }).map(function (p) { return p.cityName + "：" + (p.status === "有规定" ? p.value + "（第" + p.article + "条）" : "未规定"); }).join("；");
      var d = r.draft && r.level !== "无对应" ? "机器建议（" + r.level + "） " + r.draft.label + "：" + r.draft.quote : "草案未见";
      return { text: r.label + " — " + vals + "。草案：" + d, kind: "body" };
    }) });
    result.articles.forEach(function (a) {
      var paras = [{ text: a.label + "　" + a.text, kind: "body" }];
      a.peers.forEach(function (m) {
        var c = corpus.cities.filter(function (x) { return x.id === m.city; })[0];
        paras.push({ text: m.text, kind: "clause", cite: c.name + "《" + c.title + "》" + (c.doc ? "（" + c.doc + "）" : "") + m.label + "，机器判定：" + m.level, url: abs(m.city, m.n) });
      });
      sections.push({ heading: "草案" + a.label, paragraphs: paras });
    });
    return { title: "工作规则草案对标检查报告", subtitle: "对标：" + names, date: date, sections: sections };
  }

  function markdown(doc) {
    if (window.rbDocx && window.rbDocx.markdown) return window.rbDocx.markdown(doc);
    var lines = ["# " + doc.title, "", doc.subtitle || "", "", "检查日期：" + doc.date, ""];
    doc.sections.forEach(function (s) {
      lines.push("## " + s.heading, "");
      s.paragraphs.forEach(function (p) {
        lines.push((p.kind === "clause" ? "> " : "") + p.text.replace(/\n/g, p.kind === "clause" ? "\n> " : "\n"), "");
        if (p.cite) lines.push("—— " + p.cite + (p.url ? " <" + p.url + ">" : ""), "");
      });
    });
    return lines.join("\n");
  }

  function save(blob, name) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  }
  box.querySelector(".rb-check-md").addEventListener("click", function () {
    if (!result) return;
    save(new Blob([markdown(report())], { type: "text/markdown;charset=utf-8" }), "对标检查报告.md");
  });
  var docxBtn = box.querySelector(".rb-check-docx");
  // the exporter is a site-wide script that loads after this page's content
  window.addEventListener("load", function () { if (!(window.rbDocx && window.rbDocx.build)) docxBtn.hidden = true; });
  docxBtn.addEventListener("click", function () {
    if (!result || !window.rbDocx) return;
    window.rbDocx.build(report()).then(function (blob) { save(blob, "对标检查报告.docx"); });
  });
  window.rbCheckPage = { report: report, markdown: markdown };
})();
