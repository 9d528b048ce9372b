// Adds a "copy citation" button to each article; without JS the citation text stays visible.
(function () {
  function init() {
    // Wide tables scroll sideways: make their scroll boxes reachable by keyboard, named by the caption.
    requestAnimationFrame(function () {
      document.querySelectorAll(".md-typeset__scrollwrap:not([tabindex])").forEach(function (w) {
        var caption = w.querySelector("caption");
        w.tabIndex = 0;
        w.setAttribute("role", "region");
        w.setAttribute("aria-label", caption ? caption.textContent : "表格");
      });
    });
    document.querySelectorAll(".rb-article").forEach(function (art) {
      var cite = art.querySelector(".rb-cite-text");
      var head = art.querySelector("h3[id]");
      if (!cite || !head || art.querySelector(".rb-copy")) return;
      var btn = document.createElement("button");
      btn.type = "button";
      btn.className = "rb-copy";
      btn.textContent = "复制引用";
      btn.addEventListener("click", function () {
        var url = location.href.split("#")[0] + "#" + head.id;
        var text = cite.textContent + " " + url;
        if (navigator.clipboard) navigator.clipboard.writeText(text);
        btn.textContent = "已复制";
        setTimeout(function () { btn.textContent = "复制引用"; }, 1500);
      });
      cite.parentNode.insertBefore(btn, cite.nextSibling);
    });
  }
  if (window.document$) window.document$.subscribe(init); else document.addEventListener("DOMContentLoaded", init);
  // Printing from the browser: show what collapsed <details> hold (notices, 版记, long 校勘记 rows).
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });
})();
