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
      var fix = document.createElement("button");
      fix.type = "button";
      fix.className = "rb-copy rb-report";
      fix.textContent = "纠错";
      fix.title = "复制一份纠错报告（城市、条文、网址、原文），粘贴到邮件或留言中说明问题";
      fix.addEventListener("click", function () { report(art, head, fix); });
      btn.parentNode.insertBefore(fix, btn.nextSibling);
    });
  }
  // 纠错: a ready report of the article (city, article, URL, its text) to the clipboard, and, when the
  // site names a feedback address (mkdocs.yml extra.feedback_email), an e-mail holding the same report.
  function reportText(art, head) {
    var city = head.querySelector(".rb-visually-hidden");
    var label = Array.prototype.filter.call(head.childNodes, function (n) {
      return n.nodeType === 3;
    }).map(function (n) { return n.nodeValue; }).join("").trim();
    var text = Array.prototype.map.call(
      art.querySelectorAll(":scope > p:not(.rb-cite):not(.rb-missing-inline), :scope > ol.rb-items > li"),
      function (p) { return p.textContent.trim(); }).join("\n");
    return "【纠错】\n城市：" + (city ? city.textContent.trim() : "") + "\n条文：" + label +
      "\n网址：" + location.href.split("#")[0].split("?")[0] + "#" + head.id +
      "\n本站文本：\n" + text + "\n问题说明：（请写明哪里有误，以及正确的文本或依据）\n";
  }
  function report(art, head, btn) {
    var text = reportText(art, head);
    var meta = document.querySelector('meta[name="rb-feedback-email"]');
    var email = meta ? meta.getAttribute("content") : "";
    var status = art.querySelector(".rb-report-status");
    if (!status) {
      status = document.createElement("span");
      status.className = "rb-report-status";
      status.setAttribute("role", "status");
      btn.parentNode.insertBefore(status, btn.nextSibling);
    }
    btn.setAttribute("data-report", text);
    var done = function (copied) {
      status.textContent = (copied ? " 纠错报告已复制" : " 无法写入剪贴板，请手动复制下面的报告") +
        (email ? "，并已打开邮件（收件人 " + email + "）。" : "。请粘贴到邮件或留言中，说明问题后发送。");
      if (!copied) {
        var pre = document.createElement("textarea");
        pre.className = "rb-report-text";
        pre.readOnly = true;
        pre.value = text;
        pre.setAttribute("aria-label", "纠错报告");
        status.appendChild(pre);
      }
    };
    var copy = navigator.clipboard ? navigator.clipboard.writeText(text) : Promise.reject(new Error("no clipboard"));
    copy.then(function () { done(true); }, function () { done(false); });
    if (email) {
      var subject = "纠错：" + text.split("\n")[1].replace("城市：", "") + " " + text.split("\n")[2].replace("条文：", "");
      var mailto = "mailto:" + encodeURIComponent(email).replace(/%40/g, "@") + "?subject=" +
        encodeURIComponent(subject) + "&body=" + encodeURIComponent(text);
      btn.setAttribute("data-mailto", mailto);
      window.location.href = mailto;
    }
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
