// 修订对照's exports, in the browser: the 对照表 as Word (.docx, npm docx), Excel (.xlsx, npm ExcelJS) and
// Markdown. Both libraries are vendored (never a CDN) and loaded only when a reader asks for a file.
// window.rbReviseExport.{docx, xlsx}(doc) -> Promise<Blob>, .markdown(doc) -> string, where
// doc = {title, summary, rows: [{kind, oldLabel, newLabel, oldText, newText, diff, note}]} (rows as
// rbRevise.compare makes them, with the 修改说明 as `note`). Every text goes in as text, never markup.
(function () {
  "use strict";
  function root() {
    var box = document.querySelector("[data-rb-root]");
    return box ? box.getAttribute("data-rb-root") : "";
  }
  function vendor(name, global) {
    if (window[global]) return Promise.resolve(window[global]);
    return window.rbCommon.loadScript(root() + "assets/vendor/" + name).then(
      function () { return window[global]; },
      function () { throw new Error("无法载入导出组件 " + name); }
    );
  }

  var HEAD = ["现行条文", "修订草案", "修改说明"];

  // A cell's runs: [{text, strike?, underline?}], the label first; the old side keeps deletions (struck
  // through), the new side insertions (underlined), as Chinese 对照表 print them.
  function runs(r, side) {
    var label = side === "old" ? r.oldLabel : r.newLabel, text = side === "old" ? r.oldText : r.newText;
    if (text === null || text === undefined) return [{ text: side === "old" ? "（无）" : "（删除）" }];
    var out = [{ text: label + "　", bold: true }];
    if (!r.diff) { out.push({ text: text }); return out; }
    r.diff.forEach(function (p) {
      if (p[0] === 0) out.push({ text: p[1] });
      else if (side === "old" && p[0] < 0) out.push({ text: p[1], strike: true });
      else if (side === "new" && p[0] > 0) out.push({ text: p[1], underline: true });
    });
    return out;
  }

  // Runs cut into lines (an article's paragraphs): [[run, …], …].
  function lines(list) {
    var out = [[]];
    list.forEach(function (run) {
      String(run.text).split("\n").forEach(function (piece, k) {
        if (k > 0) out.push([]);
        if (piece) out[out.length - 1].push(Object.assign({}, run, { text: piece }));
      });
    });
    return out;
  }

  // GB/T 9704: 黑体 for the header row, 仿宋_GB2312 for the text, 方正小标宋简体 for the title (named, not
  // embedded; the Latin fallbacks are on every Chinese Windows/WPS install).
  var FONTS = {
    title: { eastAsia: "方正小标宋简体", ascii: "SimSun", hAnsi: "SimSun" },
    heading: { eastAsia: "黑体", ascii: "SimHei", hAnsi: "SimHei" },
    body: { eastAsia: "仿宋_GB2312", ascii: "FangSong", hAnsi: "FangSong" },
  };

  function docx(doc) {
    return vendor("docx.js", "docx").then(function (d) {
      function para(list, font, size, extra) {
        return new d.Paragraph(Object.assign({
          children: list.map(function (x) {
            return new d.TextRun({ text: x.text, font: font, size: size, bold: !!x.bold, strike: !!x.strike,
              underline: x.underline ? { type: d.UnderlineType.SINGLE } : undefined });
          }),
        }, extra || {}));
      }
      function cell(list, font, size, width) {
        return new d.TableCell({ width: { size: width, type: d.WidthType.DXA },
          children: lines(list).map(function (l) { return para(l, font, size); }) });
      }
      // landscape A4 less GB/T 9704 margins (28 + 26 mm sides): 16838 - 1588 - 1474 twips of text width
      var widths = [5800, 5800, 2176];
      var header = new d.TableRow({ tableHeader: true, cantSplit: true, children: HEAD.map(function (h, k) {
        return cell([{ text: h }], FONTS.heading, 28, widths[k]);
      }) });
      var body = doc.rows.map(function (r) {
        return new d.TableRow({ children: [
          cell(runs(r, "old"), FONTS.body, 24, widths[0]),
          cell(runs(r, "new"), FONTS.body, 24, widths[1]),
          cell([{ text: r.note || "" }], FONTS.body, 24, widths[2]),
        ] });
      });
      var table = new d.Table({ rows: [header].concat(body), width: { size: 13776, type: d.WidthType.DXA },
        columnWidths: widths, layout: d.TableLayoutType.FIXED });
      var document_ = new d.Document({
        creator: "市政府工作规则汇编 · 修订对照",
        title: String(doc.title),
        sections: [{
          properties: { page: {
            size: { width: 11906, height: 16838, orientation: d.PageOrientation.LANDSCAPE },
            margin: { top: 1588, bottom: 1474, left: 1588, right: 1474 },
          } },
          children: [
            para([{ text: doc.title }], FONTS.title, 44, { alignment: d.AlignmentType.CENTER, spacing: { after: 240 } }),
            para([{ text: doc.summary }], FONTS.body, 28, { alignment: d.AlignmentType.CENTER, spacing: { after: 240 } }),
            table,
          ],
        }],
      });
      return d.Packer.toBlob(document_);
    });
  }

  function xlsx(doc) {
    return vendor("exceljs.min.js", "ExcelJS").then(function (E) {
      var wb = new E.Workbook();
      wb.creator = "市政府工作规则汇编 · 修订对照";
      var ws = wb.addWorksheet("对照表", { views: [{ state: "frozen", ySplit: 1 }] });
      ws.columns = [
        { header: "序号", key: "k", width: 6 },
        { header: "类型", key: "kind", width: 8 },
        { header: "现行条次", key: "oldLabel", width: 12 },
        { header: "现行条文", key: "old", width: 60 },
        { header: "修订条次", key: "newLabel", width: 12 },
        { header: "修订草案", key: "new", width: 60 },
        { header: "修改说明", key: "note", width: 30 },
      ];
      ws.getRow(1).font = { bold: true, name: "黑体" };
      function rich(r, side) {
        var list = runs(r, side).slice(r[side === "old" ? "oldText" : "newText"] == null ? 0 : 1);
        return { richText: list.map(function (x) {
          var font = { name: "仿宋" };
          if (x.strike) font.strike = true;
          if (x.underline) font.underline = true;
          return { text: x.text, font: font };
        }) };
      }
      doc.rows.forEach(function (r, k) {
        var row = ws.addRow({ k: k + 1, kind: r.kind, oldLabel: r.oldLabel || "", old: rich(r, "old"),
          newLabel: r.newLabel || "", new: rich(r, "new"), note: r.note || "" });
        row.alignment = { wrapText: true, vertical: "top" };
      });
      return wb.xlsx.writeBuffer().then(function (buf) {
        return new Blob([buf], { type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" });
      });
    });
  }

  function mdEscape(text) { return String(text).replace(/([\\`*_\[\]<>#|~])/g, "\\$1").replace(/\n/g, "<br>"); }

  function markdown(doc) {
    function cellText(r, side) {
      return runs(r, side).map(function (x) {
        var t = mdEscape(x.text);
        if (x.bold) return "**" + t.trim() + "** ";
        if (x.strike) return "~~" + t + "~~";
        if (x.underline) return "<ins>" + t + "</ins>";
        return t;
      }).join("");
    }
    var out = ["# " + mdEscape(doc.title), "", mdEscape(doc.summary) + "。", "", "| 类型 | " + HEAD.join(" | ") + " |", "|---|---|---|---|"];
    doc.rows.forEach(function (r) {
      out.push("| " + r.kind + " | " + cellText(r, "old") + " | " + cellText(r, "new") + " | " + mdEscape(r.note || "") + " |");
    });
    out.push("", "删除的文字加删除线（~~ ~~），增加的文字加下划线（<ins>）；条文配对为机器比对，请核对。", "");
    return out.join("\n");
  }

  window.rbReviseExport = { docx: docx, xlsx: xlsx, markdown: markdown, runs: runs };
})();
