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
  // Large corpora: a city page's 他市对应条文 lists are not in its HTML (rulebook/views/similar.py similar_files);
  // the city's script is loaded when a reader first opens one, and fills every list of the page.
  function fillSimilar(source, rows) {
    var href = source.getAttribute("data-href");
    document.querySelectorAll("details.rb-similar[data-n]").forEach(function (d) {
      if (d.classList.contains("rb-filled")) return;
      var ul = document.createElement("ul");
      (rows[d.getAttribute("data-n")] || []).forEach(function (m) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = href.replace("{c}", m[0]).replace("{n}", String(m[1]));
        a.textContent = m[2];
        var score = document.createElement("span");
        score.className = "rb-level" + (m[3] === "对应" ? " rb-level-same" : " rb-level-related");
        score.title = "机器比对的级别：对应＝同一规定，相关＝同一主题的其他事项";
        score.textContent = String(m[3]);
        var snip = document.createElement("span");
        snip.className = "rb-snippet";
        snip.textContent = m[4];
        li.append(a, " ", score, " ", snip);
        ul.appendChild(li);
      });
      d.appendChild(ul);
      d.classList.add("rb-filled");
      d.classList.remove("rb-failed");
    });
    document.dispatchEvent(new CustomEvent("rb-similar-loaded"));
  }
  function lazySimilar() {
    var source = document.querySelector(".rb-similar-source[data-src]");
    if (!source) return;
    var requested = false;
    function load() {
      if (requested) return;
      requested = true;
      window.rbSimilar = function (slug, rows) { fillSimilar(source, rows); };
      var s = document.createElement("script");
      s.src = source.getAttribute("data-src");
      s.onerror = function () {
        requested = false;
        s.remove();
        document.querySelectorAll("details.rb-similar[data-n]").forEach(function (d) { d.classList.add("rb-failed"); });
      };
      document.head.appendChild(s);
    }
    document.querySelectorAll("details.rb-similar[data-n]").forEach(function (d) {
      d.addEventListener("toggle", function () { if (d.open) load(); });
      if (d.open) load();
    });
  }
  // 逐条对照 scrolls in its own box, so its header row (the cities) and first column stay in view (CSS
  // position: sticky). When a reader scrolls inside the box while its top is under the site header,
  // bring the whole box into view once, so the sticky header row is not hidden behind the site header.
  function pinConcordance() {
    document.querySelectorAll(".rb-concordance-scroll").forEach(function (box) {
      if (box.rbPinned) return;
      box.rbPinned = true;
      var last = box.scrollTop;
      box.addEventListener("scroll", function () {
        if (box.scrollTop === last) return;  // a sideways scroll
        last = box.scrollTop;
        var header = document.querySelector(".md-header");
        var top = header ? header.getBoundingClientRect().bottom : 0;
        var rect = box.getBoundingClientRect();
        if (rect.top < top - 1 && rect.bottom > top) window.scrollBy(0, rect.top - top);
      }, { passive: true });
    });
  }
  if (window.document$) {
    window.document$.subscribe(pinConcordance);
    window.document$.subscribe(init);
    window.document$.subscribe(lazySimilar);
  } else {
    document.addEventListener("DOMContentLoaded", pinConcordance);
    document.addEventListener("DOMContentLoaded", init);
    document.addEventListener("DOMContentLoaded", lazySimilar);
  }
  // Printing from the browser: show what collapsed <details> hold (notices, 版记, long 校勘记 rows).
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });
})();
