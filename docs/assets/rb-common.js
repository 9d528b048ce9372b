// What the site's scripts share (window.rbCommon): el() and loadScript() for the pages, and the Chinese
// numerals of rulebook/model/numerals.py (cn_to_int, int_to_cn, article_number), which the engines use.
// A plain <script>, first in mkdocs.yml's extra_javascript (and before check-engine.js on the 对标检查
// page); in Node a CommonJS module (tests/js/ check the numerals against tables the Python writes).
// Nothing here touches the DOM while loading.
(function (global) {
  "use strict";
  if (global.rbCommon) {  // loaded twice (a page that lists it and the site-wide list): keep the first
    if (typeof module === "object" && module && module.exports) module.exports = global.rbCommon;
    return;
  }

  // --- the DOM ----------------------------------------------------------------------------------------
  // An element with a class and a text (set as textContent: never markup). el("p"), el("p", "cls"),
  // el("p", null, "text"), el("p", "cls", "text").
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  // A script file, once per URL (a <script src>, which works from file:// where fetch() does not; the
  // build writes data as scripts that call a registered global). A failed load is forgotten, so a
  // later call tries again; the promise rejects with an Error whose message names the file.
  var scripts = {};
  function loadScript(src) {
    if (!scripts[src]) {
      scripts[src] = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = src;
        s.onload = function () { resolve(); };
        s.onerror = function () { delete scripts[src]; s.remove(); reject(new Error("无法载入 " + src)); };
        document.head.appendChild(s);
      });
    }
    return scripts[src];
  }

  // --- Chinese numerals (rulebook/model/numerals.py) ----------------------------------------------------
  var DIGITS = { "零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9 };
  var UNITS = { "十": 10, "百": 100, "千": 1000 };
  var NAMES = "零一二三四五六七八九";
  // A decimal digit of any script, as Python's str.isdigit() and int() read 35 and full-width ３５ alike.
  var DECIMAL = new RegExp("^\\p{Nd}+$", "u"), ONE_DECIMAL = new RegExp("^\\p{Nd}$", "u");

  // The value of a decimal digit: Unicode encodes each script's digits 0..9 as one run of code points.
  function digitValue(cp) {
    var zero = cp;
    while (ONE_DECIMAL.test(String.fromCodePoint(zero - 1))) zero--;
    return (cp - zero) % 10;
  }

  // '三十五' -> 35, '一百零二' -> 102, '十' -> 10, '35' and '３５' -> 35; NaN where Python raises ValueError.
  function cnToInt(text) {
    var chars = Array.from(text);  // code points, as Python iterates a str
    if (DECIMAL.test(text)) {
      return chars.reduce(function (n, ch) { return n * 10 + digitValue(ch.codePointAt(0)); }, 0);
    }
    var total = 0, digit = null;
    for (var i = 0; i < chars.length; i++) {
      var ch = chars[i];
      if (Object.prototype.hasOwnProperty.call(DIGITS, ch)) digit = DIGITS[ch];
      else if (Object.prototype.hasOwnProperty.call(UNITS, ch)) { total += (digit === null ? 1 : digit) * UNITS[ch]; digit = null; }
      else return NaN;
    }
    return total + (digit || 0);
  }

  // 35 -> '三十五', 10 -> '十', 102 -> '一百零二' (article numbering style); 1..999, else null (Python raises).
  function intToCn(n) {
    if (!(n > 0 && n < 1000) || n !== Math.floor(n)) return null;
    var hundreds = Math.floor(n / 100), rest = n % 100, tens = Math.floor(rest / 10), ones = rest % 10, out = "";
    if (hundreds) { out += NAMES[hundreds] + "百"; if (rest && tens === 0) out += "零"; }
    if (tens) out += (tens === 1 && !hundreds ? "" : NAMES[tens]) + "十";
    if (ones) out += NAMES[ones];
    return out;
  }

  // 44 -> 第四十四条: an article as a citation names it (numerals.article_number).
  function articleNumber(n) { return "第" + intToCn(n) + "条"; }

  var api = { el: el, loadScript: loadScript, cnToInt: cnToInt, intToCn: intToCn, articleNumber: articleNumber };
  global.rbCommon = api;
  if (typeof module === "object" && module && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
