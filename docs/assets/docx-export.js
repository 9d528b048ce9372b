// Word (.docx) and Markdown export of a cited draft, in the browser (npm docx, vendored: never a CDN).
// Contract shared with other pages: window.rbDocx.build(doc) -> Promise<Blob>, window.rbDocx.markdown(doc)
// -> string, where doc = {title, subtitle?, date?, sections: [{heading, paragraphs: [{heading?, text, cite?,
// url?, note?, kind?: "clause"|"body"}]}]}. A paragraph's heading (e.g. 株洲市 第四十四条) is linked to its
// url; then its text, its note (line breaks kept), its source line. All text goes into Word runs as text,
// never as markup.
(function () {
  function root() {
    var box = document.querySelector("[data-rb-root]");
    return box ? box.getAttribute("data-rb-root") : "";
  }

  function lib() {
    if (window.docx) return Promise.resolve(window.docx);
    return window.rbCommon.loadScript(root() + "assets/vendor/docx.js").then(
      function () { return window.docx; },
      function () { throw new Error("无法载入 Word 导出组件"); }
    );
  }

  // GB/T 9704 fonts, named (not embedded). East Asian text uses the first name; Latin text and Word's
  // substitution use the fallback, which every Chinese Windows/WPS install has.
  var FONTS = {
    title: { eastAsia: "方正小标宋简体", ascii: "SimSun", hAnsi: "SimSun" },   // → 宋体/SimSun
    heading: { eastAsia: "黑体", ascii: "SimHei", hAnsi: "SimHei" },
    body: { eastAsia: "仿宋_GB2312", ascii: "FangSong", hAnsi: "FangSong" },  // → 仿宋/FangSong
    note: { eastAsia: "楷体_GB2312", ascii: "KaiTi", hAnsi: "KaiTi" },
  };

  function styles() {
    // Sizes in half-points: 二号 22pt title, 三号 16pt headings and body, 四号 14pt source lines.
    function style(id, name, font, size, extra) {
      var s = { id: id, name: name, basedOn: "Normal", next: "Normal", quickFormat: true,
        run: { font: font, size: size }, paragraph: { spacing: { line: 560, lineRule: "exact" } } };
      if (extra) Object.keys(extra).forEach(function (k) { s.paragraph[k] = extra[k]; });
      return s;
    }
    return {
      default: { document: { run: { font: FONTS.body, size: 32 } } },
      paragraphStyles: [
        style("RbTitle", "公文标题（方正小标宋简体）", FONTS.title, 44, { alignment: "center", spacing: { after: 240 } }),
        style("RbSubtitle", "副标题（楷体）", FONTS.note, 32, { alignment: "center" }),
        style("RbHeading", "一级标题（黑体）", FONTS.heading, 32, { outlineLevel: 0, spacing: { before: 240, line: 560, lineRule: "exact" } }),
        style("RbHeading2", "二级标题（楷体）", FONTS.note, 32, { outlineLevel: 1, spacing: { before: 120, line: 560, lineRule: "exact" } }),
        style("RbBody", "正文（仿宋_GB2312）", FONTS.body, 32, { indent: { firstLine: 640 } }),
        style("RbCite", "出处（仿宋_GB2312）", FONTS.body, 28, { indent: { left: 640 } }),
        style("RbNote", "备注（楷体_GB2312）", FONTS.note, 28, { indent: { left: 640 } }),
      ],
    };
  }

  function build(doc) {
    return lib().then(function (d) {
      function para(styleId, text) {
        return new d.Paragraph({ style: styleId, children: [new d.TextRun({ text: String(text) })] });
      }
      var children = [para("RbTitle", doc.title)];
      if (doc.subtitle) children.push(para("RbSubtitle", doc.subtitle));
      if (doc.date) children.push(para("RbSubtitle", doc.date));
      (doc.sections || []).forEach(function (sec) {
        // Our own heading style (outline level 1, so Word's navigation pane lists it).
        children.push(para("RbHeading", sec.heading));
        (sec.paragraphs || []).forEach(function (p) {
          if (p.heading) {
            var title = new d.TextRun({ text: String(p.heading), style: p.url ? "Hyperlink" : undefined });
            children.push(new d.Paragraph({ style: "RbHeading2",
              children: [p.url ? new d.ExternalHyperlink({ link: p.url, children: [title] }) : title] }));
          }
          String(p.text).split("\n").forEach(function (line) { children.push(para("RbBody", line)); });
          // a note keeps its line breaks: one paragraph per line
          if (p.note) String(p.note).split(/\r\n|\r|\n/).forEach(function (line, i) {
            children.push(para("RbNote", (i ? "" : "备注：") + line));
          });
          if (p.cite) {
            var runs = [new d.TextRun({ text: "（出处：" + p.cite })];
            if (p.url) runs.push(new d.TextRun({ text: " " }), new d.ExternalHyperlink({ link: p.url,
              children: [new d.TextRun({ text: p.url, style: "Hyperlink" })] }));
            runs.push(new d.TextRun({ text: "）" }));
            children.push(new d.Paragraph({ style: "RbCite", children: runs }));
          }
        });
      });
      var footer = new d.Footer({ children: [new d.Paragraph({ alignment: d.AlignmentType.CENTER,
        children: [new d.TextRun({ children: ["— ", d.PageNumber.CURRENT, " —"], font: FONTS.body, size: 28 })] })] });
      var document_ = new d.Document({
        creator: "市政府工作规则汇编 · 起草助手",
        title: String(doc.title),
        styles: styles(),
        sections: [{
          // A4 with GB/T 9704 margins: top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (in twips).
          properties: { page: { size: { width: 11906, height: 16838 },
            margin: { top: 2098, bottom: 1984, left: 1588, right: 1474 } } },
          footers: { default: footer },
          children: children,
        }],
      });
      return d.Packer.toBlob(document_);
    });
  }

  function mdEscape(text) { return String(text).replace(/([\\`*_\[\]<>#|])/g, "\\$1"); }

  function markdown(doc) {
    var out = ["# " + mdEscape(doc.title), ""];
    if (doc.subtitle) out.push(mdEscape(doc.subtitle), "");
    if (doc.date) out.push(mdEscape(doc.date), "");
    (doc.sections || []).forEach(function (sec) {
      out.push("## " + mdEscape(sec.heading), "");
      (sec.paragraphs || []).forEach(function (p) {
        if (p.heading) out.push("### " + (p.url ? "[" + mdEscape(p.heading) + "](<" + p.url + ">)" : mdEscape(p.heading)), "");
        String(p.text).split("\n").forEach(function (line) { out.push(mdEscape(line), ""); });
        // a note keeps its line breaks: every line quoted (a bare line would end the quote)
        if (p.note) {
          out.push(String(p.note).split(/\r\n|\r|\n/).map(function (line, i) {
            return "> " + (i ? "" : "备注：") + mdEscape(line);
          }).join("\n>\n"), "");
        }
        if (p.cite) out.push("> 出处：" + mdEscape(p.cite) + (p.url ? " <" + p.url + ">" : ""), "");
      });
    });
    return out.join("\n");
  }

  window.rbDocx = { build: build, markdown: markdown };
})();
