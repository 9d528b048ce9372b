// 城市一览 (cities/): the filter box narrows the list of cities as the reader types. Without JS the
// form stays hidden and the page is the plain list by province. Only textContent and hidden are set.
(function () {
  function init() {
    var form = document.querySelector("form.rb-city-filter");
    if (!form || form.getAttribute("data-ready")) return;
    form.setAttribute("data-ready", "1");
    var input = form.querySelector("input");
    var status = form.querySelector(".rb-city-count");
    var none = document.querySelector(".rb-city-none");
    var sections = Array.prototype.slice.call(document.querySelectorAll(".rb-province"));
    var rows = Array.prototype.slice.call(document.querySelectorAll(".rb-city-row"));
    var keys = rows.map(function (r) { return (r.getAttribute("data-filter") || "").toLowerCase(); });
    function apply() {
      // Every word typed must occur (城市名、省份、层级 or slug): "湖南 县级" narrows twice.
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row, i) {
        var hit = words.every(function (w) { return keys[i].indexOf(w) >= 0; });
        row.hidden = !hit;
        if (hit) shown += 1;
      });
      sections.forEach(function (s) { s.hidden = !s.querySelector(".rb-city-row:not([hidden])"); });
      if (none) none.hidden = shown > 0;
      status.textContent = words.length ? "显示 " + shown + " / " + rows.length + " 个城市" : "共 " + rows.length + " 个城市";
    }
    input.addEventListener("input", apply);
    form.addEventListener("submit", function (e) {
      // Enter opens the city when the filter leaves exactly one.
      e.preventDefault();
      var left = rows.filter(function (r) { return !r.hidden; });
      if (left.length === 1) location.href = left[0].querySelector("a").href;
    });
    form.hidden = false;
    apply();
  }
  if (window.document$) window.document$.subscribe(init); else document.addEventListener("DOMContentLoaded", init);
})();
