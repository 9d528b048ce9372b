// Renders the approval-chain flowcharts with the site's own copy of Mermaid (no CDN).
// The diagram source is generated in Python (rulebook/chains.py); the table under each chart
// carries the same content for readers without JavaScript, screen readers and print.
(function () {
  "use strict";
  var counter = 0;
  // "Open full size": the rendered SVG on its own, in a new tab, where the browser can zoom it.
  function addFullSize(el, svg) {
    var fig = el.closest("figure");
    if (!fig || fig.querySelector(".rb-chart-tools") || typeof Blob === "undefined") return;
    var url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
    var p = document.createElement("p");
    p.className = "rb-chart-tools";
    var a = document.createElement("a");
    a.href = url;
    a.target = "_blank";
    a.rel = "noopener";
    a.textContent = "在新标签页打开原尺寸流程图（可缩放）";
    p.appendChild(a);
    fig.appendChild(p);
  }
  function init() {
    var charts = document.querySelectorAll(".rb-chart:not([data-rendered])");
    if (!charts.length || typeof mermaid === "undefined") return;
    mermaid.initialize({
      startOnLoad: false,
      securityLevel: "loose",   // lets a step link to its article; labels are escaped at build time
      theme: "neutral",
      // WenQuanYi first: it embeds in PDFs as a CID TrueType font (Noto CJK becomes Type 3).
      fontFamily: '"WenQuanYi Zen Hei", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif',
      flowchart: { htmlLabels: true, useMaxWidth: false, wrappingWidth: 160 }
    });
    charts.forEach(function (el) {
      var src = el.querySelector(".rb-mermaid-src").textContent;
      var id = "rb-chart-" + (++counter);
      mermaid.render(id, src).then(function (out) {
        el.innerHTML = out.svg;
        if (out.bindFunctions) out.bindFunctions(el);
        addFullSize(el, out.svg);
        // A chart wider than the page scrolls sideways: keyboard users must reach that scroll box.
        if (el.scrollWidth > el.clientWidth) el.tabIndex = 0;
        el.setAttribute("data-rendered", "1");
      }).catch(function (err) {
        el.setAttribute("data-rendered", "error");
        console.error("chart failed", err);
      });
    });
  }
  if (window.document$) window.document$.subscribe(init); else document.addEventListener("DOMContentLoaded", init);
})();
